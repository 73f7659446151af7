#!/usr/bin/env python3
"""The generated streamgrad-case/2 cases (run oracle_features.py, not this file)."""

import copy
import json
import math
import os

import numpy as np

import oracle as O
import oracle_features as F
from oracle import dense, bn, act, dropout, opt, reg

MSE, BCE, CCE = O.MSE, O.BCE, O.CCE
I64_MAX, I64_MIN = 9223372036854775807, -9223372036854775808


def num(name, size=1, norm=None, loc=0.0, scale=1.0, warm=None, decimals=4):
    f = {"name": name, "type": "numeric", "size": size}
    if norm is not None:
        f["normalization"] = norm
    return f, {"loc": loc, "scale": scale, "warm": warm, "decimals": decimals}


def cat(name, kind, pool, lookup=None, hashing=None, emb=None, l1l2=None):
    f = {"name": name, "type": kind}
    if lookup is not None:
        f["lookup"] = lookup
    if hashing is not None:
        f["hashing"] = {"numBins": hashing}
    if emb is not None:
        f["embedding"] = {"outputDim": emb, "regularizer": l1l2}
    else:
        f["encoding"] = "oneHot"
    return f, {"pool": pool}


def lookup(vocab, maxTokens=None, n=1, grow=False):
    return {"vocabulary": vocab, "maxTokens": maxTokens, "numOovIndices": n, "grow": grow}


def S(name, desc, feats, layers, loss, optimizer, seed, steps=6, batch=8, tol=None):
    adamlike = optimizer["type"] in ("adam", "adamw", "adamax", "nadam", "lion")
    return {"name": name, "desc": desc, "features": [f for f, _ in feats], "hints": [h for _, h in feats],
            "layers": layers, "loss": loss, "optimizer": optimizer, "seed": seed, "steps": steps,
            "batch": batch, "tol": tol or (O.TOL_ADAM if adamlike else O.TOL_SGD)}


def build_case(spec):
    rng = np.random.default_rng(spec["seed"])
    feats, hints = spec["features"], spec["hints"]
    B = spec["batch"]
    init_f = []
    for f, h in zip(feats, hints):
        st = {}
        if f.get("normalization", {}).get("adapt") == "online":
            s = f["size"]
            if h["warm"] is not None:
                st = {"count": h["warm"], "mean": O._r(h["loc"] + rng.normal(0, 0.5, s), 4),
                      "variance": O._r(h["scale"] ** 2 * rng.uniform(0.6, 1.4, s), 4)}
            else:
                st = {"count": 0, "mean": [0.0] * s, "variance": [0.0] * s}
        if "lookup" in f:
            st["vocabulary"] = list(f["lookup"]["vocabulary"])
        if "embedding" in f:
            st["embeddings"] = O._r(rng.uniform(-0.3, 0.3, (F.depth(f), f["embedding"]["outputDim"])), 5)
        init_f.append(st)
    width = sum(F.width(f) for f in feats)
    init, widths = [], []
    for L in spec["layers"]:
        if L["type"] == "dense":
            lim = math.sqrt(6.0 / (width + L["units"]))
            d = {"kernel": O._r(rng.uniform(-lim, lim, (width, L["units"])), 5)}
            if L["useBias"]:
                d["bias"] = O._r(rng.uniform(-0.1, 0.1, L["units"]), 5)
            width = L["units"]
        elif L["type"] == "batchNormalization":
            d = {}
            if L["scale"]:
                d["gamma"] = O._r(rng.uniform(0.8, 1.2, width), 5)
            if L["center"]:
                d["beta"] = O._r(rng.uniform(-0.15, 0.15, width), 5)
            d["movingMean"] = O._r(rng.uniform(-0.3, 0.3, width), 5)
            d["movingVariance"] = O._r(rng.uniform(0.5, 1.3, width), 5)
        else:
            d = {}
        widths.append(width)
        init.append(d)
    K = width
    effects = {}

    def effect(key):
        if key not in effects:
            effects[key] = rng.normal(0, 0.6, K)
        return effects[key]

    def columns(n):
        x = {}
        for f, h in zip(feats, hints):
            if f["type"] == "numeric":
                x[f["name"]] = O._r(h["loc"] + h["scale"] * rng.normal(0, 1, (n, f["size"])), h["decimals"])
            else:
                pool = h["pool"]
                x[f["name"]] = [pool[int(i)] for i in rng.integers(0, len(pool), n)]
        return x

    teacher = {f["name"]: rng.normal(0, 0.5, (f["size"], K)) for f, _ in zip(feats, hints) if f["type"] == "numeric"}

    def targets(x, n):
        z = np.zeros((n, K))
        for f, h in zip(feats, hints):
            if f["type"] == "numeric":
                z += (np.array(x[f["name"]]) - h["loc"]) / h["scale"] @ teacher[f["name"]]
            else:
                z += np.array([effect((f["name"], v)) for v in x[f["name"]]])
        z = z / math.sqrt(len(feats))
        if spec["loss"] == MSE:
            return O._r(np.tanh(z) + rng.normal(0, 0.1, z.shape), 4)
        if spec["loss"] == BCE:
            return [[int(v) for v in row] for row in (rng.random(z.shape) < 1 / (1 + np.exp(-2 * z)))]
        e = np.exp(2 * z - (2 * z).max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return [[1 if j == int(rng.choice(K, p=row)) else 0 for j in range(K)] for row in p]

    steps = []
    for _ in range(spec["steps"]):
        x = columns(B)
        st = {"x": x, "y": targets(x, B), "dropoutMasks": {}}
        for i, L in enumerate(spec["layers"]):
            if L["type"] == "dropout" and L["rate"] > 0:
                m = (rng.random((B, widths[i])) >= L["rate"]).astype(int)
                st["dropoutMasks"][str(i)] = [[int(v) for v in row] for row in m]
        steps.append(st)
    return {
        "format": "streamgrad-case/2", "name": spec["name"], "description": spec["desc"],
        "model": {"features": feats, "layers": spec["layers"], "loss": spec["loss"]},
        "optimizer": spec["optimizer"],
        "initialState": {"features": init_f, "layers": init},
        "steps": steps,
        "expected": {"losses": None, "learningRates": None, "finalState": None,
                     "inference": {"x": columns(8), "y": None}},
        "tolerance": spec["tol"],
    }


def generate(spec, outdir):
    case = build_case(spec)
    diag = {}
    res = F.run_case(copy.deepcopy(case), fd_check=True, diag=diag)
    for k in ("losses", "learningRates", "finalState"):
        case["expected"][k] = res[k]
    case["expected"]["inference"]["y"] = res["inference"]["y"]
    name = spec["name"]
    if "pmin" in diag and not (diag["pmin"] >= 1e-3 and diag["pmax"] <= 1 - 1e-3):
        raise O.OracleError("%s: probability outside [1e-3, 1-1e-3]" % name)
    for key, lim in (("relu_min_abs", 1e-4), ("lion_min", 1e-3), ("ftrl_margin", 1e-3)):
        if diag.get(key, 1.0) < lim:
            raise O.OracleError("%s: %s too small (%.2e)" % (name, key, diag[key]))
    if any(case["optimizer"].get(k) is not None for k in ("clipnorm", "globalClipnorm", "clipvalue")) \
            and not diag.get("clip_active"):
        raise O.OracleError("%s: clipping configured but never active" % name)
    # float32 calibration: the base tolerance, widened by a round factor where float32 needs it,
    # must leave 10x headroom
    tol = case["tolerance"]
    worst32, where = 0.0, None
    for nudge in (False, True):
        r32 = F.run_case(copy.deepcopy(case), dt=np.float32, nudge=nudge)
        stats = {}
        r = F.compare(O.expected_view(case), r32, tol["rtol"], tol["atol"], "", stats)
        if r > worst32:
            worst32, where = r, stats["worst"][1]
    factor = next((f for f in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if worst32 / f <= 0.1), None)
    if factor is None:
        raise O.OracleError("%s: float32 run uses %.2f of the tolerance at %s" % (name, worst32, where))
    case["tolerance"] = tol = {"rtol": float("%.3g" % (tol["rtol"] * factor)), "atol": float("%.3g" % (tol["atol"] * factor))}
    worst32 /= factor
    path = os.path.join(outdir, name + ".json")
    with open(path, "w") as fh:
        fh.write(O.dumps_case(case))
    with open(path) as fh:
        back = json.load(fh)
    if F.compare(O.expected_view(back), F.run_case(back), 0.0, 0.0) != 0.0:
        raise O.OracleError("%s: JSON round trip is not bit-identical" % name)
    vocab = [len(s.get("vocabulary", [])) for s in case["expected"]["finalState"]["features"]]
    print("  %-44s FD %.1e  float32 uses %.3f of tol  vocabularies %s%s"
          % (name, diag["fd_worst"], worst32, vocab, "  clipping %dx" % diag["clip_active"]
             if "clip_active" in diag else ""))


def case_specs():
    words = ["DE", "FR", "IT", "PL", "AT", "NL", "SE", "ES", "BE", "CZ", "S\u00e3o Paulo", "", "x y", "\u00fc"]
    c = []
    c.append(S("fx_numeric_freeze_warm_sgd_momentum",
               "online Normalization with freezeAfter (crossing batch merged whole), warm start crossing its "
               "freezeAfter, freezeAfter reached exactly, fixed Normalization (one with the 1e-7 floor on the "
               "standard deviation), pass-through; SGD momentum, MSE",
               [num("a", 1, {"adapt": "online", "freezeAfter": 20}, loc=40.0, scale=9.0),
                num("t", 1, {"adapt": "online", "freezeAfter": 16}, loc=-2.0, scale=4.0),
                num("e", 1, {"mean": [0.0], "variance": [1e-15]}, loc=0.0, scale=2e-7, decimals=11),
                num("w", 2, {"adapt": "online", "freezeAfter": 60}, loc=-3.0, scale=0.5, warm=50),
                num("f", 1, {"mean": [2.0], "variance": [9.0]}, loc=2.5, scale=3.0),
                num("p", 2, None, loc=0.0, scale=0.8)],
               [dense(6, "tanh"), dense(1)], MSE, opt("sgd", learningRate=0.05, momentum=0.9), 201))
    c.append(S("fx_lookup_three_oov_l1l2_adam",
               "StringLookup with 3 OOV indices (FarmHash buckets) -> Embedding with L1L2; numeric; Adam, MSE",
               [cat("c", "string", words, lookup=lookup(["DE", "FR", "IT", "PL", "AT"], n=3), emb=3,
                    l1l2=reg(0.001, 0.01)),
                num("v", 2, {"adapt": "online"}, loc=1.0, scale=2.0)],
               [dense(6, "tanh"), dense(1)], MSE, opt("adam", learningRate=0.02), 202))
    c.append(S("fx_lookup_grow_past_max_onehot_rmsprop",
               "StringLookup growing past maxTokens (2 OOV indices) -> one-hot; RMSprop centered + momentum, BCE",
               [cat("c", "string", words, lookup=lookup(["DE"], maxTokens=7, n=2, grow=True)),
                num("v", 1, None, scale=0.7)],
               [dense(5, "tanh"), dense(1, "sigmoid")], BCE,
               opt("rmsprop", learningRate=0.01, momentum=0.5, centered=True), 203))
    c.append(S("fx_integer_lookup_grow_oov2_nesterov",
               "IntegerLookup (floormod OOV buckets, 2 OOV indices) growing to maxTokens, -1 never added, "
               "int64 extremes -> Embedding L2; SGD Nesterov, MSE",
               [cat("s", "integer", [10, -4, 2 ** 40, -1, 7, 8, -9, I64_MAX, I64_MIN, 12345678901, 3],
                    lookup=lookup([10, -4, 2 ** 40], maxTokens=9, n=2, grow=True), emb=2, l1l2=reg(0.0, 0.01)),
                num("v", 2, None, scale=0.7)],
               [dense(5, "tanh"), dense(1)], MSE, opt("sgd", learningRate=0.1, momentum=0.8, nesterov=True), 204))
    c.append(S("fx_integer_lookup_fixed_onehot_adamax",
               "IntegerLookup, fixed vocabulary, 1 OOV index -> one-hot; string Hashing -> Embedding; Adamax, MSE",
               [cat("s", "integer", [1, 2, 3, 5, 8, 13, -21, 0], lookup=lookup([1, 2, 3, 5, 8])),
                cat("d", "string", words, hashing=6, emb=2)],
               [dense(5, "tanh"), dense(1)], MSE, opt("adamax", learningRate=0.02), 205))
    c.append(S("fx_integer_hashing_int64_adagrad_clipnorm",
               "integer Hashing of int64 extremes and negatives -> Embedding; string Hashing -> one-hot; "
               "Adagrad with clipnorm (embeddings clipped as one variable), MSE",
               [cat("s", "integer", [0, 1, -1, -5, 42, I64_MAX, I64_MIN, 10 ** 15, -(10 ** 12)], hashing=11,
                    emb=3),
                cat("d", "string", words, hashing=5),
                num("v", 1, {"adapt": "online"}, loc=100.0, scale=15.0)],
               [dense(6, "tanh"), dense(1)], MSE, opt("adagrad", learningRate=0.1, clipnorm=0.3), 206))
    c.append(S("fx_hashing_onehot_ftrl",
               "string Hashing -> one-hot, numeric; Ftrl with l1/l2, BCE",
               [cat("d", "string", words, hashing=6), num("v", 2, {"mean": [1.0, -1.0], "variance": [4.0, 0.25]},
                                                          loc=1.0, scale=1.5)],
               [dense(4, "tanh"), dense(1, "sigmoid")], BCE,
               opt("ftrl", learningRate=0.2, l1RegularizationStrength=0.001, l2RegularizationStrength=0.01), 207))
    c.append(S("fx_adamw_embeddings_weight_decay",
               "AdamW: weight decay on every embedding row (looked up or not); lookup + integer hashing "
               "embeddings, MSE",
               [cat("c", "string", words, lookup=lookup(["DE", "FR", "IT"], maxTokens=8, grow=True), emb=3),
                cat("s", "integer", [3, 4, 5, -6], hashing=7, emb=2)],
               [dense(6, "tanh"), dense(1)], MSE, opt("adamw", learningRate=0.02, weightDecay=0.05), 208))
    c.append(S("fx_lion_embeddings",
               "Lion on embeddings (sign updates of unused rows through the moment), MSE",
               [cat("c", "string", words[:8], lookup=lookup(["DE", "FR", "IT", "PL"]), emb=2),
                num("v", 1, None, scale=0.8)],
               [dense(4, "tanh"), dense(1)], MSE, opt("lion", learningRate=0.003), 249))
    c.append(S("fx_nadam_mixed_bn_dropout_cce",
               "mixed front-end (lookup embedding, hashing one-hot, online numeric) into dense -> BN -> relu "
               "-> dropout 0.25 -> softmax; Nadam, CCE",
               [cat("c", "string", words, lookup=lookup(["DE", "FR", "IT", "PL"], maxTokens=10, grow=True),
                    emb=3),
                cat("d", "string", words, hashing=4),
                num("v", 2, {"adapt": "online", "freezeAfter": 30}, loc=5.0, scale=2.0)],
               [dense(8, "linear", False), bn(0.9), act("relu"), dropout(0.25), dense(3, "softmax")], CCE,
               opt("nadam", learningRate=0.01), 210))
    c.append(S("fx_bn_first_adam_amsgrad_global_clipnorm",
               "BatchNormalization directly after the front-end (gradient into the embeddings through BN), "
               "dropout, Adam amsgrad with globalClipnorm over embeddings and trunk, MSE",
               [cat("c", "string", words, lookup=lookup(["DE", "FR"], n=2), emb=3, l1l2=reg(0.0, 0.001)),
                num("v", 2, None, scale=1.0)],
               [bn(0.8), dense(6, "tanh"), dropout(0.2), dense(1)], MSE,
               opt("adam", learningRate=0.02, amsgrad=True, globalClipnorm=0.2), 211))
    c.append(S("fx_adadelta_clipvalue_weight_decay",
               "Adadelta with clipvalue and weight decay on embeddings; integer lookup embedding, MSE",
               [cat("s", "integer", [1, 2, 3, 4, 99, -99], lookup=lookup([1, 2, 3, 4], n=2), emb=2),
                num("v", 1, None, scale=0.8)],
               [dense(4, "tanh"), dense(1)], MSE,
               opt("adadelta", learningRate=1.0, clipvalue=0.05, weightDecay=0.01), 212))
    vocab = ["tok%04d" % i for i in range(1000)]
    c.append(S("fx_vocab1000_grow_sgd_weight_decay",
               "1000-token vocabulary growing to maxTokens 1012 -> Embedding(1012, 4); SGD momentum with "
               "weight decay, MSE",
               [cat("c", "string", vocab + ["new%02d" % i for i in range(40)],
                    lookup=lookup(vocab, maxTokens=1012, grow=True), emb=4),
                num("v", 1, {"adapt": "online"}, loc=-7.0, scale=3.0)],
               [dense(5, "tanh"), dense(1)], MSE,
               opt("sgd", learningRate=0.1, momentum=0.9, weightDecay=0.01), 213, steps=5, batch=16))
    return c


def main(argv):
    args = argv[1:]
    if len(args) == 2 and args[0] == "--check":
        return 0 if F.check_dir(args[1]) else 1
    if len(args) >= 2 and args[0] == "--mutants":
        return 0 if F.mutation_check(args[1:]) else 1
    if len(args) != 1:
        print(F.__doc__)
        return 2
    F.selfcheck_farmhash()
    print("Self-check: re-deriving the public feature cases in %s (rtol 1e-9)" % F.PUBLIC)
    if not F.check_dir(F.PUBLIC, "Self-check: "):
        print("SELF-CHECK FAILED: not generating")
        return 1
    os.makedirs(args[0], exist_ok=True)
    only = os.environ.get("ORACLE_ONLY")
    specs = case_specs()
    for spec in specs:
        if not only or spec["name"] in only.split(","):
            generate(spec, args[0])
    print("done: %d cases" % len(specs))
    return 0
