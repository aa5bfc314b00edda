"""Read-margin benchmark: Monte Carlo throughput and deep-tail BER by importance sampling.

Prints
1. Monte Carlo throughput of :func:`mramsim.read_margin` on one core (serial
   executor), IR drop included (the array solver's Newton solve of the
   selected row with BL/SL wire resistance), in bit reads per second and in
   cell solves per second (a bit read solves the data cell in P and AP and,
   with a current-midpoint reference, one P and one AP reference cell each);
   for a run of 4x ``--samples`` and as the marginal (steady-state) rate
   between runs of ``--samples`` and 4x ``--samples``. Target (issue 7):
   >= 1e7 cell solves/s per core.
   The Newton kernel used (compiled numba, with its JIT compile time, which
   the warm-up keeps out of the throughput; or numpy with ``--numpy``).
2. The wall time to reach a BER of ~1e-12 with a 10 % relative 95 %
   confidence half-width by importance sampling, against the number of reads
   (and the time at the measured throughput) that plain Monte Carlo would
   need for the same interval: n = 1.96^2 (1 - p) / (0.1^2 p).
3. Scale (``--scale``, on by default; ``--no-scale`` skips it, ``--only-scale``
   runs it alone): :func:`mramsim.read_margin` on a 1024 x 1024 array
   (default read scheme, worst row, serial executor, ``method='mc'``) with
   16,384 and 4,096 samples, each in a fresh process: setup (IR-drop map,
   per-row closed-form BER, nominal reads), Monte Carlo and total seconds,
   the setup fraction against the issue-14 target (< 20 %), and the memory,
   which should not grow with the number of samples: the peak resident
   memory (``ru_maxrss``) of the process and the peak of the allocations
   made by ``read_margin`` (tracemalloc, in a second, cold run).

Run:  .venv/bin/python benchmarks/bench_margin.py [--rows 256 --cols 256] [--no-scale | --only-scale]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

from scipy.optimize import brentq

import mramsim as ms
from mramsim.array.margin import read_margin
from mramsim.array.read import ReadScheme
from mramsim.array.variation import Variation


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=256)
    ap.add_argument("--cols", type=int, default=256)
    ap.add_argument("--samples", type=int, default=2000, help="Monte Carlo samples (rows of cols reads)")
    ap.add_argument("--target", type=float, default=1e-12)
    ap.add_argument("--numpy", action="store_true", help="use the numpy Newton kernels (no numba)")
    ap.add_argument("--scale", action=argparse.BooleanOptionalAction, default=True,
                    help="section 3: read_margin on --scale-size x --scale-size with --scale-samples (default on)")
    ap.add_argument("--only-scale", action="store_true", help="run section 3 alone")
    ap.add_argument("--scale-size", type=int, default=1024, help="rows = cols of the section-3 array")
    ap.add_argument("--scale-samples", type=int, default=16384, help="Monte Carlo samples of section 3")
    ap.add_argument("--scale-child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()

    from mramsim.array.solver import newton
    if args.numpy:
        newton.use_compiled(False)
    if args.scale_child:
        _scale_child(args)
        return
    kern = newton.compiled_kernels()
    if kern:
        import numba

        print(f"Newton kernel: numba {numba.__version__} (JIT compile {kern.compile_seconds():.2f} s, "
              "excluded from the throughput: warm-up first)")
    else:
        print("Newton kernel: numpy (numba not importable or --numpy)")

    if args.only_scale:
        _scale(args)
        return
    arr = ms.Array1T1MTJ(rows=args.rows, cols=args.cols)
    var = Variation(**VARIATION)
    row = args.rows - 1
    print(f"array {args.rows} x {args.cols}, V_read = 0.15 V, row read = {row} (far end, worst IR drop)")
    print(f"variation: {var.to_dict()}")

    # warm-up (solver spline tables, imports)
    read_margin(arr, var, ReadScheme(v_read=0.15), n_samples=8, seed=0, method="mc", selected_row=row)

    print("\n1. Monte Carlo throughput (serial, one core, IR drop included)")
    rates = {}
    for ref in ("fixed", "current-midpoint"):
        read = ReadScheme(v_read=0.15, reference=ref, sa_offset_sigma=5e-3)
        # warm-up of this reference (nominal solutions and solver tables are cached per read)
        read_margin(arr, var, read, n_samples=8, seed=0, method="mc", selected_row=row)
        runs = {}
        for n_s in (args.samples, 4 * args.samples):
            res = read_margin(arr, var, read, n_samples=n_s, seed=1, method="mc", selected_row=row)
            runs[n_s] = (res.mc["n_reads"], res.timings["mc"])
        n, t = runs[4 * args.samples]
        cells_per_read = 2 * (1 + read.n_ref_cells)
        rates[ref] = n / t
        print(f"  reference={ref:17s} {n:9d} bit reads in {t:6.2f} s: {n / t:10.3e} bit reads/s, "
              f"{n * cells_per_read / t:10.3e} cell solves/s")
        # steady state: the marginal rate between the two run sizes (fixed per-call costs cancel)
        dn = runs[4 * args.samples][0] - runs[args.samples][0]
        dt = runs[4 * args.samples][1] - runs[args.samples][1]
        print(f"  {'':27s} marginal (steady state): {dn / dt:10.3e} bit reads/s, "
              f"{dn * cells_per_read / dt:10.3e} cell solves/s")

    print(f"\n2. BER ~ {args.target:g} with a 10 % relative 95 % CI")
    read0 = ReadScheme(v_read=0.15, reference="current-midpoint")

    def log_ber(sig):
        r = read_margin(arr, var, read0.replace(sa_offset_sigma=sig), n_samples=0, seed=0, method="analytic",
                        selected_row=row, ir_rows=2)
        return math.log(max(r.ber, 1e-300))

    t0 = time.perf_counter()
    sig = brentq(lambda s: log_ber(s) - math.log(args.target), 1e-4, 0.05, xtol=1e-6)
    t_cal = time.perf_counter() - t0
    read = read0.replace(sa_offset_sigma=sig)
    t0 = time.perf_counter()
    res = read_margin(arr, var, read, n_samples=0, seed=2, method="is", selected_row=row, is_rel_ci=0.1)
    t_is = time.perf_counter() - t0
    n_is = sum(w.get("n_reads", 0) for st in res.importance.values() for w in st["worlds"])
    half = 0.5 * (res.ber_ci[1] - res.ber_ci[0])
    p = res.ber
    n_mc = 1.96**2 * (1 - p) / (0.1**2 * p) if p > 0 else math.inf
    print(f"  (SA offset sigma set to {sig * 1e3:.2f} mV by the closed form in {t_cal:.1f} s)")
    print(f"  importance sampling: BER = {p:.3e}, 95% CI [{res.ber_ci[0]:.3e}, {res.ber_ci[1]:.3e}] "
          f"(half-width {half / p:.1%}); FORM closed form "
          f"{0.5 * (res.analytic['p']['p'] + res.analytic['ap']['p']):.3e}")
    print(f"  importance sampling time: {t_is:.2f} s with {n_is} reads (design-point search included)")
    rate = rates["current-midpoint"]
    print(f"  plain Monte Carlo would need {n_mc:.2e} reads = {n_mc / rate:.2e} s "
          f"({n_mc / rate / 86400 / 365.25:.2e} core-years) at {rate:.2e} reads/s; speed-up {n_mc / rate / t_is:.1e}x")
    if args.scale:
        _scale(args)


#: variation of every section
VARIATION = dict(ra_sigma=0.03, ra_die_sigma=0.015, tmr_sigma=0.03, vth_sigma=0.015, cd_sigma=0.75e-9)


def _maxrss_mb():
    """Peak resident memory of this process so far [MB] (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _scale_child(args):
    """One section-3 run in this (fresh) process; prints one JSON line."""
    var = Variation(**VARIATION)
    read = ReadScheme(v_read=0.15, sa_offset_sigma=5e-3)
    # warm-up on a small array: imports, JIT/kernel cache, spline tables (not the big array's rows)
    read_margin(ms.Array1T1MTJ(rows=16, cols=16), var, read, n_samples=8, seed=0, method="mc")
    rss0 = _maxrss_mb()
    n = args.scale_size
    arr = ms.Array1T1MTJ(rows=n, cols=n)
    t0 = time.perf_counter()
    res = read_margin(arr, var, read, n_samples=args.scale_child, seed=1, method="mc", executor="serial")
    wall = time.perf_counter() - t0
    rss = _maxrss_mb()
    # the same run again, cold (solver caches cleared), with the Python and numpy allocations traced
    import tracemalloc

    from mramsim.array.solver import clear_caches

    clear_caches()
    tracemalloc.start()
    read_margin(arr, var, read, n_samples=args.scale_child, seed=1, method="mc", executor="serial")
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    tm = res.timings
    print(json.dumps({"samples": args.scale_child, "setup": tm["setup"], "mc": tm["mc"], "total": tm["total"],
                      "wall": wall, "rss0": rss0, "rss": rss, "traced": traced, "row": res.inputs.selected_row,
                      "reads": res.mc["n_reads"], "ber": res.ber}))


def _scale(args):
    n = args.scale_size
    print(f"\n3. Scale: read_margin on {n} x {n} (worst of 8 rows by the closed form, current-midpoint reference, "
          "serial, method='mc'), each run in a fresh process")
    print(f"  {'samples':>8s} {'setup s':>8s} {'MC s':>8s} {'total s':>8s} {'setup %':>8s} "
          f"{'peak RSS MB':>12s} {'traced peak MB':>15s}")
    base = [sys.executable, os.path.abspath(__file__), "--scale-size", str(n)] + (["--numpy"] if args.numpy else [])
    rows = []
    for n_s in (args.scale_samples, max(1, args.scale_samples // 4)):
        out = subprocess.run(base + ["--scale-child", str(n_s)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"  {r['samples']:8d} {r['setup']:8.2f} {r['mc']:8.2f} {r['total']:8.2f} "
              f"{100 * r['setup'] / r['total']:7.1f}% {r['rss']:12.0f} {r['traced']:15.1f}")
    big = rows[0]
    frac = big["setup"] / big["total"]
    verdict = "met" if frac < 0.2 else "NOT met"
    print(f"  setup fraction at {big['samples']} samples: {frac:.1%} (target < 20 %: {verdict}); "
          f"row read {big['row']}, {big['reads']} bit reads, BER {big['ber']:.3g}")
    print(f"  memory: peak RSS of the process {rows[1]['rss']:.0f} MB at {rows[1]['samples']} samples, "
          f"{big['rss']:.0f} MB at {big['samples']} samples ({rows[1]['rss0']:.0f} / {big['rss0']:.0f} MB after "
          f"imports and warm-up); peak of the allocations of read_margin (tracemalloc, a second cold run) "
          f"{rows[1]['traced']:.1f} MB and {big['traced']:.1f} MB")


if __name__ == "__main__":
    main()
