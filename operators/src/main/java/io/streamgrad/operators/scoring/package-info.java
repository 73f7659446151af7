/**
 * The scoring operator's parts without Flink lifecycle: admission of published models, the
 * keyed model state (serializer, cache), events held until their key's first model, the shared
 * construction of prediction records, and the operator's metrics.
 */
package io.streamgrad.operators.scoring;
