package io.streamgrad.jobs.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.jobs.config.JobConfigTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocation-light CSV path ({@code CsvExampleParser.parsePlain}, {@code CsvText.plainDecimal}) gives exactly what the
 * general path gives: the same bits, the same keys and targets, the same dead-letter reasons.
 * A quoted cell always takes the general path, so each line is compared with its fully quoted twin.
 */
class ExampleParserPlainCsvTest {
    private static final String[] CELLS = {"0.5", "-1", "2e1", " 1.25 ", "+.5", "5.", ".", "-", "", "x", "NaN",
            "Infinity", "1e39", "0x1p3", "1.5f", "-0", "-0.000", "123456789012345", "1234567890123456",
            "0.000000000000001", "0.1234567890123456789", "\u20031.5\u2003", "\t7\t", "3.4028235e38", "1..2",
            "00000000000000000001", "99999999999999.9", "1-2"};

    private static ExampleParser parser(String... extra) {
        List<String> o = new ArrayList<>(List.of("input.format=csv", "input.json=null",
                "input.key={from: field, column: 0}", "input.csv={features: \"1-3\", label: 4, eventTime: 5}"));
        o.addAll(List.of(extra));
        JobConfig c = JobConfig.parse(JobConfigTest.BASE, o);
        return new ExampleParser(c.input(), c.model());
    }

    @Test
    void plainDecimalsAreBitIdenticalToDoubleParseDouble() {
        Random r = new Random(6);
        for (int i = 0; i < 200_000; i++) {
            int digits = 1 + r.nextInt(15);
            StringBuilder b = new StringBuilder(r.nextBoolean() ? "-" : r.nextInt(8) == 0 ? "+" : "");
            int dot = r.nextInt(digits + 1);
            for (int d = 0; d < digits; d++) {
                if (d == dot) {
                    b.append('.');
                }
                b.append((char) ('0' + r.nextInt(10)));
            }
            String s = b.toString();
            double fast = CsvText.plainDecimal(s, 0, s.length());
            assertThat(Double.doubleToRawLongBits(fast)).as(s)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
            assertThat(Float.floatToRawIntBits((float) fast)).as(s)
                    .isEqualTo(Float.floatToRawIntBits((float) Double.parseDouble(s)));
        }
        for (String s : List.of("", "-", "+", ".", "1e5", "1.5f", "NaN", "1..2", "1-2", "0x10", "1234567890123456")) {
            assertThat(CsvText.plainDecimal(s, 0, s.length())).as(s).isNaN();
        }
    }

    @Test
    void plainLinesParseLikeTheirQuotedTwins() {
        Random r = new Random(7);
        List<ExampleParser> parsers = List.of(parser(), parser("input.csv={delimiter: tab, features: [3, 1, 2], label: 4}"),
                parser("input.key={from: recordKey}", "input.csv={features: \"0-2\", label: 3}"),
                parser("model.layers[1]={type: dense, units: 1}", "model.loss=meanSquaredError"));
        for (int i = 0; i < 20_000; i++) {
            ExampleParser p = parsers.get(i % parsers.size());
            char delimiter = i % parsers.size() == 1 ? '\t' : ',';
            int columns = 3 + r.nextInt(5);
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                String cell = c == 0 && r.nextInt(4) > 0 ? "key" + r.nextInt(3)
                        : c == 4 && r.nextBoolean() ? String.valueOf(r.nextInt(3))
                        : r.nextInt(3) == 0 ? CELLS[r.nextInt(CELLS.length)]
                        : String.valueOf(Math.round(r.nextGaussian() * 1e4) / 1e3);
                // the twin must have the same columns (a tab-delimited line loses blank edge cells to strip())
                cells.add(cell.indexOf(delimiter) >= 0 || (delimiter == '\t' && cell.isBlank()) ? "1" : cell);
            }
            String plain = String.join(String.valueOf(delimiter), cells) + (r.nextInt(5) == 0 ? "\n" : "");
            List<String> quoted = new ArrayList<>();
            for (String c : cells) {
                quoted.add("\"" + c + "\"");
            }
            String twin = String.join(String.valueOf(delimiter), quoted);
            ParseResult a = p.parse("rk", plain, 0L);
            ParseResult b = p.parse("rk", twin, 0L);
            assertThat(a.isOk()).as(plain).isEqualTo(b.isOk());
            if (a.isOk()) {
                assertThat(a.example.modelKey).as(plain).isEqualTo(b.example.modelKey);
                assertThat(bits(a.example.features)).as(plain).isEqualTo(bits(b.example.features));
                assertThat(bits(a.example.target)).as(plain).isEqualTo(bits(b.example.target));
                assertThat(a.example.eventTime).as(plain).isEqualTo(b.example.eventTime);
            } else {
                assertThat(a.deadLetter.reason).as(plain).isEqualTo(b.deadLetter.reason);
                assertThat(a.deadLetter.modelKey).as(plain).isEqualTo(b.deadLetter.modelKey);
            }
        }
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
