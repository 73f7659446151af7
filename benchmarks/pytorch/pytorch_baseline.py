#!/usr/bin/env python3
"""Same-machine PyTorch baseline for `streamgrad bench` (issue #6).

Trains the same workloads as `java -jar jobs/target/streamgrad.jar bench` with PyTorch eager on
ONE thread (float32, full training step: forward, loss, backward, Adam), and prints one JSON line
per run: {"framework": "pytorch", "version", "workload", "batch", "examplesPerSecond",
"microsPerStep"}.

  W1 b=1   32-64-64-1 relu, MSE
  W1 b>1   32-64-BN-64-BN-1 relu, MSE
  W2       128-256-BN-Dropout(0.2)-256-BN-10 softmax, categorical cross-entropy
  W3       784-512-BN-512-BN-10 softmax, categorical cross-entropy

Softmax + cross-entropy use PyTorch's idiomatic fused CrossEntropyLoss on logits (its fastest
form). PyTorch 1.13 comes from Debian (apt-get install python3-torch libopenblas0-pthread; without
OpenBLAS, Debian's torch falls back to the reference BLAS) and runs with the system interpreter:
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pytorch_baseline.py --workload W1 --batch 32 --seconds 5
"""
import argparse
import json
import time

import torch
from torch import nn


def model_for(workload, batch):
    if workload == "W1":
        if batch == 1:
            net = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
        else:
            net = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.BatchNorm1d(64), nn.Linear(64, 64), nn.ReLU(),
                                nn.BatchNorm1d(64), nn.Linear(64, 1))
        return net, 32, 1, nn.MSELoss()
    if workload == "W2":
        net = nn.Sequential(nn.Linear(128, 256), nn.ReLU(), nn.BatchNorm1d(256), nn.Dropout(0.2),
                            nn.Linear(256, 256), nn.ReLU(), nn.BatchNorm1d(256), nn.Linear(256, 10))
        return net, 128, 10, nn.CrossEntropyLoss()
    if workload == "W3":
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.BatchNorm1d(512), nn.Linear(512, 512), nn.ReLU(),
                            nn.BatchNorm1d(512), nn.Linear(512, 10))
        return net, 784, 10, nn.CrossEntropyLoss()
    raise SystemExit("unknown workload " + workload)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", default="W1")
    p.add_argument("--batch", type=int, default=0)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--runs", type=int, default=1)
    a = p.parse_args()
    batch = a.batch or {"W1": 1, "W2": 64, "W3": 128}[a.workload]
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net, inputs, outputs, loss_fn = model_for(a.workload, batch)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    batches = 64
    xs = torch.randn(batches, batch, inputs)
    if outputs == 1:
        ys = torch.randn(batches, batch, 1)
    else:
        ys = torch.randint(0, outputs, (batches, batch))

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xs[i % batches]), ys[i % batches])
        loss.backward()
        opt.step()

    for i in range(200):  # warm-up
        step(i)
    for _ in range(a.runs):
        steps = 0
        start = time.perf_counter()
        deadline = start + a.seconds
        while True:
            for _ in range(16):
                step(steps)
                steps += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        elapsed = now - start
        print(json.dumps({"framework": "pytorch", "version": torch.__version__, "workload": a.workload,
                          "batch": batch, "threads": 1, "examplesPerSecond": round(steps * batch / elapsed, 1),
                          "microsPerStep": round(elapsed / steps * 1e6, 3)}), flush=True)


if __name__ == "__main__":
    main()
