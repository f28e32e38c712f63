#!/usr/bin/env python3
"""The data-parallel cost model of docs/distributed.md.

Per training step each host computes for t_c (measured on one host: its share of the batch) and
then all-reduces every gradient. With the ring algorithm an all-reduce of n bytes over N hosts
takes 2(N-1)/N * n / B + 2(N-1) * alpha (bandwidth B, per-message latency alpha). Latent does not
overlap the all-reduce with the backward pass, so a step takes t_c + t_ar and the efficiency is
t_c / (t_c + t_ar); the speed-up over one host, with the per-host batch held fixed (weak scaling,
as in Das et al. 2016), is N times that.

    scripts/mpi_cost_model.py --deep-ae-ms 33 --dcgan-ms 210 [--latency-us 25]
"""
import argparse

MODELS = {
    # name: (parameters, all-reduces per step)
    "deep-ae": (2_837_314, 1),  # 784-1000-500-250-30 and its mirror, with biases
    "dcgan": (680_066, 2),  # the discriminator (139,841) and generator (540,225): two updates a step
}


def allreduce_seconds(nbytes, hosts, bandwidth, latency):
    return 2 * (hosts - 1) / hosts * nbytes / bandwidth + 2 * (hosts - 1) * latency


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--deep-ae-ms", type=float, required=True, help="measured compute time of one deep-ae step (batch 128), ms")
    p.add_argument("--dcgan-ms", type=float, required=True, help="measured compute time of one dcgan step (batch 128), ms")
    p.add_argument("--deep-ae-parameters", type=int, default=MODELS["deep-ae"][0])
    p.add_argument("--dcgan-parameters", type=int, default=MODELS["dcgan"][0])
    p.add_argument("--latency-us", type=float, default=25.0, help="per-message latency of the network (MPI over TCP on Ethernet: tens of µs)")
    p.add_argument("--hosts", default="8,64")
    p.add_argument("--gbits", default="10,25")
    a = p.parse_args()
    steps = {"deep-ae": (a.deep_ae_ms / 1e3, a.deep_ae_parameters, 1), "dcgan": (a.dcgan_ms / 1e3, a.dcgan_parameters, 2)}
    hosts = [int(h) for h in a.hosts.split(",")]
    gbits = [float(g) for g in a.gbits.split(",")]
    print(f"latency {a.latency_us:g} µs per message; compute per step: deep-ae {a.deep_ae_ms:g} ms, dcgan {a.dcgan_ms:g} ms")
    print("| model | gradient MB | network | hosts | all-reduce ms | efficiency | speed-up |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (compute, params, messages) in steps.items():
        nbytes = 4 * params
        for g in gbits:
            for n in hosts:
                # The step's messages split the gradient bytes; each pays the latency term.
                t = sum(allreduce_seconds(nbytes / messages, n, g * 1e9 / 8, a.latency_us * 1e-6) for _ in range(messages))
                eff = compute / (compute + t)
                print(f"| {name} | {nbytes / 1e6:.1f} | {g:g} Gb/s | {n} | {t * 1e3:.1f} | {eff * 100:.0f} % | {n * eff:.1f}× |")


if __name__ == "__main__":
    main()
