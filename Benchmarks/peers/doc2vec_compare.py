"""Runs the d2v workload in Latent and gensim alternately and prints medians side by side.

    python3 Benchmarks/peers/doc2vec_compare.py --dm 0 --seeds 1,2,3 [--bench .build/release/LatentBench]

gensim's Lee tutorial check (vector_size 50, min_count 2, epochs 40, 2 threads / workers = 2):
training documents per second, and the share of re-inferred training documents that rank
themselves first among all document vectors. Each run is a fresh process; Latent and gensim
alternate, one seed at a time, so a neighbour's load affects both alike. Extra flags after `--`
go to both programs.
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
    p.add_argument("--dm", default="1")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--bench", default=".build/release/LatentBench")
    p.add_argument("rest", nargs="*")
    a = p.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    rows = {"latent": [], "gensim": []}
    for seed in a.seeds.split(","):
        common = ["--dm", a.dm, "--seed", seed] + a.rest
        rows["latent"].append(run([a.bench, "d2v"] + common))
        rows["gensim"].append(run([sys.executable, os.path.join(here, "doc2vec_gensim.py")] + common))
        for tool in ("latent", "gensim"):
            r = rows[tool][-1]
            print(f"seed {seed} {tool:6s} train {r['train_seconds']:.3f}s  {r['documents_per_second']:.0f} docs/s  "
                  f"cpu {r['cpu_seconds']:.2f}s  infer {r['infer_seconds']:.2f}s  "
                  f"self first {r['self_rank_first']:.4f}  top2 {r['self_rank_top2']:.4f}", flush=True)
    med = {t: {k: statistics.median(r[k] for r in rows[t]) for k in
               ("train_seconds", "documents_per_second", "cpu_seconds", "infer_seconds")} for t in rows}
    mean = {t: {k: statistics.mean(r[k] for r in rows[t]) for k in ("self_rank_first", "self_rank_top2")} for t in rows}
    name = "PV-DM" if a.dm == "1" else "PV-DBOW"
    print(f"\n{name}  ({len(rows['latent'])} seeds; medians of speed, means of the self-rank shares)")
    print(f"{'':8s}{'train s':>9s}{'docs/s':>10s}{'cpu s':>8s}{'infer s':>9s}{'self first':>12s}{'top 2':>8s}")
    for t in rows:
        print(f"{t:8s}{med[t]['train_seconds']:9.3f}{med[t]['documents_per_second']:10.0f}{med[t]['cpu_seconds']:8.2f}"
              f"{med[t]['infer_seconds']:9.2f}{mean[t]['self_rank_first']:12.4f}{mean[t]['self_rank_top2']:8.4f}")
    print(f"ratio latent/gensim documents/s: {med['latent']['documents_per_second'] / med['gensim']['documents_per_second']:.2f}x")


if __name__ == "__main__":
    main()
