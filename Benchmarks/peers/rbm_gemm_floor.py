"""The arithmetic floor of the `rbm` workload: the five matrix products of one PCD step (batch 64, 784 visible,
256 hidden) in numpy (scikit-learn's BLAS), 9,380 steps = 10 epochs of 60,000 images."""
import os, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2"); os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np
rng = np.random.default_rng(1)
b, v, h = 64, 784, 256
V = (rng.random((b, v)) > 0.5).astype(np.float32); W = rng.standard_normal((v, h)).astype(np.float32) * 0.01
H = rng.random((b, h)).astype(np.float32)
steps = 9380
def step():
    hp = V @ W            # positive hidden
    vn = H @ W.T          # negative visible (persistent chain)
    hn = vn @ W           # negative hidden
    g = V.T @ hp          # positive statistics
    g2 = vn.T @ hn        # negative statistics
    return g, g2
for _ in range(50): step()
best = []
for r in range(3):
    t = time.perf_counter()
    for _ in range(steps): step()
    best.append(time.perf_counter() - t)
flops = 5 * 2 * b * v * h * steps
print(f"numpy: 5 GEMMs x {steps} steps: median {sorted(best)[1]:.2f} s ({flops/sorted(best)[1]/1e9:.1f} GFLOP/s), rounds {', '.join(f'{x:.2f}' for x in best)}")
