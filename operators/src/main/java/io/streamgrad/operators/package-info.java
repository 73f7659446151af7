/**
 * Online training inside Flink: {@link io.streamgrad.operators.OnlineTraining} adds the trainer to
 * a keyed stream of {@link io.streamgrad.operators.Example}s, configured by
 * {@link io.streamgrad.operators.OnlineTrainerConfig}; it emits
 * {@link io.streamgrad.operators.LossMetric}s, {@link io.streamgrad.operators.SnapshotRecord}s and
 * {@link io.streamgrad.operators.DeadLetter}s.
 */
package io.streamgrad.operators;
