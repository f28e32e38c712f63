"""The peer of `latent attack`: the same model file loaded into PyTorch, attacked with FGSM (and
PGD) written in a few lines of torch, on the same MNIST test images.

FGSM is deterministic, so its adversarial accuracy must match Latent's within rounding (the bar:
0.5 points). PGD from a random start draws different noise in each tool, so its figure agrees
only statistically.

    python3 Benchmarks/peers/attack_torch.py --model run/model.safetensors --data ../shared/data/mnist \
        --method fgsm --epsilon 0.25
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import set_thread_env  # noqa: E402


def build(kind, config):
    import torch.nn as nn
    activations = {"relu": nn.ReLU, "leaky-relu": lambda: nn.LeakyReLU(0.2), "sigmoid": nn.Sigmoid,
                   "tanh": nn.Tanh, "softplus": nn.Softplus}
    if kind == "classifier":
        widths = [config["inputSize"]] + config["hidden"] + [config["classes"]]
        layers = []
        for i in range(1, len(widths)):
            layers.append(nn.Linear(widths[i - 1], widths[i]))
            if i < len(widths) - 1:
                layers.append(activations[config.get("activation", "relu")]())
                if config.get("dropout", 0) > 0:
                    layers.append(nn.Dropout(config["dropout"]))
        return nn.Sequential(*layers), None
    if kind == "conv-classifier":
        c, h, w, k, pool = config["channels"], config["height"], config["width"], config["kernelSize"], config["pool"]
        pad = config.get("padding")
        pad = k // 2 if pad is None else pad
        features = []
        for out in config["convolutions"]:
            features += [nn.Conv2d(c, out, k, padding=pad), nn.ReLU()]
            h, w = h + 2 * pad - k + 1, w + 2 * pad - k + 1
            if pool > 1:
                features.append(nn.MaxPool2d(pool))
                h, w = h // pool, w // pool
            c = out
        widths = [c * h * w] + config["hidden"] + [config["classes"]]
        head = []
        for i in range(1, len(widths)):
            head.append(nn.Linear(widths[i - 1], widths[i]))
            if i < len(widths) - 1:
                head.append(nn.ReLU())
                if config.get("dropout", 0) > 0:
                    head.append(nn.Dropout(config["dropout"]))

        class ConvClassifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(*features)
                self.classifier = nn.Sequential(*head)

            def forward(self, x):
                x = x.view(-1, config["channels"], config["height"], config["width"])
                return self.classifier(self.features(x).flatten(1))
        return ConvClassifier(), None
    raise SystemExit(f"attack_torch.py: model kind '{kind}' is not supported here (classifier, conv-classifier)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--method", choices=["fgsm", "pgd"], default="fgsm")
    parser.add_argument("--epsilon", default="0.25", help="comma-separated radii")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--step-size", type=float, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    set_thread_env(args.threads)
    import numpy as np
    import torch
    import torch.nn.functional as F
    from safetensors import safe_open
    from mnist import load

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with safe_open(args.model, "pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys() if "/" not in k}
    model, _ = build(meta["latent.kind"], json.loads(meta["latent.config"]))
    model.load_state_dict(tensors)
    model.eval()
    x, y = load(args.data, "test")
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]
    x, y = torch.from_numpy(x), torch.from_numpy(y)

    def attack(images, labels, eps):
        if args.method == "fgsm":
            images = images.clone().requires_grad_(True)
            loss = F.cross_entropy(model(images), labels, reduction="sum")
            grad, = torch.autograd.grad(loss, images)
            return (images + eps * grad.sign()).clamp(0, 1).detach()
        step = args.step_size if args.step_size is not None else max(eps * 2.5 / args.steps, 1e-6)
        adv = (images + torch.empty_like(images).uniform_(-eps, eps)).clamp(0, 1)
        for _ in range(args.steps):
            adv.requires_grad_(True)
            loss = F.cross_entropy(model(adv), labels, reduction="sum")
            grad, = torch.autograd.grad(loss, adv)
            adv = torch.min(torch.max(adv.detach() + step * grad.sign(), images - eps), images + eps).clamp(0, 1)
        return adv

    results = []
    with torch.no_grad():
        clean = (model(x).argmax(1) == y).float().mean().item()
    for eps in [float(e) for e in args.epsilon.split(",")]:
        correct = 0
        for start in range(0, len(y), 500):
            xb, yb = x[start:start + 500], y[start:start + 500]
            adv = attack(xb, yb, eps)
            with torch.no_grad():
                correct += (model(adv).argmax(1) == yb).sum().item()
        acc = correct / len(y)
        results.append({"epsilon": eps, "adversarial_accuracy": acc})
        print(f"torch {args.method} eps={eps:g}: clean {clean * 100:.2f} %, under attack {acc * 100:.2f} %")
    print("RESULT " + json.dumps({"peer": "torch", "method": args.method, "clean_accuracy": clean, "results": results}))


if __name__ == "__main__":
    main()
