/**
 * Start-time checks of a job against its model, this JVM and the Kafka cluster: each mistake an operator
 * can make fails the start (or warns) with a message naming the setting, instead of a restart loop later.
 */
package io.streamgrad.jobs.check;
