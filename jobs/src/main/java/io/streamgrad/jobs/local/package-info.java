/**
 * Local Flink for {@code run} and {@code demo}: a MiniCluster in this JVM that is closed to the network by
 * default (every endpoint on loopback, no job submission, cancel or rescale over REST) and fails fast: bounded
 * restarts, a TaskManager lost to a fatal error is replaced and its cause kept for the one-line error.
 */
package io.streamgrad.jobs.local;
