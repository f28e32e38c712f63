"""Peers for `tsne-10k` / `tsne-70k`: the first N MNIST images (train then test) -> PCA 50 (not
timed) -> openTSNE (FFT, 2 threads, its defaults) or scikit-learn (Barnes-Hut, 2 threads). Prints
one JSON line with the keys LatentBench prints; the 10-NN accuracy is leave-one-out majority vote
(ties to the smallest label), the same definition as Latent's EmbeddingQuality.knnAccuracy.
Usage: python3 tsne_peers.py opentsne|sklearn N [MNIST_DIR]   (pip install scikit-learn openTSNE)."""
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

import mnist

impl, n = sys.argv[1], int(sys.argv[2])
directory = sys.argv[3] if len(sys.argv) > 3 else "../shared/data/mnist"
train_x, train_y = mnist.load(directory, "train")
test_x, test_y = mnist.load(directory, "test")
images = np.concatenate([train_x, test_x])[:n]
labels = np.concatenate([train_y, test_y])[:n]
x = PCA(n_components=50, random_state=0).fit_transform(images).astype(np.float32)

start = time.perf_counter()
if impl == "opentsne":
    from openTSNE import TSNE
    embedding = TSNE(n_jobs=2, negative_gradient_method="fft", random_state=1).fit(x)
    kl = float(embedding.kl_divergence)
    y = np.asarray(embedding)
else:
    from sklearn.manifold import TSNE
    model = TSNE(n_components=2, perplexity=30, method="barnes_hut", n_jobs=2, random_state=1, init="pca")
    y = model.fit_transform(x)
    kl = float(model.kl_divergence_)
seconds = time.perf_counter() - start

neighbours = NearestNeighbors(n_neighbors=11).fit(y).kneighbors(y, return_distance=False)[:, 1:]
votes = labels[neighbours]
predicted = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
accuracy = float((predicted == labels).mean())
sample = slice(0, min(2000, n))
trust = float(trustworthiness(x[sample], y[sample], n_neighbors=10))
print(json.dumps({"workload": f"tsne-{n}", "impl": impl, "points": n, "seconds": seconds, "kl": kl,
                  "knn10_accuracy": accuracy, "trustworthiness10_2k": trust}), flush=True)
