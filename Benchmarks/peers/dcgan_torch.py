"""Peer for the `dcgan` workload of BENCHMARKS.md, the same networks and loop as Latent's
`GANStep` on its `TrainingLoop` with k = m = 1: generator z(64) -> Linear -> (128, 7, 7) BN ReLU -> ConvT(128->64, k4, s2, p1)
BN ReLU -> ConvT(64->1, k4, s2, p1) tanh; discriminator Conv(1->64, k4, s2, p1) LeakyReLU(0.2) ->
Conv(64->128, k4, s2, p1) BN LeakyReLU(0.2) -> Linear(6272->1); weights N(0, 0.02), batch-norm
scale N(1, 0.02), biases 0; Adam 2e-4, betas (0.5, 0.999); batch 128 (last partial batch
dropped); BCE on logits; non-saturating generator loss; the fakes of the discriminator step are
reused for the generator step, with the discriminator's parameters frozen during it.

Prints s/epoch (extrapolated from --batches batches when given) and a RESULT json line."""
import argparse
import json
import os
import statistics
import time

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data/mnist")
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--batches", type=int, default=0, help="batches per timed epoch (0: all)")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--pack", type=int, default=1,
                    help="samples the discriminator judges at once, as channels of one image (PacGAN; latent --pack)")
parser.add_argument("--classifier", default=None,
                    help="a Latent classifier model.safetensors (784-256-10): after every epoch, measure 10,000 "
                         "samples as `latent train gan` does (share of each digit, Fréchet distance of the "
                         "256-d hidden features to the test images')")
args = parser.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402  (after the thread variables)
from torch import nn  # noqa: E402

import mnist  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
load_before = os.getloadavg()

x, _ = mnist.load(args.data, "train")
x = torch.from_numpy(x * 2 - 1)
full_batches = len(x) // 128
batches = args.batches or full_batches

generator = nn.Sequential(
    nn.Linear(64, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128), nn.ReLU(),
    nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
    nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(), nn.Flatten())
discriminator = nn.Sequential(
    nn.Unflatten(1, (args.pack, 28, 28)),
    nn.Conv2d(args.pack, 64, 4, 2, 1), nn.LeakyReLU(0.2),
    nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
    nn.Flatten(), nn.Linear(128 * 7 * 7, 1))


def init(m):
    for name, p in m.named_parameters():
        with torch.no_grad():
            if name.endswith("bias"):
                p.zero_()
            elif p.dim() == 1:
                p.normal_(1, 0.02)
            else:
                p.normal_(0, 0.02)


init(generator)
init(discriminator)
opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
ones, zeros = torch.ones(128 // args.pack, 1), torch.zeros(128 // args.pack, 1)


def packed(images):
    """Every `--pack` consecutive images side by side as one input (a no-op for 1)."""
    return images.reshape(-1, args.pack * 784)

measure = None
if args.classifier:
    import numpy as np
    import scipy.linalg
    from safetensors.numpy import load_file

    clf = {k: torch.from_numpy(v) for k, v in load_file(args.classifier).items()}
    x_test, _ = mnist.load(args.data, "test")

    def features(images01):
        h = torch.relu(images01 @ clf["0.weight"].T + clf["0.bias"])
        return h, (h @ clf["2.weight"].T + clf["2.bias"]).argmax(1)

    with torch.no_grad():
        real_h, _ = features(torch.from_numpy(x_test))
    real_h = real_h.double().numpy()
    mu_r, cov_r = real_h.mean(0), np.cov(real_h, rowvar=False)
    eval_codes = torch.randn(10_000, 64, generator=torch.Generator().manual_seed(args.seed + 1))

    def measure():
        generator.eval()
        with torch.no_grad():
            images = (generator(eval_codes) + 1) / 2
            h, predicted = features(images)
        generator.train()
        h = h.double().numpy()
        mu, cov = h.mean(0), np.cov(h, rowvar=False)
        root = scipy.linalg.sqrtm(cov @ cov_r).real
        fd = float(((mu - mu_r) ** 2).sum() + np.trace(cov + cov_r - 2 * root))
        shares = np.bincount(predicted.numpy(), minlength=10) / len(predicted)
        return fd, shares

times = []
for epoch in range(args.epochs):
    perm = torch.randperm(len(x))
    start = time.perf_counter()
    for b in range(batches):
        real = x[perm[b * 128:(b + 1) * 128]]
        fake = generator(torch.randn(128, 64))
        loss_d = bce(discriminator(packed(real)), ones) + bce(discriminator(packed(fake.detach())), zeros)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        discriminator.requires_grad_(False)
        loss_g = bce(discriminator(packed(fake)), ones)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        discriminator.requires_grad_(True)
    times.append((time.perf_counter() - start) * full_batches / batches)
    print(f"epoch {epoch + 1}: {times[-1]:.2f} s/epoch ({batches} of {full_batches} batches timed), "
          f"d_loss {loss_d.item():.4f} g_loss {loss_g.item():.4f}", flush=True)
    if measure:
        fd, shares = measure()
        print(f"  Fréchet {fd:.3f}  min class share {100 * shares.min():.1f} %  shares "
              + " ".join(f"{100 * v:.1f}" for v in shares), flush=True)
median = statistics.median(times)
print(f"torch dcgan: median {median:.2f} s/epoch")
print("RESULT " + json.dumps({"workload": "dcgan", "impl": "torch", "threads": args.threads,
                              "seconds_per_epoch": median, "batches": batches,
                              "loadBefore": list(load_before), "loadAfter": list(os.getloadavg())},
                             sort_keys=True))
