#!/usr/bin/env bash
# Runs Latent's standard workloads side by side with their peers (see Benchmarks/README.md).
#
#   scripts/bench.sh [workload ...] [--rounds N] [--threads T] [--data DIR]
#
# workloads: gemm, mlp, train-step (default: these three, in that order), vae (3 epochs), dcgan
# (2 epochs of 60 batches each, extrapolated to the full epoch), umap (umap-70k: whole-process
# wall time of each side, umap-learn's numba compilation apart, both embeddings scored by
# Benchmarks/peers/umap_metrics.py) and d2v (doc2vec on the Lee corpus, PV-DBOW then PV-DM,
# through Benchmarks/peers/doc2vec_compare.py) and texture (ms per pixel-optimisation step at 256×256,
# Adam and L-BFGS, and the style/content losses of both sides on the same weights and images;
# the peer reads the files LatentBench writes), rbm (BernoulliRBM 784-256, PCD-1, 10 epochs, against
# scikit-learn: training s and test pseudo-likelihood), conv-ae (1 epoch of the convolutional
# autoencoder) and conv-layers (forward and backward ms of each dcgan convolution alone, Latent's
# im2col and oneDNN routes beside PyTorch's). Builds LatentBench in
# release once, then for each workload runs Latent and the peer alternately, N rounds each
# (default 3), so drift in machine load hits both sides alike. Prints every run's output, then
# per workload the median of the rounds for each side and the Latent/peer ratio, with the load
# average at each run. Benchmarks print figures; this script never fails on speed.
# LATENT_BENCH_BIN=/path/to/LatentBench skips the build and runs that binary instead.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ROUNDS=3
THREADS=2
DATA=../shared/data/mnist
WORKLOADS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --data) DATA=$2; shift 2 ;;
        gemm|mlp|train-step|vae|dcgan|conv-ae|conv-layers|umap|d2v|texture|rbm) WORKLOADS+=("$1"); shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown argument '$1' (workloads: gemm, mlp, train-step, vae, dcgan, conv-ae, conv-layers, umap, d2v, texture, rbm)" >&2; exit 2 ;;
    esac
done
[[ ${#WORKLOADS[@]} -eq 0 ]] && WORKLOADS=(gemm mlp train-step)

PYTHON=${PYTHON:-python3}
if [[ -n "${LATENT_BENCH_BIN:-}" ]]; then
    # A prebuilt LatentBench (e.g. a copy built before a change, for before/after runs).
    BIN=$LATENT_BENCH_BIN
    echo "== using $BIN"
else
    echo "== building LatentBench (release)"
    swift build -c release --product LatentBench 2>&1 | tail -1
    BIN=$(swift build -c release --show-bin-path)/LatentBench
fi

LOG=$(mktemp -d "${TMPDIR:-/tmp}/latent-bench.XXXXXX")
trap 'rm -rf "$LOG"' EXIT

peer_command() {
    case "$1" in
        gemm) echo "$PYTHON Benchmarks/peers/gemm_numpy.py --threads $THREADS" ;;
        mlp) echo "$PYTHON Benchmarks/peers/mlp_torch.py --threads $THREADS --data $DATA" ;;
        train-step) echo "$PYTHON Benchmarks/peers/train_step_torch.py --threads $THREADS --data $DATA" ;;
        vae) echo "$PYTHON Benchmarks/peers/vae_torch.py --threads $THREADS --data $DATA $(workload_args vae)" ;;
        dcgan) echo "$PYTHON Benchmarks/peers/dcgan_torch.py --threads $THREADS --data $DATA $(workload_args dcgan)" ;;
        conv-ae) echo "$PYTHON Benchmarks/peers/autoencoder_torch.py --model conv --threads $THREADS --data $DATA $(workload_args conv-ae)" ;;
        conv-layers) echo "$PYTHON Benchmarks/peers/conv_layers_torch.py --threads $THREADS" ;;
        texture) echo "$PYTHON Benchmarks/peers/texture_torch.py --threads $THREADS --dir $LOG/texture" ;;
        rbm) echo "$PYTHON Benchmarks/peers/rbm_sklearn.py --threads $THREADS --data $DATA" ;;
        umap) echo "env NUMBA_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS $PYTHON Benchmarks/peers/umap_peer.py --threads $THREADS --data $DATA" ;;
    esac
}

# Runs one side of umap-70k, timing the whole process from outside; appends its RESULT line,
# with process_seconds and the load average added, to $LOG/umap.results.
run_umap_side() {
    local side=$1 round=$2 out="$LOG/umap-$1-$2.npy" started ended
    started=$(date +%s.%N)
    if [[ $side == latent ]]; then
        # One seed per round (umap-learn runs unseeded, its default, so each of its rounds differs too).
        "$BIN" umap --threads "$THREADS" --data "$DATA" --seed "$round" --out "$out" | tee "$LOG/out"
    else
        # shellcheck disable=SC2046
        $(peer_command umap) --out "$out" | tee "$LOG/out"
    fi
    ended=$(date +%s.%N)
    grep '^RESULT ' "$LOG/out" | sed 's/^RESULT //' | "$PYTHON" -c '
import json, sys
r = json.loads(sys.stdin.read())
r["process_seconds"] = float(sys.argv[1]) - float(sys.argv[2])
r["loadBefore"] = [float(v) for v in sys.argv[3].split()]
r["embedding"] = sys.argv[4]
print(json.dumps(r))' "$ended" "$started" "$3" "$out" >> "$LOG/umap.results"
}

# Run length of the model workloads, the same for both sides.
workload_args() {
    case "$1" in
        vae) echo "--epochs 3" ;;
        dcgan) echo "--epochs 2 --batches 60" ;;
        conv-ae) echo "--epochs 1" ;;
        texture) echo "--dir $LOG/texture" ;;
    esac
}

for w in "${WORKLOADS[@]}"; do
    : > "$LOG/$w.results"
    if [[ $w == d2v ]]; then
        # Its own comparison script: alternating runs, one seed per round, medians and the ratio.
        SEEDS=$(seq -s, 1 "$ROUNDS")
        for dm in 0 1; do
            echo
            echo "== d2v dm=$dm, seeds $SEEDS ($(cut -d' ' -f1-3 /proc/loadavg))"
            "$PYTHON" Benchmarks/peers/doc2vec_compare.py --dm "$dm" --seeds "$SEEDS" --bench "$BIN" -- --threads "$THREADS"
        done
        continue
    fi
    if [[ $w == conv-layers ]]; then
        # Per-layer times, printed by both sides; no summary line.
        for ((r = 1; r <= ROUNDS; r++)); do
            for algorithm in im2col onednn automatic; do
                echo
                echo "== conv-layers round $r/$ROUNDS: latent $algorithm ($(cut -d' ' -f1-3 /proc/loadavg))"
                "$BIN" conv-layers --threads "$THREADS" --algorithm "$algorithm"
            done
            echo
            echo "== conv-layers round $r/$ROUNDS: peer ($(cut -d' ' -f1-3 /proc/loadavg))"
            $(peer_command conv-layers)
        done
        continue
    fi
    if [[ $w == umap ]]; then
        for ((r = 1; r <= ROUNDS; r++)); do
            for side in latent peer; do
                load=$(cut -d' ' -f1-3 /proc/loadavg)
                echo
                echo "== umap round $r/$ROUNDS: $side ($load)"
                run_umap_side "$side" "$r" "$load"
            done
        done
        echo
        echo "== umap: scoring every embedding with Benchmarks/peers/umap_metrics.py"
        "$PYTHON" Benchmarks/peers/umap_metrics.py --data "$DATA" \
            $(for f in "$LOG"/umap-*.npy; do echo "$(basename "$f" .npy)=$f"; done) | tee "$LOG/umap.scores"
        continue
    fi
    for ((r = 1; r <= ROUNDS; r++)); do
        echo
        echo "== $w round $r/$ROUNDS: latent ($(cut -d' ' -f1-3 /proc/loadavg))"
        # texture reads no MNIST: its images come from ../shared/data/images.
        # shellcheck disable=SC2046
        "$BIN" "$w" --threads "$THREADS" $([[ $w == texture ]] || echo --data "$DATA") $(workload_args "$w") | tee "$LOG/out"
        grep '^RESULT ' "$LOG/out" | sed 's/^RESULT //' >> "$LOG/$w.results"
        echo
        echo "== $w round $r/$ROUNDS: peer ($(cut -d' ' -f1-3 /proc/loadavg))"
        # shellcheck disable=SC2046
        $(peer_command "$w") | tee "$LOG/out"
        grep '^RESULT ' "$LOG/out" | sed 's/^RESULT //' >> "$LOG/$w.results"
    done
done

echo
echo "== summary: medians over $ROUNDS rounds, $THREADS threads"
for w in "${WORKLOADS[@]}"; do
    [[ $w == d2v || $w == conv-layers ]] && continue
    "$PYTHON" - "$LOG/$w.results" "$LOG/umap.scores" <<'PY'
import json, os, statistics, sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
latent = [r for r in rows if r["impl"] == "latent"]
peer = [r for r in rows if r["impl"] != "latent"]
if not latent or not peer:
    print(f"{sys.argv[1]}: missing results"); sys.exit(0)
w, name = latent[0]["workload"], peer[0]["impl"]
med = statistics.median
loads = " ".join(f"{r['loadBefore'][0]:.2f}" for r in rows if r.get("loadBefore"))
if w == "gemm":
    print(f"gemm: GFLOP/s, latent raw gemm (Tensor.matmul) vs {name}; ratio > 1 means Latent is faster")
    for n in latent[0]["gflops"]:
        a = med(r["gflops"][n] for r in latent)
        m = med(s["matmulGflops"] for r in latent for s in r["sizes"] if str(s["n"]) == n)
        b = med(r["gflops"][n] for r in peer)
        print(f"  n={n:>5}: latent {a:7.1f} ({m:.1f})   {name} {b:7.1f}   latent/{name} {a / b:.2f}")
elif w == "mlp":
    a, b = med(r["sPerEpoch"] for r in latent), med(r["sPerEpoch"] for r in peer)
    acc_a = [round(r["testAccuracy"], 4) for r in latent]
    acc_b = [round(r["testAccuracy"], 4) for r in peer]
    print(f"mlp: s/epoch latent {a:.3f}   {name} {b:.3f}   latent/{name} {a / b:.2f} (< 1 means Latent is faster)")
    print(f"  test accuracy after {latent[0]['epochs']} epochs: latent {acc_a}   {name} {acc_b}")
elif w in ("conv-ae", "deep-ae"):
    a, b = med(r["sPerEpoch"] for r in latent), med(r["sPerEpoch"] for r in peer)
    print(f"{w}: s/epoch latent {a:.2f} {[round(r['sPerEpoch'], 2) for r in latent]}   "
          f"{name} {b:.2f} {[round(r['sPerEpoch'], 2) for r in peer]}   latent/{name} {a / b:.2f} (< 1 means Latent is faster)")
    print(f"  test squared error: latent {[round(r['testSquaredError'], 2) for r in latent]}   "
          f"{name} {[round(r['testSquaredError'], 2) for r in peer]}")
elif w in ("vae", "dcgan"):
    a, b = med(r["seconds_per_epoch"] for r in latent), med(r["seconds_per_epoch"] for r in peer)
    print(f"{w}: s/epoch latent {a:.2f} {[round(r['seconds_per_epoch'], 2) for r in latent]}   "
          f"{name} {b:.2f} {[round(r['seconds_per_epoch'], 2) for r in peer]}   latent/{name} {a / b:.2f} (< 1 means Latent is faster)")
    if w == "vae":
        print(f"  test negative ELBO: latent {[round(r['test_negative_elbo'], 2) for r in latent]}   "
              f"{name} {[round(r['test_negative_elbo'], 2) for r in peer]}")
elif w.startswith("umap"):
    scores = {}
    if os.path.exists(sys.argv[2]):
        for line in open(sys.argv[2]):
            if line.strip():
                s = json.loads(line)
                scores[s["name"]] = s
    a, b = med(r["process_seconds"] for r in latent), med(r["process_seconds"] for r in peer)
    print(f"umap-70k: whole process, s: latent {a:.1f} {[round(r['process_seconds'], 1) for r in latent]}   "
          f"{name} {b:.1f} {[round(r['process_seconds'], 1) for r in peer]}   latent/{name} {a / b:.2f} (bar: <= 0.5)")
    compile_s = [round(r["compile_seconds"], 1) for r in peer if r.get("compile_seconds") is not None]
    fit_b = med(r["umap_seconds"] for r in peer)
    print(f"  {name}: numba compilation (a 300-point fit first) {compile_s} s; fit alone median {fit_b:.1f} s; "
          f"whole process without compilation {b - med(compile_s or [0]):.1f} s -> latent/{name} {a / (b - med(compile_s or [0])):.2f}")
    print(f"  latent stages (median s): pca {med(r['pca_seconds'] for r in latent):.1f}, knn {med(r['knn_seconds'] for r in latent):.1f}, "
          f"graph+init {med(r['graph_init_seconds'] for r in latent):.1f}, sgd {med(r['optimize_seconds'] for r in latent):.1f}")
    for side, rs in (("latent", latent), (name, peer)):
        sc = [scores.get(os.path.basename(r["embedding"])[:-4]) for r in rs]
        sc = [s for s in sc if s]
        if sc:
            tkey = next(k for k in sc[0] if k.startswith("trustworthiness"))
            print(f"  {side:>10}: 10-NN accuracy {[round(s['knn10_accuracy'], 4) for s in sc]} (median {med(s['knn10_accuracy'] for s in sc):.4f}), "
                  f"{tkey} {[round(s[tkey], 4) for s in sc]} (median {med(s[tkey] for s in sc):.4f})")
elif w == "rbm":
    a, b = med(r["seconds"] for r in latent), med(r["seconds"] for r in peer)
    pa, pb = med(r["test_pseudo_likelihood"] for r in latent), med(r["test_pseudo_likelihood"] for r in peer)
    print(f"rbm: training s latent {a:.1f} {[round(r['seconds'], 1) for r in latent]}   {name} {b:.1f} "
          f"{[round(r['seconds'], 1) for r in peer]}   {name}/latent {b / a:.2f} (bar: >= 3)")
    print(f"  test pseudo-likelihood: latent {pa:.2f}   {name} {pb:.2f}   shortfall {(pb - pa) / abs(pb) * 100:.2f} % (bar: <= 1 %)")
elif w == "texture":
    a, b = med(r["adam_ms_per_step"] for r in latent), med(r["adam_ms_per_step"] for r in peer)
    print(f"texture {latent[0]['size']}x{latent[0]['size']}: ms per Adam step latent {a:.1f} {[round(r['adam_ms_per_step'], 1) for r in latent]}   "
          f"{name} {b:.1f} {[round(r['adam_ms_per_step'], 1) for r in peer]}   latent/{name} {a / b:.2f} (bar: <= 1.0)")
    if all("lbfgs_ms_per_evaluation" in r for r in rows):
        la, lb = med(r["lbfgs_ms_per_evaluation"] for r in latent), med(r["lbfgs_ms_per_evaluation"] for r in peer)
        sa, sb = med(r["lbfgs_ms_per_step"] for r in latent), med(r["lbfgs_ms_per_step"] for r in peer)
        print(f"  L-BFGS: ms per evaluation latent {la:.1f}   {name} {lb:.1f}   latent/{name} {la / lb:.2f}; "
              f"ms per step latent {sa:.1f}   {name} {sb:.1f} (each side's own line search)")
    print(f"  losses of the same image, weights and targets: style relative difference "
          f"{max(r['style_relative_difference'] for r in peer):.2e}, content {max(r['content_relative_difference'] for r in peer):.2e} (bar: 1e-4)")
elif w == "train-step":
    a, b = med(r["stepMs"] for r in latent), med(r["stepMs"] for r in peer)
    print(f"train-step: ms/step latent {a:.2f}   {name} {b:.2f}   latent/{name} {a / b:.2f} (< 1 means Latent is faster)")
    for r_name, rs in (("latent", latent), (name, peer)):
        print(f"  {r_name:>6}: {med(r['gflops'] for r in rs):.1f} GFLOP/s, "
              f"{med(r['ratioToSameShapes'] for r in rs) * 100:.1f} % of the same GEMMs alone "
              f"({med(r['gemmAloneGflops'] for r in rs):.1f} GFLOP/s), "
              f"{med(r['ratioToSgemm1024'] for r in rs) * 100:.1f} % of 1024² sgemm; "
              f"forward {med(r['forwardMs'] for r in rs):.2f} ms, backward {med(r['backwardMs'] for r in rs):.2f} ms, "
              f"Adam {med(r['optimizerMs'] for r in rs):.2f} ms")
print(f"  load average (1 min) at the start of each run: {loads}")
PY
done
