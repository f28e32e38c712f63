"""Peer for the `pca` workload: scikit-learn PCA(50) on all 70,000 MNIST images, full and randomized.
Prints one JSON line per solver with the keys LatentBench's `pca` prints.
Usage: python3 pca_sklearn.py [MNIST_DIR]   (needs `pip install scikit-learn`; run with 2 threads:
OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2)."""
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA

import mnist

directory = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/mnist"
x = np.concatenate([mnist.load(directory, "train")[0], mnist.load(directory, "test")[0]])
for solver in ("full", "randomized"):
    start = time.perf_counter()
    pca = PCA(n_components=50, svd_solver=solver, random_state=0).fit(x)
    seconds = time.perf_counter() - start
    print(json.dumps({"workload": "pca", "impl": f"sklearn-{solver}", "seconds": seconds,
                      "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
                      "total_ratio": float(pca.explained_variance_ratio_.sum())}), flush=True)
