/**
 * Flink SQL integration: the {@code streamgrad} model provider behind {@code CREATE MODEL} and {@code ML_PREDICT};
 * training from SQL is in {@code io.streamgrad.sql.train}.
 */
package io.streamgrad.sql;
