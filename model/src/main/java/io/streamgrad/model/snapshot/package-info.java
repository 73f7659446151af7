/**
 * Published models: {@link io.streamgrad.model.snapshot.ModelSnapshot}, built from a live state
 * by {@link io.streamgrad.model.snapshot.SnapshotBuilder}, written and read as
 * {@code streamgrad-snapshot/1} JSON by {@link io.streamgrad.model.snapshot.SnapshotJson} alone,
 * and summarised for people by {@link io.streamgrad.model.snapshot.SnapshotSummary}.
 */
package io.streamgrad.model.snapshot;
