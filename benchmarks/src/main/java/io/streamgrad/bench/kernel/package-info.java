/** {@code kernels}: JMH micro-benchmarks of the dense-layer kernels on every kernel path. */
package io.streamgrad.bench.kernel;
