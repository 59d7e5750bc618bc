"""The reference encoder's training step in PyTorch, for side-by-side comparison with
bench/train_step.ts: same network (conv 32-64-128, batch norm, ReLU, max-pool, global average
pool, linear 10-way head), batch 128, 28x28x1, Adam, cross-entropy. Prints JSON.

PyTorch's CPU convolutions go through oneDNN; with NCHW tensors it reorders to its blocked layouts
around every call, with channels_last (NHWC) it mostly does not. Both layouts are measured and the
faster one per thread count is reported as PyTorch's best configuration (`layout` says which).

Usage: python3 bench/torch_reference.py [--threads 1 2] [--batch 128] [--steps 8] [--warmup 3]
"""
import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn


def reference_model():
    layers = []
    channels = [1, 32, 64, 128]
    for i in range(3):
        layers += [
            nn.Conv2d(channels[i], channels[i + 1], 3, padding=1, bias=False),
            nn.BatchNorm2d(channels[i + 1], momentum=0.1),
            nn.ReLU(),
        ]
        layers.append(nn.MaxPool2d(2) if i < 2 else nn.AdaptiveAvgPool2d(1))
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128, 10))


def bench(threads, batch, steps, warmup, channels_last=False):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = reference_model()
    x = torch.rand(batch, 1, 28, 28)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return {
        "backend": f"pytorch-{torch.__version__}",
        "threads": threads,
        "layout": "channels_last" if channels_last else "nchw",
        "batch": batch,
        "imagesPerSec": round(batch / median, 2),
        "imagesPerSecBest": round(batch / min(times), 2),
        "peakRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    results = []
    for t in args.threads:
        runs = [bench(t, args.batch, args.steps, args.warmup, cl) for cl in (False, True)]
        best = max(runs, key=lambda r: r["imagesPerSec"])
        best["otherLayoutImagesPerSec"] = min(runs, key=lambda r: r["imagesPerSec"])["imagesPerSec"]
        results.append(best)
    print(json.dumps({"bench": "torch_reference", "results": results}))
