package io.streamgrad.jobs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal option parser: {@code --name value}, {@code --name=value}, flags, repeated options, positionals. */
final class Args {
    final Map<String, List<String>> options = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();

    static Args parse(List<String> args, Set<String> withValue, Set<String> flags) throws UsageException {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (s.startsWith("--")) {
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
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                } else if (flags.contains(name)) {
                    if (value != null) {
                        throw new UsageException("--" + name + " takes no value");
                    }
                    value = "true";
                } else {
                    throw new UsageException("unknown option --" + name);
                }
                a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    String get(String name, String dflt) {
        List<String> v = options.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    long number(String name, long dflt) throws UsageException {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    double decimal(String name, double dflt) throws UsageException {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** {@code 90}, {@code 90s}, {@code 5m}, {@code 1h} -> seconds. */
    long seconds(String name, long dflt) throws UsageException {
        String v = get(name, null);
        if (v == null) {
            return dflt;
        }
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("ms")) {
            throw new UsageException("--" + name + " is in seconds (e.g. 90, 90s, 5m)");
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            mult = 60;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            mult = 3600;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * mult;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a duration like 90, 90s, 5m, got '" + v + "'");
        }
    }

    /** {@code key=value} pairs of a repeated option. */
    Map<String, String> pairs(String name) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : all(name)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--" + name + " expects key=value, got '" + kv + "'");
            }
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }
}
