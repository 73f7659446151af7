package io.streamgrad.model.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The one binary form of {@link ModelState}, shared by the Flink state serializer and model
 * snapshots. Big-endian; layout of format version 1:
 * <pre>
 * int magic 'SGMS', short formatVersion
 * long version, iterations, examplesSeen, skippedUpdates, rngState; double lastLoss
 * int varCount;   per variable: float[] (int length + values)
 * per variable:   int slotCount; per slot: float[]
 * int scalarCount; double[scalarCount]
 * early stopping: long epoch; int stepsInEpoch; double epochSum; int wait; double best;
 *                 long bestEpoch; boolean stopped; long stoppedEpoch;
 *                 int bestCount (-1 = none); per array: float[]
 * </pre>
 * Format version 2 appends the feature front-end ({@link FrontEndStateCodec}); a state without a
 * front-end is still written as version 1, byte for byte, so plain models keep their format.
 * Format version 3 is version 2 whose front-end may also hold candidate counts (lookups with
 * {@code minFrequency}) and row ages (embeddings with {@code expireAfterSteps}); a front-end
 * without either is still written as version 2, byte for byte.
 * Decoding never trusts a size from the input: every array must fit a float budget (the bytes
 * actually present, or the shape the caller expects), so a crafted input cannot exhaust memory.
 * No Java serialization is involved.
 */
public final class ModelStateCodec {
    public static final int MAGIC = 0x53474D53; // "SGMS"
    /** The newest format this build writes (for front-ends with candidate counts) and reads. */
    public static final short FORMAT_VERSION = 3;
    /** The format of states with a front-end without candidate counts. */
    public static final short FORMAT_VERSION_FRONT_END = 2;
    /** The format of states without a front-end. */
    public static final short FORMAT_VERSION_PLAIN = 1;
    /** Hard cap on one array when the caller gives no budget: 2^28 floats (1 GiB). */
    public static final int MAX_ARRAY = 1 << 28;

    private ModelStateCodec() {}

    public static byte[] encode(ModelState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64,
                state.floatCount() * 4 + 256));
        try {
            encode(state, new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static void encode(ModelState s, DataOutput out) throws IOException {
        boolean withFrontEnd = !s.frontEnd().isEmpty();
        out.writeInt(MAGIC);
        out.writeShort(!withFrontEnd ? FORMAT_VERSION_PLAIN
                : s.frontEnd().needsFormat3() ? FORMAT_VERSION : FORMAT_VERSION_FRONT_END);
        out.writeLong(s.version());
        out.writeLong(s.iterations());
        out.writeLong(s.examplesSeen());
        out.writeLong(s.skippedUpdates());
        out.writeLong(s.rngState());
        out.writeDouble(s.lastLoss());
        float[][] w = s.weights();
        out.writeInt(w.length);
        byte[] scratch = new byte[8192];
        for (float[] a : w) {
            writeFloats(out, a, scratch);
        }
        for (float[][] slots : s.slots()) {
            out.writeInt(slots.length);
            for (float[] a : slots) {
                writeFloats(out, a, scratch);
            }
        }
        double[] scalars = s.scalars();
        out.writeInt(scalars.length);
        for (double d : scalars) {
            out.writeDouble(d);
        }
        EarlyStoppingState es = s.earlyStopping();
        out.writeLong(es.epoch);
        out.writeInt(es.stepsInEpoch);
        out.writeDouble(es.epochSum);
        out.writeInt(es.wait);
        out.writeDouble(es.best);
        out.writeLong(es.bestEpoch);
        out.writeBoolean(es.stopped);
        out.writeLong(es.stoppedEpoch);
        if (es.bestWeights == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(es.bestWeights.length);
            for (float[] a : es.bestWeights) {
                writeFloats(out, a, scratch);
            }
        }
        if (withFrontEnd) {
            FrontEndStateCodec.encode(s.frontEnd(), out, s.frontEnd().needsFormat3());
        }
    }

    /** Decodes a whole byte array; the array's length bounds every allocation. */
    public static ModelState decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Budget budget = new Budget(bytes.length / 4L);
            ModelState s = decode(in, budget);
            if (in.available() > 0) {
                throw new StateFormatException("model state has " + in.available() + " trailing bytes");
            }
            return s;
        } catch (IOException e) {
            throw new StateFormatException("truncated model state: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes from a stream whose length is unknown (Flink state); the state must have exactly the
     * variable sizes of {@code layout}.
     */
    public static ModelState decode(DataInput in, VariableLayout layout) throws IOException {
        long perVariableBound = 0;
        for (Variable v : layout.variables()) {
            perVariableBound += v.size();
        }
        // weights + up to 8 slots each + best weights: a generous but finite budget
        ModelState s = decode(in, new Budget(perVariableBound * 10 + 64));
        if (s.weights().length != layout.size()) {
            throw new StateFormatException("model state has " + s.weights().length + " variables, the model has "
                    + layout.size());
        }
        for (int v = 0; v < layout.size(); v++) {
            if (s.weights()[v].length != layout.get(v).size()) {
                throw new StateFormatException("variable " + v + " (" + layout.get(v).name() + " of layer "
                        + layout.get(v).layer() + ") has " + s.weights()[v].length + " values, expected "
                        + layout.get(v).size());
            }
        }
        return s;
    }

    private static ModelState decode(DataInput in, Budget budget) throws IOException {
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new StateFormatException(String.format("not a StreamGrad model state (magic %08x)", magic));
            }
            short format = in.readShort();
            if (format < FORMAT_VERSION_PLAIN || format > FORMAT_VERSION) {
                throw new StateFormatException("unsupported model state format version " + format
                        + " (this build reads versions " + FORMAT_VERSION_PLAIN + " to " + FORMAT_VERSION + ")");
            }
            long version = in.readLong();
            long iterations = in.readLong();
            long examples = in.readLong();
            long skipped = in.readLong();
            long rng = in.readLong();
            double lastLoss = in.readDouble();
            int varCount = count(in.readInt(), budget, "variable count");
            float[][] weights = new float[varCount][];
            for (int v = 0; v < varCount; v++) {
                weights[v] = readFloats(in, budget);
            }
            float[][][] slots = new float[varCount][][];
            for (int v = 0; v < varCount; v++) {
                int k = count(in.readInt(), budget, "slot count");
                slots[v] = new float[k][];
                for (int j = 0; j < k; j++) {
                    slots[v][j] = readFloats(in, budget);
                    if (slots[v][j].length != weights[v].length) {
                        throw new StateFormatException("slot " + j + " of variable " + v + " has "
                                + slots[v][j].length + " values, the variable " + weights[v].length);
                    }
                }
            }
            int scalarCount = count(in.readInt(), budget, "scalar count");
            double[] scalars = new double[scalarCount];
            for (int i = 0; i < scalarCount; i++) {
                scalars[i] = in.readDouble();
            }
            EarlyStoppingState es = new EarlyStoppingState();
            long epoch = in.readLong();
            int stepsInEpoch = in.readInt();
            double epochSum = in.readDouble();
            int wait = in.readInt();
            double best = in.readDouble();
            long bestEpoch = in.readLong();
            boolean stopped = in.readBoolean();
            long stoppedEpoch = in.readLong();
            int bestCount = in.readInt();
            float[][] bestWeights = null;
            if (bestCount != -1) {
                if (bestCount != varCount) {
                    throw new StateFormatException("best weights have " + bestCount + " arrays, expected " + varCount);
                }
                bestWeights = new float[bestCount][];
                for (int v = 0; v < bestCount; v++) {
                    bestWeights[v] = readFloats(in, budget);
                }
            }
            es.restore(epoch, stepsInEpoch, epochSum, wait, best, bestEpoch, stopped, stoppedEpoch, bestWeights);
            FrontEndState frontEnd = format >= 2 ? FrontEndStateCodec.decode(in, budget, format >= 3) : null;
            ModelState s = new ModelState(weights, slots, scalars, es, frontEnd);
            s.setVersion(version);
            s.setIterations(iterations);
            s.setExamplesSeen(examples);
            s.setSkippedUpdates(skipped);
            s.setRngState(rng);
            s.setLastLoss(lastLoss);
            return s;
        } catch (EOFException e) {
            throw new StateFormatException("truncated model state", e);
        }
    }

    static int count(int n, Budget budget, String what) {
        if (n < 0 || n > budget.remaining || n > 1_000_000) {
            throw new StateFormatException("implausible " + what + " " + n + " in model state");
        }
        return n;
    }

    private static void writeFloats(DataOutput out, float[] a, byte[] scratch) throws IOException {
        out.writeInt(a.length);
        ByteBuffer buf = ByteBuffer.wrap(scratch);
        int i = 0;
        while (i < a.length) {
            int n = Math.min(a.length - i, scratch.length / 4);
            buf.clear();
            buf.asFloatBuffer().put(a, i, n);
            out.write(scratch, 0, n * 4);
            i += n;
        }
    }

    private static float[] readFloats(DataInput in, Budget budget) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ARRAY || n > budget.remaining) {
            throw new StateFormatException("array length " + n + " in model state exceeds what the input can hold ("
                    + budget.remaining + " floats)");
        }
        budget.remaining -= n;
        float[] a = new float[n];
        byte[] chunk = new byte[Math.min(n * 4, 8192)];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        int i = 0;
        while (i < n) {
            int m = Math.min(n - i, chunk.length / 4);
            in.readFully(chunk, 0, m * 4);
            buf.clear();
            buf.asFloatBuffer().get(a, i, m);
            i += m;
        }
        return a;
    }

    /** Floats the decoder may still allocate. */
    static final class Budget {
        long remaining;

        Budget(long floats) {
            this.remaining = floats;
        }
    }
}
