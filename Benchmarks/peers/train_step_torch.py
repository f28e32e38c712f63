"""Peer for LatentBench's `train-step` workload: one training step (forward, backward, Adam
update) of the deep autoencoder 784-1000-500-250-30-250-500-1000-784 (ReLU hidden, linear code,
sigmoid output, squared error summed over pixels and averaged over the batch, Adam 1e-3) at
batch 256, in PyTorch CPU with 2 threads. Counts the same GEMM FLOPs as LatentBench and also times
the step's GEMM shapes alone (torch.addmm / mm), so both sides report the same split.

    python3 Benchmarks/peers/train_step_torch.py [--threads 2] [--repeats 7] [--steps 20] [--batch 256]
"""
import argparse

from common import load_average, load_line, now, print_result, set_thread_env, stats

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=7)
parser.add_argument("--steps", type=int, default=20)
parser.add_argument("--batch", type=int, default=256)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

set_thread_env(args.threads)  # before torch loads MKL/OpenMP
import numpy as np  # noqa: E402
import torch  # noqa: E402

import mnist  # noqa: E402

WIDTHS = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
n = args.batch
print(f"torch train-step: {torch.get_num_threads()} threads, torch {torch.__version__}, {load_line()}", flush=True)
load_before = load_average()

rng = np.random.default_rng(args.seed)
try:
    images, _ = mnist.load(args.data, "train")
    order = rng.permutation(len(images))
    batches = [torch.from_numpy(np.ascontiguousarray(images[order[b * n:(b + 1) * n]])) for b in range(16)]
    print(f"data: 16 batches of {n} MNIST training images from {args.data}")
except FileNotFoundError:
    batches = [torch.rand(n, 784) for _ in range(16)]
    print(f"data: {args.data} not readable; 16 batches of {n} uniform random images")

layers = []
pairs = list(zip(WIDTHS[:-1], WIDTHS[1:]))
for l, (i, o) in enumerate(pairs):
    layers.append(torch.nn.Linear(i, o))
    if l == len(pairs) - 1:
        layers.append(torch.nn.Sigmoid())
    elif o != 30:
        layers.append(torch.nn.ReLU())
model = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
print(f"model: {'-'.join(map(str, WIDTHS))}, {sum(p.numel() for p in model.parameters())} parameters, batch {n}")

# The GEMMs of one step: forward x·Wᵀ + b, backward dX = G·W (not for the first layer), dW = Gᵀ·X.
shapes = [("forward", n, o, i) for (i, o) in pairs]
for l, (i, o) in reversed(list(enumerate(pairs))):
    if l > 0:
        shapes.append(("backward", n, i, o))
    shapes.append(("backward", o, i, n))
flops_step = sum(2.0 * m * nn * k for _, m, nn, k in shapes)
print(f"GEMM work per step: {flops_step / 1e9:.3f} GFLOP, {len(shapes)} GEMMs")

step_index = 0
phase = {"forward": 0.0, "backward": 0.0, "optimizer": 0.0}
losses = []


def train_step():
    global step_index
    x = batches[step_index % len(batches)]
    step_index += 1
    t0 = now()
    out = model(x)
    loss = torch.nn.functional.mse_loss(out, x, reduction="sum") / x.shape[0]
    t1 = now()
    opt.zero_grad()
    loss.backward()
    t2 = now()
    opt.step()
    t3 = now()
    phase["forward"] += t1 - t0
    phase["backward"] += t2 - t1
    phase["optimizer"] += t3 - t2
    losses.append(loss.item())


# The same GEMM shapes alone, with the operand layouts the layers use.
ops = []
for ph, m, nn, k in shapes:
    if ph == "forward":
        a, w, bias = torch.rand(m, k), torch.rand(nn, k), torch.rand(nn)
        ops.append((ph, lambda a=a, w=w, bias=bias: torch.addmm(bias, a, w.t())))
    elif m == n:  # dX = G·W
        g, w = torch.rand(m, k), torch.rand(k, nn)
        ops.append((ph, lambda g=g, w=w: torch.mm(g, w)))
    else:  # dW = Gᵀ·X
        g, xx = torch.rand(k, m), torch.rand(k, nn)
        ops.append((ph, lambda g=g, xx=xx: torch.mm(g.t(), xx)))
gemm_phase = {"forward": 0.0, "backward": 0.0}


def gemm_sequence():
    t0 = now()
    for ph, op in ops:
        if ph == "forward":
            op()
    t1 = now()
    for ph, op in ops:
        if ph == "backward":
            op()
    t2 = now()
    gemm_phase["forward"] += t1 - t0
    gemm_phase["backward"] += t2 - t1


for _ in range(5):
    train_step()
    gemm_sequence()
a1024, b1024 = torch.rand(1024, 1024), torch.rand(1024, 1024)
rates = []
for _ in range(5):
    start = now()
    for _ in range(10):
        torch.mm(a1024, b1024)
    rates.append(2.0 * 1024 ** 3 * 10 / (now() - start) / 1e9)
sgemm1024 = stats(rates)["median"]
print(f"torch.mm 1024² alone: {sgemm1024:.1f} GFLOP/s")

samples = {k: [] for k in ("step", "forward", "backward", "optimizer", "gemm", "gemmForward", "gemmBackward")}
for r in range(args.repeats):
    for k in phase:
        phase[k] = 0.0
    start = now()
    for _ in range(args.steps):
        train_step()
    ts = now() - start
    for k in gemm_phase:
        gemm_phase[k] = 0.0
    start = now()
    for _ in range(args.steps):
        gemm_sequence()
    tg = now() - start
    k = 1000.0 / args.steps
    samples["step"].append(ts * k)
    samples["forward"].append(phase["forward"] * k)
    samples["backward"].append(phase["backward"] * k)
    samples["optimizer"].append(phase["optimizer"] * k)
    samples["gemm"].append(tg * k)
    samples["gemmForward"].append(gemm_phase["forward"] * k)
    samples["gemmBackward"].append(gemm_phase["backward"] * k)
    print(f"repeat {r + 1}: step {samples['step'][-1]:.2f} ms (forward {samples['forward'][-1]:.2f}, "
          f"backward {samples['backward'][-1]:.2f}, Adam {samples['optimizer'][-1]:.2f}), "
          f"same GEMMs alone {samples['gemm'][-1]:.2f} ms", flush=True)

med = {k: stats(v)["median"] for k, v in samples.items()}
rate = flops_step / (med["step"] / 1000) / 1e9
alone = flops_step / (med["gemm"] / 1000) / 1e9
print()
print(f"torch train-step (batch {n}, {args.repeats} repeats x {args.steps} steps, medians):")
print(f"  step          {med['step']:.2f} ms  = {rate:.1f} GFLOP/s")
print(f"  forward       {med['forward']:.2f} ms  (GEMMs alone {med['gemmForward']:.2f} ms)")
print(f"  backward      {med['backward']:.2f} ms  (GEMMs alone {med['gemmBackward']:.2f} ms)")
print(f"  Adam          {med['optimizer']:.2f} ms")
print(f"  GEMMs alone   {med['gemm']:.2f} ms  = {alone:.1f} GFLOP/s on the same shapes")
print(f"  ratio step / same-shape GEMMs = {rate / alone * 100:.1f} %")
print(f"  ratio step / torch.mm 1024²   = {rate / sgemm1024 * 100:.1f} %")
print(f"  loss {losses[0]:.2f} -> {losses[-1]:.2f} over {len(losses)} steps; {load_line()}")
print_result({"workload": "train-step", "impl": "torch", "threads": args.threads, "batch": n,
              "repeats": args.repeats, "stepsPerRepeat": args.steps, "gflopPerStep": flops_step / 1e9,
              "stepMs": med["step"], "forwardMs": med["forward"], "backwardMs": med["backward"],
              "optimizerMs": med["optimizer"], "gemmAloneMs": med["gemm"], "gemmForwardMs": med["gemmForward"],
              "gemmBackwardMs": med["gemmBackward"], "gflops": rate, "gemmAloneGflops": alone,
              "sgemm1024Gflops": sgemm1024, "ratioToSameShapes": rate / alone, "ratioToSgemm1024": rate / sgemm1024,
              "lossFirst": losses[0], "lossLast": losses[-1], "loadBefore": load_before, "loadAfter": load_average()})
