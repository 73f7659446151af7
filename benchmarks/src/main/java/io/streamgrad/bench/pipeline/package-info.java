/**
 * {@code pipeline}: the whole Kafka -> Flink -> train -> Kafka path on an embedded broker and a local
 * Flink environment, each stage alone on the same data, and a JFR profile of where the CPU time goes.
 */
package io.streamgrad.bench.pipeline;
