/**
 * Conformance cases ({@code streamgrad-case/1}): {@link io.streamgrad.model.conformance.CaseReplayer}
 * trains each case with the engine and writes a result file, {@link io.streamgrad.model.conformance.CaseComparator}
 * checks result files against the Keras values a case expects (format: {@code docs/conformance.md}).
 */
package io.streamgrad.model.conformance;
