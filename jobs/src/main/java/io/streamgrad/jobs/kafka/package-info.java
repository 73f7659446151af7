/**
 * Kafka around the job: the embedded KRaft broker of the demo and tests, and the start-time checks against the user's broker.
 */
package io.streamgrad.jobs.kafka;
