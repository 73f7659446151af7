package io.streamgrad.jobs.local;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunnerFactory;
import org.apache.flink.runtime.entrypoint.component.DefaultDispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;

/** Flink's MiniCluster with the same session components, except a {@link ReadOnlyRestEndpoint}. */
@Internal
final class ClosedMiniCluster extends MiniCluster {
    ClosedMiniCluster(MiniClusterConfiguration configuration) {
        super(configuration);
    }

    @Override
    protected DispatcherResourceManagerComponentFactory createDispatcherResourceManagerComponentFactory() {
        return new DefaultDispatcherResourceManagerComponentFactory(
                DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE),
                StandaloneResourceManagerFactory.getInstance(), ReadOnlyRestEndpoint.Factory.INSTANCE);
    }
}
