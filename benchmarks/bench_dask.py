"""Dask scaling of the read-margin Monte Carlo: LocalCluster with 1 vs 2 workers.

Runs the same Monte Carlo (same seed, same blocks) serially, on a Dask
LocalCluster (:func:`mramsim.parallel.executor.local_dask_cluster`, the one
``executor="dask"`` starts) with one worker process and with two, prints wall times and the
speed-up, and checks that the three runs give bit-identical results (one
random stream per block index, never per worker).

The workload is :func:`mramsim.read_margin` on a 128 x 128 1T-1MTJ array
(plain Monte Carlo, every sample solves the worst row: 128 nonlinear cell
reads with IR drop). If the array layer is not importable, it falls back to
:func:`cpu_block`, a CPU-bound block function of the same shape (per block:
draw the variation of ``n`` rows x 128 cells and solve a nonlinear cell
equation by Newton iteration for each).

Usage::

    python benchmarks/bench_dask.py [--samples 32768] [--cols 128]

Numbers depend on the machine; on a 2-core machine the ideal speed-up is 2.
"""
from __future__ import annotations

import argparse
import os
import pickle
import time
from functools import partial

import numpy as np


def cpu_block(start, stop, rng, *, cols=128, iters=40):
    """CPU-bound stand-in of a read-margin block (documented fallback).

    For each of ``stop - start`` rows of ``cols`` cells draws lognormal
    R_P, TMR and a Vth shift, then solves the series MTJ + linear-region
    transistor equation ``V_read = I R(V_mtj) + I / g(V_th)`` for the cell
    current by ``iters`` Newton steps; returns the per-row minimum P-AP
    current difference. Work ~ rows x cols x iters.
    """
    n = stop - start
    r_p = 3e3 * np.exp(0.03 * rng.standard_normal((n, cols)))
    tmr = 1.5 * np.exp(0.05 * rng.standard_normal((n, cols)))
    g = 1e-4 * (1 + 0.05 * rng.standard_normal((n, cols)))
    out = []
    for state in (0, 1):
        i = np.full((n, cols), 1e-5)
        for _ in range(iters):
            v = i * r_p
            r = r_p * (1 + state * tmr / (1 + (v / 0.5) ** 2))
            f = i * r + i / g - 0.15
            df = r + 1 / g
            i = i - f / df
        out.append(i)
    return (out[0] - out[1]).min(axis=1)


def _workload(samples, cols):
    try:
        import mramsim as ms
        from mramsim.array.solver import read_currents  # noqa: F401  (the solver must be there)

        arr = ms.Array1T1MTJ(rows=cols, cols=cols)
        var = ms.Variation(ra_sigma=0.03, cd_sigma=1.5e-9, tmr_sigma=0.03, vth_sigma=0.02)
        read = ms.ReadScheme(v_read=0.15, sa_offset_sigma=5e-3)

        def run(executor):
            res = ms.read_margin(arr, var, read, n_samples=samples, seed=1, executor=executor, method="mc")
            return (res.ber, res.margin_sigma, res.mc.get("p", {}).get("fails"), res.mc.get("ap", {}).get("fails"))

        return f"read_margin on a {cols}x{cols} array, {samples} samples ({samples * cols} cell reads)", run
    except Exception as exc:  # noqa: BLE001 - fall back to the documented stand-in
        from mramsim.parallel.executor import map_blocks

        def run(executor):
            blocks = map_blocks(partial(cpu_block, cols=cols), samples, seed=1, block_size=64, executor=executor)
            return np.concatenate(blocks)

        return f"cpu_block stand-in ({type(exc).__name__}: {exc}), {samples} rows x {cols} cells", run


def main(argv=None):
    p = argparse.ArgumentParser(description="Dask LocalCluster scaling, 1 vs 2 workers")
    p.add_argument("--samples", type=int, default=32768)
    p.add_argument("--cols", type=int, default=128)
    a = p.parse_args(argv)
    from distributed import Client

    from mramsim.parallel.executor import local_dask_cluster

    what, run = _workload(a.samples, a.cols)
    print(f"workload: {what}")
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f} (other processes share the cores)")
    run("serial")  # warm-up (imports, caches)
    t = time.perf_counter()
    ref = run("serial")
    t_serial = time.perf_counter() - t
    print(f"serial           : {t_serial:7.2f} s")
    times = {}
    for n in (1, 2):
        with local_dask_cluster(n) as lc, Client(lc) as client:
            run(client)  # warm-up: workers import mramsim
            t = time.perf_counter()
            got = run(client)
            times[n] = time.perf_counter() - t
            same = pickle.dumps(got) == pickle.dumps(ref)
            print(f"dask, {n} worker(s): {times[n]:7.2f} s   identical to serial: {same}")
            if not same:
                raise SystemExit("results differ between executors")
    print(f"speed-up 2 vs 1 worker: {times[1] / times[2]:.2f}x  (ideal 2.00x on 2 free cores)")
    print(f"dask 2 workers vs serial: {t_serial / times[2]:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
