/**
 * Optimizers (Keras 3 update rules) with their slot state, gradient clipping and weight decay; each rule states its formula and the Keras source file it follows.
 */
package io.streamgrad.model.optim;
