/**
 * Small deterministic utilities of the engine (a checkpointable random number generator).
 */
package io.streamgrad.model.util;
