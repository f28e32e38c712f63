"""How far can features learned on digits 0–4 carry 10 labelled images per class of 5–9?

A probe of issue 18's transfer bar (the pretrained network must beat the same network trained from
scratch by 10 points), in PyTorch, with the network `latent transfer --arch conv` uses (3×3×32,
3×3×64, 2×2 max pool, 128 hidden, no padding). The source network learns all 0–4 training images
for 3 epochs (Adam 1e-3, batch 64; `--source-augment` adds random shifts of up to 2 pixels). For
each of `--draws` draws of 10 images per class of 5–9 from the training set, every start below
trains 500 steps of 10 images at Adam 2e-3 (reused layers at a tenth of that) and is scored on all
4,861 test images of 5–9:

  scratch           random weights
  ncm-conv/-hid     nearest class mean of the frozen source features (after the convolutions,
                    or the 128 hidden units), optionally L2-normalised
  ft-conv           the source's convolutions, a new 128-unit layer and head, all trained
  ft-hid            the source's convolutions and hidden layer, a new head, all trained
  +aug              the same with random shifts of the 50 labelled images

    python3 Benchmarks/peers/transfer_probe_torch.py [--data ../shared/data/mnist] [--draws 3] [--source-augment]
"""
import argparse
import copy
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import mnist

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--draws", type=int, default=3)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--source-augment", action="store_true")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

x_train, y_train = mnist.load(args.data, "train")
x_test, y_test = mnist.load(args.data, "test")
y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)


def images(x):
    return torch.from_numpy(x.reshape(-1, 1, 28, 28).astype(np.float32))


class Net(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3)
        self.hidden, self.head = nn.Linear(9216, 128), nn.Linear(128, classes)

    def conv(self, x):
        return F.max_pool2d(F.relu(self.c2(F.relu(self.c1(x)))), 2).flatten(1)

    def features(self, x):
        return F.relu(self.hidden(self.conv(x)))

    def forward(self, x):
        return self.head(self.features(x))


def shifted(x, m=2):
    padded = F.pad(x, (m, m, m, m))
    dx, dy = np.random.randint(0, 2 * m + 1, len(x)), np.random.randint(0, 2 * m + 1, len(x))
    return torch.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(len(x))])


def train(net, x, y, steps, batch, groups, augment=False):
    opt = torch.optim.Adam(groups)
    for _ in range(steps):
        i = np.random.randint(0, len(x), batch)
        xb = shifted(x[i]) if augment else x[i]
        loss = F.cross_entropy(net(xb), y[i])
        opt.zero_grad()
        loss.backward()
        opt.step()


def accuracy(predict, x, y):
    with torch.no_grad():
        return (predict(x).argmax(1) == y).float().mean().item() * 100


np.random.seed(1)
source = y_train < 5
xs, ys = images(x_train[source]), torch.from_numpy(y_train[source])
start = time.time()
source_net = Net()
train(source_net, xs, ys, 3 * len(xs) // 64, 64, [{"params": source_net.parameters(), "lr": 1e-3}], args.source_augment)
held = y_test < 5
print(f"source: {accuracy(source_net, images(x_test[held]), torch.from_numpy(y_test[held])):.2f} % on 0–4 test "
      f"({time.time() - start:.0f} s)", flush=True)

target = y_test >= 5
xt, yt = images(x_test[target]), torch.from_numpy(y_test[target] - 5)
results = {}
for draw in range(1, args.draws + 1):
    rng = np.random.default_rng(draw)
    chosen = np.concatenate([rng.choice(np.where(y_train == c)[0], 10, replace=False) for c in range(5, 10)])
    xl, yl = images(x_train[chosen]), torch.from_numpy(y_train[chosen] - 5)
    np.random.seed(draw)
    torch.manual_seed(draw)
    row = {}
    for augment in (False, True):
        net = Net()
        train(net, xl, yl, 500, 10, [{"params": net.parameters(), "lr": 2e-3}], augment)
        row["scratch" + ("+aug" if augment else "")] = accuracy(net, xt, yt)
    with torch.no_grad():
        for name, features in (("conv", source_net.conv), ("hid", source_net.features)):
            fl, ft = features(xl), features(xt)
            for normalised in (False, True):
                a, b = (F.normalize(fl), F.normalize(ft)) if normalised else (fl, ft)
                means = torch.stack([a[yl == c].mean(0) for c in range(5)])
                row[f"ncm-{name}" + ("-l2" if normalised else "")] = (torch.cdist(b, means).argmin(1) == yt).float().mean().item() * 100
    for cut in ("conv", "hid"):
        for augment in (False, True):
            net = copy.deepcopy(source_net)
            net.head = nn.Linear(128, 5)
            if cut == "conv":
                net.hidden = nn.Linear(9216, 128)
            reused = list(net.c1.parameters()) + list(net.c2.parameters()) + (list(net.hidden.parameters()) if cut == "hid" else [])
            new = list(net.head.parameters()) + (list(net.hidden.parameters()) if cut == "conv" else [])
            train(net, xl, yl, 500, 10, [{"params": reused, "lr": 2e-4}, {"params": new, "lr": 2e-3}], augment)
            row[f"ft-{cut}" + ("+aug" if augment else "")] = accuracy(net, xt, yt)
    print(f"draw {draw}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
    for k, v in row.items():
        results.setdefault(k, []).append(v)
print("mean over draws: " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in results.items()))
