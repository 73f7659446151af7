/**
 * {@code operator} and {@code many-keys}: the trainer operator driven through Flink's keyed test
 * harness, against a bare training step, on the heap and RocksDB backends, printed as tables.
 */
package io.streamgrad.bench.operator;
