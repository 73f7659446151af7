/**
 * Training from Flink SQL: the {@code STREAMGRAD_TRAIN} process table function, which trains one model
 * per partition key with the DataStream trainer's engine and building blocks, and its planning.
 */
package io.streamgrad.sql.train;
