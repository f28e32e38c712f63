"""MNIST loading shared by the peer scripts: IDX (gz or raw) to float32 arrays in [0, 1]."""
import gzip
import os
import struct

import numpy as np


def _open(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            with open(candidate, "rb") as f:
                data = f.read()
            return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    raise FileNotFoundError(path)


def _idx(path):
    data = _open(path)
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(directory, split):
    prefix = "train" if split == "train" else "t10k"
    images = _idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
    labels = _idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return images, labels
