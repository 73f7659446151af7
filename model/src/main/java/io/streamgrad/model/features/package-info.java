/**
 * The feature front-end (§12 of {@code docs/semantics.md}): raw named values of a batch
 * ({@link io.streamgrad.model.features.FeatureBatch}) turned into the trunk input by Keras-exact
 * Normalization, lookups, FarmHash hashing, embeddings and one-hot encodings
 * ({@link io.streamgrad.model.features.FrontEnd}).
 */
package io.streamgrad.model.features;
