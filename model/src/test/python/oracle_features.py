#!/usr/bin/env python3
"""Float64 reference ("oracle") of the feature front-end (docs/semantics.md section 12,
format streamgrad-case/2), built on the trunk oracle in oracle.py; generates the
cases in src/test/resources/conformance-features-extended/.

Standard library + numpy only, written from the specification; no Keras, TensorFlow
or Java code is used.

Usage:
    python3 oracle_features.py OUTDIR             self-check (FarmHash vectors, the three
                                                  public feature cases), then generate
    python3 oracle_features.py --check CASES_DIR  re-run cases and compare (1e-9)
    python3 oracle_features.py --mutants DIR...   run deliberately wrong variants of the rules
                                                  and report which cases catch them

Guards per generated case (as oracle.py): finite-difference check of every gradient
(embeddings included) at every step, probabilities away from the crossentropy clip,
configured clipping actually active, a float32 run (straight and with nudged inputs)
within 1/10 of the tolerance, and a bit-identical JSON round trip.
"""

import json
import math
import os
import sys

import numpy as np

import oracle as O

HERE = os.path.dirname(os.path.abspath(__file__))
PUBLIC = os.path.normpath(os.path.join(HERE, "..", "resources", "conformance", "features"))
MASK = (1 << 64) - 1

# ---------------------------------------------------------------------------
# FarmHash Fingerprint64 (farmhashna::Hash64), little-endian, modulo 2^64
# ---------------------------------------------------------------------------
K0, K1, K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f


def _f64(b, i):
    return int.from_bytes(b[i:i + 8], "little")


def _f32(b, i):
    return int.from_bytes(b[i:i + 4], "little")


def _rot(v, s):
    return v if s == 0 else ((v >> s) | (v << (64 - s))) & MASK


def _smix(v):
    return v ^ (v >> 47)


def _h16(u, v, mul):
    a = ((u ^ v) * mul) & MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & MASK
    b ^= b >> 47
    return (b * mul) & MASK


def _weak(b, p, a, c2):
    w, x, y, z = _f64(b, p), _f64(b, p + 8), _f64(b, p + 16), _f64(b, p + 24)
    a = (a + w) & MASK
    c2 = _rot((c2 + a + z) & MASK, 21)
    c = a
    a = (a + x + y) & MASK
    c2 = (c2 + _rot(a, 44)) & MASK
    return (a + z) & MASK, (c2 + c) & MASK


def fingerprint64(b):
    n = len(b)
    if n <= 16:
        if n >= 8:
            mul = (K2 + n * 2) & MASK
            a = (_f64(b, 0) + K2) & MASK
            bb = _f64(b, n - 8)
            c = (_rot(bb, 37) * mul + a) & MASK
            d = ((_rot(a, 25) + bb) * mul) & MASK
            return _h16(c, d, mul)
        if n >= 4:
            mul = (K2 + n * 2) & MASK
            return _h16((n + (_f32(b, 0) << 3)) & MASK, _f32(b, n - 4), mul)
        if n > 0:
            y = (b[0] + (b[n >> 1] << 8)) & 0xffffffff
            z = (n + (b[n - 1] << 2)) & 0xffffffff
            return (_smix(((y * K2) ^ (z * K0)) & MASK) * K2) & MASK
        return K2
    if n <= 32:
        mul = (K2 + n * 2) & MASK
        a = (_f64(b, 0) * K1) & MASK
        bb = _f64(b, 8)
        c = (_f64(b, n - 8) * mul) & MASK
        d = (_f64(b, n - 16) * K2) & MASK
        return _h16((_rot((a + bb) & MASK, 43) + _rot(c, 30) + d) & MASK,
                    (a + _rot((bb + K2) & MASK, 18) + c) & MASK, mul)
    if n <= 64:
        mul = (K2 + n * 2) & MASK
        a = (_f64(b, 0) * K2) & MASK
        bb = _f64(b, 8)
        c = (_f64(b, n - 8) * mul) & MASK
        d = (_f64(b, n - 16) * K2) & MASK
        y = (_rot((a + bb) & MASK, 43) + _rot(c, 30) + d) & MASK
        z = _h16(y, (a + _rot((bb + K2) & MASK, 18) + c) & MASK, mul)
        e = (_f64(b, 16) * mul) & MASK
        f = _f64(b, 24)
        g = ((y + _f64(b, n - 32)) * mul) & MASK
        h = ((z + _f64(b, n - 24)) * mul) & MASK
        return _h16((_rot((e + f) & MASK, 43) + _rot(g, 30) + h) & MASK,
                    (e + _rot((f + a) & MASK, 18) + g) & MASK, mul)
    x = 81
    y = (81 * K1 + 113) & MASK
    z = (_smix((y * K2 + 113) & MASK) * K2) & MASK
    v, w = (0, 0), (0, 0)
    x = (x * K2 + _f64(b, 0)) & MASK
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    p = 0
    while True:
        x = (_rot((x + y + v[0] + _f64(b, p + 8)) & MASK, 37) * K1) & MASK
        y = (_rot((y + v[1] + _f64(b, p + 48)) & MASK, 42) * K1) & MASK
        x ^= w[1]
        y = (y + v[0] + _f64(b, p + 40)) & MASK
        z = (_rot((z + w[0]) & MASK, 33) * K1) & MASK
        v = _weak(b, p, (v[1] * K1) & MASK, (x + w[0]) & MASK)
        w = _weak(b, p + 32, (z + w[1]) & MASK, (y + _f64(b, p + 16)) & MASK)
        z, x = x, z
        p += 64
        if p == end:
            break
    mul = (K1 + ((z & 0xff) << 1)) & MASK
    p = last64
    w = ((w[0] + ((n - 1) & 63)) & MASK, w[1])
    v = ((v[0] + w[0]) & MASK, v[1])
    w = ((w[0] + v[0]) & MASK, w[1])
    x = (_rot((x + y + v[0] + _f64(b, p + 8)) & MASK, 37) * mul) & MASK
    y = (_rot((y + v[1] + _f64(b, p + 48)) & MASK, 42) * mul) & MASK
    x ^= (w[1] * 9) & MASK
    y = (y + v[0] * 9 + _f64(b, p + 40)) & MASK
    z = (_rot((z + w[0]) & MASK, 33) * mul) & MASK
    v = _weak(b, p, (v[1] * mul) & MASK, (x + w[0]) & MASK)
    w = _weak(b, p + 32, (z + w[1]) & MASK, (y + _f64(b, p + 16)) & MASK)
    z, x = x, z
    return _h16((_h16(v[0], w[0], mul) + _smix(y) * K0 + z) & MASK,
                (_h16(v[1], w[1], mul) + x) & MASK, mul)


def bucket(token, m):
    return fingerprint64(token.encode("utf-8")) % m


def selfcheck_farmhash():
    def signed(v):
        return v - (1 << 64) if v >= 1 << 63 else v
    assert signed(fingerprint64(b"test")) == 8581389452482819506
    assert signed(fingerprint64(b"test" * 8)) == -4196240717365766262
    assert signed(fingerprint64(b"test" * 64)) == 3500507768004279527
    assert [bucket(t, 3) for t in "ABCDE"] == [1, 0, 1, 1, 2]
    assert [bucket(str(i), 3) for i in range(5)] == [1, 0, 1, 0, 2]
    assert [bucket(t, 2) for t in ["omar", "stringer", "marlo", "wire", "skywalker"]] == [0, 0, 1, 0, 0]
    assert [bucket(t, 3) for t in ["Hello", "TensorFlow", "2.x"]] == [0, 2, 2]
    print("Self-check: FarmHash Fingerprint64 published vectors reproduced")


# ---------------------------------------------------------------------------
# The front-end
# ---------------------------------------------------------------------------

def token_of(f, v):
    return str(v) if f["type"] == "integer" else v


def depth(f):
    if "hashing" in f:
        return f["hashing"]["numBins"]
    lk = f["lookup"]
    n = lk.get("numOovIndices", 1)
    return lk["maxTokens"] if lk.get("maxTokens") is not None else len(lk.get("vocabulary", [])) + n


def width(f):
    if f["type"] == "numeric":
        return f.get("size", 1)
    return f["embedding"]["outputDim"] if "embedding" in f else depth(f)


def load_fe(features, init, dt, nudge=False):
    fs = []
    for f, st in zip(features, init):
        d = {}
        if "count" in st:
            d["count"] = int(st["count"])
            d["mean"] = np.array(st["mean"], dtype=np.float64)
            d["M2"] = np.array(st["variance"], dtype=np.float64) * d["count"]
        if "vocabulary" in st:
            d["vocabulary"] = [token_of(f, t) for t in st["vocabulary"]]
        if "embeddings" in st:
            e = np.array(st["embeddings"], dtype=np.float64).astype(dt)
            d["embeddings"] = np.nextafter(e, dt(np.inf)) if nudge else e
        fs.append(d)
    return fs


def adapt(features, fs, x):
    """Training-only updates before the forward pass: growth, then statistics."""
    for f, d in zip(features, fs):
        lk = f.get("lookup")
        if lk is not None and lk.get("grow"):
            cap = lk["maxTokens"] - lk.get("numOovIndices", 1)
            if O.M("fe_grow_past_cap"):
                cap += 1
            values = x[f["name"]]
            if O.M("fe_grow_sorted"):
                values = sorted(values, key=lambda v: token_of(f, v))
            for v in values:
                t = token_of(f, v)
                if len(d["vocabulary"]) >= cap:
                    break
                if t not in d["vocabulary"] and not (f["type"] == "integer" and t == "-1"):
                    d["vocabulary"].append(t)
    for f, d in zip(features, fs):
        norm = f.get("normalization")
        if norm is not None and norm.get("adapt") == "online":
            fa = norm.get("freezeAfter")
            if fa is not None and (d["count"] > fa if O.M("fe_freeze_strict") else d["count"] >= fa):
                continue
            if fa is not None and O.M("fe_freeze_skip_crossing") and d["count"] + len(x[f["name"]]) > fa:
                continue
            xb = np.array(x[f["name"]], dtype=np.float64)
            nb = xb.shape[0]
            mb = xb.sum(axis=0) / nb
            m2b = ((xb - mb) ** 2).sum(axis=0)
            n = d["count"] + nb
            delta = mb - d["mean"]
            d["mean"] = d["mean"] + delta * nb / n
            d["M2"] = d["M2"] + m2b + delta * delta * d["count"] * nb / n
            d["count"] = n


def index(f, d, v):
    t = token_of(f, v)
    if "hashing" in f:
        m = f["hashing"]["numBins"]
        if O.M("fe_hash_signed_abs"):   # Java's Math.abs(fp % m) on the signed fingerprint
            fp = fingerprint64(t.encode("utf-8"))
            return abs(int(math.fmod(fp - (1 << 64) if fp >= 1 << 63 else fp, m)))
        if O.M("fe_int_hash_binary") and f["type"] == "integer":
            return fingerprint64((v & MASK).to_bytes(8, "little")) % m
        return bucket(t, m)
    n = f["lookup"].get("numOovIndices", 1)
    if t in d["vocabulary"]:
        return d["vocabulary"].index(t) if O.M("fe_vocab_first") else n + d["vocabulary"].index(t)
    if n == 1 or O.M("fe_oov_always_zero"):
        return len(d["vocabulary"]) if O.M("fe_vocab_first") else 0
    return (v % n) if f["type"] == "integer" else bucket(t, n)   # python % is floormod


def encode(features, fs, x, dt, nudge=False):
    cols, idx = [], []
    for f, d in zip(features, fs):
        if f["type"] == "numeric":
            xb = np.array(x[f["name"]], dtype=np.float64).astype(dt)
            if nudge:
                xb = np.nextafter(xb, dt(np.inf))
            norm = f.get("normalization")
            if norm is None:
                out = xb
            else:
                if "mean" in norm:
                    mean, var = np.array(norm["mean"]), np.array(norm["variance"])
                else:
                    mean = d["mean"]
                    var = d["M2"] / d["count"] if d["count"] > 0 else np.zeros_like(d["mean"])
                    if O.M("fe_sample_variance") and d["count"] > 1:
                        var = d["M2"] / (d["count"] - 1)
                mean, var = mean.astype(dt), var.astype(dt)
                if O.M("fe_norm_eps_inside"):
                    out = (xb - mean) / np.sqrt(var + dt(O.EPS_KERAS))
                else:
                    out = (xb - mean) / np.maximum(np.sqrt(var), dt(O.EPS_KERAS))
            cols.append(out)
            idx.append(None)
        else:
            ix = np.array([index(f, d, v) for v in x[f["name"]]], dtype=np.int64)
            if "embedding" in f:
                cols.append(d["embeddings"][ix])
            else:
                oh = np.zeros((len(ix), depth(f)), dtype=dt)
                oh[np.arange(len(ix)), ix] = 1
                cols.append(oh)
            idx.append(ix)
    if O.M("fe_sorted_concat"):   # FeatureSpace's order instead of the listed one
        order = sorted(range(len(features)), key=lambda j: features[j]["name"])
        cols = [cols[j] for j in order]
    return np.concatenate(cols, axis=1).astype(dt), idx


def emb_penalty(features, fs, dt):
    total, grads = dt(0), {}
    for j, (f, d) in enumerate(zip(features, fs)):
        if "embedding" not in f:
            continue
        r = f["embedding"].get("regularizer")
        if r is None:
            continue
        e = d["embeddings"]
        l1, l2 = dt(r.get("l1", 0.0)), dt(r.get("l2", 0.0))
        total = total + l1 * np.abs(e).sum() + l2 * (e * e).sum()
        grads[j] = l1 * np.sign(e) + 2 * l2 * e
    return total, grads


def emb_grads(features, fs, idx, dx, pgrads):
    out, off = {}, 0
    for j, (f, d) in enumerate(zip(features, fs)):
        w = width(f)
        if "embedding" in f:
            g = np.zeros_like(d["embeddings"])
            np.add.at(g, idx[j], dx[:, off:off + w])
            out[j] = g + pgrads[j] if j in pgrads else g
        off += w
    return out


def total_loss(case, fs, tstate, x, y, masks, dt):
    model = case["model"]
    xe, _ = encode(model["features"], fs, x, dt)
    return O.total_loss(model, tstate, xe, y, masks, dt) + emb_penalty(model["features"], fs, dt)[0]


def check_emb_fd(case, fs, tstate, x, y, masks, grads):
    h, worst = 1e-6, 0.0
    for j, g in grads.items():
        e = fs[j]["embeddings"]
        num = np.zeros_like(e)
        for i in range(e.size):
            r, c = divmod(i, e.shape[1])
            old = e[r, c]
            e[r, c] = old + h
            lp = total_loss(case, fs, tstate, x, y, masks, np.float64)
            e[r, c] = old - h
            lm = total_loss(case, fs, tstate, x, y, masks, np.float64)
            e[r, c] = old
            num[r, c] = (lp - lm) / (2 * h)
        err = float(np.max(np.abs(num - g))) / max(float(np.max(np.abs(g))), 1e-9)
        worst = max(worst, err)
        if err > 1e-6:
            raise O.OracleError("finite-difference mismatch on embeddings of feature %d: %.3g" % (j, err))
    return worst


class _State(dict):
    """Trunk layers by index, embeddings under ("fe", j): one namespace for the optimizer."""


def run_case(case, dt=np.float64, nudge=False, fd_check=False, diag=None):
    model = case["model"]
    features = model["features"]
    fs = load_fe(features, case["initialState"]["features"], dt, nudge)
    trunk = O.load_state(model, case["initialState"], dt, nudge)
    state = _State({i: d for i, d in enumerate(trunk)})
    for j, d in enumerate(fs):
        if "embeddings" in d:
            state["fe%d" % j] = d   # the optimizer reads state["fe<j>"]["embeddings"]
    emb_keys = [("fe%d" % j, "embeddings") for j, d in enumerate(fs) if "embeddings" in d]
    keys = emb_keys + [(i, n) for i, L in enumerate(model["layers"]) for n in O.trainable_names(L)]
    opt = O.Optimizer(case["optimizer"], keys, state, dt)
    losses, lrs, fd = [], [], 0.0
    for step in case["steps"]:
        if not O.M("fe_adapt_after"):
            adapt(features, fs, step["x"])
        xe, idx = encode(features, fs, step["x"], dt, nudge)
        if O.M("fe_adapt_after"):
            adapt(features, fs, step["x"])
        y = np.array(step["y"], dtype=np.float64).astype(dt)
        masks = {k: np.array(v, dtype=np.float64).astype(dt) for k, v in step["dropoutMasks"].items()}
        loss, grads, moving, dx = O.loss_and_grads(model, state, xe, y, masks, dt, diag, return_dx=True)
        pen, pgrads = emb_penalty(features, fs, dt)
        eg = emb_grads(features, fs, idx, dx, pgrads)
        if fd_check:
            fd = max(fd, O.check_gradients(model, state, xe, y, masks,
                                           {k: grads[k] for k in keys if k in grads}))
            fd = max(fd, check_emb_fd(case, fs, state, step["x"], y, masks, eg))
        losses.append(float(loss + pen))
        for i, (mm, mv) in moving.items():
            state[i]["movingMean"] = mm
            state[i]["movingVariance"] = mv
        all_grads = {("fe%d" % j, "embeddings"): g for j, g in eg.items()}
        all_grads.update({k: grads[k] for k in keys if k in grads})
        unused = {j: np.setdiff1d(np.arange(fs[j]["embeddings"].shape[0]), idx[j]) for j in eg}
        kept = {j: fs[j]["embeddings"][unused[j]].copy() for j in eg}
        lrs.append(opt.apply({k: all_grads[k] for k in keys}, state))
        if O.M("fe_lazy_embeddings"):   # rows not looked up left untouched (LazyAdam-style)
            for j in eg:
                fs[j]["embeddings"][unused[j]] = kept[j]
    if diag is not None:
        diag.update(opt.diag)
        diag["fd_worst"] = fd
    xi, _ = encode(features, fs, case["expected"]["inference"]["x"], dt, nudge)
    yi, _, _ = O.forward(model, state, xi, False, {}, dt, diag)
    if diag is not None and model["loss"] != "meanSquaredError":
        diag["pmin"] = min(diag.get("pmin", 1.0), float(yi.min()))
        diag["pmax"] = max(diag.get("pmax", 0.0), float(yi.max()))
    return {"losses": losses, "learningRates": [float(v) for v in lrs],
            "finalState": {"features": final_features(features, fs), "layers": final_layers(model, state)},
            "inference": {"y": [[float(v) for v in row] for row in yi]}}


def final_features(features, fs):
    out = []
    for f, d in zip(features, fs):
        o = {}
        if "count" in d:
            o["count"] = d["count"]
            o["mean"] = [float(v) for v in d["mean"]]
            o["variance"] = [float(v) for v in (d["M2"] / d["count"] if d["count"] else d["M2"])]
        if "vocabulary" in d:
            o["vocabulary"] = [int(t) for t in d["vocabulary"]] if f["type"] == "integer" else list(d["vocabulary"])
        if "embeddings" in d:
            o["embeddings"] = [[float(v) for v in row] for row in d["embeddings"]]
        out.append(o)
    return out


def final_layers(model, state):
    final = []
    for i, L in enumerate(model["layers"]):
        st = state[i]
        d = {}
        for k in {"dense": ["kernel", "bias"],
                  "batchNormalization": ["gamma", "beta", "movingMean", "movingVariance"]}.get(L["type"], []):
            if k in st:
                d[k] = [float(v) for v in st[k]] if st[k].ndim == 1 else [[float(v) for v in r] for r in st[k]]
        final.append(d)
    return final


def compare(expected, actual, rtol, atol, path="", stats=None):
    """oracle.compare plus exact equality of strings (vocabulary tokens)."""
    if isinstance(expected, str):
        if expected != actual:
            raise O.OracleError("%s: %r vs %r" % (path, actual, expected))
        return 0.0
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise O.OracleError("%s: shape mismatch" % path)
        return max([compare(e, a, rtol, atol, "%s[%d]" % (path, i), stats)
                    for i, (e, a) in enumerate(zip(expected, actual))] + [0.0])
    if isinstance(expected, dict):
        w = 0.0
        for k, e in expected.items():
            if k not in actual:
                raise O.OracleError("%s.%s missing" % (path, k))
            w = max(w, compare(e, actual[k], rtol, atol, path + "." + k, stats))
        return w
    return O.compare(expected, actual, rtol, atol, path, stats)


def check_dir(cases_dir, label=""):
    files = sorted((os.path.join(r, f) for r, _, fs in os.walk(cases_dir) for f in fs if f.endswith(".json")),
                   key=os.path.basename)
    ok = 0
    for p in files:
        with open(p) as fh:
            case = json.load(fh)
        diag = {}
        try:
            res = run_case(case, fd_check=True, diag=diag)
            stats = {}
            r = compare(O.expected_view(case), res, 1e-9, 1e-12, "", stats)
        except O.OracleError as ex:
            print("  FAIL %-36s %s" % (case["name"], ex))
            continue
        if r <= 1.0:
            ok += 1
            print("  PASS %-36s err/bound %.3f, FD %.1e" % (case["name"], r, diag["fd_worst"]))
        else:
            print("  FAIL %-36s %s actual %r expected %r" % ((case["name"],) + stats["worst"][1:]))
    print("%s%d of %d cases reproduced" % (label, ok, len(files)))
    return ok == len(files) and ok > 0


MUTANTS = [
    ("fe_vocab_first", "vocabulary from index 0, OOV after it"),
    ("fe_oov_always_zero", "several OOV indices all mapped to 0"),
    ("fe_hash_signed_abs", "Math.abs(signed fingerprint % m)"),
    ("fe_int_hash_binary", "integers hashed as 8 binary bytes"),
    ("fe_norm_eps_inside", "sqrt(variance + 1e-7)"),
    ("fe_sample_variance", "M2 / (count - 1)"),
    ("fe_freeze_strict", "freeze only when count > freezeAfter"),
    ("fe_freeze_skip_crossing", "a batch crossing freezeAfter is skipped"),
    ("fe_adapt_after", "growth and statistics after the forward pass"),
    ("fe_grow_sorted", "new tokens appended in sorted order"),
    ("fe_grow_past_cap", "growth one token past maxTokens"),
    ("fe_sorted_concat", "features concatenated sorted by name"),
    ("fe_lazy_embeddings", "only looked-up embedding rows updated"),
]


def mutation_check(dirs):
    cases = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(".json"):
                    with open(os.path.join(root, f)) as fh:
                        cases.append(json.load(fh))
    ok = True
    for mut, desc in MUTANTS:
        O.MUT.clear()
        O.MUT.add(mut)
        caught = 0
        for case in cases:
            tol = case["tolerance"]
            try:
                r = compare(O.expected_view(case), run_case(case), tol["rtol"], tol["atol"])
            except (O.OracleError, ValueError, IndexError, FloatingPointError):
                r = math.inf
            caught += r > 1.0
        O.MUT.clear()
        ok = ok and caught > 0
        print("  %-24s %-44s caught by %2d of %d case(s)" % (mut, desc, caught, len(cases)))
    return ok


if __name__ == "__main__":
    import oracle_features_cases as C
    sys.exit(C.main(sys.argv))
