"""Peer for the `gemm` workload of BENCHMARKS.md: float32 square matrix products with numpy
(OpenBLAS), the machine's practical ceiling. Prints median GFLOP/s per size and a RESULT line.

    python3 Benchmarks/peers/gemm_numpy.py [--threads 2] [--repeats 7] [--sizes 512,1024,2048]
"""
import argparse

from common import load_average, load_line, now, print_result, set_thread_env, stats

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=7)
parser.add_argument("--sizes", default="512,1024,2048")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

set_thread_env(args.threads)  # before numpy loads OpenBLAS
import numpy as np  # noqa: E402

MIN_REPEAT_SECONDS = 0.2  # as LatentBench: each repeat long enough that timer noise is negligible

print(f"numpy gemm: {args.threads} threads, numpy {np.__version__}, {load_line()}", flush=True)
load_before = load_average()
rng = np.random.default_rng(args.seed)
gflops, sizes = {}, []
for n in (int(s) for s in args.sizes.split(",")):
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), dtype=np.float32)
    flops = 2.0 * n ** 3
    start = now()
    np.matmul(a, b, out=c)
    once = now() - start
    per = max(1, int(-(-MIN_REPEAT_SECONDS // max(once, 1e-6))))
    rates = []
    for _ in range(args.repeats):
        start = now()
        for _ in range(per):
            np.matmul(a, b, out=c)
        rates.append(flops * per / (now() - start) / 1e9)
    s = stats(rates)
    gflops[str(n)] = s["median"]
    sizes.append({"n": n, "gflops": s["median"], "min": s["min"], "max": s["max"], "productsPerRepeat": per})
    print(f"gemm n={n}: numpy {s['median']:.1f} GFLOP/s (min {s['min']:.1f}, max {s['max']:.1f}), "
          f"{args.repeats} repeats x {per} products", flush=True)
print(f"after: {load_line()}")
print_result({"workload": "gemm", "impl": "numpy", "threads": args.threads, "repeats": args.repeats,
              "gflops": gflops, "sizes": sizes, "loadBefore": load_before, "loadAfter": load_average()})
