/**
 * Kafka around the job: the embedded KRaft broker of the demo and tests, the start-time checks against the user's broker, and the bounded Kafka source that also ends after a restore.
 */
package io.streamgrad.jobs.kafka;
