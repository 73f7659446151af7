/**
 * {@code pipeline}, {@code scoring-pipeline} and {@code freshness}: the real training and scoring jobs on an
 * embedded broker and a local Flink environment, each training stage alone on the same data, and JFR profiles
 * of where the CPU time goes.
 */
package io.streamgrad.bench.pipeline;
