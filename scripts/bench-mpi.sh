#!/usr/bin/env bash
# The mpi-2 workload of ../shared/BENCHMARKS.md: the mlp classifier (784-256-10, Adam 1e-3, batch 128,
# 5 epochs on full MNIST) trained by 2 MPI ranks × 1 thread and by 1 process × 2 threads, alternately,
# N rounds each (default 3). Prints per round the seconds per epoch (median of epochs 2–5), the
# all-reduce's share of the 2-rank epochs and the test accuracy; then the medians and the ratio.
# Then the all-reduce itself by message size (LatentBench allreduce).
#
#   scripts/bench-mpi.sh [--rounds N] [--data DIR] [--model mlp|vae] [--btl tcp,self|vader,self]
# (--btl: Open MPI's transports; tcp,self by default, as between hosts; vader is shared memory)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=3
DATA=../shared/data/mnist
MODEL=mlp
BTL=tcp,self
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --data) DATA=$2; shift 2 ;;
        --model) MODEL=$2; shift 2 ;;
        --btl) BTL=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "bench-mpi.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
case "$MODEL" in
    mlp) TRAIN=(train classifier --epochs 5) ;;
    vae) TRAIN=(train vae --epochs 3 --iwae-samples 0) ;;
    *) echo "bench-mpi.sh: --model must be mlp or vae, got '$MODEL'" >&2; exit 2 ;;
esac
command -v mpirun >/dev/null || { echo "bench-mpi.sh: mpirun not found (Debian: openmpi-bin)" >&2; exit 2; }
echo "== building latent and LatentBench (release)"
swift build -c release --product latent 2>&1 | tail -1
swift build -c release --product LatentBench 2>&1 | tail -1
BIN=$(swift build -c release --show-bin-path)
MPI=(mpirun --allow-run-as-root --oversubscribe --mca btl "$BTL" -np 2)
OUT=$(mktemp -d "${TMPDIR:-/tmp}/latent-bench-mpi.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

summary() {  # metrics.json → "s/epoch allreduce-share accuracy"
    python3 - "$1" <<'PY'
import json, statistics, sys
m = json.load(open(sys.argv[1]))
e = m["epochs"][1:] or m["epochs"]
t = statistics.median(x["train_seconds"] for x in e)
share = statistics.median(x.get("allreduce_seconds", 0) / x["train_seconds"] for x in e)
acc = m.get("test_accuracy", m["epochs"][-1].get("test_accuracy", float("nan")))
neg = m.get("test_negative_elbo", float("nan"))
print(f"{t:.3f} {share:.3f} {acc:.4f} {neg:.3f}")
PY
}

for r in $(seq 1 "$ROUNDS"); do
    "$BIN/latent" "${TRAIN[@]}" --data "$DATA" --seed 1 --threads 2 --quiet --out "$OUT/one-$r" >/dev/null
    read -r t1 _ a1 n1 <<<"$(summary "$OUT/one-$r/metrics.json")"
    "${MPI[@]}" "$BIN/latent" "${TRAIN[@]}" --data "$DATA" --seed 1 --threads 1 --quiet --out "$OUT/two-$r" >/dev/null
    read -r t2 s2 a2 n2 <<<"$(summary "$OUT/two-$r/metrics.json")"
    echo "round $r  1×2 threads: $t1 s/epoch (accuracy $a1, -ELBO $n1)   2 ranks×1 thread: $t2 s/epoch, all-reduce $s2 of it (accuracy $a2, -ELBO $n2)   load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "$t1 $t2 $s2" >> "$OUT/rounds"
done
python3 - "$OUT/rounds" "$MODEL" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
one, two, share = (statistics.median(c) for c in zip(*rows))
print(f"== {sys.argv[2]}: median s/epoch  1 process × 2 threads {one:.3f}   2 ranks × 1 thread {two:.3f}   ratio (2 ranks / 1 process) {two / one:.2f}   all-reduce share {share * 100:.1f} %")
PY
echo "== all-reduce by message size"
"${MPI[@]}" "$BIN/LatentBench" allreduce
