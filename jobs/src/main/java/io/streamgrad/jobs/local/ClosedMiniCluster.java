package io.streamgrad.jobs.local;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunnerFactory;
import org.apache.flink.runtime.entrypoint.component.DefaultDispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;

/**
 * Flink's MiniCluster with the same session components, except a {@link ReadOnlyRestEndpoint}, and a
 * {@link TaskManagerWatch} that replaces a TaskManager stopped by a fatal error.
 */
@Internal
final class ClosedMiniCluster extends MiniCluster {
    private final int taskManagers;
    private TaskManagerWatch watch;

    ClosedMiniCluster(MiniClusterConfiguration configuration) {
        super(configuration);
        this.taskManagers = configuration.getNumTaskManagers();
    }

    @Override
    protected DispatcherResourceManagerComponentFactory createDispatcherResourceManagerComponentFactory() {
        return new DefaultDispatcherResourceManagerComponentFactory(
                DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE),
                StandaloneResourceManagerFactory.getInstance(), ReadOnlyRestEndpoint.Factory.INSTANCE);
    }

    @Override
    public void start() throws Exception {
        super.start();
        watch = TaskManagerWatch.start(this, taskManagers);
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (watch != null) {
            watch.close(); // first: stopping TaskManagers on purpose must not start new ones
        }
        return super.closeAsync();
    }
}
