#!/usr/bin/env python3
"""Load a StreamGrad snapshot (streamgrad-snapshot/1 JSON) and predict with numpy only.

Reproduces the engine's inference mode (docs/snapshot-format.md):
  dense               y = activation(x @ kernel + bias)      kernel shape [inputs][units]
  batchNormalization  y = (x - movingMean) / sqrt(movingVariance + epsilon) * gamma + beta
  activation          y = activation(x)
  dropout             identity (inference)
Activations: linear, relu, sigmoid, tanh, softmax (over the last axis).
The opaque base64 "state" field is not needed and ignored; "weights" has everything.

As a library:
    from predict_snapshot import load_snapshot
    model = load_snapshot("snapshot.json")
    probabilities = model.predict([[0.1, 0.2, 0.3, 0.4]])   # shape [rows][outputs]
    classes = model.predict_class(rows)                     # -1 for regression / multi-label
From the command line (used by the Java test PredictSnapshotPythonTest):
    python3 predict_snapshot.py SNAPSHOT.json ROWS.json
ROWS.json is a JSON array of feature rows; prints {"values": [[...]], "classIndex": [...]}.
"""

import json
import sys

import numpy as np


def _activation(name, z):
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError("unknown activation " + repr(name))


class SnapshotModel:
    """The layers of one snapshot, with float64 weights (the JSON numbers are exact float32 values)."""

    def __init__(self, snapshot):
        if snapshot.get("format") != "streamgrad-snapshot/1":
            raise ValueError("not a streamgrad-snapshot/1 document: " + repr(snapshot.get("format")))
        self.model_key = snapshot.get("modelKey")
        self.version = snapshot.get("version")
        self.spec = snapshot["model"]
        self.loss = self.spec["loss"]
        layer_weights = snapshot["weights"]["layers"]
        if len(layer_weights) != len(self.spec["layers"]):
            raise ValueError("weights.layers must have one object per model layer")
        self.layers = [(spec, {k: np.asarray(v, dtype=np.float64) for k, v in w.items()})
                       for spec, w in zip(self.spec["layers"], layer_weights)]

    def predict(self, rows):
        """Outputs for rows of spec.inputDim features: [rows][outputs], float32."""
        x = np.asarray(rows, dtype=np.float32).astype(np.float64)
        if x.ndim != 2 or x.shape[1] != self.spec["inputDim"]:
            raise ValueError("rows must be [n][%d]" % self.spec["inputDim"])
        for spec, w in self.layers:
            kind = spec["type"]
            if kind == "dense":
                x = x @ w["kernel"]
                if "bias" in w:
                    x = x + w["bias"]
                x = _activation(spec.get("activation", "linear"), x)
            elif kind == "batchNormalization":
                eps = spec.get("epsilon", 0.001)
                x = (x - w["movingMean"]) / np.sqrt(w["movingVariance"] + eps)
                if "gamma" in w:
                    x = x * w["gamma"]
                if "beta" in w:
                    x = x + w["beta"]
            elif kind == "activation":
                x = _activation(spec["activation"], x)
            elif kind == "dropout":
                pass  # inference: identity
            else:
                raise ValueError("unknown layer type " + repr(kind))
        return x.astype(np.float32)

    def predict_class(self, rows):
        """Predicted class per row: argmax (categorical), p > 0.5 (binary, one output), else -1."""
        y = self.predict(rows)
        if self.loss == "categoricalCrossentropy":
            return np.argmax(y, axis=1)
        if self.loss == "binaryCrossentropy" and y.shape[1] == 1:
            return (y[:, 0] > 0.5).astype(np.int64)
        return np.full(y.shape[0], -1, dtype=np.int64)


def load_snapshot(path):
    """Reads one snapshot JSON file (or a JSON-lines file of snapshots: the last line wins)."""
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    try:
        return SnapshotModel(json.loads("\n".join(lines)))
    except json.JSONDecodeError:
        return SnapshotModel(json.loads(lines[-1]))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: predict_snapshot.py SNAPSHOT.json ROWS.json\n")
        return 2
    model = load_snapshot(argv[1])
    with open(argv[2], encoding="utf-8") as f:
        rows = json.load(f)
    out = {"values": model.predict(rows).tolist(), "classIndex": model.predict_class(rows).tolist()}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
