package io.streamgrad.model.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The current vocabulary of one lookup feature, in index order without OOV tokens: entry k has
 * lookup index {@code numOovIndices + k} for ever. Grows only at the end.
 */
public final class Vocabulary {
    private final ArrayList<String> tokens;
    private final HashMap<String, Integer> positions;

    public Vocabulary(List<String> tokens) {
        this.tokens = new ArrayList<>(tokens.size());
        this.positions = new HashMap<>(Math.max(16, tokens.size() * 2));
        for (String t : tokens) {
            add(t);
        }
    }

    public int size() {
        return tokens.size();
    }

    public String token(int k) {
        return tokens.get(k);
    }

    public List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    /** Position of {@code token} in the vocabulary, or -1. */
    public int positionOf(String token) {
        Integer p = positions.get(token);
        return p == null ? -1 : p;
    }

    /** Appends a token that is not present yet. */
    public void add(String token) {
        if (positions.putIfAbsent(token, tokens.size()) != null) {
            throw new IllegalArgumentException("token already in the vocabulary: " + token);
        }
        tokens.add(token);
    }

    /** Drops the entries from position {@code size} on (undoes growth of a discarded step). */
    public void truncate(int size) {
        while (tokens.size() > size) {
            positions.remove(tokens.remove(tokens.size() - 1));
        }
    }

    public Vocabulary copy() {
        return new Vocabulary(tokens);
    }

    public boolean sameAs(Vocabulary o) {
        return o != null && tokens.equals(o.tokens);
    }

    Map<String, Integer> positions() {
        return positions;
    }
}
