#!/usr/bin/env python3
"""Cross-check for packages/benchmarks/scripts/reference-accuracy.ts --model fcn: the same FCN and Wang settings in
PyTorch (Keras-like: Glorot-uniform kernels, BN eps 1e-3 / momentum --bn-momentum in Keras' convention, default 0.99,
Adam 1e-3 eps 1e-8, batch 16, global mean/std normalisation), UCR Adiac, TEST file as validation. Prints validation
accuracy every --every epochs and writes JSON with the best validated epoch and, as Wang's code reports, the
validation accuracy at the epoch of lowest training loss (among the validated epochs).

    /usr/bin/python3 packages/models/scripts/adiac_fcn_torch.py --dir /work/shared/datasets/ucr/Adiac --epochs 300 --out /tmp/adiac-torch.json
"""
import argparse
import json
import os
import time

import torch
from torch import nn

from fcn_torch import Fcn


def read(path):
    xs, ys = [], []
    with open(path) as f:
        for line in f:
            if line.strip():
                parts = line.strip().split(",")
                ys.append(parts[0].strip())
                xs.append([float(v) for v in parts[1:]])
    return xs, ys


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dir", default="/work/shared/datasets/ucr/Adiac")
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--every", type=int, default=50)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--bn-momentum", type=float, default=0.99, help="Keras convention (PyTorch momentum = 1 - this)")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    name = os.path.basename(a.dir.rstrip("/"))
    xtr, ytr = read(os.path.join(a.dir, f"{name}_TRAIN"))
    xte, yte = read(os.path.join(a.dir, f"{name}_TEST"))
    classes = sorted(set(ytr), key=float)
    idx = {c: i for i, c in enumerate(classes)}
    xtr = torch.tensor(xtr)
    xte = torch.tensor(xte)
    mean, std = xtr.mean(), xtr.std(unbiased=False)
    xtr = ((xtr - mean) / std).unsqueeze(1)
    xte = ((xte - mean) / std).unsqueeze(1)
    ytr = torch.tensor([idx[c] for c in ytr])
    yte = torch.tensor([idx[c] for c in yte])
    model = Fcn([128, 256, 128], [8, 5, 3], len(classes), bn_momentum=1.0 - a.bn_momentum, glorot=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()
    hist = []
    t0 = time.perf_counter()

    def evaluate():
        model.eval()
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        model.train()
        return acc

    for ep in range(a.epochs):
        perm = torch.randperm(len(ytr))
        tot = 0.0
        for s in range(0, len(ytr), 16):
            b = perm[s : s + 16]
            opt.zero_grad()
            loss = loss_fn(model(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
            tot += loss.item() * len(b)
        if (ep + 1) % a.every == 0 or ep + 1 == a.epochs:
            acc = evaluate()
            hist.append({"epoch": ep + 1, "loss": tot / len(ytr), "val_accuracy": acc, "seconds": time.perf_counter() - t0})
            print(json.dumps(hist[-1]), flush=True)
    best = max(hist, key=lambda h: h["val_accuracy"])
    at_min_loss = min(hist, key=lambda h: h["loss"])
    summary = {
        "stack": f"PyTorch {torch.__version__}",
        "dataset": name,
        "seed": a.seed,
        "batch_norm_momentum": a.bn_momentum,
        "accuracy": hist[-1]["val_accuracy"],
        "best_validated": {"accuracy": best["val_accuracy"], "epoch": best["epoch"]},
        "at_min_training_loss": {"accuracy": at_min_loss["val_accuracy"], "epoch": at_min_loss["epoch"]},
        "history": hist,
    }
    with open(a.out, "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
