#!/usr/bin/env python3
"""Independent float64 reference implementation ("oracle") of the StreamGrad
training semantics (docs/semantics.md, Keras 3 rules), used to generate
the extended conformance cases in src/test/resources/conformance-extended/.

Standard library + numpy only.  Written from the spec (and the cited Keras
sources); it does not use Keras, TensorFlow or torch.

Usage:
    python3 oracle.py OUTDIR                 self-check on the public cases, then
                                             (re)generate every extended case into OUTDIR
    python3 oracle.py --check CASES_DIR      re-run every case under CASES_DIR and
                                             compare with its expected values (1e-9)
    python3 oracle.py --mutants CASES_DIR    run deliberately wrong variants of the
                                             rules and report which cases catch them
Options:
    --public DIR    public cases directory (default: ../resources/conformance/public
                    relative to this file)

What the generator does for every case:
  * builds the inputs with a fixed numpy seed (rounded decimals, so the JSON
    text is exactly the float64 the oracle computes with);
  * runs the oracle in float64, checking the hand-written backprop against
    central finite differences at every step (abort if > 1e-6 relative);
  * checks that every predicted probability is in [1e-3, 1-1e-3] (the
    crossentropy clip is never active), that no ReLU pre-activation, Lion
    update direction or Ftrl l1 threshold sits so close to a kink that float32
    rounding could flip it;
  * re-runs the same case in float32 (straight, and with inputs nudged by one
    ulp) and requires the float32 results to pass the case tolerance with at
    least 10x headroom (same calibration rule as the public cases);
  * writes the JSON, reads it back and re-runs it: the result must be
    bit-identical to what was written.
"""

import json
import math
import os
import sys

import numpy as np

EPS_KERAS = 1e-7
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PUBLIC = os.path.normpath(os.path.join(HERE, "..", "resources", "conformance", "public"))


class OracleError(Exception):
    pass


# Deliberately wrong variants ("mutants", see mutation_check()); empty in normal runs.
MUT = set()


def M(name):
    return name in MUT


# ---------------------------------------------------------------------------
# Learning-rate schedules (computed in float64 python arithmetic)
# ---------------------------------------------------------------------------

def schedule_lr(lr, step):
    """Learning rate at optimizer iteration `step` (0 for the first update)."""
    if not isinstance(lr, dict):
        return float(lr)
    t = lr["type"]
    s = float(step)
    if t == "piecewiseConstantDecay":
        b = lr["boundaries"]
        v = lr["values"]
        for i, bi in enumerate(b):
            if (s < bi) if M("piecewise_lt") else (s <= bi):
                return float(v[i])
        return float(v[len(b)])
    if t == "exponentialDecay":
        p = s / lr["decaySteps"]
        if lr["staircase"]:
            p = math.floor(p)
        return lr["initialLearningRate"] * lr["decayRate"] ** p
    if t == "inverseTimeDecay":
        p = s / lr["decaySteps"]
        if lr["staircase"]:
            p = math.floor(p)
        return lr["initialLearningRate"] / (1.0 + lr["decayRate"] * p)
    if t == "polynomialDecay":
        ds = float(lr["decaySteps"])
        if lr["cycle"]:
            mult = 1.0 if s == 0 else math.ceil(s / ds)
            D = ds * mult
            ss = s
        else:
            D = ds
            ss = min(s, ds)
        p = ss / D
        return ((lr["initialLearningRate"] - lr["endLearningRate"]) * (1.0 - p) ** lr["power"]
                + lr["endLearningRate"])
    if t == "cosineDecay":
        ds = float(lr["decaySteps"])
        alpha = lr["alpha"]

        def decay(x, frm):
            return frm * ((1.0 - alpha) * (0.5 * (1.0 + math.cos(math.pi * (x / ds)))) + alpha)

        if lr["warmupTarget"] is None:
            return decay(min(s, ds), lr["initialLearningRate"])
        ws = float(lr["warmupSteps"])
        x = min(s, ds + ws)
        if x < ws:
            return (lr["warmupTarget"] - lr["initialLearningRate"]) * (x / ws) + lr["initialLearningRate"]
        return decay(x - ws, lr["warmupTarget"])
    if t == "cosineDecayRestarts":
        f = s / lr["firstDecaySteps"]
        tm = float(lr["tMul"])
        if tm == 1.0:
            i = math.floor(f)
            f = f - i
        else:
            q = math.log(1.0 - f * (1.0 - tm)) / math.log(tm)
            if q != 1.0 and abs(q - round(q)) < 1e-9 and round(q) != 0:
                raise OracleError("cosineDecayRestarts: restart index quotient %r is "
                                  "rounding-dependent at step %d" % (q, step))
            i = math.floor(q)
            f = (f - (1.0 - tm ** i) / (1.0 - tm)) / tm ** i
        return lr["initialLearningRate"] * (
            (1.0 - lr["alpha"]) * (0.5 * lr["mMul"] ** i * (1.0 + math.cos(math.pi * f))) + lr["alpha"])
    raise OracleError("unknown schedule %r" % t)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

def act_fwd(name, z):
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise OracleError("unknown activation %r" % name)


def act_bwd(name, z, out, dout):
    if name == "linear":
        return dout
    if name == "relu":
        return dout * (z > 0)
    if name == "sigmoid":
        return dout * out * (1 - out)
    if name == "tanh":
        return dout * (1 - out * out)
    if name == "softmax":
        return out * (dout - (dout * out).sum(axis=-1, keepdims=True))
    raise OracleError("unknown activation %r" % name)


# ---------------------------------------------------------------------------
# Model: forward (pure: returns new BN moving stats instead of mutating) and backward
# ---------------------------------------------------------------------------

def trainable_names(layer):
    t = layer["type"]
    if t == "dense":
        return ["kernel", "bias"] if layer["useBias"] else ["kernel"]
    if t == "batchNormalization":
        out = []
        if layer["scale"]:
            out.append("gamma")
        if layer["center"]:
            out.append("beta")
        return out
    return []


def forward(model, state, x, training, masks, dt, diag=None):
    """Returns (y_hat, caches, new_moving) ; new_moving = {layer_index: (mm, mv)}."""
    h = x
    caches = []
    new_moving = {}
    for i, L in enumerate(model["layers"]):
        st = state[i]
        t = L["type"]
        if t == "dense":
            z = h @ st["kernel"]
            if L["useBias"]:
                z = z + st["bias"]
            out = act_fwd(L["activation"], z)
            if diag is not None and L["activation"] == "relu":
                diag["relu_min_abs"] = min(diag.get("relu_min_abs", np.inf),
                                           float(np.min(np.abs(z) / (np.abs(h) @ np.abs(st["kernel"]) + 1e-300))))
            caches.append((h, z, out))
        elif t == "batchNormalization":
            eps = dt(L["epsilon"])
            gamma = st["gamma"] if L["scale"] else None
            beta = st["beta"] if L["center"] else None
            if training:
                B = h.shape[0]
                mean = h.sum(axis=0) / dt(B)
                c = h - mean
                var = (c * c).sum(axis=0) / dt(B)
                var_mov = var * dt(B) / dt(B - 1) if M("bn_unbiased") else var
                inv = 1 / (np.sqrt(var) + eps) if M("bn_eps_outside") else 1 / np.sqrt(var + eps)
                xhat = c * inv
                mom = dt(L["momentum"])
                if M("bn_momentum_swapped"):
                    mom = 1 - mom
                new_moving[i] = (st["movingMean"] * mom + mean * (1 - mom),
                                 st["movingVariance"] * mom + var_mov * (1 - mom))
            else:
                inv = 1 / np.sqrt(st["movingVariance"] + eps)
                xhat = (h - st["movingMean"]) * inv
            out = xhat
            if gamma is not None:
                out = out * gamma
            if beta is not None:
                out = out + beta
            caches.append((xhat, inv))
        elif t == "activation":
            out = act_fwd(L["activation"], h)
            caches.append((h, h, out))
        elif t == "dropout":
            rate = L["rate"]
            if training and rate > 0:
                m = masks[str(i)]
                scale = dt(1) if M("dropout_no_scale") else 1 / (1 - dt(rate))
                out = h * m * scale
                caches.append((m, scale))
            else:
                out = h
                caches.append(None)
        else:
            raise OracleError("unknown layer type %r" % t)
        h = out
    return h, caches, new_moving


def data_loss(kind, y, yhat, dt):
    """Returns (loss, dloss/dyhat, probability-range diagnostics)."""
    B, K = yhat.shape
    eps = dt(EPS_KERAS)
    if kind == "meanSquaredError":
        d = yhat - y
        if M("mse_sum_outputs"):
            return (d * d).sum() / dt(B), 2 * d / dt(B), None
        return (d * d).sum() / dt(B * K), 2 * d / dt(B * K), None
    if kind == "binaryCrossentropy":
        p = np.clip(yhat, eps, 1 - eps)
        inside = (yhat >= eps) & (yhat <= 1 - eps)
        per = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        g = (-(y / p) + (1 - y) / (1 - p)) * inside / dt(B * K)
        return per.sum() / dt(B * K), g, (float(yhat.min()), float(yhat.max()))
    if kind == "categoricalCrossentropy":
        S = yhat.sum(axis=-1, keepdims=True)
        q = yhat / S
        p = np.clip(q, eps, 1 - eps)
        inside = (q >= eps) & (q <= 1 - eps)
        per = -(y * np.log(p)).sum(axis=-1)
        dq = -(y / p) * inside / dt(B)
        g = (dq - (dq * q).sum(axis=-1, keepdims=True)) / S
        if M("cce_mean_classes"):
            return per.sum() / dt(B * K), g / dt(K), (float(q.min()), float(q.max()))
        return per.sum() / dt(B), g, (float(q.min()), float(q.max()))
    raise OracleError("unknown loss %r" % kind)


def penalties(model, state, dt):
    total = dt(0)
    grads = {}
    for i, L in enumerate(model["layers"]):
        if L["type"] != "dense":
            continue
        for name, key in (("kernel", "kernelRegularizer"), ("bias", "biasRegularizer")):
            reg = L.get(key)
            if reg is None or (name == "bias" and not L["useBias"]):
                continue
            w = state[i][name]
            l1 = dt(reg.get("l1", 0.0))
            l2 = dt(reg.get("l2", 0.0))
            if M("l2_half"):
                l2 = l2 / 2
            total = total + l1 * np.abs(w).sum() + l2 * (w * w).sum()
            grads[(i, name)] = l1 * np.sign(w) + 2 * l2 * w
    return total, grads


def total_loss(model, state, x, y, masks, dt):
    yhat, _, _ = forward(model, state, x, True, masks, dt)
    dl, _, _ = data_loss(model["loss"], y, yhat, dt)
    pen, _ = penalties(model, state, dt)
    return dl + pen


def loss_and_grads(model, state, x, y, masks, dt, diag=None, return_dx=False):
    yhat, caches, new_moving = forward(model, state, x, True, masks, dt, diag)
    dl, dout, prange = data_loss(model["loss"], y, yhat, dt)
    if diag is not None and prange is not None:
        diag["pmin"] = min(diag.get("pmin", 1.0), prange[0])
        diag["pmax"] = max(diag.get("pmax", 0.0), prange[1])
    pen, pgrads = penalties(model, state, dt)
    grads = {}
    for i in range(len(model["layers"]) - 1, -1, -1):
        L = model["layers"][i]
        st = state[i]
        t = L["type"]
        c = caches[i]
        if t == "dense":
            h, z, out = c
            dz = act_bwd(L["activation"], z, out, dout)
            grads[(i, "kernel")] = h.T @ dz
            if L["useBias"]:
                grads[(i, "bias")] = dz.sum(axis=0)
            dout = dz @ st["kernel"].T
        elif t == "batchNormalization":
            xhat, inv = c
            B = xhat.shape[0]
            if L["scale"]:
                grads[(i, "gamma")] = (dout * xhat).sum(axis=0)
                dxhat = dout * st["gamma"]
            else:
                dxhat = dout
            if L["center"]:
                grads[(i, "beta")] = dout.sum(axis=0)
            dout = inv / dt(B) * (dt(B) * dxhat - dxhat.sum(axis=0)
                                  - xhat * (dxhat * xhat).sum(axis=0))
        elif t == "activation":
            h, z, out = c
            dout = act_bwd(L["activation"], z, out, dout)
        elif t == "dropout":
            if c is not None:
                m, scale = c
                dout = dout * m * scale
    for k, g in pgrads.items():
        grads[k] = grads[k] + g
    if return_dx:  # dL/d(model input), for a feature front-end in front of this trunk
        return dl + pen, grads, new_moving, dout
    if M("loss_no_penalty"):
        return dl, grads, new_moving
    return dl + pen, grads, new_moving


def check_gradients(model, state, x, y, masks, grads):
    """Central finite differences in float64 on every trainable element."""
    h = 1e-5
    worst = 0.0
    gmax = max(float(np.max(np.abs(g))) for g in grads.values())
    for (i, name), g in grads.items():
        w = state[i][name]
        num = np.zeros_like(w)
        flat = w.reshape(-1)
        nflat = num.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + h
            lp = total_loss(model, state, x, y, masks, np.float64)
            flat[j] = old - h
            lm = total_loss(model, state, x, y, masks, np.float64)
            flat[j] = old
            nflat[j] = (lp - lm) / (2 * h)
        # relative to the variable's largest component (or, for a variable whose
        # gradient is mathematically ~0 such as a bias feeding a BatchNorm, to
        # 1e-3 of the largest gradient component of the model)
        scale = max(float(np.max(np.abs(g))), 1e-3 * gmax, 1e-12)
        err = float(np.max(np.abs(num - g))) / scale
        worst = max(worst, err)
        if err > 1e-6:
            raise OracleError("finite-difference mismatch on layer %d %s: rel err %.3g"
                              % (i, name, err))
    return worst


# ---------------------------------------------------------------------------
# Optimizers
# ---------------------------------------------------------------------------

class Optimizer:
    def __init__(self, cfg, keys, state, dt):
        self.cfg = cfg
        self.dt = dt
        self.iterations = 0
        self.s = {}
        self.u_product = dt(1.0)
        self.diag = {}
        t = cfg["type"]
        for k in keys:
            w = state[k[0]][k[1]]
            z = np.zeros_like(w)
            if t == "sgd":
                self.s[k] = {"m": z.copy()}
            elif t == "adagrad":
                self.s[k] = {"acc": np.full_like(w, dt(cfg["initialAccumulatorValue"]))}
            elif t == "rmsprop":
                self.s[k] = {"v": z.copy(), "a": z.copy(), "mom": z.copy()}
            elif t in ("adam", "adamw"):
                self.s[k] = {"m": z.copy(), "v": z.copy(), "vhat": z.copy()}
            elif t == "adamax":
                self.s[k] = {"m": z.copy(), "u": z.copy()}
            elif t == "nadam":
                self.s[k] = {"m": z.copy(), "v": z.copy()}
            elif t == "adadelta":
                self.s[k] = {"eg": z.copy(), "edx": z.copy()}
            elif t == "ftrl":
                self.s[k] = {"acc": np.full_like(w, dt(cfg["initialAccumulatorValue"])),
                             "lin": z.copy()}
            elif t == "lion":
                self.s[k] = {"m": z.copy()}
            else:
                raise OracleError("unknown optimizer %r" % t)

    def apply(self, grads, state):
        cfg = self.cfg
        dt = self.dt
        lr64 = schedule_lr(cfg["learningRate"], self.iterations + (1 if M("sched_next") else 0))
        lr = dt(lr64)
        # clipping
        if cfg.get("clipnorm") is not None and M("clipnorm_global"):
            c = dt(cfg["clipnorm"])
            N = np.sqrt(sum((g * g).sum() for g in grads.values()))
            for k in grads:
                grads[k] = grads[k] * c / np.maximum(N, c)
        elif cfg.get("globalClipnorm") is not None and M("global_per_var"):
            c = dt(cfg["globalClipnorm"])
            for k in grads:
                n = np.sqrt((grads[k] * grads[k]).sum())
                grads[k] = grads[k] * c / np.maximum(n, c)
        elif cfg.get("clipnorm") is not None:
            c = dt(cfg["clipnorm"])
            for k in grads:
                n = np.sqrt((grads[k] * grads[k]).sum())
                if n > c:
                    self.diag["clip_active"] = self.diag.get("clip_active", 0) + 1
                grads[k] = grads[k] * c / np.maximum(n, c)
        elif cfg.get("globalClipnorm") is not None:
            c = dt(cfg["globalClipnorm"])
            N = np.sqrt(sum((g * g).sum() for g in grads.values()))
            if N > c:
                self.diag["clip_active"] = self.diag.get("clip_active", 0) + 1
            for k in grads:
                grads[k] = grads[k] * c / np.maximum(N, c)
        elif cfg.get("clipvalue") is not None:
            c = dt(cfg["clipvalue"])
            for k in grads:
                if np.any(np.abs(grads[k]) > c):
                    self.diag["clip_active"] = self.diag.get("clip_active", 0) + 1
                grads[k] = np.clip(grads[k], -c, c)
        # weight decay
        wd = cfg.get("weightDecay")
        if wd is not None and M("wd_no_lr"):
            lr_wd = dt(1.0)
        else:
            lr_wd = lr
        if wd is not None and M("wd_after"):
            wd_after = dt(wd)
            wd = None
        else:
            wd_after = None
        if wd is not None:
            wd = dt(wd)
            for k in grads:
                w = state[k[0]][k[1]]
                state[k[0]][k[1]] = w - w * wd * lr_wd
        t = cfg["type"]
        it = self.iterations
        if t == "nadam":
            b1 = dt(cfg["beta1"])
            ex = dt(0.004) if M("nadam_torch") else dt(1)
            self.u_product = self.u_product * (b1 * (1 - dt(0.5) * dt(0.96) ** (ex * dt(it + 1))))
        for k, g in grads.items():
            w = state[k[0]][k[1]]
            state[k[0]][k[1]] = self.update(t, self.s[k], g, w, lr, it)
            if wd_after is not None:
                w = state[k[0]][k[1]]
                state[k[0]][k[1]] = w - w * wd_after * lr_wd
        self.iterations += 1
        return lr64

    def update(self, t, s, g, w, lr, it):
        cfg = self.cfg
        dt = self.dt
        if t == "sgd":
            mu = dt(cfg["momentum"])
            if cfg["momentum"] != 0 and M("sgd_torch"):
                s["m"] = mu * s["m"] + g
                if cfg["nesterov"] and not M("nesterov_ignored"):
                    return w - lr * (g + mu * s["m"])
                return w - lr * s["m"]
            if cfg["momentum"] != 0:
                s["m"] = mu * s["m"] - lr * g
                if cfg["nesterov"] and not M("nesterov_ignored"):
                    return w + mu * s["m"] - lr * g
                return w + s["m"]
            return w - lr * g
        if t == "adagrad":
            if M("adagrad_acc0") and it == 0:
                s["acc"] = np.zeros_like(s["acc"])
            s["acc"] = s["acc"] + g * g
            if M("eps_outside"):
                return w - lr * g / (np.sqrt(s["acc"]) + dt(cfg["epsilon"]))
            return w - lr * g / np.sqrt(s["acc"] + dt(cfg["epsilon"]))
        if t == "rmsprop":
            rho = dt(cfg["rho"])
            s["v"] = rho * s["v"] + (1 - rho) * g * g
            if cfg["centered"] and not M("centered_ignored"):
                s["a"] = rho * s["a"] + (1 - rho) * g
                den = s["v"] - s["a"] * s["a"] + dt(cfg["epsilon"])
            else:
                den = s["v"] + dt(cfg["epsilon"])
            inc = lr * g / np.sqrt(den)
            if M("eps_outside"):
                inc = lr * g / (np.sqrt(den - dt(cfg["epsilon"])) + dt(cfg["epsilon"]))
            if cfg["momentum"] > 0 and M("rms_mom_lr_outside"):
                s["mom"] = dt(cfg["momentum"]) * s["mom"] + inc / lr
                return w - lr * s["mom"]
            if cfg["momentum"] > 0:
                s["mom"] = dt(cfg["momentum"]) * s["mom"] + inc
                return w - s["mom"]
            return w - inc
        if t in ("adam", "adamw"):
            b1 = dt(cfg["beta1"])
            b2 = dt(cfg["beta2"])
            tt = dt(it + 1)
            s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
            s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
            if cfg["amsgrad"] and not M("amsgrad_ignored"):
                s["vhat"] = np.maximum(s["vhat"], s["v"])
                vu = s["vhat"]
            else:
                vu = s["v"]
            alpha = lr * np.sqrt(1 - b2 ** tt) / (1 - b1 ** tt)
            if M("adam_torch_eps"):
                return w - lr / (1 - b1 ** tt) * s["m"] / (np.sqrt(vu) / np.sqrt(1 - b2 ** tt)
                                                           + dt(cfg["epsilon"]))
            return w - alpha * s["m"] / (np.sqrt(vu) + dt(cfg["epsilon"]))
        if t == "adamax":
            b1 = dt(cfg["beta1"])
            b2 = dt(cfg["beta2"])
            tt = dt(it + 1)
            s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
            s["u"] = np.maximum(b2 * s["u"], np.abs(g))
            if M("adamax_eps_in_max"):
                s["u"] = np.maximum(b2 * s["u"], np.abs(g) + dt(cfg["epsilon"]))
                return w - lr * s["m"] / ((1 - b1 ** tt) * s["u"])
            return w - lr * s["m"] / ((1 - b1 ** tt) * (s["u"] + dt(cfg["epsilon"])))
        if t == "nadam":
            b1 = dt(cfg["beta1"])
            b2 = dt(cfg["beta2"])
            tt = dt(it + 1)
            ex = dt(0.004) if M("nadam_torch") else dt(1)
            u_t = b1 * (1 - dt(0.5) * dt(0.96) ** (ex * tt))
            u_t1 = b1 * (1 - dt(0.5) * dt(0.96) ** (ex * dt(it + 2)))
            up = self.u_product
            s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
            s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
            m_hat = u_t1 * s["m"] / (1 - up * u_t1) + (1 - u_t) * g / (1 - up)
            v_hat = s["v"] / (1 - b2 ** tt)
            return w - lr * m_hat / (np.sqrt(v_hat) + dt(cfg["epsilon"]))
        if t == "adadelta":
            rho = dt(cfg["rho"])
            eps = dt(cfg["epsilon"])
            s["eg"] = rho * s["eg"] + (1 - rho) * g * g
            d = -np.sqrt(s["edx"] + eps) / np.sqrt(s["eg"] + eps) * g
            s["edx"] = rho * s["edx"] + (1 - rho) * d * d
            return w + (d if M("adadelta_no_lr") else lr * d)
        if t == "ftrl":
            P = dt(-cfg["learningRatePower"])
            l1 = dt(cfg["l1RegularizationStrength"])
            l2 = dt(cfg["l2RegularizationStrength"]) + (dt(0) if M("ftrl_no_beta") else dt(cfg["beta"]) / (2 * lr))
            g2 = g + 2 * dt(cfg["l2ShrinkageRegularizationStrength"]) * w
            acc = s["acc"]
            acc_new = acc + (g2 * g2 if M("ftrl_acc_g2") else g * g)
            s["lin"] = s["lin"] + g2 - (acc_new ** P - acc ** P) / lr * w
            quad = acc_new ** P / lr + 2 * l2
            lin = s["lin"]
            if cfg["l1RegularizationStrength"] > 0:
                # distance of |lin| to the l1 threshold, relative to l1
                margin = float(np.min(np.abs(np.abs(lin) - l1))) / float(l1)
                self.diag["ftrl_margin"] = min(self.diag.get("ftrl_margin", np.inf), margin)
            s["acc"] = acc_new
            return (np.clip(lin, -l1, l1) - lin) / quad
        if t == "lion":
            b1 = dt(cfg["beta1"])
            b2 = dt(cfg["beta2"])
            if M("lion_m_first"):
                s["m"] = b2 * s["m"] + (1 - b2) * g
            c = b1 * s["m"] + (1 - b1) * g
            nz = np.abs(c)[c != 0]
            if nz.size:
                self.diag["lion_min"] = min(self.diag.get("lion_min", np.inf),
                                            float(nz.min()) / float(np.max(np.abs(c))))
            w = w - lr * np.sign(c)
            if not M("lion_m_first"):
                s["m"] = b2 * s["m"] + (1 - b2) * g
            return w
        raise OracleError("unknown optimizer %r" % t)


# ---------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------

def load_state(model, init, dt, nudge=False):
    state = []
    for L, st in zip(model["layers"], init["layers"]):
        d = {}
        for k, v in st.items():
            a = np.array(v, dtype=np.float64).astype(dt)
            if nudge:
                a = np.nextafter(a, dt(np.inf))
            d[k] = a
        state.append(d)
    return state


def run_case(case, dt=np.float64, nudge=False, fd_check=False, diag=None):
    model = case["model"]
    state = load_state(model, case["initialState"], dt, nudge)
    keys = [(i, n) for i, L in enumerate(model["layers"]) for n in trainable_names(L)]
    opt = Optimizer(case["optimizer"], keys, state, dt)
    losses, lrs = [], []
    fd_worst = 0.0
    for step in case["steps"]:
        x = np.array(step["x"], dtype=np.float64).astype(dt)
        if nudge:
            x = np.nextafter(x, dt(np.inf))
        y = np.array(step["y"], dtype=np.float64).astype(dt)
        masks = {k: np.array(v, dtype=np.float64).astype(dt) for k, v in step["dropoutMasks"].items()}
        for i, L in enumerate(model["layers"]):
            if L["type"] == "dropout" and L["rate"] > 0 and str(i) not in masks:
                raise OracleError("missing dropout mask for layer %d" % i)
        loss, grads, new_moving = loss_and_grads(model, state, x, y, masks, dt, diag)
        if fd_check:
            fd_worst = max(fd_worst, check_gradients(model, state, x, y, masks, grads))
        losses.append(float(loss))
        # BN moving statistics are updated during the forward pass of this step
        for i, (mm, mv) in new_moving.items():
            state[i]["movingMean"] = mm
            state[i]["movingVariance"] = mv
        grads = {k: grads[k] for k in keys}
        lrs.append(opt.apply(grads, state))
    if diag is not None:
        diag.update(opt.diag)
        diag["fd_worst"] = fd_worst
    xi = np.array(case["expected"]["inference"]["x"], dtype=np.float64).astype(dt)
    if nudge:
        xi = np.nextafter(xi, dt(np.inf))
    yi, _, _ = forward(model, state, xi, False, {}, dt, diag)
    if diag is not None and model["loss"] != "meanSquaredError":
        diag["pmin"] = min(diag.get("pmin", 1.0), float(yi.min()))
        diag["pmax"] = max(diag.get("pmax", 0.0), float(yi.max()))
    final = []
    for L, st in zip(model["layers"], state):
        d = {}
        order = {"dense": ["kernel", "bias"],
                 "batchNormalization": ["gamma", "beta", "movingMean", "movingVariance"]}.get(L["type"], [])
        for k in order:
            if k in st:
                d[k] = [float(v) for v in st[k]] if st[k].ndim == 1 else \
                    [[float(v) for v in row] for row in st[k]]
        final.append(d)
    return {"losses": losses, "learningRates": [float(v) for v in lrs],
            "finalState": {"layers": final},
            "inference": {"y": [[float(v) for v in row] for row in yi]}}


def compare(expected, actual, rtol, atol, path="", stats=None):
    """Returns the worst err/bound ratio over all numbers (raises on shape mismatch)."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        err = abs(float(actual) - float(expected))
        bound = atol + rtol * abs(float(expected))
        r = err / bound if bound > 0 else (0.0 if err == 0 else math.inf)
        if not math.isfinite(float(actual)):
            r = math.inf
        if stats is not None and r > stats.get("worst", (-1,))[0]:
            stats["worst"] = (r, path, actual, expected)
        return r
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise OracleError("%s: shape mismatch" % path)
        return max([compare(e, a, rtol, atol, "%s[%d]" % (path, i), stats)
                    for i, (e, a) in enumerate(zip(expected, actual))] + [0.0])
    if isinstance(expected, dict):
        w = 0.0
        for k, e in expected.items():
            if k not in actual:
                raise OracleError("%s.%s missing" % (path, k))
            w = max(w, compare(e, actual[k], rtol, atol, path + "." + k, stats))
        return w
    raise OracleError("%s: unsupported value %r" % (path, expected))


def expected_view(case):
    e = case["expected"]
    return {"losses": e["losses"], "learningRates": e["learningRates"],
            "finalState": e["finalState"], "inference": {"y": e["inference"]["y"]}}


def check_dir(cases_dir, rtol, atol, fd_check=True, label=""):
    files = []
    for root, _, fs in os.walk(cases_dir):
        files += [os.path.join(root, f) for f in fs if f.endswith(".json")]
    files.sort(key=os.path.basename)
    ok = 0
    for p in files:
        with open(p) as fh:
            case = json.load(fh)
        diag = {}
        try:
            res = run_case(case, fd_check=fd_check, diag=diag)
            stats = {}
            r = compare(expected_view(case), res, rtol, atol, "", stats)
        except OracleError as ex:
            print("  FAIL %-34s %s" % (case["name"], ex))
            continue
        if r <= 1.0:
            ok += 1
            print("  PASS %-34s max err/(%g*|e|+%g) = %.3f, FD grad rel err %.1e"
                  % (case["name"], rtol, atol, r, diag.get("fd_worst", 0)))
        else:
            w = stats["worst"]
            print("  FAIL %-34s %s actual %r expected %r" % (case["name"], w[1], w[2], w[3]))
    print("%s%d of %d cases reproduced" % (label, ok, len(files)))
    return ok == len(files) and ok > 0


# ---------------------------------------------------------------------------
# JSON writer (layout close to the public cases)
# ---------------------------------------------------------------------------

def _scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise OracleError("non-finite number in output")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    raise OracleError("cannot serialise %r" % (v,))


def _is_scalar(v):
    return v is None or isinstance(v, (bool, int, float, str))


def _flat(v):
    if _is_scalar(v):
        return True
    if isinstance(v, list):
        return all(_is_scalar(e) for e in v)
    if isinstance(v, dict):
        return all(_flat(e) for e in v.values())
    return False


def _dump(v, ind):
    pad = " " * ind
    if _is_scalar(v):
        return _scalar(v)
    if isinstance(v, list):
        if all(_is_scalar(e) for e in v):
            return "[" + ",".join(_scalar(e) for e in v) + "]"
        inner = (",\n").join(pad + "  " + _dump(e, ind + 2) for e in v)
        return "[\n" + inner + "\n" + pad + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        if _flat(v):
            return "{" + ", ".join(json.dumps(k) + ": " + _dump(e, 0) for k, e in v.items()) + "}"
        inner = ",\n".join(pad + "  " + json.dumps(k) + ": " + _dump(e, ind + 2) for k, e in v.items())
        return "{\n" + inner + "\n" + pad + "}"
    raise OracleError("cannot serialise %r" % (v,))


def dumps_case(case):
    return _dump(case, 0) + "\n"


# ---------------------------------------------------------------------------
# Case construction
# ---------------------------------------------------------------------------

OPT_DEFAULTS = {
    "sgd": [("learningRate", 0.01), ("momentum", 0.0), ("nesterov", False)],
    "adagrad": [("learningRate", 0.001), ("initialAccumulatorValue", 0.1), ("epsilon", 1e-07)],
    "rmsprop": [("learningRate", 0.001), ("rho", 0.9), ("momentum", 0.0), ("epsilon", 1e-07),
                ("centered", False)],
    "adam": [("learningRate", 0.001), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-07),
             ("amsgrad", False)],
    "adamw": [("learningRate", 0.001), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-07),
              ("amsgrad", False)],
    "adamax": [("learningRate", 0.001), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-07)],
    "nadam": [("learningRate", 0.001), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-07)],
    "adadelta": [("learningRate", 0.001), ("rho", 0.95), ("epsilon", 1e-07)],
    "ftrl": [("learningRate", 0.001), ("learningRatePower", -0.5), ("initialAccumulatorValue", 0.1),
             ("l1RegularizationStrength", 0.0), ("l2RegularizationStrength", 0.0),
             ("l2ShrinkageRegularizationStrength", 0.0), ("beta", 0.0)],
    "lion": [("learningRate", 0.001), ("beta1", 0.9), ("beta2", 0.99)],
}


def opt(t, **kw):
    d = {"type": t}
    for k, v in OPT_DEFAULTS[t]:
        d[k] = kw.pop(k, v)
    for k in ("clipnorm", "clipvalue", "globalClipnorm"):
        d[k] = kw.pop(k, None)
    d["weightDecay"] = kw.pop("weightDecay", 0.004 if t == "adamw" else None)
    if kw:
        raise OracleError("unknown optimizer args %r" % kw)
    if t == "adamw" and d["weightDecay"] is None:
        raise OracleError("adamw needs weightDecay")
    return d


def piecewise(boundaries, values):
    return {"type": "piecewiseConstantDecay", "boundaries": boundaries, "values": values}


def expdecay(lr0, steps, rate, staircase):
    return {"type": "exponentialDecay", "initialLearningRate": lr0, "decaySteps": steps,
            "decayRate": rate, "staircase": staircase}


def invtime(lr0, steps, rate, staircase):
    return {"type": "inverseTimeDecay", "initialLearningRate": lr0, "decaySteps": steps,
            "decayRate": rate, "staircase": staircase}


def poly(lr0, steps, end=0.0001, power=1.0, cycle=False):
    return {"type": "polynomialDecay", "initialLearningRate": lr0, "decaySteps": steps,
            "endLearningRate": end, "power": power, "cycle": cycle}


def cosine(lr0, steps, alpha=0.0, warmupTarget=None, warmupSteps=0):
    return {"type": "cosineDecay", "initialLearningRate": lr0, "decaySteps": steps,
            "alpha": alpha, "warmupTarget": warmupTarget, "warmupSteps": warmupSteps}


def restarts(lr0, first, tMul=2.0, mMul=1.0, alpha=0.0):
    return {"type": "cosineDecayRestarts", "initialLearningRate": lr0, "firstDecaySteps": first,
            "tMul": tMul, "mMul": mMul, "alpha": alpha}


def dense(units, act="linear", bias=True, kreg=None, breg=None):
    return {"type": "dense", "units": units, "activation": act, "useBias": bias,
            "kernelRegularizer": kreg, "biasRegularizer": breg}


def reg(l1=0.0, l2=0.0):
    return {"l1": l1, "l2": l2}


def bn(momentum=0.99, epsilon=0.001, center=True, scale=True):
    return {"type": "batchNormalization", "momentum": momentum, "epsilon": epsilon,
            "center": center, "scale": scale}


def act(a):
    return {"type": "activation", "activation": a}


def dropout(rate):
    return {"type": "dropout", "rate": rate}


TOL_SGD = {"rtol": 2e-05, "atol": 2e-06}
TOL_ADAM = {"rtol": 1e-03, "atol": 1e-04}


def _r(a, nd):
    return [[round(float(v), nd) + 0.0 for v in row] for row in a] if a.ndim == 2 else \
        [round(float(v), nd) + 0.0 for v in a]


def build_case(spec):
    rng = np.random.default_rng(spec["seed"])
    layers = spec["layers"]
    inputDim = spec["inputDim"]
    B = spec["batch"]
    wscale = spec.get("wscale", 1.0)
    # initial state
    init = []
    width = inputDim
    widths = []
    for L in layers:
        if L["type"] == "dense":
            lim = math.sqrt(6.0 / (width + L["units"])) * wscale
            d = {"kernel": _r(rng.uniform(-lim, lim, (width, L["units"])), 5)}
            if L["useBias"]:
                d["bias"] = _r(rng.uniform(-0.1, 0.1, L["units"]), 5)
            width = L["units"]
        elif L["type"] == "batchNormalization":
            d = {}
            if L["scale"]:
                d["gamma"] = _r(rng.uniform(0.8, 1.2, width), 5)
            if L["center"]:
                d["beta"] = _r(rng.uniform(-0.15, 0.15, width), 5)
            d["movingMean"] = _r(rng.uniform(-0.3, 0.3, width), 5)
            d["movingVariance"] = _r(rng.uniform(0.5, 1.3, width), 5)
        else:
            d = {}
        widths.append(width)
        init.append(d)
    K = width
    loss = spec["loss"]
    xs = spec.get("xscale", 0.7)
    teacher_w = rng.normal(0, 1.0 / math.sqrt(inputDim), (inputDim, K))
    teacher_b = rng.normal(0, 0.3, K)

    def targets(x):
        z = x @ teacher_w + teacher_b
        if loss == "meanSquaredError":
            return _r(np.tanh(z) * spec.get("yscale", 1.0) + rng.normal(0, 0.1, z.shape), 4)
        if loss == "binaryCrossentropy":
            p = 1 / (1 + np.exp(-2 * z))
            return [[int(v) for v in row] for row in (rng.random(z.shape) < p)]
        e = np.exp(2 * z - (2 * z).max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        out = []
        for row in p:
            c = int(rng.choice(K, p=row))
            out.append([1 if j == c else 0 for j in range(K)])
        return out

    steps = []
    for _ in range(spec["steps"]):
        x = rng.normal(0, xs, (B, inputDim))
        st = {"x": _r(x, 4), "y": targets(np.array(_r(x, 4))), "dropoutMasks": {}}
        for i, L in enumerate(layers):
            if L["type"] == "dropout" and L["rate"] > 0:
                m = (rng.random((B, widths[i])) >= L["rate"]).astype(int)
                st["dropoutMasks"][str(i)] = [[int(v) for v in row] for row in m]
        steps.append(st)
    xi = _r(rng.normal(0, xs, (8, inputDim)), 4)
    case = {
        "format": "streamgrad-case/1",
        "name": spec["name"],
        "description": spec["desc"],
        "model": {"inputDim": inputDim, "layers": layers, "loss": loss},
        "optimizer": spec["optimizer"],
        "initialState": {"layers": init},
        "steps": steps,
        "expected": {"losses": None, "learningRates": None, "finalState": None,
                     "inference": {"x": xi, "y": None}},
        "tolerance": spec["tol"],
    }
    return case


def generate_case(spec, outdir):
    case = build_case(spec)
    diag = {}
    res = run_case(case, fd_check=True, diag=diag)
    case["expected"]["losses"] = res["losses"]
    case["expected"]["learningRates"] = res["learningRates"]
    case["expected"]["finalState"] = res["finalState"]
    case["expected"]["inference"]["y"] = res["inference"]["y"]
    name = spec["name"]
    # guards: probabilities away from the clip, kinks away from float32 rounding
    if "pmin" in diag and not (diag["pmin"] >= 1e-3 and diag["pmax"] <= 1 - 1e-3):
        raise OracleError("%s: probability outside [1e-3, 1-1e-3]: %r..%r"
                          % (name, diag["pmin"], diag["pmax"]))
    if diag.get("relu_min_abs", 1.0) < 1e-4:
        raise OracleError("%s: ReLU pre-activation too close to 0 (%.2e)" % (name, diag["relu_min_abs"]))
    if diag.get("lion_min", 1.0) < 1e-3:
        raise OracleError("%s: Lion update direction too close to 0 (%.2e)" % (name, diag["lion_min"]))
    if diag.get("ftrl_margin", 1.0) < 1e-3:
        raise OracleError("%s: Ftrl |linear| too close to l1 (%.2e)" % (name, diag["ftrl_margin"]))
    # float32 robustness of the chosen tolerance (10x headroom)
    tol = case["tolerance"]
    worst32 = 0.0
    for nudge in (False, True):
        r32 = run_case(case, dt=np.float32, nudge=nudge)
        stats = {}
        r = compare(expected_view(case), r32, tol["rtol"], tol["atol"], "", stats)
        worst32 = max(worst32, r)
        if r > 0.1:
            raise OracleError("%s: float32 run (nudge=%s) uses %.2f of the tolerance at %s"
                              % (name, nudge, r, stats["worst"][1]))
    text = dumps_case(case)
    path = os.path.join(outdir, name + ".json")
    with open(path, "w") as fh:
        fh.write(text)
    # round trip: re-read and re-run, must be bit-identical
    with open(path) as fh:
        back = json.load(fh)
    res2 = run_case(back)
    if compare(expected_view(back), res2, 0.0, 0.0) != 0.0:
        raise OracleError("%s: round trip through JSON is not bit-identical" % name)
    extra = []
    if "pmin" in diag:
        extra.append("p in [%.4f, %.4f]" % (diag["pmin"], diag["pmax"]))
    if "relu_min_abs" in diag:
        extra.append("relu margin %.1e" % diag["relu_min_abs"])
    if "lion_min" in diag:
        extra.append("lion margin %.1e" % diag["lion_min"])
    if "ftrl_margin" in diag:
        extra.append("ftrl l1 margin %.1e" % diag["ftrl_margin"])
    if "clip_active" in diag:
        extra.append("clipping active %dx" % diag["clip_active"])
    opt_cfg = case["optimizer"]
    if any(opt_cfg.get(k) is not None for k in ("clipnorm", "globalClipnorm", "clipvalue")) \
            and not diag.get("clip_active"):
        raise OracleError("%s: gradient clipping configured but never active" % name)
    print("  %-36s FD %.1e  float32 uses %.3f of tol  %s"
          % (name, diag["fd_worst"], worst32, "  ".join(extra)))
    return case


# ---------------------------------------------------------------------------
# The extended case list
# ---------------------------------------------------------------------------

def S(name, desc, inputDim, layers, loss, optimizer, seed, steps=6, batch=8, tol=None, **kw):
    adamlike = optimizer["type"] in ("adam", "adamw", "adamax", "nadam", "lion")
    d = {"name": name, "desc": desc, "inputDim": inputDim, "layers": layers, "loss": loss,
         "optimizer": optimizer, "seed": seed, "steps": steps, "batch": batch,
         "tol": tol or (TOL_ADAM if adamlike else TOL_SGD)}
    d.update(kw)
    return d


MSE, BCE, CCE = "meanSquaredError", "binaryCrossentropy", "categoricalCrossentropy"


def case_specs():
    c = []
    # ---------------- SGD
    c.append(S("ext_sgd_plain_relu_bce2", "plain SGD, relu MLP, 2 sigmoid outputs, binary crossentropy",
               5, [dense(8, "relu"), dense(2, "sigmoid")], BCE, opt("sgd", learningRate=0.2), 101))
    c.append(S("ext_sgd_nesterov_without_momentum", "SGD nesterov=true with momentum 0 (flag has no effect), tanh, MSE",
               4, [dense(6, "tanh"), dense(2)], MSE, opt("sgd", learningRate=0.1, nesterov=True), 102))
    c.append(S("ext_sgd_momentum_expdecay", "SGD momentum 0.9, ExponentialDecay (continuous), tanh, MSE",
               4, [dense(8, "tanh"), dense(1)], MSE,
               opt("sgd", learningRate=expdecay(0.1, 3, 0.5, False), momentum=0.9), 103, steps=7))
    c.append(S("ext_sgd_nesterov_expdecay_staircase", "SGD nesterov momentum 0.8, ExponentialDecay staircase, softmax CCE",
               5, [dense(8, "tanh"), dense(3, "softmax")], CCE,
               opt("sgd", learningRate=expdecay(0.2, 2, 0.6, True), momentum=0.8, nesterov=True), 104, steps=7))
    c.append(S("ext_sgd_momentum_invtime", "SGD momentum 0.7, InverseTimeDecay (continuous), sigmoid hidden, MSE",
               4, [dense(6, "sigmoid"), dense(2)], MSE,
               opt("sgd", learningRate=invtime(0.3, 2, 0.5, False), momentum=0.7), 105, steps=6))
    c.append(S("ext_sgd_invtime_staircase", "plain SGD, InverseTimeDecay staircase, relu, BCE",
               4, [dense(8, "relu"), dense(1, "sigmoid")], BCE,
               opt("sgd", learningRate=invtime(0.3, 3, 1.0, True)), 106, steps=8))
    c.append(S("ext_sgd_clipnorm", "SGD momentum 0.9 with clipnorm 0.5 (per variable, active on some), tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("sgd", learningRate=0.1, momentum=0.9, clipnorm=0.5), 107, yscale=2.0))
    c.append(S("ext_sgd_global_clipnorm", "SGD with globalClipnorm 0.8 (active), relu, MSE",
               5, [dense(8, "relu"), dense(2)], MSE,
               opt("sgd", learningRate=0.1, globalClipnorm=0.8), 108, yscale=2.0))
    c.append(S("ext_sgd_clipvalue", "SGD nesterov with clipvalue 0.1 (active), tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("sgd", learningRate=0.1, momentum=0.9, nesterov=True, clipvalue=0.1), 109, yscale=2.0))
    c.append(S("ext_sgd_weight_decay", "SGD momentum 0.9 with weightDecay 0.05 (decoupled, all variables), tanh, MSE",
               4, [dense(8, "tanh"), dense(1)], MSE,
               opt("sgd", learningRate=0.1, momentum=0.9, weightDecay=0.05), 110))
    c.append(S("ext_sgd_regularizers", "SGD; kernel L1, kernel L1L2, bias L2 and bias L1 regularisers, tanh, MSE",
               4, [dense(8, "tanh", kreg=reg(l1=0.01), breg=reg(l2=0.02)),
                   dense(6, "tanh", kreg=reg(l1=0.005, l2=0.01), breg=reg(l1=0.01)),
                   dense(2, kreg=reg(l2=0.03))], MSE,
               opt("sgd", learningRate=0.1), 111))
    c.append(S("ext_sgd_deep_mixed", "SGD momentum; deep 5-dense MLP (relu, tanh, sigmoid, relu hidden), MSE",
               6, [dense(10, "relu"), dense(8, "tanh"), dense(8, "sigmoid"), dense(6, "relu"), dense(2)], MSE,
               opt("sgd", learningRate=0.1, momentum=0.9), 112, batch=10))
    c.append(S("ext_sgd_wide64", "SGD; wide network (64 and 32 tanh units), 3 softmax classes, CCE",
               12, [dense(64, "tanh"), dense(32, "tanh"), dense(3, "softmax")], CCE,
               opt("sgd", learningRate=0.1, momentum=0.5), 113, batch=16, steps=5))
    c.append(S("ext_sgd_poly_nocycle", "SGD, PolynomialDecay power 2 without cycle (clamped after decaySteps), tanh, MSE",
               4, [dense(8, "tanh"), dense(1)], MSE,
               opt("sgd", learningRate=poly(0.2, 4, end=0.01, power=2.0, cycle=False)), 114, steps=7))
    c.append(S("ext_sgd_momentum_poly_cycle", "SGD momentum 0.9, PolynomialDecay power 1 with cycle, relu, BCE",
               4, [dense(8, "relu"), dense(1, "sigmoid")], BCE,
               opt("sgd", learningRate=poly(0.2, 3, end=0.02, power=1.0, cycle=True), momentum=0.9), 115, steps=8))
    c.append(S("ext_sgd_piecewise3", "SGD nesterov, PiecewiseConstantDecay with 3 boundaries (1,3,4), tanh, MSE",
               4, [dense(6, "tanh"), dense(1)], MSE,
               opt("sgd", learningRate=piecewise([1, 3, 4], [0.2, 0.1, 0.05, 0.02]), momentum=0.9,
                   nesterov=True), 116, steps=7))
    c.append(S("ext_sgd_cosine_restarts_tmul1", "SGD momentum, CosineDecayRestarts tMul 1, mMul 0.5, alpha 0.1, tanh, MSE",
               4, [dense(8, "tanh"), dense(1)], MSE,
               opt("sgd", learningRate=restarts(0.2, 3, tMul=1.0, mMul=0.5, alpha=0.1), momentum=0.8), 117, steps=8))
    # ---------------- BatchNorm / dropout / activation layers
    c.append(S("ext_sgd_bn_scale_false", "SGD; Dense -> BatchNorm(scale false, momentum 0.9, eps 1e-3) -> tanh -> Dense, batch 4, MSE",
               4, [dense(6, bias=False), bn(0.9, 0.001, center=True, scale=False), act("tanh"), dense(1)], MSE,
               opt("sgd", learningRate=0.1, momentum=0.9), 118, batch=4))
    c.append(S("ext_rmsprop_bn_no_center_no_scale", "RMSprop; BatchNorm(center false, scale false, momentum 0.99, eps 1e-5) -> relu, BCE",
               5, [dense(8, bias=False), bn(0.99, 1e-5, center=False, scale=False), act("relu"), dense(1, "sigmoid")], BCE,
               opt("rmsprop", learningRate=0.01), 119, batch=10))
    c.append(S("ext_adagrad_bn_center_false", "Adagrad; BatchNorm(center false, momentum 0.8, eps 0.01) after tanh, softmax CCE",
               5, [dense(8, "tanh"), bn(0.8, 0.01, center=False, scale=True), dense(3, "softmax")], CCE,
               opt("adagrad", learningRate=0.05), 120))
    c.append(S("ext_sgd_bn_twice_momentum05", "SGD; two BatchNorm layers (momentum 0.5 / 0.95, eps 1e-3 / 0.1), relu; the 2nd Dense has a bias feeding BN (gradient ~0), MSE",
               4, [dense(8, bias=False), bn(0.5, 0.001), act("relu"), dense(6), bn(0.95, 0.1), act("tanh"), dense(2)],
               MSE, opt("sgd", learningRate=0.05), 121, batch=6))
    c.append(S("ext_sgd_dropout_rates", "SGD; dropout 0.1, 0.0 (no mask) and 0.5 with given masks, relu/tanh, MSE",
               5, [dense(10, "relu"), dropout(0.1), dense(8, "tanh"), dropout(0.0), dense(8, "tanh"), dropout(0.5), dense(1)],
               MSE, opt("sgd", learningRate=0.05, momentum=0.9), 122, batch=8))
    c.append(S("ext_rmsprop_dropout03_bn", "RMSprop momentum; Dense -> BN -> relu -> Dropout(0.3) -> Dense(2, sigmoid), BCE",
               4, [dense(8, bias=False), bn(0.9, 0.001), act("relu"), dropout(0.3), dense(2, "sigmoid")], BCE,
               opt("rmsprop", learningRate=0.005, momentum=0.5), 123))
    c.append(S("ext_sgd_activation_softmax_layer", "SGD; Dense(linear) followed by a separate softmax Activation layer, dropout 0.2, CCE",
               5, [dense(8, "tanh"), dropout(0.2), dense(4), act("softmax")], CCE,
               opt("sgd", learningRate=0.2), 124))
    # ---------------- Adagrad
    c.append(S("ext_adagrad_initacc_eps", "Adagrad initialAccumulatorValue 0.01, epsilon 1e-3, CosineDecay (no warmup, alpha 0.2), tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("adagrad", learningRate=cosine(0.1, 5, alpha=0.2), initialAccumulatorValue=0.01, epsilon=1e-3),
               125, steps=7))
    c.append(S("ext_adagrad_clipnorm_weight_decay", "Adagrad with clipnorm 0.1 and weightDecay 0.1, relu, BCE 2 outputs",
               5, [dense(8, "relu"), dense(2, "sigmoid")], BCE,
               opt("adagrad", learningRate=0.1, clipnorm=0.1, weightDecay=0.1), 126))
    # ---------------- RMSprop
    c.append(S("ext_rmsprop_momentum", "RMSprop rho 0.8, momentum 0.9, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE, opt("rmsprop", learningRate=0.01, rho=0.8, momentum=0.9), 127))
    c.append(S("ext_rmsprop_centered", "RMSprop centered, epsilon 1e-4, relu, MSE",
               5, [dense(8, "relu"), dense(1)], MSE, opt("rmsprop", learningRate=0.01, centered=True, epsilon=1e-4), 128))
    c.append(S("ext_rmsprop_centered_momentum", "RMSprop centered + momentum 0.5, epsilon 1e-4, InverseTimeDecay staircase, softmax CCE",
               5, [dense(8, "tanh"), dense(3, "softmax")], CCE,
               opt("rmsprop", learningRate=invtime(0.02, 2, 0.5, True), centered=True, momentum=0.5,
                   epsilon=1e-4), 129, steps=7))
    c.append(S("ext_rmsprop_global_clipnorm_piecewise", "RMSprop with globalClipnorm 0.5 and PiecewiseConstantDecay, sigmoid hidden, MSE",
               4, [dense(8, "sigmoid"), dense(2)], MSE,
               opt("rmsprop", learningRate=piecewise([2, 4], [0.02, 0.01, 0.005]), globalClipnorm=0.5), 130,
               steps=7, yscale=2.0))
    c.append(S("ext_rmsprop_cosine_restarts_tmul3", "RMSprop, CosineDecayRestarts tMul 3, mMul 0.8 (restart inside the run), tanh, MSE",
               4, [dense(8, "tanh"), dense(1)], MSE,
               opt("rmsprop", learningRate=restarts(0.01, 2, tMul=3.0, mMul=0.8, alpha=0.05)), 131, steps=8))
    # ---------------- Adam / AdamW
    c.append(S("ext_adam_amsgrad", "Adam amsgrad with beta2 0.9 (v decreases, so vhat matters), relu, MSE",
               5, [dense(8, "relu"), dense(2)], MSE,
               opt("adam", learningRate=0.05, beta2=0.9, amsgrad=True), 132, steps=8))
    c.append(S("ext_adam_clipvalue_cosine_warmup", "Adam with clipvalue 0.05, CosineDecay with linear warmup (2 steps), tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("adam", learningRate=cosine(0.001, 4, alpha=0.1, warmupTarget=0.02, warmupSteps=2), clipvalue=0.05),
               133, steps=8, yscale=2.0))
    c.append(S("ext_adam_weight_decay_l1l2", "Adam beta1 0.8 beta2 0.99 with weightDecay 0.02; kernel L1L2 + bias L1, BCE",
               4, [dense(8, "tanh", kreg=reg(0.001, 0.01), breg=reg(l1=0.005)), dense(1, "sigmoid")], BCE,
               opt("adam", learningRate=0.01, beta1=0.8, beta2=0.99, weightDecay=0.02), 134))
    c.append(S("ext_adam_bn_dropout_global_clipnorm", "Adam (eps 1e-3) with globalClipnorm 1.0; BN(scale false) + dropout 0.4, softmax CCE",
               5, [dense(8, bias=False), bn(0.9, 0.001, center=True, scale=False), act("relu"), dropout(0.4),
                   dense(3, "softmax")], CCE,
               opt("adam", learningRate=0.01, epsilon=1e-3, globalClipnorm=1.0), 135))
    c.append(S("ext_adamw_default", "AdamW defaults (weightDecay 0.004) with lr 0.01, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE, opt("adamw", learningRate=0.01), 136))
    c.append(S("ext_adamw_amsgrad_expdecay", "AdamW amsgrad beta2 0.95 epsilon 1e-3, weightDecay 0.05, ExponentialDecay staircase, relu, BCE 2 outputs",
               5, [dense(8, "relu"), dense(2, "sigmoid")], BCE,
               opt("adamw", learningRate=expdecay(0.02, 2, 0.7, True), amsgrad=True, beta2=0.95, epsilon=1e-3, weightDecay=0.05), 137, steps=7))
    c.append(S("ext_adamw_deep_bn_poly", "AdamW; 4 dense layers with BatchNorm, PolynomialDecay power 0.5 cycle, MSE",
               5, [dense(12, "relu"), bn(0.9, 0.001), dense(8, "tanh"), dense(6, "sigmoid"), dense(1)], MSE,
               opt("adamw", learningRate=poly(0.01, 3, end=0.001, power=0.5, cycle=True), weightDecay=0.01), 138,
               steps=8, batch=10))
    # ---------------- Adamax
    c.append(S("ext_adamax_basic", "Adamax defaults with lr 0.02, tanh, MSE", 4, [dense(8, "tanh"), dense(2)], MSE,
               opt("adamax", learningRate=0.02), 139))
    c.append(S("ext_adamax_clipnorm_invtime", "Adamax beta2 0.99 with clipnorm 0.2 and InverseTimeDecay, relu, softmax CCE",
               5, [dense(8, "relu"), dense(3, "softmax")], CCE,
               opt("adamax", learningRate=invtime(0.02, 2, 0.5, False), beta2=0.99, clipnorm=0.2), 140, steps=7))
    # ---------------- Nadam
    c.append(S("ext_nadam_basic", "Nadam defaults with lr 0.01, batch 3, tanh, MSE", 4, [dense(8, "tanh"), dense(2)], MSE,
               opt("nadam", learningRate=0.01), 141, steps=8, batch=3))
    c.append(S("ext_nadam_cosine_weight_decay", "Nadam beta1 0.95, weightDecay 0.01, CosineDecay (alpha 0), sigmoid hidden, BCE",
               4, [dense(8, "sigmoid"), dense(1, "sigmoid")], BCE,
               opt("nadam", learningRate=cosine(0.02, 6), beta1=0.95, weightDecay=0.01), 142, steps=7))
    # ---------------- Adadelta
    c.append(S("ext_adadelta_basic", "Adadelta lr 1.0 (rho 0.95, eps 1e-7), tanh, MSE", 4, [dense(8, "tanh"), dense(2)], MSE,
               opt("adadelta", learningRate=1.0), 143))
    c.append(S("ext_adadelta_eps_clipvalue_wd", "Adadelta rho 0.9, epsilon 1e-4, clipvalue 0.2, weightDecay 0.01, relu, BCE",
               5, [dense(8, "relu"), dense(1, "sigmoid")], BCE,
               opt("adadelta", learningRate=2.0, rho=0.9, epsilon=1e-4, clipvalue=0.2, weightDecay=0.01), 144))
    # ---------------- Ftrl
    c.append(S("ext_ftrl_default", "Ftrl defaults (lr power -0.5, init acc 0.1, no regularisation) with lr 0.1, batch 3, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE, opt("ftrl", learningRate=0.1), 145, batch=3))
    c.append(S("ext_ftrl_l1_l2", "Ftrl with l1 0.01 (zeroes some weights) and l2 0.05, tanh, MSE",
               5, [dense(8, "tanh"), dense(1)], MSE,
               opt("ftrl", learningRate=0.2, l1RegularizationStrength=0.01, l2RegularizationStrength=0.05), 146))
    c.append(S("ext_ftrl_shrinkage_beta_schedule", "Ftrl l2 shrinkage 0.02, beta 0.5, ExponentialDecay lr, tanh, BCE",
               4, [dense(8, "tanh"), dense(1, "sigmoid")], BCE,
               opt("ftrl", learningRate=expdecay(0.3, 2, 0.7, False), l2ShrinkageRegularizationStrength=0.02, beta=0.5),
               147, steps=7))
    c.append(S("ext_ftrl_lrpower_initacc", "Ftrl learningRatePower -0.75, initialAccumulatorValue 0.5, l1 0.002, softmax CCE",
               5, [dense(8, "tanh"), dense(3, "softmax")], CCE,
               opt("ftrl", learningRate=0.3, learningRatePower=-0.75, initialAccumulatorValue=0.5,
                   l1RegularizationStrength=0.002), 148))
    c.append(S("ext_ftrl_lrpower0", "Ftrl learningRatePower 0 (fixed step), l2 0.1, globalClipnorm 1.0, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("ftrl", learningRate=0.05, learningRatePower=0.0, l2RegularizationStrength=0.1, globalClipnorm=1.0),
               149))
    # ---------------- Lion
    c.append(S("ext_lion_basic", "Lion defaults (beta1 0.9, beta2 0.99) with lr 0.002, batch 5, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE, opt("lion", learningRate=0.002), 150, batch=5))
    c.append(S("ext_lion_weight_decay_piecewise", "Lion beta1 0.95 beta2 0.98, weightDecay 0.1, PiecewiseConstantDecay, tanh, BCE",
               4, [dense(8, "tanh"), dense(1, "sigmoid")], BCE,
               opt("lion", learningRate=piecewise([2], [0.003, 0.001]), beta1=0.95, beta2=0.98, weightDecay=0.1),
               151, steps=6))
    c.append(S("ext_adam_cosine_restarts_tmul2", "Adam, CosineDecayRestarts tMul 2, mMul 1 (restart at step 3), relu, MSE",
               4, [dense(8, "relu"), dense(1)], MSE,
               opt("adam", learningRate=restarts(0.02, 3, tMul=2.0, mMul=1.0)), 152, steps=8))
    c.append(S("ext_adagrad_cosine_warmup", "Adagrad, CosineDecay with warmup from 0.0 over 3 steps, alpha 0.0, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("adagrad", learningRate=cosine(0.0, 3, warmupTarget=0.1, warmupSteps=3)), 153, steps=8))
    c.append(S("ext_adadelta_restarts_tmul1", "Adadelta, CosineDecayRestarts tMul 1, mMul 0.9, alpha 0 (restarts every 3 steps), batch 4, tanh, MSE",
               4, [dense(8, "tanh"), dense(2)], MSE,
               opt("adadelta", learningRate=restarts(2.0, 3, tMul=1.0, mMul=0.9)), 154, steps=8, batch=4))
    c.append(S("ext_adamax_poly_nocycle_bce3", "Adamax, PolynomialDecay power 1.5 without cycle (clamped), 3 sigmoid outputs, BCE",
               5, [dense(8, "tanh"), dense(3, "sigmoid")], BCE,
               opt("adamax", learningRate=poly(0.02, 4, end=0.002, power=1.5, cycle=False)), 155, steps=7))
    return c


MUTANTS = [
    ("sched_next", "schedule evaluated at iterations+1"),
    ("piecewise_lt", "PiecewiseConstantDecay uses step < boundary"),
    ("clipnorm_global", "clipnorm applied to the global norm"),
    ("global_per_var", "globalClipnorm applied per variable"),
    ("wd_no_lr", "weight decay without lr"),
    ("wd_after", "weight decay after the update"),
    ("nadam_torch", "Nadam momentum decay 0.96^(0.004 t) (PyTorch)"),
    ("sgd_torch", "SGD momentum buffer v = mu v + g, w -= lr v (PyTorch)"),
    ("nesterov_ignored", "nesterov flag ignored"),
    ("adagrad_acc0", "Adagrad accumulator starts at 0"),
    ("eps_outside", "Adagrad/RMSprop epsilon outside the sqrt"),
    ("centered_ignored", "RMSprop centered flag ignored"),
    ("rms_mom_lr_outside", "RMSprop momentum buffer without lr"),
    ("amsgrad_ignored", "amsgrad flag ignored"),
    ("adam_torch_eps", "Adam epsilon on the bias-corrected sqrt(v) (PyTorch)"),
    ("adamax_eps_in_max", "Adamax epsilon inside the max"),
    ("adadelta_no_lr", "Adadelta ignores lr"),
    ("ftrl_no_beta", "Ftrl beta ignored"),
    ("ftrl_acc_g2", "Ftrl accumulator uses the shrinkage gradient"),
    ("lion_m_first", "Lion momentum updated before the weight update"),
    ("bn_unbiased", "BatchNorm moving variance uses the unbiased variance"),
    ("bn_momentum_swapped", "BatchNorm momentum convention swapped"),
    ("bn_eps_outside", "BatchNorm epsilon outside the sqrt"),
    ("dropout_no_scale", "dropout without 1/(1-rate) scaling"),
    ("mse_sum_outputs", "MSE summed over outputs"),
    ("cce_mean_classes", "CCE averaged over classes"),
    ("l2_half", "L2 penalty with a 1/2 factor"),
    ("loss_no_penalty", "reported loss without the penalties"),
]


def mutation_check(cases_dir):
    """Runs every deliberately wrong variant on every case under cases_dir and
    reports which cases detect it (fail their tolerance)."""
    cases = []
    for f in sorted(os.listdir(cases_dir)):
        if f.endswith(".json"):
            with open(os.path.join(cases_dir, f)) as fh:
                cases.append(json.load(fh))
    all_ok = True
    for mut, desc in MUTANTS:
        MUT.clear()
        MUT.add(mut)
        caught, missed = [], []
        for case in cases:
            tol = case["tolerance"]
            try:
                res = run_case(case)
                r = compare(expected_view(case), res, tol["rtol"], tol["atol"])
            except (OracleError, FloatingPointError, ValueError):
                r = math.inf
            if r > 1.0:
                caught.append(case["name"])
            elif r > 0.0:
                missed.append("%s(%.2f)" % (case["name"], r))
        MUT.clear()
        if not caught:
            all_ok = False
        print("  %-20s %-55s caught by %2d case(s)%s" % (
            mut, desc, len(caught),
            ("; changed but within tolerance: " + ", ".join(missed)) if missed else ""))
    return all_ok


def main(argv):
    args = argv[1:]
    public = DEFAULT_PUBLIC
    if "--public" in args:
        i = args.index("--public")
        public = args[i + 1]
        del args[i:i + 2]
    if len(args) == 2 and args[0] == "--mutants":
        return 0 if mutation_check(args[1]) else 1
    if len(args) == 2 and args[0] == "--check":
        ok = check_dir(args[1], 1e-9, 1e-12, fd_check=True)
        return 0 if ok else 1
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    outdir = args[0]
    print("Self-check: re-deriving the public cases in %s (rtol 1e-9)" % public)
    if not check_dir(public, 1e-9, 1e-12, fd_check=True, label="Self-check: "):
        print("SELF-CHECK FAILED: not generating")
        return 1
    os.makedirs(outdir, exist_ok=True)
    specs = case_specs()
    only = os.environ.get("ORACLE_ONLY")
    names = set()
    print("Generating %d cases into %s" % (len(specs), outdir))
    for spec in specs:
        if spec["name"] in names:
            raise OracleError("duplicate name %s" % spec["name"])
        names.add(spec["name"])
        if only and spec["name"] not in only.split(","):
            continue
        generate_case(spec, outdir)
    print("done: %d cases" % len(specs))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except OracleError as ex:
        sys.stderr.write("ORACLE ERROR: %s\n" % ex)
        sys.exit(3)
