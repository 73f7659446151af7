package io.streamgrad.model.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Compares one result object with the expected values of one case. Every number under the case's
 * {@code expected.losses}, {@code expected.learningRates}, {@code expected.finalState} and
 * {@code expected.inference.y} must satisfy {@code |actual - expected| <= atol + rtol * |expected|}
 * with the case's {@code tolerance}; strings must be equal. A missing field or key, a list of
 * another length, a non-number where a number is expected and a non-finite number fail. Extra
 * fields of the result are ignored.
 *
 * <p>Structural problems stop the comparison at the first one; tolerance failures are all counted
 * and the worst (largest error relative to its bound) is reported.
 */
public final class CaseResultCheck {
    private static final String[] FIELDS = {"losses", "learningRates", "finalState", "inference"};

    private final double rtol;
    private final double atol;
    private int count;
    private int failures;
    private double maxAbsError;
    private double worstRatio = -1;
    private String worstPath;
    private double worstActual;
    private double worstExpected;

    private CaseResultCheck(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
    }

    /** Returns the reason why {@code result} does not match {@code testCase}, or empty when it does. */
    public static Optional<String> check(JsonNode testCase, JsonNode result) {
        CaseResultCheck check;
        JsonNode[] expected;
        try {
            JsonNode tolerance = required(testCase, "tolerance");
            check = new CaseResultCheck(number(tolerance, "tolerance.rtol"), number(tolerance, "tolerance.atol"));
            JsonNode exp = required(testCase, "expected");
            expected = new JsonNode[] {
                required(exp, "expected.losses"),
                required(exp, "expected.learningRates"),
                required(exp, "expected.finalState"),
                required(required(exp, "expected.inference"), "expected.inference.y"),
            };
        } catch (MalformedCase e) {
            return Optional.of("malformed case file (" + e.getMessage() + ")");
        }
        try {
            if (result == null || !result.isObject()) {
                throw new Mismatch("result is not a JSON object");
            }
            for (int i = 0; i < FIELDS.length; i++) {
                String field = FIELDS[i];
                JsonNode actual = result.get(field);
                if (actual == null) {
                    throw new Mismatch(field + ": missing");
                }
                if (field.equals("inference")) {
                    // only inference.y is compared; inference.x is an input, not a result
                    check.walkObjectKey(expected[i], actual, "inference", "y");
                } else {
                    check.walk(expected[i], actual, field);
                }
            }
        } catch (Mismatch m) {
            return Optional.of(m.getMessage());
        }
        return check.failures == 0 ? Optional.empty() : Optional.of(check.toleranceReport());
    }

    private void walkObjectKey(JsonNode expectedValue, JsonNode actualParent, String parentPath, String key) {
        if (!actualParent.isObject()) {
            throw new Mismatch(parentPath + ": expected an object, got " + shortText(actualParent));
        }
        JsonNode actual = actualParent.get(key);
        if (actual == null) {
            throw new Mismatch(parentPath + "." + key + ": missing");
        }
        walk(expectedValue, actual, parentPath + "." + key);
    }

    private void walk(JsonNode expected, JsonNode actual, String path) {
        if (expected.isNumber()) {
            compareNumber(expected.doubleValue(), actual, path);
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                throw new Mismatch(path + ": expected a list of length " + expected.size() + ", got "
                        + shortText(actual));
            }
            if (actual.size() != expected.size()) {
                throw new Mismatch(path + ": shape mismatch, length " + actual.size() + " vs expected "
                        + expected.size());
            }
            for (int i = 0; i < expected.size(); i++) {
                walk(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else if (expected.isObject()) {
            if (!actual.isObject()) {
                throw new Mismatch(path + ": expected an object, got " + shortText(actual));
            }
            Iterator<Map.Entry<String, JsonNode>> entries = expected.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                walkObjectKey(entry.getValue(), actual, path, entry.getKey());
            }
        } else if (expected.isTextual()) {
            // tokens of a vocabulary state: exact equality
            if (!actual.isTextual() || !actual.textValue().equals(expected.textValue())) {
                throw new Mismatch(path + ": expected " + shortText(expected) + ", got " + shortText(actual));
            }
        } else {
            throw new Mismatch(path + ": unsupported expected value " + shortText(expected));
        }
    }

    private void compareNumber(double expected, JsonNode actualNode, String path) {
        if (!actualNode.isNumber()) {
            throw new Mismatch(path + ": expected a number, got " + shortText(actualNode));
        }
        double actual = actualNode.doubleValue();
        count++;
        double error = Double.isFinite(actual) ? Math.abs(actual - expected) : Double.POSITIVE_INFINITY;
        maxAbsError = Math.max(maxAbsError, error);
        double bound = atol + rtol * Math.abs(expected);
        if (error <= bound) {
            return;
        }
        failures++;
        double ratio = bound > 0 ? error / bound : Double.POSITIVE_INFINITY;
        // a NaN always becomes the reported value: it is the most telling failure
        if (worstPath == null || ratio > worstRatio || Double.isNaN(actual)) {
            worstRatio = ratio;
            worstPath = path;
            worstActual = actual;
            worstExpected = expected;
        }
    }

    private String toleranceReport() {
        return String.format(Locale.ROOT,
                "%s, actual %s vs expected %s, max error %.3g (%d of %d values out of tolerance rtol=%s atol=%s)",
                worstPath, worstActual, worstExpected, maxAbsError, failures, count, rtol, atol);
    }

    private static JsonNode required(JsonNode parent, String path) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode value = parent == null || !parent.isObject() ? null : parent.get(key);
        if (value == null || value.isNull()) {
            throw new MalformedCase(path + " is missing");
        }
        return value;
    }

    private static double number(JsonNode parent, String path) {
        JsonNode value = required(parent, path);
        if (!value.isNumber()) {
            throw new MalformedCase(path + " must be a number");
        }
        return value.doubleValue();
    }

    private static String shortText(JsonNode node) {
        String text = node.toString();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** A result that does not have the shape of the expected values. */
    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** A case file without the fields a comparison needs. */
    private static final class MalformedCase extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedCase(String message) {
            super(message, null, false, false);
        }
    }
}
