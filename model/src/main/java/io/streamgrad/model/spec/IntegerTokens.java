package io.streamgrad.model.spec;

/** Integer feature values as tokens: the canonical decimal form Keras hashes ({@code tf.as_string}). */
public final class IntegerTokens {
    /** IntegerLookup's default {@code oov_token}. */
    public static final String OOV_TOKEN = "-1";

    private IntegerTokens() {}

    /** True when {@code s} is exactly {@code Long.toString} of some long. */
    public static boolean isCanonical(String s) {
        try {
            return Long.toString(Long.parseLong(s)).equals(s);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
