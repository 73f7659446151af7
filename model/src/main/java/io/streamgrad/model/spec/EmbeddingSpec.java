package io.streamgrad.model.spec;

/**
 * Keras {@code Embedding(depth, outputDim, embeddings_regularizer)} followed by {@code Flatten}.
 * Our extensions (off by default, not Keras; {@code docs/semantics.md} 12.9): {@code sparseUpdates},
 * an optimizer step changes only the rows the batch looked up; {@code expireAfterSteps} (needs
 * {@code sparseUpdates}, nullable), a row not looked up for that many steps is reset.
 */
public record EmbeddingSpec(int outputDim, RegularizerSpec regularizer, boolean sparseUpdates,
                            Long expireAfterSteps) {
    public EmbeddingSpec {
        Check.positive("outputDim", outputDim);
        if (expireAfterSteps != null) {
            if (expireAfterSteps < 1) {
                throw new SpecException("expireAfterSteps", "must be >= 1, got " + expireAfterSteps);
            }
            if (!sparseUpdates) {
                throw new SpecException("expireAfterSteps", "needs sparseUpdates: true");
            }
        }
    }

    public EmbeddingSpec(int outputDim, RegularizerSpec regularizer, boolean sparseUpdates) {
        this(outputDim, regularizer, sparseUpdates, null);
    }

    /** A Keras embedding: every row updated at every step. */
    public EmbeddingSpec(int outputDim, RegularizerSpec regularizer) {
        this(outputDim, regularizer, false);
    }
}
