"""The training benchmark's peer: the trainer's small-cnn student and noisy-student step in PyTorch.

Same network (conv32-BN-ReLU-pool, conv64-BN-ReLU-pool, dropout 0.25, fc128-ReLU, dropout, fc10), batch size 128,
augmentation (shift up to 2 px with black padding, horizontal flip, random erasing with probability 0.5, all
vectorised over the batch), weighted
soft cross-entropy, AdamW (lr 2e-3, weight decay 5e-4) with a per-step cosine schedule, on the first 22,000
Fashion-MNIST training images (2,000 with their label, 20,000 with a soft label). Two epochs of --batches batches run
on the CPU and the second is timed, as `SelfTrain.Trainer bench-training` does. Prints one JSON line.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn

IMAGES = 22_000
GOLD = 2_000
SIZE = 28
CLASSES = 10
BATCH = 128


def load(directory):
    with gzip.open(os.path.join(directory, "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, SIZE, SIZE)[:IMAGES]
    with gzip.open(os.path.join(directory, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:IMAGES].astype(np.int64)
    targets = np.full((IMAGES, CLASSES), 0.02, np.float32)
    targets[np.arange(IMAGES), labels] = 0.82
    targets[np.arange(GOLD)] = 0
    targets[np.arange(GOLD), labels[:GOLD]] = 1
    return torch.from_numpy(images.copy()), torch.from_numpy(targets)


def small_cnn(dropout=0.25):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(dropout), nn.Flatten(),
        nn.Linear(64 * (SIZE // 4) ** 2, 128), nn.ReLU(), nn.Dropout(dropout), nn.Linear(128, CLASSES))


def augment(pixels, mean, std, generator):
    """Normalises a uint8 batch and applies the student's noise, vectorised over the batch: per sample a shift of up to
    2 px (black padding), a flip with probability 1/2, and with probability 1/2 an erased rectangle of 2-20% of the
    area with aspect ratio 0.3-3.3, filled with the mean (0 after normalisation)."""
    n = pixels.shape[0]
    x = (pixels.float() / 255 - mean) / std
    padded = nn.functional.pad(x, (2, 2, 2, 2), value=float(-mean / std))
    shifts = torch.randint(0, 5, (n, 2), generator=generator)
    flips = torch.randint(0, 2, (n,), generator=generator).bool()
    grid = torch.arange(SIZE)
    rows = shifts[:, :1] + grid  # n x 28
    columns = torch.where(flips[:, None], SIZE - 1 - grid, grid) + shifts[:, 1:]
    out = padded[torch.arange(n)[:, None, None], 0, rows[:, :, None], columns[:, None, :]].unsqueeze(1)

    erase = torch.rand(n, generator=generator) < 0.5
    area = SIZE * SIZE * (0.02 + torch.rand(n, generator=generator) * 0.18)
    aspect = torch.exp(math.log(0.3) + torch.rand(n, generator=generator) * (math.log(3.3) - math.log(0.3)))
    h = torch.sqrt(area * aspect).round().clamp(1, SIZE).long()
    w = torch.sqrt(area / aspect).round().clamp(1, SIZE).long()
    top = (torch.rand(n, generator=generator) * (SIZE - h + 1)).long()
    left = (torch.rand(n, generator=generator) * (SIZE - w + 1)).long()
    inside = ((grid[None, :, None] >= top[:, None, None]) & (grid[None, :, None] < (top + h)[:, None, None])
              & (grid[None, None, :] >= left[:, None, None]) & (grid[None, None, :] < (left + w)[:, None, None]))
    return out.masked_fill((inside & erase[:, None, None]).unsqueeze(1), 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    images, targets = load(args.data)
    scaled = images.float() / 255
    mean, std = scaled.mean().item(), scaled.std().item()

    model = small_cnn()
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    total_steps, step = 2 * args.batches, 0
    seconds = 0.0
    for epoch in (1, 2):
        model.train()
        order = torch.randperm(IMAGES, generator=generator)
        started = time.perf_counter()
        for b in range(args.batches):
            for group in optimizer.param_groups:
                group["lr"] = 0.5 * 2e-3 * (1 + math.cos(math.pi * step / total_steps))
            step += 1
            batch = order[(b * BATCH) % IMAGES:][:BATCH]
            x = augment(images[batch], mean, std, generator)
            q = targets[batch]
            w = torch.ones(len(batch))
            optimizer.zero_grad()
            log_probabilities = torch.log_softmax(model(x), 1)
            loss = (-(q * log_probabilities).sum(1) * w).sum() / w.sum().clamp_min(1e-6)
            loss.backward()
            optimizer.step()
            loss.item()
        seconds = time.perf_counter() - started
    print(json.dumps({
        "framework": "pytorch",
        "version": torch.__version__,
        "architecture": "small-cnn",
        "imagesPerSecond": round(args.batches * BATCH / seconds, 1),
        "batchSize": BATCH,
        "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
