/**
 * The trainer operator's per-key logic without Flink lifecycle: validation, mini-batching, loss
 * aggregation, snapshot policy and the operator's Flink metrics.
 */
package io.streamgrad.operators.training;
