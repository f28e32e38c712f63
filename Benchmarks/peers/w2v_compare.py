"""Runs the w2v workload in Latent and gensim alternately and prints medians side by side.

    python3 Benchmarks/peers/w2v_compare.py --model sg --seeds 1,2,3 [--bench .build/release/LatentBench]

Each run is a fresh process (so peak RSS is per run). Latent and gensim alternate, one seed at a
time, so a neighbour's load affects both alike; the ratio is what to quote. Extra flags after
`--` go to both programs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads([l for l in out.splitlines() if l.startswith("{")][-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="sg")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--bench", default=".build/release/LatentBench")
    p.add_argument("rest", nargs="*")
    a = p.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    rows = {"latent": [], "gensim": []}
    for seed in a.seeds.split(","):
        common = ["--model", a.model, "--seed", seed] + a.rest
        rows["latent"].append(run([a.bench, "w2v"] + common))
        rows["gensim"].append(run([sys.executable, os.path.join(here, "w2v_gensim.py")] + common))
        for tool in ("latent", "gensim"):
            r = rows[tool][-1]
            print(f"seed {seed} {tool:6s} {r['train_seconds']:.2f}s  {r['words_per_second']:.0f} words/s  cpu {r['cpu_seconds']:.2f}s  "
                  f"rho {r['spearman']:.4f}  analogies {r['analogy_accuracy']:.4f}  rss {r['train_peak_rss_mb']:.0f}/{r['peak_rss_mb']:.0f} MB", flush=True)
    med = {t: {k: statistics.median(r[k] for r in rows[t]) for k in
               ("train_seconds", "words_per_second", "cpu_seconds", "train_peak_rss_mb", "peak_rss_mb")} for t in rows}
    mean = {t: {k: statistics.mean(r[k] for r in rows[t]) for k in ("spearman", "analogy_accuracy")} for t in rows}
    print(f"\nmodel {a.model}  ({len(rows['latent'])} seeds; medians of speed and RSS, means of quality)")
    print(f"{'':8s}{'train s':>9s}{'words/s':>11s}{'cpu s':>8s}{'rho':>8s}{'analogy':>9s}{'RSS train/all MB':>18s}")
    for t in rows:
        print(f"{t:8s}{med[t]['train_seconds']:9.2f}{med[t]['words_per_second']:11.0f}{med[t]['cpu_seconds']:8.2f}{mean[t]['spearman']:8.4f}"
              f"{mean[t]['analogy_accuracy']:9.4f}{med[t]['train_peak_rss_mb']:10.0f}/{med[t]['peak_rss_mb']:.0f}")
    print(f"ratio latent/gensim words/s: {med['latent']['words_per_second'] / med['gensim']['words_per_second']:.2f}x;"
          f" cpu-time ratio gensim/latent: {med['gensim']['cpu_seconds'] / med['latent']['cpu_seconds']:.2f}x;"
          f" rho difference: {mean['latent']['spearman'] - mean['gensim']['spearman']:+.4f}")


if __name__ == "__main__":
    main()
