package io.streamgrad.jobs.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.blob.TransientBlobService;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint;
import org.apache.flink.runtime.leaderelection.LeaderElection;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.rest.HttpMethodWrapper;
import org.apache.flink.runtime.rest.RestEndpointFactory;
import org.apache.flink.runtime.rest.handler.RestHandlerConfiguration;
import org.apache.flink.runtime.rest.handler.RestHandlerSpecification;
import org.apache.flink.runtime.rest.handler.legacy.metrics.MetricFetcher;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.webmonitor.WebMonitorEndpoint;
import org.apache.flink.runtime.webmonitor.retriever.LeaderGatewayRetriever;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandler;

/**
 * The local cluster's REST endpoint with only its {@code GET} handlers: the web UI and every read of jobs,
 * metrics and checkpoints work; nothing can be submitted, uploaded, cancelled, stopped, rescaled or
 * savepointed over HTTP (those requests get 404/405). Flink's {@code web.cancel.enable} only hides the UI
 * button, and {@code web.submit.enable} leaves job submission ({@code POST /jobs}) in place, so the handlers
 * are removed here instead. The local job is controlled by this process alone (Ctrl-C, SIGTERM).
 */
@Internal
final class ReadOnlyRestEndpoint extends DispatcherRestEndpoint {
    private ReadOnlyRestEndpoint(LeaderGatewayRetriever<DispatcherGateway> dispatcher, Configuration configuration,
            RestHandlerConfiguration handlers, LeaderGatewayRetriever<ResourceManagerGateway> resourceManager,
            TransientBlobService blobs, ScheduledExecutorService executor, MetricFetcher metrics,
            LeaderElection leaderElection, FatalErrorHandler fatalErrors) throws Exception {
        super(dispatcher, configuration, handlers, resourceManager, blobs, executor, metrics, leaderElection,
                RestEndpointFactory.createExecutionGraphCache(handlers), fatalErrors);
    }

    @Override
    protected List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> initializeHandlers(
            CompletableFuture<String> localAddressFuture) {
        List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> handlers =
                new ArrayList<>(super.initializeHandlers(localAddressFuture));
        handlers.removeIf(h -> h.f0.getHttpMethod() != HttpMethodWrapper.GET);
        return handlers;   // mutable: the endpoint sorts it
    }

    /** Creates {@link ReadOnlyRestEndpoint}s for the local cluster's dispatcher component. */
    enum Factory implements RestEndpointFactory<DispatcherGateway> {
        INSTANCE;

        @Override
        public WebMonitorEndpoint<DispatcherGateway> createRestEndpoint(Configuration configuration,
                LeaderGatewayRetriever<DispatcherGateway> dispatcher,
                LeaderGatewayRetriever<ResourceManagerGateway> resourceManager, TransientBlobService blobs,
                ScheduledExecutorService executor, MetricFetcher metrics, LeaderElection leaderElection,
                FatalErrorHandler fatalErrors) throws Exception {
            return new ReadOnlyRestEndpoint(dispatcher, configuration, RestHandlerConfiguration.fromConfiguration(configuration),
                    resourceManager, blobs, executor, metrics, leaderElection, fatalErrors);
        }
    }
}
