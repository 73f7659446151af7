package io.streamgrad.jobs.input;

import io.streamgrad.jobs.config.JobModel;
import io.streamgrad.operators.Example;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the parsed examples of a job with several models into one side output per model
 * ({@link #output}), by the same first-match rule the parser routed them with. Nothing goes to the
 * main output. Examples of unclaimed keys cannot arrive here (the parser held them back).
 */
@Internal
public final class RouteByModel extends ProcessFunction<Example, Example> {
    private static final long serialVersionUID = 1L;

    private final KeyRouter router;
    private final List<OutputTag<Example>> outputs;

    public RouteByModel(List<JobModel> models) {
        this.router = new KeyRouter(models);
        this.outputs = models.stream().map(m -> output(m.name())).toList();
    }

    /** The side output of the examples of model {@code name}. */
    public static OutputTag<Example> output(String name) {
        return new OutputTag<>("model-" + name) {
            private static final long serialVersionUID = 1L;
        };
    }

    @Override
    public void processElement(Example e, Context ctx, Collector<Example> out) {
        int model = router.route(e.modelKey);
        if (model != KeyRouter.UNCLAIMED) {
            ctx.output(outputs.get(model), e);
        }
    }
}
