/**
 * The online training job: {@link io.streamgrad.jobs.OnlineTrainingJob} wires Kafka input, parsing,
 * the keyed trainer operator and the Kafka sinks; {@link io.streamgrad.jobs.WarmStarts} loads
 * snapshots to resume from.
 */
package io.streamgrad.jobs;
