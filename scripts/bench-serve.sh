#!/usr/bin/env bash
# The serve-decode workload (../shared/BENCHMARKS.md): `latent serve` on a VAE, wrk on loopback
# against the decode endpoint (64 connections, 30 s), then against the neighbour endpoint.
# Prints requests/s, p50 and p99 latency, errors (socket errors and non-2xx answers) and the
# server's resident memory (VmRSS) before and after each run.
#
#   scripts/bench-serve.sh [--model FILE] [--connections N] [--seconds S] [--threads T]
#
# Without --model it trains a VAE once (784-400-20-400-784, 3 epochs on the shipped digits) into
# /tmp/latent-bench-serve-vae. Builds the release binary unless LATENT_BIN names one. Run it
# alone on the machine (wrk and the server share the cores); it never fails on speed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$PATH:/opt/swift/usr/bin"

MODEL=""
CONNECTIONS=64
SECONDS_=30
THREADS=2
while [[ $# -gt 0 ]]; do
    case "$1" in
        --model) MODEL=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --seconds) SECONDS_=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        *) echo "bench-serve: unknown argument $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "bench-serve: wrk is missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }

BIN=${LATENT_BIN:-}
if [[ -z "$BIN" ]]; then
    swift build -c release --product latent >&2
    BIN=.build/release/latent
fi
if [[ -z "$MODEL" ]]; then
    RUN=/tmp/latent-bench-serve-vae
    [[ -f $RUN/model.safetensors ]] || "$BIN" train vae --epochs 3 --out "$RUN" --quiet --threads "$THREADS" >&2
    MODEL=$RUN/model.safetensors
fi

LOG=$(mktemp)
"$BIN" serve "$MODEL" --port 0 --threads "$THREADS" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$LOG"' EXIT
URL=""
for _ in $(seq 1 600); do
    URL=$(grep -o 'http://[^ ]*' "$LOG" | head -1 || true)
    [[ -n "$URL" ]] && break
    kill -0 $SERVER 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$URL" ]] || { echo "bench-serve: the server did not start" >&2; exit 1; }
URL=${URL%/}
DIM=$(curl -s "$URL/api/models/0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["latentSize"])')
POINTS=$(curl -s "$URL/api/catalog" | python3 -c 'import json,sys; print(json.load(sys.stdin)["datasets"][0]["count"])')
rss() { awk '/^VmRSS/ {print $2}' /proc/$SERVER/status; }

echo "model: $MODEL (latent $DIM), $POINTS points; server pid $SERVER, $URL; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for endpoint in decode neighbors; do
    # A short warm-up, so allocator pools and caches are in place before "before" is read.
    LATENT_ENDPOINT=$endpoint LATENT_DIM=$DIM LATENT_POINTS=$POINTS \
        wrk -t2 -c"$CONNECTIONS" -d3s -s scripts/bench-serve.wrk.lua "$URL" >/dev/null
    before=$(rss)
    out=$(LATENT_ENDPOINT=$endpoint LATENT_DIM=$DIM LATENT_POINTS=$POINTS \
        wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --timeout 10s --latency -s scripts/bench-serve.wrk.lua "$URL")
    after=$(rss)
    echo "$out" | sed 's/^/    /'
    rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    socket=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    errors=$(( ${socket:-0} + ${non2xx:-0} ))
    growth=$(awk -v a="$before" -v b="$after" 'BEGIN {printf "%+.1f", (b - a) * 100 / a}')
    echo "serve-$endpoint: $CONNECTIONS connections, ${SECONDS_} s: ${rps} requests/s, p50 ${p50}, p99 ${p99}," \
         "errors ${errors}; server RSS $((before / 1024)) → $((after / 1024)) MB (${growth} %)"
done
curl -sf "$URL/api/health" >/dev/null && echo "server still answering"
