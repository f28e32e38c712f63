"""Peer for the `deep-ae` and `conv-ae` workloads of BENCHMARKS.md in PyTorch (CPU).

deep-ae: 784-1000-500-250-30-250-500-1000-784, ReLU hidden, linear code, sigmoid output.
conv-ae: Conv(1→32,k3,s2,p1) ReLU, Conv(32→64,k3,s2,p1) ReLU, Linear(3136→16); Linear(16→3136),
         ConvT(64→32,k3,s2,p1,op1) ReLU, ConvT(32→1,k3,s2,p1,op1) sigmoid.
Loss: squared error summed over pixels, mean over the batch (or --loss bce: cross-entropy, same
reduction); Adam 1e-3, batch 128. Prints s/epoch and the test squared error per image
(sum over 784 pixels, mean over the 10k test images), and a RESULT json line for scripts/bench.sh."""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn

import mnist
from common import load_average, print_result

parser = argparse.ArgumentParser()
parser.add_argument("--model", choices=["deep", "conv"], default="deep")
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--loss", choices=["mse", "bce"], default="mse")
parser.add_argument("--schedule", choices=["constant", "cosine"], default="constant")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
x = torch.from_numpy(mnist.load(args.data, "train")[0])
xt = torch.from_numpy(mnist.load(args.data, "test")[0])

if args.model == "deep":
    widths = [784, 1000, 500, 250, 30]
    enc, dec = [], []
    for i in range(4):
        enc.append(nn.Linear(widths[i], widths[i + 1]))
        if i < 3:
            enc.append(nn.ReLU())
    for i in range(4, 0, -1):
        dec.append(nn.Linear(widths[i], widths[i - 1]))
        if i > 1:
            dec.append(nn.ReLU())
    model = nn.Sequential(*enc, *dec)
    prepare = lambda b: b
else:
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(3136, 16),
        nn.Linear(16, 3136), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 3, 2, 1, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 3, 2, 1, 1), nn.Flatten())
    prepare = lambda b: b.view(-1, 1, 28, 28)

opt = torch.optim.Adam(model.parameters(), lr=1e-3)
steps = args.epochs * math.ceil(len(x) / 128)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps) if args.schedule == "cosine" else None


def test_error():
    with torch.no_grad():
        out = torch.cat([torch.sigmoid(model(prepare(xt[i:i + 1000]))) for i in range(0, len(xt), 1000)])
        return ((out - xt) ** 2).sum().item() / len(xt)


load_before = load_average()
times = []
for epoch in range(args.epochs):
    start = time.perf_counter()
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 128):
        batch = x[perm[i:i + 128]]
        logits = model(prepare(batch))
        if args.loss == "bce":
            loss = nn.functional.binary_cross_entropy_with_logits(logits, batch, reduction="sum") / len(batch)
        else:
            loss = ((torch.sigmoid(logits) - batch) ** 2).sum() / len(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched:
            sched.step()
    times.append(time.perf_counter() - start)
    print(f"epoch {epoch + 1}: {times[-1]:.2f} s, test squared error {test_error():.3f}", flush=True)
final_error = test_error()
print(f"torch {args.model}-ae: median {statistics.median(times):.3f} s/epoch, test squared error {final_error:.3f}")
print_result({"workload": f"{args.model}-ae", "impl": "torch", "threads": args.threads, "epochs": args.epochs,
              "sPerEpoch": statistics.median(times), "epochSeconds": times, "testSquaredError": final_error,
              "loadBefore": load_before, "loadAfter": load_average()})
