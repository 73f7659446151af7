package io.streamgrad.bench.embedding;

import io.streamgrad.model.kernel.KernelProvider;
import io.streamgrad.model.spec.ModelSpec;
import io.streamgrad.model.spec.OptimizerSpec;
import io.streamgrad.model.spec.SpecParser;
import io.streamgrad.model.state.ModelState;
import io.streamgrad.model.train.MiniBatch;
import io.streamgrad.model.train.StepResult;
import io.streamgrad.model.train.Trainer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Trains a click-through-style model (one hashed string feature with a {@code vocabulary x dim}
 * embedding, four numeric features, a sigmoid unit) on one thread, for each vocabulary size first
 * with dense (Keras) embedding updates, then with {@code sparseUpdates}, and prints one JSON line
 * per configuration. The sparse line carries its speed-up over the dense line of the same run, so
 * the ratio, not the absolute figure, is what compares across machines. By default every
 * configuration runs in a JVM of its own (same JVM options): in one JVM the code compiled for the
 * dense runs slows the sparse runs after them.
 */
public final class EmbeddingBench {
    /** Distinct pre-built batches cycled through (tokens drawn uniformly from the vocabulary). */
    private static final int BATCHES = 32;

    private final PrintStream out;
    private final int dim;
    private final int batch;
    private final String optimizerJson;
    private final long millis;
    private final long warmupMillis;

    private boolean fork;

    /** Runs each configuration in a child JVM (the default of the command line). */
    public EmbeddingBench forked(boolean fork) {
        this.fork = fork;
        return this;
    }

    public EmbeddingBench(PrintStream out, int dim, int batch, String optimizer, long millis, long warmupMillis) {
        if (dim < 1 || batch < 1 || millis < 1 || warmupMillis < 0) {
            throw new IllegalArgumentException("dim, batch and millis must be positive");
        }
        this.out = out;
        this.dim = dim;
        this.batch = batch;
        this.optimizerJson = optimizer.trim().startsWith("{") ? optimizer : "{\"type\": \"" + optimizer + "\"}";
        this.millis = millis;
        this.warmupMillis = warmupMillis;
    }

    public static String usage() {
        return """
                Usage: streamgrad-bench embeddings [--vocab 1000 --vocab 10000 ...] [--dim 16] [--batch 256]
                                                   [--optimizer adam|sgd|adagrad|...|JSON] [--millis 3000]
                                                   [--warmup-millis 1000] [--modes dense,sparse] [--no-fork]
                  Default vocabularies: 1000, 10000, 100000, 1000000 rows. One JSON line per vocabulary and mode.
                  Give the JVM room for the dense matrices: java -Xmx6g -jar streamgrad-bench.jar embeddings
                """;
    }

    /** Runs every vocabulary size in every mode (dense before sparse, so the ratio has its reference). */
    public void run(List<Integer> vocabularies, List<String> modes) {
        OptimizerSpec optimizer = SpecParser.optimizer(SpecParser.readTree(optimizerJson));
        for (int vocabulary : vocabularies) {
            double denseRate = Double.NaN;
            for (String mode : modes) {
                if (!mode.equals("dense") && !mode.equals("sparse")) {
                    throw new IllegalArgumentException("--modes takes dense and/or sparse, got " + mode);
                }
                Measurement m = fork ? measureInChild(vocabulary, mode)
                        : measure(new Trainer(model(vocabulary, mode.equals("sparse")), optimizer), vocabulary);
                double rate = m.steps * (double) batch / (m.nanos / 1e9);
                if (mode.equals("dense")) {
                    denseRate = rate;
                }
                out.println(String.format(Locale.ROOT,
                        "{\"benchmark\":\"embeddings\",\"mode\":\"%s\",\"vocabulary\":%d,\"dim\":%d,\"batch\":%d,"
                                + "\"optimizer\":\"%s\",\"examplesPerSecond\":%.1f,\"microsPerStep\":%.2f,"
                                + "\"steps\":%d,\"seconds\":%.3f,\"sparseOverDense\":%s,\"lastLoss\":%.5f,"
                                + "\"kernels\":\"%s\",\"jvm\":\"%s\"}",
                        mode, vocabulary, dim, batch, optimizer.type(), rate, m.nanos / 1e3 / m.steps, m.steps,
                        m.nanos / 1e9, mode.equals("sparse") && !Double.isNaN(denseRate)
                                ? String.format(Locale.ROOT, "%.2f", rate / denseRate) : "null",
                        m.lastLoss, KernelProvider.get().name(), System.getProperty("java.vm.version")));
                out.flush();
            }
        }
    }

    private ModelSpec model(int vocabulary, boolean sparse) {
        return SpecParser.model(SpecParser.readTree("{\"features\": ["
                + "{\"name\": \"item\", \"type\": \"string\", \"hashing\": {\"numBins\": " + vocabulary + "}, "
                + "\"embedding\": {\"outputDim\": " + dim + ", \"sparseUpdates\": " + sparse + "}},"
                + "{\"name\": \"x\", \"type\": \"numeric\", \"size\": 4}],"
                + "\"layers\": [{\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\"}],"
                + "\"loss\": \"binaryCrossentropy\"}"));
    }

    private record Measurement(long steps, long nanos, double lastLoss) {
        Measurement(double steps, long nanos, double lastLoss) {
            this((long) steps, nanos, lastLoss);
        }
    }

    /** The same configuration in a child JVM with this JVM's options and class path; reads its JSON line. */
    private Measurement measureInChild(int vocabulary, String mode) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.streamgrad.bench.BenchMain",
                "embeddings", "--no-fork", "--vocab", Integer.toString(vocabulary), "--modes", mode,
                "--dim", Integer.toString(dim), "--batch", Integer.toString(batch), "--optimizer", optimizerJson,
                "--millis", Long.toString(millis), "--warmup-millis", Long.toString(warmupMillis)));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line;
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                line = reader.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            }
            if (p.waitFor() != 0 || line == null) {
                throw new IllegalStateException("child benchmark JVM failed: " + String.join(" ", command));
            }
            return new Measurement(field(line, "steps"), Math.round(field(line, "seconds") * 1e9),
                    field(line, "lastLoss"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":([-0-9.eE]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    private Measurement measure(Trainer trainer, int vocabulary) {
        MiniBatch[] batches = new MiniBatch[BATCHES];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < BATCHES; i++) {
            MiniBatch b = MiniBatch.forModel(trainer.modelSpec(), batch);
            for (int r = 0; r < batch; r++) {
                long token = random.nextInt(vocabulary);
                // clicks depend on the token, so the embedding has something to learn
                int row = b.addRow(new float[] {token % 7 == 0 ? 1f : 0f});
                b.raw().setString(row, 0, "item-" + token);
                b.raw().setNumbers(row, 1, random.nextGaussian(), random.nextGaussian(), random.nextDouble(),
                        random.nextInt(3));
            }
            batches[i] = b;
        }
        ModelState state = trainer.newState(7);
        StepResult result = new StepResult();
        long warmupEnd = System.nanoTime() + warmupMillis * 1_000_000;
        int i = 0;
        while (System.nanoTime() < warmupEnd || i < 2) {
            trainer.step(state, batches[i++ % BATCHES], result);
        }
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        long steps = 0;
        long now;
        do {
            trainer.step(state, batches[i++ % BATCHES], result);
            steps++;
            now = System.nanoTime();
        } while (now < end);
        return new Measurement(steps, now - start, result.loss());
    }
}
