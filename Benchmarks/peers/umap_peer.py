"""Peer for `umap-70k`: the first N MNIST images (train then test) -> PCA 50 (scikit-learn) ->
umap-learn 2-d with its default settings. Prints one `RESULT {json}` line with the seconds of
each stage; the whole process is timed from outside by scripts/bench.sh.

numba compiles umap-learn's kernels on their first call, which every new process pays. To report
it apart, a tiny fit (300 points, same settings) runs first: `compile_seconds` is its time and
`umap_seconds` the time of the real fit afterwards (compilation excluded). Run with
NUMBA_NUM_THREADS=2 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 for the 2-thread workload.

Usage: python3 umap_peer.py [--points N] [--data DIR] [--seed S] [--out FILE.npy] [--no-warmup]
(pip install -r requirements-manifold.txt). Without --seed umap-learn runs as by default
(random_state=None), which is what lets it use its threads; with a seed it runs single-threaded.
"""
import argparse
import json
import time

start = time.perf_counter()
import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

import mnist  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--points", type=int, default=70000)
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--seed", type=int)
parser.add_argument("--out")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--no-warmup", action="store_true")
args = parser.parse_args()

import umap  # noqa: E402

import_seconds = time.perf_counter() - start
t = time.perf_counter()
train_x, train_y = mnist.load(args.data, "train")
test_x, test_y = mnist.load(args.data, "test")
images = np.concatenate([train_x, test_x])[: args.points]
load_seconds = time.perf_counter() - t
t = time.perf_counter()
x = PCA(n_components=50, random_state=0).fit_transform(images).astype(np.float32)
pca_seconds = time.perf_counter() - t

compile_seconds = None
if not args.no_warmup:
    t = time.perf_counter()
    umap.UMAP(random_state=args.seed).fit(x[:300])
    compile_seconds = time.perf_counter() - t

t = time.perf_counter()
y = umap.UMAP(random_state=args.seed).fit_transform(x)
umap_seconds = time.perf_counter() - t
if args.out:
    np.save(args.out, y.astype(np.float32))
print("RESULT " + json.dumps({
    "workload": f"umap-{args.points}", "impl": "umap-learn", "points": args.points, "threads": args.threads,
    "import_seconds": import_seconds, "load_seconds": load_seconds, "pca_seconds": pca_seconds,
    "compile_seconds": compile_seconds, "umap_seconds": umap_seconds,
    "seconds_in_process": time.perf_counter() - start}, sort_keys=True), flush=True)
