/**
 * Everything needed to resume a model exactly ({@link io.streamgrad.model.state.ModelState}: weights,
 * BatchNormalization statistics, optimizer slots, counters, random state, early stopping, front-end
 * vocabularies, statistics and candidate counts) and its one versioned binary codec and JSON form.
 */
package io.streamgrad.model.state;
