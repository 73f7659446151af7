/**
 * Online training and scoring inside Flink: {@link io.streamgrad.operators.OnlineTraining} adds
 * the trainer to a keyed stream of {@link io.streamgrad.operators.Example}s, configured by
 * {@link io.streamgrad.operators.OnlineTrainerConfig}; it emits
 * {@link io.streamgrad.operators.LossMetric}s, {@link io.streamgrad.operators.SnapshotRecord}s,
 * {@link io.streamgrad.operators.DeadLetter}s and, with
 * {@link io.streamgrad.operators.TrainerPredictions}, predictions of its live models.
 * {@link io.streamgrad.operators.OnlineScoring} scores events with the newest snapshot of their
 * key as {@link io.streamgrad.operators.PredictionRecord}s.
 */
package io.streamgrad.operators;
