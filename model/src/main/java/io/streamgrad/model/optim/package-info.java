/**
 * Optimizers (Keras 3 update rules) with their slot state, gradient clipping and weight decay; each rule states its formula and the Keras source file it follows.
 * {@link io.streamgrad.model.optim.TouchedRows} restricts an update to the rows of a sparse embedding (our extension).
 */
package io.streamgrad.model.optim;
