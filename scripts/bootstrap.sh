#!/usr/bin/env bash
# Installs what building and testing Latent needs on a fresh Debian machine, only when missing:
# OpenBLAS (cblas + LAPACK), oneDNN (its sgemm), FFTW (single precision, for FFT-accelerated t-SNE), zlib and
# libjpeg-turbo (JPEG input of texture synthesis) headers for the build; numpy and safetensors for the test that loads a Latent checkpoint in Python,
# gensim for the test that loads Latent's word vectors; Open MPI (library and mpirun) for data-parallel
# training.
# Safe to run repeatedly.
set -euo pipefail

need_apt=()
pkg-config --exists openblas 2>/dev/null || need_apt+=(libopenblas-dev)
[ -f /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)
pkg-config --exists fftw3f 2>/dev/null || need_apt+=(libfftw3-dev)
[ -f /usr/include/dnnl.h ] || need_apt+=(libdnnl-dev)
[ -f /usr/include/jpeglib.h ] || need_apt+=(libjpeg62-turbo-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
pkg-config --exists ompi-c 2>/dev/null || need_apt+=(libopenmpi-dev)
command -v mpirun >/dev/null || need_apt+=(openmpi-bin)
# Cairo draws the charts; DejaVu Sans is their font (found through fontconfig).
pkg-config --exists cairo 2>/dev/null || need_apt+=(libcairo2-dev)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# `latent serve`'s browser test (headless Chromium driven through chromedriver) and its load benchmark.
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v wrk >/dev/null || need_apt+=(wrk)

if [ ${#need_apt[@]} -gt 0 ]; then
    echo "bootstrap: installing ${need_apt[*]}" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if command -v python3 >/dev/null && ! python3 -c "import numpy, safetensors, gensim" 2>/dev/null; then
    echo "bootstrap: installing numpy, safetensors and gensim for Python" >&2
    python3 -m pip install -q numpy safetensors gensim 2>&1 | grep -v -i "warning" >&2 || true
fi

if ! command -v swift >/dev/null; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        echo "bootstrap: swift is at /opt/swift/usr/bin; add it to PATH" >&2
    else
        echo "bootstrap: Swift 6 toolchain not found (https://swift.org/install)" >&2
        exit 1
    fi
fi
