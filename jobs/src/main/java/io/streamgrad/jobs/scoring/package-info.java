/**
 * The pieces of the scoring job ({@code streamgrad score}): event and snapshot deserializers that
 * never throw, and the Kafka endpoints with the job's client settings.
 */
package io.streamgrad.jobs.scoring;
