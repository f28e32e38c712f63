"""Helpers shared by the peer scripts: thread pinning before numpy/torch load, timing, load
average and the `RESULT {json}` line that scripts/bench.sh reads."""
import json
import os
import statistics
import time


def set_thread_env(threads):
    """Pins BLAS/OpenMP thread pools; must run before numpy or torch is imported."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def load_line():
    return "load average " + " ".join(f"{x:.2f}" for x in load_average())


def stats(samples):
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "count": len(samples)}


now = time.perf_counter


def print_result(obj):
    print("RESULT " + json.dumps(obj, sort_keys=True), flush=True)
