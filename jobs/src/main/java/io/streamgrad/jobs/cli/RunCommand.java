package io.streamgrad.jobs.cli;

import io.streamgrad.jobs.OnlineTrainingJob;
import io.streamgrad.jobs.WarmStarts;
import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.local.LocalFlink;
import io.streamgrad.jobs.local.WebUi;
import java.io.File;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** {@code run --config FILE}: the online training job, locally or on a remote Flink cluster. */
final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the online training job from a YAML configuration (locally or on a Flink cluster)";
    }

    @Override
    public String usage() {
        return """
                Usage: streamgrad run --config FILE [--set path=value ...] [--web-ui PORT | --jobmanager HOST:PORT]
                                      [--validate]

                Runs OnlineTrainingJob: Kafka input topic -> parse -> one model per key -> Kafka topics for
                metrics, snapshots and dead letters. FILE is YAML (see examples/*.yaml; also
                classpath:examples/regression.yaml). Kafka may be local or a cluster's (kafka.bootstrapServers,
                security settings under kafka.properties).

                  --set path=value      override a configuration field, e.g. --set training.batchSize=64
                                        --set kafka.properties.security.protocol=SASL_SSL (repeatable)
                  --web-ui PORT         run in this JVM with the Flink web UI on PORT (default: no UI)
                  --jobmanager H:P      submit to a running Flink cluster (REST address), shipping this jar
                  --validate            only check the configuration, print its summary and exit

                Exit code 2 on an invalid configuration; the message names the field.
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("config", "set", "web-ui", "web-ui-address", "jobmanager"), Set.of("validate"));
        if (!a.positional.isEmpty()) {
            throw new UsageException("unexpected argument " + a.positional.get(0));
        }
        String config = a.get("config", null);
        if (config == null) {
            throw new UsageException("--config FILE is required");
        }
        JobConfig cfg = OnlineTrainingJob.loadConfig(config, a.all("set"));
        if (a.flag("validate")) {
            out.println("configuration OK");
            out.println(cfg.describe());
            return 0;
        }
        StreamExecutionEnvironment env;
        String jm = a.get("jobmanager", null);
        if (jm != null) {
            int colon = jm.lastIndexOf(':');
            if (colon <= 0) {
                throw new UsageException("--jobmanager must be HOST:PORT");
            }
            String jar = new File(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
            env = StreamExecutionEnvironment.createRemoteEnvironment(jm.substring(0, colon),
                    Integer.parseInt(jm.substring(colon + 1)), jar);
        } else {
            Optional<WebUi> ui = a.get("web-ui", null) == null ? Optional.empty()
                    : Optional.of(new WebUi(a.get("web-ui-address", WebUi.LOOPBACK), (int) a.number("web-ui", 8081)).resolved());
            env = LocalFlink.environment(cfg.parallelism(), ui, new Configuration());
            ui.ifPresent(u -> out.println("Flink web UI: " + u.url()));
        }
        io.streamgrad.jobs.kafka.KafkaPreflight.check(cfg);
        OnlineTrainingJob.build(env, cfg, WarmStarts.load(cfg));
        out.println("starting " + cfg.jobName() + " (Ctrl-C to stop)");
        out.println(cfg.describe());
        env.execute(cfg.jobName());
        return 0;
    }
}
