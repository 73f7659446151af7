/**
 * Runtime of {@code ML_PREDICT} with a {@code streamgrad} model: the mapping between SQL rows and model
 * rows, the live set of newest snapshots per key, and the predict function that scores with them.
 */
package io.streamgrad.sql.predict;
