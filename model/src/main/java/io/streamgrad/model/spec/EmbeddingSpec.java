package io.streamgrad.model.spec;

/** Keras {@code Embedding(depth, outputDim, embeddings_regularizer)} followed by {@code Flatten}. */
public record EmbeddingSpec(int outputDim, RegularizerSpec regularizer) {
    public EmbeddingSpec {
        Check.positive("outputDim", outputDim);
    }
}
