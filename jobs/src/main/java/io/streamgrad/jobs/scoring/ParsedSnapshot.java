package io.streamgrad.jobs.scoring;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.SnapshotRecord;

/** Either a {@link SnapshotRecord} or a {@link DeadLetter} (exactly one is non-null). A Flink POJO. */
public class ParsedSnapshot {
    public SnapshotRecord snapshot;
    public DeadLetter deadLetter;

    public ParsedSnapshot() {}
}
