#!/usr/bin/env bash
# Fuzzes the LatentIO parsers (IDX, NPY, safetensors), the model-file loaders, the word2vec
# readers and the corpus tokenizer with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh [runs]        runs per target, default 100000
#   FUZZ_TARGETS="ModelFile Word2Vec" scripts/fuzz.sh 1000000   only the named targets
#
# Each fuzz/Fuzz<Target>.swift is compiled into one module together with the LatentIO sources
# (so it can call the internal parse(bytes:path:) entry points directly, no temporary files),
# linked against LatentTensor built as its own module. Corpora start from the repository's test
# fixtures and persist in fuzz/out/ between runs; findings land in fuzz/out/findings-<target>/.
# Prints, per target: executions, findings (crashes, leaks, OOMs, timeouts) and peak RSS.
set -euo pipefail

RUNS=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=fuzz/bin
OUT=fuzz/out
mkdir -p "$BIN" "$OUT"

# OpenBLAS headers live in a Debian multiarch directory that pkg-config knows; fall back to it.
BLAS_CFLAGS=$(pkg-config --cflags openblas 2>/dev/null || echo "-I/usr/include/x86_64-linux-gnu/openblas-pthread")
BLAS_LIBS=$(pkg-config --libs openblas 2>/dev/null || echo "-L/usr/lib/x86_64-linux-gnu/openblas-pthread -lopenblas")
SAN=(-sanitize=fuzzer,address -parse-as-library -O -g)
CMODULES=(-I Sources/CLatentBLAS -I Sources/CLatentDNNL -I Sources/CLatentZlib)
for flag in $BLAS_CFLAGS; do CMODULES+=(-Xcc "$flag"); done

echo "== building LatentTensor (instrumented)"
swiftc "${SAN[@]}" "${CMODULES[@]}" -module-name LatentTensor -wmo -c \
    -emit-module -emit-module-path "$BIN/LatentTensor.swiftmodule" \
    -o "$BIN/LatentTensor.o" $(find Sources/LatentTensor -name '*.swift' | sort)

# Seeds: the fixtures, plus hand-made IDX files (the repository ships no small raw IDX file).
seed() {  # seed <target> <files…>
    local dir="$OUT/corpus-$1"; shift
    mkdir -p "$dir"
    for f in "$@"; do [ -f "$f" ] && cp -f "$f" "$dir/" || true; done
}
seed NPY Tests/LatentIOTests/Fixtures/npy/*.npy
seed SafeTensors Tests/LatentIOTests/Fixtures/safetensors/mixed_dtypes.safetensors
mkdir -p "$OUT/corpus-IDX"
printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x02\x03\x04\x05\x06\x07' > "$OUT/corpus-IDX/u8-2x2x2"
printf '\x00\x00\x08\x01\x00\x00\x00\x03\x07\x08\x09' > "$OUT/corpus-IDX/labels-3"
printf '\x00\x00\x0d\x01\x00\x00\x00\x02\x3f\xc0\x00\x00\xc0\x00\x00\x00' > "$OUT/corpus-IDX/f32-2"
printf '\x00\x00\x0e\x02\x00\x00\x00\x01\x00\x00\x00\x01\x40\x00\x00\x00\x00\x00\x00\x00' > "$OUT/corpus-IDX/f64-1x1"
gzip -c -n "$OUT/corpus-IDX/u8-2x2x2" > "$OUT/corpus-IDX/u8-2x2x2.gz"
[ -f Data/mnist/t10k-labels-idx1-ubyte.gz ] && cp -f Data/mnist/t10k-labels-idx1-ubyte.gz "$OUT/corpus-IDX/"

# run_target <target> [extra libFuzzer flags…]: runs fuzz/bin/fuzz-<target> on its corpus and records a summary line.
run_target() {
    local target=$1; shift
    local findings="$OUT/findings-$target" log="$OUT/fuzz-$target.log"
    mkdir -p "$findings"
    echo "== running fuzz-$target for $RUNS runs (log: $log)"
    set +e
    FUZZ_SEED_DIR="$OUT/corpus-$target" "$BIN/fuzz-$target" "$OUT/corpus-$target" "$@" -runs="$RUNS" -rss_limit_mb=2048 \
        -max_len=16384 -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" > "$log" 2>&1
    local status=$?
    set -e
    local execs rss crashes
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rss=$(grep -m1 'stat::peak_rss_mb' "$log" | awk '{print $2}')
    crashes=$(find "$findings" -type f | wc -l)
    [ -z "$execs" ] && execs="?" && rss="?"
    SUMMARY+=("$(printf '%-12s execs %-9s findings %-3s peak RSS %s MB  exit %s' "$target" "$execs" "$crashes" "$rss" "$status")")
    if [ "$status" -ne 0 ]; then
        grep -E 'ERROR|Fatal error|SUMMARY|panic|==[0-9]+==' "$log" | head -20 || true
    fi
}
# wanted <target>: whether FUZZ_TARGETS (space-separated, default all) names the target.
wanted() { [ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $1 "* ]]; }

SUMMARY=()
for target in IDX NPY SafeTensors; do
    wanted "$target" || continue
    echo "== building fuzz-$target"
    swiftc "${SAN[@]}" "${CMODULES[@]}" -I "$BIN" -module-name LatentIO \
        Sources/LatentIO/*.swift "fuzz/Fuzz$target.swift" "$BIN/LatentTensor.o" \
        $BLAS_LIBS -ldnnl -lgomp -lz -use-ld=lld -o "$BIN/fuzz-$target"
    lower=$(echo "$target" | tr 'A-Z' 'a-z')
    if [ -f "fuzz/$lower.dict" ]; then run_target "$target" -dict="fuzz/$lower.dict"; else run_target "$target"; fi
done

# The model-file loaders (config and tensors together, every kind), the word2vec readers and the
# corpus tokenizer call public APIs of the higher modules: those are built once as instrumented
# modules of their own and each target links against them.
module() {  # module <name> <source folder>
    echo "== building $1 (instrumented)"
    swiftc "${SAN[@]}" "${CMODULES[@]}" -I "$BIN" -module-name "$1" -wmo -c \
        -emit-module -emit-module-path "$BIN/$1.swiftmodule" -o "$BIN/$1.o" $(find "$2" -name '*.swift' | sort)
}
printf 'module CLatentText {\n    header "%s/Sources/CLatentText/include/CLatentText.h"\n    export *\n}\n' "$ROOT" \
    > "$BIN/module.modulemap"
if wanted ModelFile || wanted Word2Vec || wanted Tokenizer; then
    module LatentIO Sources/LatentIO
    module LatentNN Sources/LatentNN
    module LatentModels Sources/LatentModels
    module LatentText Sources/LatentText
fi
mkdir -p "$OUT/corpus-Word2Vec" "$OUT/corpus-Tokenizer" "$OUT/corpus-ModelFile"
printf '\x002 3\nking 0.5 0.1 -2\nqueen 0.4 0.2 1e-3\n' > "$OUT/corpus-Word2Vec/text"
printf '\x012 1\nking \x00\x00\x80\x3f\nqueen \x00\x00\x00\xc0\n' > "$OUT/corpus-Word2Vec/binary"
printf '\x03The cat sat on the mat.\nThe caf\xe9 and the caf\xc3\xa9!\n' > "$OUT/corpus-Tokenizer/mixed"
for target in ModelFile Word2Vec Tokenizer; do
    wanted "$target" || continue
    echo "== building fuzz-$target"
    swiftc "${SAN[@]}" "${CMODULES[@]}" -I "$BIN" -module-name "Fuzz$target" "fuzz/Fuzz$target.swift" \
        "$BIN/LatentTensor.o" "$BIN/LatentIO.o" "$BIN/LatentNN.o" "$BIN/LatentModels.o" "$BIN/LatentText.o" \
        $BLAS_LIBS -ldnnl -lgomp -lz -use-ld=lld -o "$BIN/fuzz-$target"
    run_target "$target"
done

echo
echo "== summary ($RUNS runs per target)"
printf '%s\n' "${SUMMARY[@]}"
