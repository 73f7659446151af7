/**
 * The engine-throughput harness behind {@code streamgrad bench}: the W1/W2/W3 reference workloads and
 * a multi-threaded loop of full training steps on synthetic data, so users can time their own model.
 */
package io.streamgrad.model.bench;
