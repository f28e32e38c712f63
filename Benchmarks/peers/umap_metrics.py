"""Scores saved 2-d embeddings of the first N MNIST images (train then test) with one measure for
every side: leave-one-out 10-NN accuracy over all points (majority vote, ties to the smallest
label, as Latent's EmbeddingQuality.knnAccuracy) and scikit-learn's trustworthiness (k = 10) of
the embedding against PCA 50 of the images on a fixed random subsample of 5,000 points.

Usage: python3 umap_metrics.py [--data DIR] [--sample 5000] NAME=EMBEDDING.npy ...
Prints one JSON line per embedding.
"""
import argparse
import json

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

import mnist

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--sample", type=int, default=5000)
parser.add_argument("embeddings", nargs="+")
args = parser.parse_args()

named = [e.split("=", 1) if "=" in e else (e, e) for e in args.embeddings]
first = np.load(named[0][1])
n = first.shape[0]
train_x, train_y = mnist.load(args.data, "train")
test_x, test_y = mnist.load(args.data, "test")
images = np.concatenate([train_x, test_x])[:n]
labels = np.concatenate([train_y, test_y])[:n]
x = PCA(n_components=50, random_state=0).fit_transform(images).astype(np.float32)
sample = np.sort(np.random.default_rng(0).choice(n, size=min(args.sample, n), replace=False))

for name, path in named:
    y = np.load(path).astype(np.float32)
    assert y.shape[0] == n, f"{path}: {y.shape[0]} points, expected {n}"
    neighbours = NearestNeighbors(n_neighbors=11).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    votes = labels[neighbours]
    predicted = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    accuracy = float((predicted == labels).mean())
    trust = float(trustworthiness(x[sample], y[sample], n_neighbors=10))
    print(json.dumps({"name": name, "points": n, "knn10_accuracy": accuracy,
                      f"trustworthiness10_{len(sample)}": trust}), flush=True)
