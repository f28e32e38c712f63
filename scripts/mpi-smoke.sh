#!/usr/bin/env bash
# A 2-rank smoke run of data-parallel training: `latent train classifier` for one epoch on the shipped
# data, once as one process and once under `mpirun -np 2`; fails unless both succeed and their epoch
# losses agree to 1e-5 (the same batches and updates, summed in another order).
#   scripts/mpi-smoke.sh [path/to/latent]   (default: the debug build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/.build/debug/latent}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/latent-mpi-smoke.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
FLAGS=(train classifier --train-limit 2000 --test-limit 500 --epochs 1 --seed 1 --threads 1 --quiet)
"$BIN" "${FLAGS[@]}" --out "$OUT/one" >/dev/null
mpirun --allow-run-as-root --oversubscribe --mca btl tcp,self -np 2 "$BIN" "${FLAGS[@]}" --out "$OUT/two" >/dev/null
python3 - "$OUT/one/metrics.json" "$OUT/two/metrics.json" <<'PY'
import json, sys
one, two = (json.load(open(p))["epochs"][0] for p in sys.argv[1:])
a, b = one["train_loss"], two["train_loss"]
print(f"mpi smoke: 1 process loss {a:.6f}, 2 ranks loss {b:.6f} (all-reduce {two['allreduce_seconds']:.2f} s of {two['train_seconds']:.2f} s)")
sys.exit(0 if abs(a - b) / a < 1e-5 else 1)
PY
