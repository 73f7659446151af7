/**
 * Local Flink for {@code run} and {@code demo}: a MiniCluster in this JVM that is closed to the network by
 * default (every endpoint on loopback, no job submission, cancel or rescale over REST).
 */
package io.streamgrad.jobs.local;
