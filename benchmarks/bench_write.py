"""Write path: Fokker-Planck WER curve time and accuracy, stochastic-LLGS throughput.

* FP: one WER(t) curve of a perpendicular macrospin (Delta = 60, I = 3 I_c0, pulse up to
  8 tau_D where WER ~ 1e-12), default settings (800 and 400 cells, 800 and 1600 backward-Euler
  steps, Richardson-extrapolated in both); best of ``--repeats`` wall times; numerical error =
  relative difference to a run with 4x the cells and steps, at the end of the curve. Also a
  WER-vs-current curve (10 currents, fixed 20 ns pulse) for the default FreeLayer.
* LLGS: macrospin Heun steps per second on one thread (per core) and on all numba threads,
  trajectories per second for a 10 ns write of the default FreeLayer (alpha = 0.01,
  dt = 0.01 reduced ~ 0.28 ps), and the ratio to the cost Arm's MRAM framework reports for
  its s-LLGS (doc/README.md of ARM-software/mram_simulation_framework: 10,000 trajectories
  took about 1,150 CPU-hours). Their step count per trajectory is not stated there, so the
  ratio compares trajectories, not steps.
* The machine's load average is printed: on a shared machine the numbers are lower bounds.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_write.py`` (about a minute).
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

from mramsim.physics.switching import FreeLayer, fp_wer, write_error_rate
from mramsim.physics.switching.macrospin import GAMMA, MU0
from mramsim.physics.switching.llgs import llgs_wer

ARM_CPU_S_PER_TRAJ = 1150 * 3600 / 10_000


def _best(fn, repeats):
    best = np.inf
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--traj", type=int, default=2000, help="LLGS trajectories for the throughput run")
    args = ap.parse_args(argv)
    print(f"load average (1, 5, 15 min): {os.getloadavg()}, cpus: {os.cpu_count()}")

    t_fp, sol = _best(lambda: fp_wer(8.0, 3.0, 60.0), args.repeats)  # 800 cells, 800 steps
    ref = fp_wer(8.0, 3.0, 60.0, n_cells=3200, n_steps=3200)
    err = abs(sol.wer[-1] / ref.wer[-1] - 1)
    print(f"FP WER(t) curve to WER = {sol.wer[-1]:.3g}: {t_fp:.3f} s  (801 points; relative error at the "
          f"end vs 4x cells and steps: {err:.2%}; before extrapolation: time step {sol.dt_error[-1]:.1%}, "
          f"grid {sol.dx_error[-1]:.1%})")

    fl = FreeLayer()
    ic0 = fl.ic0()
    currents = ic0 * np.linspace(1.5, 4.0, 10)
    t_iv, res = _best(lambda: [write_error_rate(fl, I, 20e-9) for I in currents], 1)
    print(f"FP WER vs current (10 currents, 20 ns, incl. switching-time moments): {t_iv:.2f} s; "
          f"I_c0 = {ic0 * 1e6:.1f} uA, Delta = {fl.delta():.1f}, tau_D = {fl.tau_d() * 1e9:.2f} ns; "
          f"WER = {', '.join(f'{r.wer[0]:.2g}' for r in res)}")

    # LLGS throughput: short runs, alpha = 0.1 (steps per second do not depend on it)
    llgs_wer(0.1, 2.0, 40.0, alpha=0.1, n_traj=2, dt=0.01, n_out=1, seed=0)  # compile / load cache
    r1 = llgs_wer(2.0, 2.0, 40.0, alpha=0.1, n_traj=args.traj, dt=0.01, n_out=4, seed=1, threads=1)
    import numba

    nth = numba.get_num_threads()
    rn = llgs_wer(2.0, 2.0, 40.0, alpha=0.1, n_traj=args.traj, dt=0.01, n_out=4, seed=1)
    print(f"LLGS: {r1.steps_per_second:.3g} macrospin steps/s on 1 thread (per core); "
          f"{rn.steps_per_second:.3g} on {nth} threads")
    steps_10ns = 10e-9 * GAMMA * MU0 * fl.hk / (1 + fl.alpha**2) / 0.01
    traj_s = r1.steps_per_second / steps_10ns
    print(f"LLGS trajectories/s per core for a 10 ns write (alpha {fl.alpha}, {steps_10ns:.3g} steps): "
          f"{traj_s:.3g}; Arm framework ~{ARM_CPU_S_PER_TRAJ:.0f} CPU-s per trajectory -> "
          f"ratio {ARM_CPU_S_PER_TRAJ * traj_s:.3g}x; 10,000 trajectories: {10_000 / traj_s / 3600:.3g} CPU-hours")

    array_write(fl)


def array_write(fl):
    """Array-level WER of a write through the 1T-1MTJ path, importance sampling vs plain Monte Carlo at ~1e-4."""
    from mramsim.array.write import WriteCircuit, WriteVariation, array_wer, default_table
    from mramsim.compact.presets import preset_model

    cm = preset_model("cofeb_mgo")
    var = WriteVariation()
    t0 = time.perf_counter()
    table = default_table(fl, 3.0, 30e-9 / fl.tau_d(), var, n_i=18, n_cells=200)
    t_tab = time.perf_counter() - t0
    circuit = WriteCircuit(v_write=0.9)
    t0 = time.perf_counter()
    is_ = array_wer(cm, circuit, "P->AP", fl, 10e-9, var, method="is", n=4000, seed=3, table=table)
    t_is = time.perf_counter() - t0
    t0 = time.perf_counter()
    mc = array_wer(cm, circuit, "P->AP", fl, 10e-9, var, method="mc", n=20000, seed=4, table=table)
    t_mc = time.perf_counter() - t0
    z = abs(is_.wer - mc.wer) / np.hypot(is_.std_err, mc.std_err)
    print(f"array WER, P->AP, 0.9 V, 10 ns, cell + die variation (WER table {t_tab:.1f} s): "
          f"IS {is_.wer:.4g} +- {is_.std_err:.2g} (4000 samples, {t_is:.2f} s) vs plain MC {mc.wer:.4g} +- "
          f"{mc.std_err:.2g} (20000 samples, {t_mc:.2f} s): {z:.2f} sigma apart; IS standard error "
          f"{mc.std_err / is_.std_err:.1f}x smaller with 5x fewer samples")


if __name__ == "__main__":
    main()
