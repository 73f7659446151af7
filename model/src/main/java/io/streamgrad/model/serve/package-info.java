/**
 * Inference without Flink: {@link io.streamgrad.model.serve.Predictor} loads a published model
 * (snapshot JSON or the binary state with its specification) and predicts in inference mode,
 * thread-safe; {@link io.streamgrad.model.serve.OutputKind} turns raw outputs into a class.
 */
package io.streamgrad.model.serve;
