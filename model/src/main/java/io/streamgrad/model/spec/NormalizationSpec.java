package io.streamgrad.model.spec;

import java.util.List;

/** Keras {@code Normalization} of a numeric feature: fixed statistics, or adapted online (our extension). */
public sealed interface NormalizationSpec permits NormalizationSpec.Fixed, NormalizationSpec.Online {

    /** {@code Normalization(mean=..., variance=...)}. */
    record Fixed(List<Double> mean, List<Double> variance) implements NormalizationSpec {
        public Fixed {
            mean = List.copyOf(Check.notNull("mean", mean));
            variance = List.copyOf(Check.notNull("variance", variance));
            for (int i = 0; i < variance.size(); i++) {
                Check.nonNegative("variance[" + i + "]", variance.get(i));
                Check.finite("mean[" + i + "]", mean.get(i));
            }
        }
    }

    /**
     * Statistics merged with every training batch before its forward pass; with
     * {@code freezeAfter} (nullable) merging stops once the count reaches it.
     */
    record Online(Long freezeAfter) implements NormalizationSpec {
        public Online {
            if (freezeAfter != null) {
                Check.positive("freezeAfter", freezeAfter.longValue());
            }
        }

        public boolean frozenAt(long count) {
            return freezeAfter != null && count >= freezeAfter;
        }
    }
}
