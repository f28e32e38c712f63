"""Peer for the `mlp` workload of BENCHMARKS.md: 784-256-10 ReLU, softmax cross-entropy,
Adam 1e-3, batch 128, 5 epochs on the 60k training images (last partial batch kept, as Latent's
Dataset does). Prints training s/epoch (shuffle, batch indexing, forward, backward, step; the
test evaluation after each epoch is timed separately) and the test accuracy, then a RESULT line.

    python3 Benchmarks/peers/mlp_torch.py [--data ../shared/data/mnist] [--threads 2] [--epochs 5]
"""
import argparse

from common import load_average, load_line, now, print_result, set_thread_env, stats

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

set_thread_env(args.threads)  # before torch loads MKL/OpenMP
import torch  # noqa: E402

import mnist  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
print(f"torch mlp: {torch.get_num_threads()} threads, torch {torch.__version__}, {load_line()}", flush=True)
load_before = load_average()
x, y = (torch.from_numpy(a) for a in mnist.load(args.data, "train"))
xt, yt = (torch.from_numpy(a) for a in mnist.load(args.data, "test"))
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times, overhead, accuracies = [], [], []
for epoch in range(args.epochs):
    model.train()
    start = now()
    perm = torch.randperm(len(x))
    total, batches = 0.0, 0
    for i in range(0, len(x), 128):
        idx = perm[i:i + 128]
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
        batches += 1
    times.append(now() - start)
    start = now()
    model.eval()
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    accuracies.append(acc)
    overhead.append(now() - start)
    print(f"epoch {epoch + 1}: {times[-1]:.3f} s training, {overhead[-1]:.3f} s evaluation, "
          f"loss {total / batches:.4f}, test accuracy {acc:.4f}", flush=True)
s = stats(times)
print(f"torch mlp: median {s['median']:.3f} s/epoch (min {s['min']:.3f}, max {s['max']:.3f}), "
      f"test accuracy {acc:.4f} after {args.epochs} epochs; {load_line()}")
print_result({"workload": "mlp", "impl": "torch", "threads": args.threads, "epochs": args.epochs,
              "sPerEpoch": s["median"], "epochSeconds": times, "overheadSPerEpoch": stats(overhead)["median"],
              "testAccuracy": acc, "accuracies": accuracies, "trainLoss": total / batches,
              "loadBefore": load_before, "loadAfter": load_average()})
