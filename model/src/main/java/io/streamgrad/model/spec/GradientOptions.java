package io.streamgrad.model.spec;

/**
 * Options every Keras optimizer accepts ({@code keras/src/optimizers/base_optimizer.py}):
 * at most one of the three clipping modes, and decoupled weight decay. {@code null} = unused.
 */
public record GradientOptions(Double clipnorm, Double clipvalue, Double globalClipnorm, Double weightDecay) {
    public static final GradientOptions NONE = new GradientOptions(null, null, null, null);

    public GradientOptions {
        Check.optionalPositive("clipnorm", clipnorm);
        Check.optionalPositive("clipvalue", clipvalue);
        Check.optionalPositive("globalClipnorm", globalClipnorm);
        Check.optionalNonNegative("weightDecay", weightDecay);
        int set = (clipnorm != null ? 1 : 0) + (clipvalue != null ? 1 : 0) + (globalClipnorm != null ? 1 : 0);
        if (set > 1) {
            throw new SpecException(clipnorm != null && clipvalue != null ? "clipvalue" : "globalClipnorm",
                    "only one of clipnorm, clipvalue and globalClipnorm may be set");
        }
    }
}
