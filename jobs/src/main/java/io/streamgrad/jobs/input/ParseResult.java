package io.streamgrad.jobs.input;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;

/**
 * An {@link Example}, a {@link DeadLetter}, or (in a job with several models) a record of a key no
 * model claims, skipped: then {@link #unclaimed} is set and both others are null. A Flink POJO.
 */
public class ParseResult {
    public Example example;
    public DeadLetter deadLetter;
    public boolean unclaimed;

    public ParseResult() {}

    public static ParseResult ok(Example e) {
        ParseResult r = new ParseResult();
        r.example = e;
        return r;
    }

    public static ParseResult dead(DeadLetter d) {
        ParseResult r = new ParseResult();
        r.deadLetter = d;
        return r;
    }

    /** A record of a key no model claims, skipped by the job's policy. */
    public static ParseResult unclaimed() {
        ParseResult r = new ParseResult();
        r.unclaimed = true;
        return r;
    }

    public boolean isOk() {
        return example != null;
    }

    @Override
    public String toString() {
        return isOk() ? example.toString() : unclaimed ? "(unclaimed key)" : String.valueOf(deadLetter);
    }
}
