package io.streamgrad.jobs.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Reader;
import java.util.Random;

/**
 * A synthetic click-through stream for {@code examples/click-through.yaml}: JSON lines with raw
 * numeric and categorical features (bid price, ad position, country, advertiser id, device) and a
 * 0/1 {@code clicked} label drawn from a hidden logistic model with per-country and per-advertiser
 * effects. Countries and advertisers are Zipf-like, so new tokens keep appearing (vocabularies
 * grow); about 2% of records lack {@code device} (the example's default fills it).
 * Deterministic for a seed.
 */
public final class ClickThroughStream {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] SITES = {"news-eu", "shop-us", "games-apac"};
    private static final String[] COUNTRIES = {"DE", "US", "FR", "GB", "IT", "ES", "NL", "PL", "SE", "JP", "BR",
        "IN", "CA", "AU", "MX", "KR", "TR", "AT", "CH", "BE", "PT", "DK", "NO", "FI", "IE", "CZ", "GR", "RO", "HU",
        "NZ"};
    private static final String[] DEVICES = {"mobile", "desktop", "tablet", "tv"};
    private static final int ADVERTISERS = 800;
    private static final long T0 = 1_700_000_000_000L;

    private final Random rnd;
    private final double[] countryEffect = new double[COUNTRIES.length];
    private final double[] advertiserEffect = new double[ADVERTISERS];
    private long n;

    public ClickThroughStream(long seed) {
        rnd = new Random(seed);
        for (int i = 0; i < countryEffect.length; i++) {
            countryEffect[i] = 0.8 * rnd.nextGaussian();
        }
        for (int i = 0; i < advertiserEffect.length; i++) {
            advertiserEffect[i] = rnd.nextGaussian();
        }
    }

    /** The next record, one JSON line. */
    public String next() {
        int site = rnd.nextInt(SITES.length);
        int country = zipf(COUNTRIES.length);
        int advertiser = zipf(ADVERTISERS);
        int device = rnd.nextInt(DEVICES.length);
        double bid = Math.exp(-1 + 0.6 * rnd.nextGaussian());
        int slot = 1 + rnd.nextInt(8);
        double viewability = rnd.nextDouble();
        double score = -2.2 + countryEffect[country] + advertiserEffect[advertiser] + 0.9 * bid - 0.25 * slot
                + 1.2 * viewability + (device == 0 ? 0.4 : device == 3 ? -0.6 : 0) + 0.3 * (site - 1);
        boolean clicked = rnd.nextDouble() < 1 / (1 + Math.exp(-score));
        ObjectNode o = MAPPER.createObjectNode();
        o.put("site", SITES[site]);
        o.put("bidPrice", Math.round(bid * 1000) / 1000.0);
        o.putArray("position").add(slot).add(Math.round(viewability * 100) / 100.0);
        o.put("country", COUNTRIES[country]);
        o.put("advertiser", 1000 + advertiser);
        if (rnd.nextInt(50) != 0) {
            o.put("device", DEVICES[device]);
        }
        o.put("clicked", clicked ? 1 : 0);
        o.put("ts", T0 + 10 * n++);
        return o.toString();
    }

    /** Index in [0, size) with probability roughly proportional to 1 / (index + 1). */
    private int zipf(int size) {
        return (int) Math.min(size - 1, Math.floor(Math.exp(rnd.nextDouble() * Math.log(size + 1)) - 1));
    }

    /** An endless stream of its lines, for a reader of lines. */
    public Reader lines() {
        return new Reader() {
            private String line = "";
            private int pos;

            @Override
            public int read(char[] buf, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (pos == line.length()) {
                    line = next() + "\n";
                    pos = 0;
                }
                int k = Math.min(len, line.length() - pos);
                line.getChars(pos, pos + k, buf, off);
                pos += k;
                return k;
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }
}
