/**
 * The job's Kafka record serializers (metrics, snapshots, dead letters as JSON) and the start-time check of record sizes against the producer limit.
 */
package io.streamgrad.jobs.sink;
