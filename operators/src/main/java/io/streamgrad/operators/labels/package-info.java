/**
 * Delayed labels: {@link io.streamgrad.operators.labels.LabelJoin} pairs scored events with label
 * records that arrive later (by event id, within an event-time horizon) and emits training
 * {@link io.streamgrad.operators.Example}s carrying the features exactly as they were scored.
 */
package io.streamgrad.operators.labels;
