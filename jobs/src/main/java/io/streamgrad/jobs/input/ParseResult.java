package io.streamgrad.jobs.input;

import io.streamgrad.operators.DeadLetter;
import io.streamgrad.operators.Example;

/** Either an {@link Example} or a {@link DeadLetter} (exactly one is non-null). A Flink POJO. */
public class ParseResult {
    public Example example;
    public DeadLetter deadLetter;

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

    public boolean isOk() {
        return example != null;
    }

    @Override
    public String toString() {
        return isOk() ? example.toString() : String.valueOf(deadLetter);
    }
}
