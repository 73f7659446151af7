/**
 * Delayed labels in the training job ({@code labels:} in the job YAML): unlabelled events are
 * predicted by the trainer and joined by event id with labels arriving later on their own topic
 * ({@link io.streamgrad.operators.labels.LabelJoin}); the joined examples train the same trainer,
 * in an order fixed by the data. {@link io.streamgrad.jobs.labels.DelayedLabels} wires it.
 */
package io.streamgrad.jobs.labels;
