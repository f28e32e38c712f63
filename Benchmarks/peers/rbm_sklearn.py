"""Peer for the `rbm` workload of BENCHMARKS.md: scikit-learn's BernoulliRBM, 256 components,
learning_rate 0.05, batch_size 64, n_iter 10, on the 60k MNIST training images binarised at 0.5
(float32, which BernoulliRBM keeps). Prints the seconds of `fit` and the mean test
`score_samples` (pseudo-likelihood), then a RESULT line.

BernoulliRBM's update, for comparing settings: persistent chains (one Gibbs step per batch,
starting from zero hidden states), no momentum, no weight decay, the learning rate times the
batch-mean gradient, batches in data order (even slices, not shuffled).

    python3 Benchmarks/peers/rbm_sklearn.py [--data ../shared/data/mnist] [--threads 2] [--epochs 10]
"""
import argparse

from common import load_average, load_line, now, print_result, set_thread_env

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--hidden", type=int, default=256)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

set_thread_env(args.threads)  # before numpy loads its BLAS
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.neural_network import BernoulliRBM  # noqa: E402

import mnist  # noqa: E402

print(f"scikit-learn rbm: {args.threads} threads, scikit-learn {sklearn.__version__}, {load_line()}", flush=True)
load_before = load_average()
x = (mnist.load(args.data, "train")[0] > 0.5).astype(np.float32)
xt = (mnist.load(args.data, "test")[0] > 0.5).astype(np.float32)
rbm = BernoulliRBM(n_components=args.hidden, learning_rate=0.05, batch_size=64, n_iter=args.epochs,
                   random_state=args.seed)
start = now()
rbm.fit(x)
seconds = now() - start
pl = float(rbm.score_samples(xt).mean())
print(f"scikit-learn rbm: {seconds:.2f} s for {args.epochs} epochs, test pseudo-likelihood {pl:.2f}", flush=True)
print_result({"workload": "rbm", "impl": "scikit-learn", "seconds": seconds, "epochs": args.epochs,
              "test_pseudo_likelihood": pl, "loadBefore": load_before, "loadAfter": load_average()})
