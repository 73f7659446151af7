/**
 * {@code embeddings}: the per-step cost of training an embedding against its vocabulary size, with
 * Keras' dense updates and with our opt-in sparse updates; one JSON line per configuration.
 */
package io.streamgrad.bench.embedding;
