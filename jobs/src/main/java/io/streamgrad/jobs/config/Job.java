package io.streamgrad.jobs.config;

/**
 * The {@code job} section.
 *
 * @param name Flink job name, also the default Kafka group id and transactional id prefix
 * @param parallelism operator parallelism (>= 1)
 * @param maxParallelism upper bound of any future rescale (key groups); 0 = Flink's default
 */
public record Job(String name, Integer parallelism, Integer maxParallelism) {
    public static final String DEFAULT_NAME = "streamgrad-online-training";

    public Job {
        name = Checks.text("name", name, DEFAULT_NAME);
        parallelism = Checks.atLeast("parallelism", parallelism, 1, 1);
        maxParallelism = Checks.atLeast("maxParallelism", maxParallelism, 0, 0);
        if (maxParallelism != 0 && (maxParallelism < parallelism || maxParallelism > 32768)) {
            throw new ConfigException("maxParallelism", "must be between job.parallelism (" + parallelism
                    + ") and 32768, got " + maxParallelism);
        }
    }
}
