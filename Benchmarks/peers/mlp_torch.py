"""Peer for the `mlp` workload of BENCHMARKS.md: 784-256-10 ReLU, softmax cross-entropy,
Adam 1e-3, batch 128, 5 epochs on the 60k training images. Prints s/epoch and test accuracy."""
import argparse
import statistics
import time

import torch

import mnist

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
x, y = (torch.from_numpy(a) for a in mnist.load(args.data, "train"))
xt, yt = (torch.from_numpy(a) for a in mnist.load(args.data, "test"))
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times = []
for epoch in range(args.epochs):
    start = time.perf_counter()
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 128):
        idx = perm[i:i + 128]
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - start)
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    print(f"epoch {epoch + 1}: {times[-1]:.3f} s, test accuracy {acc:.4f}", flush=True)
print(f"torch mlp: median {statistics.median(times):.3f} s/epoch, test accuracy {acc:.4f}")
