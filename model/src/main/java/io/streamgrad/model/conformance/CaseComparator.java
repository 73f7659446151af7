package io.streamgrad.model.conformance;

import java.io.PrintStream;
import java.nio.file.Path;

/** Placeholder so that the command line compiles; the real comparator replaces this file. */
public final class CaseComparator {
    private CaseComparator() {}

    /** Compares every case's expectations with its result file; returns the number of failed cases. */
    public static int compare(Path cases, Path results, PrintStream out) {
        throw new UnsupportedOperationException("case comparison is not available in this build");
    }
}
