/** Flink SQL integration: the {@code streamgrad} model provider behind {@code CREATE MODEL} and {@code ML_PREDICT}. */
package io.streamgrad.sql;
