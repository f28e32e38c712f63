#!/usr/bin/env bash
# The 70,000-point bar of docs/serve.md: `latent serve` on a VAE with every MNIST digit (test and
# train, from ../shared/data/mnist); the page starts a t-SNE of all 70,000 codes, draws each
# intermediate embedding as it arrives, and reports its frame times until the job ends.
#
#   scripts/serve-tsne70k.sh [RUN_FOLDER]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"
BIN=${LATENT_BIN:-.build/release/latent}
[[ -x "$BIN" ]] || swift build -c release --product latent
RUN=${1:-/tmp/latent-serve-shots-vae}
if [[ ! -f "$RUN/model.safetensors" ]]; then
    "$BIN" train vae --epochs 10 --data ../shared/data/mnist --out "$RUN" --quiet
fi
flock /tmp/latent-bench.lock timeout 3600 python3 scripts/serve_browser.py tsne --latent "$BIN" --serve "$RUN/model.safetensors" \
    --data ../shared/data/mnist --expect-points 70000 --timeout 3000
