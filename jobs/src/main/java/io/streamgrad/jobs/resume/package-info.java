/**
 * Resuming a local {@code run} or {@code score}: where a job keeps its checkpoints and savepoints, which retained
 * state a restart continues from (and which it refuses), and stopping with a savepoint on Ctrl-C / SIGTERM.
 */
package io.streamgrad.jobs.resume;
