package io.streamgrad.jobs.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option types with their validation, so that a bad value is a usage error naming the option. */
final class Converters {
    private Converters() {}

    /** A whole number >= 1. */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) atLeast(value, 1, Integer.MAX_VALUE);
        }
    }

    /** A whole number >= 1. */
    static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return atLeast(value, 1, Long.MAX_VALUE);
        }
    }

    /** A whole number >= 0. */
    static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) atLeast(value, 0, Integer.MAX_VALUE);
        }
    }

    /** A whole number >= 0. */
    static final class NonNegativeLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return atLeast(value, 0, Long.MAX_VALUE);
        }
    }

    /** A TCP port, 0 to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) atLeast(value, 0, 65535);
        }
    }

    /** A number > 0. */
    static final class PositiveDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d = decimal(value);
            if (!(d > 0)) {
                throw new TypeConversionException("must be positive, got '" + value + "'");
            }
            return d;
        }
    }

    /** A number >= 0. */
    static final class NonNegativeDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d = decimal(value);
            if (!(d >= 0)) {
                throw new TypeConversionException("must be >= 0, got '" + value + "'");
            }
            return d;
        }
    }

    /** Whole seconds: {@code 90}, {@code 90s}, {@code 5m}, {@code 1h}. */
    static final class Seconds implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String t = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (t.endsWith("ms")) {
                throw new TypeConversionException("is in seconds (e.g. 90, 90s, 5m), got '" + value + "'");
            } else if (t.endsWith("s")) {
                t = t.substring(0, t.length() - 1);
            } else if (t.endsWith("m")) {
                unit = 60;
                t = t.substring(0, t.length() - 1);
            } else if (t.endsWith("h")) {
                unit = 3600;
                t = t.substring(0, t.length() - 1);
            }
            try {
                return Duration.ofSeconds(Long.parseLong(t) * unit);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a duration like 90, 90s, 5m, got '" + value + "'");
            }
        }
    }

    /** {@code HOST:PORT}. */
    record HostPort(String host, int port) {}

    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new TypeConversionException("must be HOST:PORT, got '" + value + "'");
            }
            return new HostPort(value.substring(0, colon), new Port().convert(value.substring(colon + 1)));
        }
    }

    private static long atLeast(String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, got '" + value + "'");
        }
        if (n < min) {
            throw new TypeConversionException("must be >= " + min + ", got " + n);
        }
        if (n > max) {
            throw new TypeConversionException("must be <= " + max + ", got " + n);
        }
        return n;
    }

    private static double decimal(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a number, got '" + value + "'");
        }
    }
}
