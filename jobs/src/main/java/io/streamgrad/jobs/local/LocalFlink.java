package io.streamgrad.jobs.local;

import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the in-JVM Flink environment of {@code run} and {@code demo}, closed by default.
 *
 * <p>Flink's MiniCluster always runs a REST endpoint, so "no web UI" means: that endpoint on loopback at an
 * ephemeral port, never printed. The blob server and the TaskManager's data and RPC ports are bound to
 * loopback too. In every local mode the REST endpoint is read-only ({@link ReadOnlyRestEndpoint}): no jar
 * upload or run, no job submission, cancel, stop, rescale or savepoint over HTTP.
 */
public final class LocalFlink {
    private LocalFlink() {
    }

    /**
     * The settings that keep a local cluster closed; the UI, if any, on its address and port.
     *
     * @param webUi the web UI to open, or empty for none
     */
    public static Configuration closedConfiguration(Optional<WebUi> webUi) {
        Configuration c = new Configuration();
        c.set(WebOptions.SUBMIT_ENABLE, false);
        c.set(WebOptions.CANCEL_ENABLE, false);
        c.set(WebOptions.RESCALE_ENABLE, false);
        c.set(JobManagerOptions.ADDRESS, WebUi.LOOPBACK);
        c.set(JobManagerOptions.BIND_HOST, WebUi.LOOPBACK);
        c.set(TaskManagerOptions.HOST, WebUi.LOOPBACK);
        c.set(TaskManagerOptions.BIND_HOST, WebUi.LOOPBACK);
        c.set(RestOptions.ADDRESS, WebUi.LOOPBACK);
        if (webUi.isPresent()) {
            WebUi ui = webUi.get();
            c.set(RestOptions.BIND_ADDRESS, ui.address());
            c.set(RestOptions.PORT, ui.port());
            c.set(RestOptions.BIND_PORT, Integer.toString(ui.port()));
        } else {
            c.set(RestOptions.BIND_ADDRESS, WebUi.LOOPBACK);
            c.set(RestOptions.BIND_PORT, "0");
        }
        return c;
    }

    /**
     * A local environment with {@code parallelism} slots, closed as {@link #closedConfiguration} describes.
     *
     * @param parallelism the job's default parallelism
     * @param webUi the web UI (port already {@linkplain WebUi#resolved() resolved}), or empty for none
     * @param extra further settings (checkpointing, restart strategy ...), applied first; the closing settings win
     */
    public static StreamExecutionEnvironment environment(int parallelism, Optional<WebUi> webUi, Configuration extra) {
        Configuration c = new Configuration(extra);
        c.addAll(closedConfiguration(webUi));
        c.set(DeploymentOptions.TARGET, ClosedLocalExecutorFactory.NAME);
        c.set(DeploymentOptions.ATTACHED, true);
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(c);
        env.setParallelism(parallelism);
        return env;
    }
}
