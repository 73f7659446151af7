package io.streamgrad.jobs.local;

import org.apache.flink.annotation.Internal;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;

/**
 * {@code execution.target: streamgrad-local}: Flink's own local executor (job graph, per-job MiniCluster,
 * job client) running on a {@link ClosedMiniCluster}. Found by Flink through {@code META-INF/services}.
 */
@Internal
public final class ClosedLocalExecutorFactory implements PipelineExecutorFactory {
    /** The {@code execution.target} value that selects this executor. */
    public static final String NAME = "streamgrad-local";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean isCompatibleWith(Configuration configuration) {
        return NAME.equalsIgnoreCase(configuration.get(DeploymentOptions.TARGET));
    }

    @Override
    public PipelineExecutor getExecutor(Configuration configuration) {
        return LocalExecutor.createWithFactory(configuration, ClosedMiniCluster::new);
    }
}
