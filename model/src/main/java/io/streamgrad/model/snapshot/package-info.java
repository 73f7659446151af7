/**
 * Published models: {@link io.streamgrad.model.snapshot.ModelSnapshot}, built from a live state
 * by {@link io.streamgrad.model.snapshot.SnapshotBuilder} and written and read as
 * {@code streamgrad-snapshot/1} JSON by {@link io.streamgrad.model.snapshot.SnapshotJson} alone.
 */
package io.streamgrad.model.snapshot;
