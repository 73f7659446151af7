package io.streamgrad.operators.training;

import io.streamgrad.model.kernel.KernelProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the operator's user, once per JVM, when training runs the slow portable kernels and how to fix it. */
@Internal
public final class KernelNotice {
    private static final Logger LOG = LoggerFactory.getLogger(KernelNotice.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private KernelNotice() {
    }

    /** The kernels of this JVM ({@code vector256}, {@code vector512}, {@code portable} ...), for a metric. */
    public static String kernels() {
        return KernelProvider.get().name();
    }

    /** Logs one WARN per JVM if the kernels are not the Vector API ones. */
    public static void warnIfPortable() {
        String name = kernels();
        if (!name.startsWith("vector") && WARNED.compareAndSet(false, true)) {
            LOG.warn("StreamGrad trains with the '{}' kernels, several times slower than the Vector API kernels, "
                    + "because this JVM lacks the module jdk.incubator.vector. Start the TaskManagers with "
                    + "'--add-modules jdk.incubator.vector' (Flink setting env.java.opts.taskmanager; on "
                    + "env.java.opts.all, append it to the flags Flink's config.yaml already sets there).", name);
        }
    }
}
