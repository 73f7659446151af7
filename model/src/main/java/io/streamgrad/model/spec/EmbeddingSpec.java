package io.streamgrad.model.spec;

/**
 * Keras {@code Embedding(depth, outputDim, embeddings_regularizer)} followed by {@code Flatten}.
 * {@code sparseUpdates} (our extension, off by default, not Keras): an optimizer step changes only
 * the rows the batch looked up ({@code docs/semantics.md}, StreamGrad extensions).
 */
public record EmbeddingSpec(int outputDim, RegularizerSpec regularizer, boolean sparseUpdates) {
    public EmbeddingSpec {
        Check.positive("outputDim", outputDim);
    }

    /** A Keras embedding: every row updated at every step. */
    public EmbeddingSpec(int outputDim, RegularizerSpec regularizer) {
        this(outputDim, regularizer, false);
    }
}
