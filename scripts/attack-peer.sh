#!/usr/bin/env bash
# The FGSM correctness check against PyTorch (issue bar: same adversarial accuracy within 0.5
# points). Trains the 784-256-10 classifier (5 epochs, seed 1) on full MNIST with Latent, attacks
# the model file with `latent attack` and with Benchmarks/peers/attack_torch.py (FGSM in a few
# lines of torch) on the same 10,000 test images, and prints both accuracies per ε.
#
#   scripts/attack-peer.sh [--data DIR] [--epsilon 0.1,0.2,0.25,0.3] [--model FILE]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DATA=../shared/data/mnist
EPS=0.1,0.2,0.25,0.3
MODEL=
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) DATA=$2; shift 2 ;;
        --epsilon) EPS=$2; shift 2 ;;
        --model) MODEL=$2; shift 2 ;;
        *) echo "attack-peer.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
export PATH="$PATH:/opt/swift/usr/bin"
swift build -c release --product latent 2>&1 | tail -1
BIN=$(swift build -c release --show-bin-path)/latent
WORK=$(mktemp -d "${TMPDIR:-/tmp}/latent-attack.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [[ -z $MODEL ]]; then
    "$BIN" train classifier --data "$DATA" --epochs 5 --seed 1 --threads 2 --quiet --out "$WORK/mlp" | grep "test accuracy"
    MODEL=$WORK/mlp/model.safetensors
fi
"$BIN" attack "$MODEL" --data "$DATA" --method fgsm --epsilon "$EPS" --threads 2 --quiet --out "$WORK/attack" > /dev/null
python3 Benchmarks/peers/attack_torch.py --model "$MODEL" --data "$DATA" --method fgsm --epsilon "$EPS" --threads 2 \
    | grep '^RESULT ' | sed 's/^RESULT //' > "$WORK/torch.json"
python3 - "$WORK/attack/metrics.json" "$WORK/torch.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))["results"]
torch = json.load(open(sys.argv[2]))["results"]
print(f"{'epsilon':>8} {'latent':>9} {'torch':>9} {'difference (points)':>20}")
for a, b in zip(ours, torch):
    d = (a["adversarial_accuracy"] - b["adversarial_accuracy"]) * 100
    print(f"{a['epsilon']:>8.3g} {a['adversarial_accuracy'] * 100:>8.2f}% {b['adversarial_accuracy'] * 100:>8.2f}% {d:>+20.2f}")
PY
