/**
 * The {@code streamgrad} command line (picocli): one command class per subcommand, the job options
 * shared with the {@code flink run} entry point, typed option converters and the exit-code policy.
 */
package io.streamgrad.jobs.cli;
