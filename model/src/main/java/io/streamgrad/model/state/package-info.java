/**
 * Everything needed to resume a model exactly (weights, BatchNormalization statistics, optimizer slots, counters, random state, early stopping) and its one versioned binary codec.
 */
package io.streamgrad.model.state;
