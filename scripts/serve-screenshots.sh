#!/usr/bin/env bash
# The screenshots of docs/serve.md, from headless Chromium: the projector with a t-SNE of 10,000
# MNIST codes coloured by digit, the generator pad on a VAE, and the live charts of a VAE run that
# trains while the server runs (started here, stopped after the picture), written to
# docs/images/serve-{projector,pad,runs}.png.
#
#   scripts/serve-screenshots.sh [RUN_FOLDER]
#
# RUN_FOLDER is a `latent train vae` run (default: trains one, 10 epochs on the full MNIST
# training set from ../shared/data/mnist, into /tmp/latent-serve-shots-vae). The codes are those
# of the 10,000 test digits. Takes the benchmark lock: the t-SNE runs on the shared cores.
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
flock /tmp/latent-bench.lock timeout 900 python3 scripts/serve_browser.py screenshots --latent "$BIN" --serve "$RUN" --out docs/images \
    --live-run /tmp/latent-serve-shots-live --live-data ../shared/data/mnist
