/**
 * The {@code streamgrad-bench.jar} entry point and its option parsing; each harness lives in a
 * sub-package (pipeline, operator, kernel).
 */
package io.streamgrad.bench;
