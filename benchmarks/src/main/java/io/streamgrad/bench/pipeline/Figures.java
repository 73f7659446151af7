package io.streamgrad.bench.pipeline;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rounding and machine readings shared by the pipeline report. */
final class Figures {
    private Figures() {}

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** A stage's rate and its inverse, as reported under {@code stages}. */
    static Map<String, Object> stage(double examplesPerSecond) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesPerSecond", round(examplesPerSecond));
        m.put("microsPerExample", round4(examplesPerSecond > 0 ? 1e6 / examplesPerSecond : 0));
        return m;
    }

    /** CPU time of this process (all threads: Flink, the broker, the producer and consumers). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The 1, 5 and 15 minute load averages (the machine is shared: noted with every figure). */
    static double[] loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])};
        } catch (Exception e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
        }
    }
}
