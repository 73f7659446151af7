package io.streamgrad.model.optim;

import io.streamgrad.model.schedule.LearningRateSchedule;
import io.streamgrad.model.spec.GradientOptions;
import io.streamgrad.model.spec.OptimizerSpec;

/**
 * A Keras optimizer's {@code apply} ({@code keras/src/optimizers/base_optimizer.py}): learning
 * rate from the schedule at the current counter, gradient clipping (clipnorm per variable,
 * globalClipnorm, or clipvalue), decoupled weight decay {@code w −= w·wd·lr} before the update,
 * then the {@link UpdateRule} per trainable variable. The caller owns the counter and the slots.
 */
public final class Optimizer {
    private final OptimizerSpec spec;
    private final LearningRateSchedule schedule;
    private final UpdateRule rule;
    private final GradientOptions options;

    public Optimizer(OptimizerSpec spec) {
        this.spec = spec;
        this.schedule = LearningRateSchedule.of(spec.learningRate());
        this.rule = UpdateRules.of(spec);
        this.options = spec.options();
    }

    public OptimizerSpec spec() {
        return spec;
    }

    public int slotCount() {
        return rule.slotCount();
    }

    public float slotInitialValue(int slot) {
        return rule.slotInitialValue(slot);
    }

    public int scalarCount() {
        return rule.scalarCount();
    }

    public void initScalars(double[] scalars) {
        rule.initScalars(scalars);
    }

    /** Learning rate of the step taken at counter value {@code iterations}. */
    public double learningRate(long iterations) {
        return schedule.rate(iterations);
    }

    /**
     * Applies one update to every trainable variable ({@code grads[v] != null}).
     *
     * @param grads gradients, clipped in place
     * @param globalNorm L2 norm over all trainable gradients (for globalClipnorm)
     * @param iterations the counter before this step; the caller increments it afterwards
     * @return the learning rate used
     */
    public double apply(float[][] weights, float[][] grads, float[][][] slots, double[] scalars, long iterations,
                        double globalNorm) {
        double lr = schedule.rate(iterations);
        clip(grads, globalNorm);
        if (options.weightDecay() != null) {
            double decay = options.weightDecay() * lr;
            for (int v = 0; v < weights.length; v++) {
                if (grads[v] != null) {
                    float[] w = weights[v];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (float) (w[i] - w[i] * decay);
                    }
                }
            }
        }
        rule.prepare(iterations, lr, scalars);
        for (int v = 0; v < weights.length; v++) {
            if (grads[v] != null) {
                rule.update(weights[v], grads[v], slots[v]);
            }
        }
        return lr;
    }

    private void clip(float[][] grads, double globalNorm) {
        if (options.clipnorm() != null) {
            double c = options.clipnorm();
            for (float[] g : grads) {
                if (g != null) {
                    scale(g, c / Math.max(norm(g), c));
                }
            }
        } else if (options.globalClipnorm() != null) {
            double c = options.globalClipnorm();
            double factor = c / Math.max(globalNorm, c);
            for (float[] g : grads) {
                if (g != null) {
                    scale(g, factor);
                }
            }
        } else if (options.clipvalue() != null) {
            float c = options.clipvalue().floatValue();
            for (float[] g : grads) {
                if (g != null) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] = Math.max(-c, Math.min(c, g[i]));
                    }
                }
            }
        }
    }

    private static void scale(float[] g, double factor) {
        if (factor == 1.0) {
            return;
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (g[i] * factor);
        }
    }

    /** L2 norm of one array, accumulated in double. */
    public static double norm(float[] g) {
        double s = 0;
        for (float x : g) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
