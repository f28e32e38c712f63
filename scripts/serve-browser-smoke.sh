#!/usr/bin/env bash
# CI's browser smoke of `latent serve`: trains a small VAE (1 epoch on 2,000 shipped digits) into
# a temporary run folder, serves it, and drives the page in headless Chromium through
# chromedriver (scripts/serve_browser.py smoke): the scatter must hold every code, hovering a
# point must show it, clicking must list its neighbours, the generator pad must draw a decoded
# image and an interpolation strip, and the run's charts must appear. Fails (never skips) when
# chromium or chromedriver is missing. Uses .build/debug/latent (built by `make test`) unless
# LATENT_BIN names another binary.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"
BIN=${LATENT_BIN:-.build/debug/latent}
[[ -x "$BIN" ]] || swift build --product latent
command -v chromium >/dev/null && command -v chromedriver >/dev/null || {
    echo "serve-browser-smoke: chromium and chromedriver are required (scripts/bootstrap.sh installs them)" >&2
    exit 1
}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" train vae --epochs 1 --train-limit 2000 --test-limit 500 --latent 8 --out "$WORK/vae" --quiet >/dev/null
timeout 600 python3 scripts/serve_browser.py smoke --latent "$BIN" --serve "$WORK/vae" --limit 2000 --expect-points 2000
