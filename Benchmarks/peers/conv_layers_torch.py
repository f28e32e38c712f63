"""The peer of `LatentBench conv-layers`: forward and backward time of each dcgan convolution
alone, in PyTorch (batch 128 by default, 2 threads), median of the timed repeats in ms."""
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
for name, transposed, cin, cout, extent in LAYERS:
    x = torch.randn(args.batch, cin, extent, extent, requires_grad=True)
    layer = (torch.nn.ConvTranspose2d(cin, cout, 4, 2, 1) if transposed else torch.nn.Conv2d(cin, cout, 4, 2, 1))
    forward_times, backward_times = [], []
    for _ in range(args.repeats + 2):
        x.grad = None
        layer.zero_grad(set_to_none=True)
        t0 = time.perf_counter()
        y = layer(x)
        t1 = time.perf_counter()
        y.backward(torch.ones_like(y))
        t2 = time.perf_counter()
        forward_times.append((t1 - t0) * 1000)
        backward_times.append((t2 - t1) * 1000)
    f = statistics.median(forward_times[2:])
    b = statistics.median(backward_times[2:])
    print(f"{name:<22} forward {f:7.2f}  backward {b:7.2f}")
