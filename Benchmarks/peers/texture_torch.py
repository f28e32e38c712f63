"""Peer for LatentBench's `texture` workload: the same random multi-scale network, loaded from
the safetensors file LatentBench wrote, on the same images (.npy), in PyTorch CPU.

Prints the style and content losses of the test image and their relative difference from
Latent's (read from latent.json in the same folder; the bar is 1e-4), then the median time of
one optimisation step over the pixels (sigmoid parameterisation, forward through the network,
Gram-matrix style loss + content loss, backward to the pixels, Adam) and of L-BFGS steps
(torch.optim.LBFGS with its strong-Wolfe line search), with the same counts as Latent's run.

    python3 Benchmarks/peers/texture_torch.py --dir /tmp/latent-texture-bench [--threads 2]
"""
import argparse
import json
import os

from common import load_average, load_line, now, print_result, set_thread_env, stats

parser = argparse.ArgumentParser()
parser.add_argument("--dir", default="/tmp/latent-texture-bench")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--lbfgs-steps", type=int, default=5)
args = parser.parse_args()

set_thread_env(args.threads)  # before torch loads MKL/OpenMP
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

torch.set_num_threads(args.threads)
print(f"torch texture: {torch.get_num_threads()} threads, torch {torch.__version__}, {load_line()}", flush=True)
load_before = load_average()

weights = load_file(os.path.join(args.dir, "network.safetensors"))
scales = []
while f"scales.{len(scales)}.weight" in weights:
    s = len(scales)
    conv = torch.nn.Conv2d(3, weights[f"scales.{s}.weight"].shape[0], weights[f"scales.{s}.weight"].shape[2],
                           padding=weights[f"scales.{s}.weight"].shape[2] // 2)
    conv.load_state_dict({"weight": weights[f"scales.{s}.weight"], "bias": weights[f"scales.{s}.bias"]})
    conv.requires_grad_(False)
    scales.append(conv)
latent = json.load(open(os.path.join(args.dir, "latent.json")))
content_layer = latent["content_layer"]


def features(image):
    """RandomFeatureNetwork.features: an image pyramid of 2x2 means, one conv + ReLU per level."""
    x = image - 0.5
    maps = []
    for s, conv in enumerate(scales):
        if s > 0:
            x = F.avg_pool2d(x, 2)
        maps.append(torch.relu(conv(x)))
    return maps


def gram(f):
    c, m = f.shape[1], f.shape[2] * f.shape[3]
    f = f.reshape(c, m)
    return f @ f.t() / (c * m)


def load(name):
    return torch.from_numpy(np.load(os.path.join(args.dir, name)))


style, content, image = load("style.npy"), load("content.npy"), load("image.npy")
with torch.no_grad():
    targets = [gram(f) for f in features(style)]
    content_target = features(content)[content_layer]


def losses(x):
    maps = features(x)
    style_loss = sum(((gram(f) - t) ** 2).sum() for f, t in zip(maps, targets))
    content_loss = ((maps[content_layer] - content_target) ** 2).mean()
    return style_loss, content_loss


with torch.no_grad():
    s, c = losses(image)
rel_s = abs(s.item() - latent["style_loss"]) / abs(latent["style_loss"])
rel_c = abs(c.item() - latent["content_loss"]) / abs(latent["content_loss"])
print(f"network: {len(scales)} scales from {args.dir}/network.safetensors; {image.shape[3]}x{image.shape[2]}")
print(f"style loss {s.item():.8g} (latent {latent['style_loss']:.8g}, relative difference {rel_s:.2e}); "
      f"content loss {c.item():.8g} (latent {latent['content_loss']:.8g}, relative difference {rel_c:.2e})")
logit0 = torch.logit(image.clamp(0.001, 0.999))


def adam_round():
    u = logit0.clone().requires_grad_(True)
    opt = torch.optim.Adam([u], lr=0.1)
    curve = []
    for _ in range(args.steps):
        opt.zero_grad()
        s, c = losses(torch.sigmoid(u))
        (s + c).backward()
        opt.step()
        curve.append(s.item())
    return curve


def lbfgs_round():
    u = logit0.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([u], lr=1, max_iter=1, history_size=10, line_search_fn="strong_wolfe",
                            tolerance_grad=0, tolerance_change=0)
    evaluations = [0]

    def closure():
        opt.zero_grad()
        s, c = losses(torch.sigmoid(u))
        loss = s + c
        loss.backward()
        evaluations[0] += 1
        return loss

    for _ in range(args.lbfgs_steps):
        opt.step(closure)
    return evaluations[0]


adam_round()  # warm-up
adam_ms, lbfgs_ms, eval_ms = [], [], []
for _ in range(args.repeats):
    t = now()
    curve = adam_round()
    adam_ms.append((now() - t) / args.steps * 1000)
    if args.lbfgs_steps > 0:
        t = now()
        n = lbfgs_round()
        elapsed = now() - t
        lbfgs_ms.append(elapsed / args.lbfgs_steps * 1000)
        eval_ms.append(elapsed / n * 1000)
a = stats(adam_ms)
print(f"adam: {a['median']:.1f} ms/step (median of {args.repeats} rounds of {args.steps} steps; min {a['min']:.1f}, "
      f"max {a['max']:.1f}); style loss {curve[0]:.4g} -> {curve[-1]:.4g} over a round")
result = {"impl": "torch", "workload": "texture", "threads": args.threads, "style_loss": s.item(), "content_loss": c.item(),
          "style_relative_difference": rel_s, "content_relative_difference": rel_c,
          "adam_ms_per_step": a["median"], "adam_ms": adam_ms, "loadBefore": load_before, "loadAfter": load_average()}
if lbfgs_ms:
    result["lbfgs_ms_per_step"] = stats(lbfgs_ms)["median"]
    result["lbfgs_ms_per_evaluation"] = stats(eval_ms)["median"]
    print(f"lbfgs: {result['lbfgs_ms_per_step']:.1f} ms/step, {result['lbfgs_ms_per_evaluation']:.1f} ms/evaluation "
          f"(median of {args.repeats} rounds of {args.lbfgs_steps} steps)")
print_result(result)
