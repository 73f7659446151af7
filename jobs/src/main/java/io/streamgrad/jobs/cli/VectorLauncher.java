package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.resume.StoppableRun;
import io.streamgrad.model.kernel.KernelProvider;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Main class of {@code streamgrad.jar}: makes {@code java -jar streamgrad.jar ...} use the Vector API kernels
 * without any flag from the user. The {@code jdk.incubator.vector} module can only be added when a JVM starts
 * (a jar manifest cannot add it), so a JVM started without it runs the same command once more in a child JVM
 * with {@code --add-modules jdk.incubator.vector}, the same JVM options and class path, and the same standard
 * streams, then exits with the child's status.
 *
 * <p>The child is tied to this process both ways: a SIGTERM or Ctrl-C here is passed on and waited for (so the
 * child's own graceful stop runs), and if this process disappears without that (kill -9) the child halts at
 * once, so a supervisor that kills the process it started never leaves a job behind.
 * {@code -Dstreamgrad.kernels=portable} (or {@code plain}) runs in place, as does a JVM that already has the module.
 */
public final class VectorLauncher {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Set on the child: the parent's pid, watched so the child never outlives it. */
    static final String PARENT_PID = "streamgrad.launcher.parent";

    private VectorLauncher() {
    }

    public static void main(String[] args) throws Exception {
        watchParent();
        // the module is looked up directly: touching KernelProvider here would fix its choice before a
        // command such as `bench --kernels` can set it
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent() || System.getProperty(KernelProvider.PROPERTY) != null
                || System.getProperty(PARENT_PID) != null) {
            StreamGradCli.main(args);
            return;
        }
        System.exit(relaunch(args));
    }

    private static int relaunch(String[] args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.add("--add-modules");
        cmd.add(VECTOR_MODULE);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-D" + PARENT_PID + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StreamGradCli.class.getName());
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        Thread forward = new Thread(() -> stop(child), "streamgrad-launcher-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        int status = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running and waits for the child itself
        }
        return status;
    }

    /** SIGTERM to the child, then wait for its graceful stop (a savepoint may take a while). */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(StoppableRun.STOP_TIMEOUT_SECONDS + 30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** In a relaunched child: halt as soon as the launching process is gone. */
    private static void watchParent() {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(137)),
                () -> Runtime.getRuntime().halt(137));
    }
}
