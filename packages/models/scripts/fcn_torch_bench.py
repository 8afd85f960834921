#!/usr/bin/env python3
"""PyTorch reference for the throughput benchmark: the same Wang FCN training step as packages/models (conv1d 'same'
-> batch norm -> relu, x3, global average pooling, dense; Adam, softmax cross-entropy), synthetic data of the given
shape, a fixed number of threads (default 1). Writes JSON with the per-epoch seconds and their median.

    /usr/bin/python3 packages/models/scripts/fcn_torch_bench.py --filters 128,256,128 --kernels 8,5,3 --batch 16 \
        --epochs 3 --threads 1 --out /tmp/torch.json
"""
import argparse
import json
import os
import platform
import statistics
import time

import torch
from torch import nn

from fcn_torch import Fcn


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--filters", default="128,256,128")
    p.add_argument("--kernels", default="8,5,3")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--n", type=int, default=390)
    p.add_argument("--length", type=int, default=176)
    p.add_argument("--classes", type=int, default=37)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    filters = [int(v) for v in a.filters.split(",")]
    kernels = [int(v) for v in a.kernels.split(",")]
    model = Fcn(filters, kernels, a.classes, bn_momentum=0.01)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(a.n, 1, a.length)
    y = torch.arange(a.n) % a.classes
    secs = []
    cpu_secs = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        perm = torch.randperm(a.n)
        for s in range(0, a.n, a.batch):
            idx = perm[s : s + a.batch]
            opt.zero_grad()
            out = model(x[idx])
            loss = loss_fn(out, y[idx])
            loss.backward()
            opt.step()
        secs.append(time.perf_counter() - t0)
        cpu_secs.append(time.process_time() - c0)
        print(f"torch epoch: {secs[-1]:.3f} s (cpu {cpu_secs[-1]:.3f} s)", flush=True)
    res = {
        "stack": f"PyTorch {torch.__version__} CPU",
        "threads": a.threads,
        "shapes": {"n": a.n, "length": a.length, "classes": a.classes, "filters": filters, "kernels": kernels, "batch": a.batch},
        "epoch_seconds": secs,
        "epoch_seconds_median": statistics.median(secs),
        "epoch_cpu_seconds": cpu_secs,
        "epoch_cpu_seconds_median": statistics.median(cpu_secs),
        "samples_per_second": a.n / statistics.median(secs),
        "host": {"cpus": os.cpu_count(), "machine": platform.machine(), "loadavg_1min": os.getloadavg()[0]},
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
