"""Peer for the `vae` workload of BENCHMARKS.md: the well-known PyTorch VAE example
(784-400-(mu, logvar D)-400-784, ReLU, sigmoid output with binary cross-entropy summed over
pixels, closed-form KL to N(0, I), Adam 1e-3, batch 128), timed per epoch on the 60k training
images. Prints s/epoch, the test negative ELBO per image after every epoch and, with --iwae K,
the importance-weighted NLL with K samples per test image."""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn.functional as F

import mnist

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--latent", type=int, default=20)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--iwae", type=int, default=0, help="samples per test image for the IWAE NLL (0: skip)")
parser.add_argument("--train-limit", type=int, default=None)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
x = torch.from_numpy(mnist.load(args.data, "train")[0])
xt = torch.from_numpy(mnist.load(args.data, "test")[0])
if args.train_limit:
    x = x[:args.train_limit]


class VAE(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 400)
        self.fc21 = torch.nn.Linear(400, d)
        self.fc22 = torch.nn.Linear(400, d)
        self.fc3 = torch.nn.Linear(d, 400)
        self.fc4 = torch.nn.Linear(400, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.decode_logits(z)), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


model = VAE(args.latent)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times, cpu_times = [], []
for epoch in range(args.epochs):
    model.train()
    start, cpu_start = time.perf_counter(), time.process_time()
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 128):
        batch = x[perm[i:i + 128]]
        recon, mu, logvar = model(batch)
        loss = loss_function(recon, batch, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - start)
    cpu_times.append(time.process_time() - cpu_start)
    model.eval()
    with torch.no_grad():
        total = 0.0
        for i in range(0, len(xt), 1000):
            b = xt[i:i + 1000]
            recon, mu, logvar = model(b)
            total += loss_function(recon, b, mu, logvar).item()
    elbo = total / len(xt)
    print(f"epoch {epoch + 1}: {times[-1]:.3f} s ({cpu_times[-1]:.3f} s CPU), test negative ELBO {elbo:.2f}", flush=True)

nll = float("nan")
if args.iwae > 0:
    k = args.iwae
    total = 0.0
    with torch.no_grad():
        for i in range(0, len(xt), 50):
            b = xt[i:i + 50].double()
            mu, logvar = (t.double() for t in model.encode(b.float()))
            eps = torch.randn(len(b), k, args.latent, dtype=torch.float64)
            z = mu[:, None] + torch.exp(0.5 * logvar)[:, None] * eps
            logits = model.decode_logits(z.float().reshape(-1, args.latent)).double().reshape(len(b), k, 784)
            log_px = -F.binary_cross_entropy_with_logits(logits, b[:, None].expand_as(logits), reduction="none").sum(-1)
            log_pz = (-0.5 * (z ** 2 + math.log(2 * math.pi))).sum(-1)
            log_qz = (-0.5 * (eps ** 2 + logvar[:, None] + math.log(2 * math.pi))).sum(-1)
            total += -(torch.logsumexp(log_px + log_pz - log_qz, 1) - math.log(k)).sum().item()
    nll = total / len(xt)
    print(f"IWAE NLL (k = {k}): {nll:.2f}")
print(f"torch vae (latent {args.latent}): median {statistics.median(times):.3f} s/epoch "
      f"({statistics.median(cpu_times):.3f} s CPU), "
      f"test negative ELBO {elbo:.2f}, IWAE NLL {nll:.2f}")
print("RESULT " + json.dumps({"workload": "vae", "impl": "torch", "seconds_per_epoch": statistics.median(times),
                              "cpu_seconds_per_epoch": statistics.median(cpu_times), "test_negative_elbo": elbo,
                              "loadAfter": list(os.getloadavg())}, sort_keys=True))
