package io.streamgrad.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value}, {@code --name=value}, flags and repeated options of one benchmark command. */
public final class BenchOptions {
    private final Map<String, List<String>> options = new LinkedHashMap<>();

    private BenchOptions() {}

    /** Parses {@code args}; every option must be in {@code withValue} or {@code flags}. */
    public static BenchOptions parse(List<String> args, Set<String> withValue, Set<String> flags) {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (!s.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + s);
            }
            String name = s.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
            } else if (flags.contains(name) && value == null) {
                value = "true";
            } else {
                throw new IllegalArgumentException(flags.contains(name) ? "--" + name + " takes no value"
                        : "unknown option --" + name);
            }
            o.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return o;
    }

    /** The last value of {@code name}, or {@code dflt}. */
    public String get(String name, String dflt) {
        List<String> v = options.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    /** Every value of a repeated option. */
    public List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public long number(String name, long dflt) {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'", e);
        }
    }
}
