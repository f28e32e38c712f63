"""The peer of `LatentBench conv-layers`: forward and backward time of each dcgan convolution
alone, then of 2×2 max pooling at the DANN network's and the conv classifier's shapes, in PyTorch
(batch 128 by default, 2 threads), median of the timed repeats in ms."""
import argparse
import statistics
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=20)
parser.add_argument("--batch", type=int, default=128)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

# (name, transposed, Cin, Cout, input extent): the same list as ConvLayerBenchmark.swift.
LAYERS = [
    ("D conv 1→64 28²", False, 1, 64, 28), ("D conv 64→128 14²", False, 64, 128, 14),
    ("G convT 128→64 7²", True, 128, 64, 7), ("G convT 64→1 14²", True, 64, 1, 14),
]
print(f"conv-layers (PyTorch {torch.__version__}): batch {args.batch}, {args.threads} threads, "
      f"median of {args.repeats} (ms)")


def median_forward_backward(forward, reset):
    forward_times, backward_times = [], []
    for _ in range(args.repeats + 2):
        reset()
        t0 = time.perf_counter()
        y = forward()
        t1 = time.perf_counter()
        y.backward(torch.ones_like(y))
        t2 = time.perf_counter()
        forward_times.append((t1 - t0) * 1000)
        backward_times.append((t2 - t1) * 1000)
    return statistics.median(forward_times[2:]), statistics.median(backward_times[2:])


for name, transposed, cin, cout, extent in LAYERS:
    x = torch.randn(args.batch, cin, extent, extent, requires_grad=True)
    layer = (torch.nn.ConvTranspose2d(cin, cout, 4, 2, 1) if transposed else torch.nn.Conv2d(cin, cout, 4, 2, 1))

    def reset():
        x.grad = None
        layer.zero_grad(set_to_none=True)
    f, b = median_forward_backward(lambda: layer(x), reset)
    print(f"{name:<22} forward {f:7.2f}  backward {b:7.2f}")

# (name, channels, input extent): the same list as ConvLayerBenchmark.swift.
POOLS = [("max-pool 32ch 24²", 32, 24), ("max-pool 48ch 8²", 48, 8), ("max-pool 64ch 24²", 64, 24)]
for name, channels, extent in POOLS:
    x = torch.randn(args.batch, channels, extent, extent, requires_grad=True)

    def reset():
        x.grad = None
    f, b = median_forward_backward(lambda: torch.nn.functional.max_pool2d(x, 2), reset)
    print(f"{name:<22} forward {f:7.2f}  backward {b:7.2f}")
