/**
 * Float32 compute kernels behind one interface: plain reference loops, portable blocked Java, and the Vector API path chosen at start when the JVM has jdk.incubator.vector.
 */
package io.streamgrad.model.kernel;
