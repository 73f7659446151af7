package io.streamgrad.model.kernel;

/**
 * Chooses the kernel implementation once per JVM. System property {@code streamgrad.kernels}:
 * {@code auto} (default: {@code vector} when the {@code jdk.incubator.vector} module is present,
 * i.e. the JVM was started with {@code --add-modules jdk.incubator.vector}, else
 * {@code portable}), {@code vector}, {@code portable} or {@code plain} (the original loops,
 * kept as the benchmark baseline). The Vector API class is loaded reflectively, so nothing
 * needs the incubator module unless it is there.
 */
public final class KernelProvider {
    public static final String PROPERTY = "streamgrad.kernels";

    private static final FloatKernels KERNELS = choose(System.getProperty(PROPERTY, "auto"));

    private KernelProvider() {}

    /** The kernels of this JVM. */
    public static FloatKernels get() {
        return KERNELS;
    }

    /** True when the Vector API module is in the boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** A specific implementation (for benchmarks and tests): plain, portable or vector. */
    public static FloatKernels named(String name) {
        switch (name) {
            case "plain":
                return new PlainKernels();
            case "portable":
                return new PortableKernels();
            case "vector":
                if (!vectorModulePresent()) {
                    throw new IllegalStateException(
                            "vector kernels need the JVM flag --add-modules jdk.incubator.vector");
                }
                try {
                    return (FloatKernels) Class.forName("io.streamgrad.model.kernel.VectorKernels")
                            .getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | LinkageError e) {
                    throw new IllegalStateException("cannot load the vector kernels", e);
                }
            default:
                throw new IllegalArgumentException("unknown kernels '" + name + "' (plain, portable, vector, auto)");
        }
    }

    private static FloatKernels choose(String name) {
        if (!"auto".equals(name)) {
            return named(name);
        }
        if (vectorModulePresent()) {
            try {
                return named("vector");
            } catch (IllegalStateException e) {
                return new PortableKernels();
            }
        }
        return new PortableKernels();
    }
}
