/**
 * Kafka around the job: checks at start, an embedded broker for the demo and tests, and the job's Kafka source
 * made to end after a restore when its input is bounded.
 */
package io.streamgrad.jobs.kafka;
