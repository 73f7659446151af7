package io.streamgrad.model.spec;

/**
 * Keras {@code EarlyStopping} options ({@code keras/src/callbacks/early_stopping.py}); an "epoch"
 * is {@code stepsPerEpoch} optimizer steps and the monitored value is the mean over the epoch.
 *
 * @param monitor which per-step quantity is monitored: {@code loss} (data loss + penalties),
 *     {@code dataLoss}, or {@code accuracy} (cross-entropy losses only)
 * @param mode {@code auto} picks {@code max} for accuracy and {@code min} otherwise
 * @param baseline {@code null} = none
 */
public record EarlyStoppingSpec(String monitor, double minDelta, int patience, String mode, Double baseline,
                                boolean restoreBestWeights, int startFromEpoch, int stepsPerEpoch) {

    public static final String MONITOR_LOSS = "loss";
    public static final String MONITOR_DATA_LOSS = "dataLoss";
    public static final String MONITOR_ACCURACY = "accuracy";

    public EarlyStoppingSpec {
        Check.notNull("monitor", monitor);
        if (!monitor.equals(MONITOR_LOSS) && !monitor.equals(MONITOR_DATA_LOSS) && !monitor.equals(MONITOR_ACCURACY)) {
            throw new SpecException("monitor", "unknown monitor '" + monitor + "', expected loss, dataLoss or accuracy");
        }
        Check.finite("minDelta", minDelta);
        if (patience < 0) {
            throw new SpecException("patience", "must be >= 0, got " + patience);
        }
        Check.notNull("mode", mode);
        if (!mode.equals("auto") && !mode.equals("min") && !mode.equals("max")) {
            throw new SpecException("mode", "unknown mode '" + mode + "', expected auto, min or max");
        }
        if (baseline != null) {
            Check.finite("baseline", baseline);
        }
        if (startFromEpoch < 0) {
            throw new SpecException("startFromEpoch", "must be >= 0, got " + startFromEpoch);
        }
        Check.positive("stepsPerEpoch", stepsPerEpoch);
    }

    /** True when a larger monitored value is better. */
    public boolean maximizes() {
        return mode.equals("max") || (mode.equals("auto") && monitor.equals(MONITOR_ACCURACY));
    }
}
