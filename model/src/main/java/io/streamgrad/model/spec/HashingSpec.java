package io.streamgrad.model.spec;

/** Keras {@code Hashing(num_bins)}: FarmHash Fingerprint64 of the UTF-8 bytes, unsigned modulo {@code numBins}. */
public record HashingSpec(int numBins) {
    public HashingSpec {
        Check.positive("numBins", numBins);
    }
}
