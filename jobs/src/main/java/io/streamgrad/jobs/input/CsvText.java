package io.streamgrad.jobs.input;

import java.util.ArrayList;
import java.util.List;

/** CSV line splitting, and the exact plain-decimal reader of the allocation-free CSV path. */
final class CsvText {
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
            1e13, 1e14, 1e15};

    private CsvText() {}

    /** Splits one CSV line; double quotes may enclose fields ("" inside quotes is a quote). */
    static List<String> split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == delimiter) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * The value of a plain decimal {@code [+-]digits[.digits]} (at least one digit, at most 15 in
     * all) in {@code s[from, to)}, or NaN for any other text (the caller then uses
     * {@link Double#parseDouble}). Exact: the digits form an integer below 2^53 and the scale a power
     * of ten up to 10^15, both exact doubles, so the one correctly rounded division gives the
     * correctly rounded value of the decimal, which is what {@code Double.parseDouble} returns.
     */
    static double plainDecimal(String s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long m = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < to; i++) {
            char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (++digits > 15) {
                    return Double.NaN;
                }
                m = m * 10 + (ch - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (ch == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double d = fraction > 0 ? m / POW10[fraction] : m;
        return negative ? -d : d;
    }
}
