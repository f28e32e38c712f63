import math, time, copy, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # Benchmarks/peers/mnist.py
import mnist
torch.set_num_threads(1)
DATA = os.environ.get("MNIST", "../shared/data/mnist")
x_train, y_train = mnist.load(DATA, "train")
x_test, y_test = mnist.load(DATA, "test")
def images(x): return torch.from_numpy(x.reshape(-1, 1, 28, 28).astype(np.float32))

# The target task: all test images of 5-9, and draw d's 10 labelled training images per class.
target = y_test >= 5
xt, yt = images(x_test[target]), torch.from_numpy(y_test[target] - 5)
def draw_set(d):
    rng = np.random.default_rng(d)
    chosen = np.concatenate([rng.choice(np.where(y_train == c)[0], 10, replace=False) for c in range(5, 10)])
    return images(x_train[chosen]), torch.from_numpy(y_train[chosen] - 5)

class Net(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3)
        self.hidden, self.head = nn.Linear(9216, 128), nn.Linear(128, classes)
    def conv(self, x): return F.max_pool2d(F.relu(self.c2(F.relu(self.c1(x)))), 2).flatten(1)
    def features(self, x): return F.relu(self.hidden(self.conv(x)))
    def forward(self, x): return self.head(self.features(x))

def affine(x, shift=3.5, rot=15, scale=(0.85, 1.15), erase=0.0):
    """batched random affine via grid_sample; shift in px"""
    n = len(x)
    a = (torch.rand(n) * 2 - 1) * rot * math.pi / 180
    s = torch.empty(n).uniform_(*scale)
    t = (torch.rand(n, 2) * 2 - 1) * shift * 2 / 28
    cos, sin = torch.cos(a) / s, torch.sin(a) / s
    theta = torch.stack([torch.stack([cos, -sin, t[:, 0]], 1), torch.stack([sin, cos, t[:, 1]], 1)], 1)
    out = F.grid_sample(x, F.affine_grid(theta, x.shape, align_corners=False), align_corners=False, padding_mode="zeros")
    if erase > 0:
        m = torch.rand(n) < erase
        if m.any():
            k = int(m.sum()); cx = torch.randint(4, 24, (k,)); cy = torch.randint(4, 24, (k,))
            yy = torch.arange(28).view(1, 28, 1); xx = torch.arange(28).view(1, 1, 28)
            box = ((yy - cy.view(-1, 1, 1)).abs() <= 3) & ((xx - cx.view(-1, 1, 1)).abs() <= 3)
            out[m] = out[m] * (~box).unsqueeze(1).float()
    return out

def shifted(x, m=2):
    padded = F.pad(x, (m, m, m, m))
    dx, dy = np.random.randint(0, 2 * m + 1, len(x)), np.random.randint(0, 2 * m + 1, len(x))
    return torch.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(len(x))])
