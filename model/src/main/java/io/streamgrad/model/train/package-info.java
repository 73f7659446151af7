/**
 * One deterministic training step (forward, loss, backward, optimizer update with the scheduled rate), mini-batches, step results, the non-finite update guard and early stopping.
 */
package io.streamgrad.model.train;
