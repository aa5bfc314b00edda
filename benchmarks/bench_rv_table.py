"""Time a full rv_table (121 x 12) with coherent k-integration for each preset.

Target (issue 4): < 2 s per table on one core; MTJDevice(...).resistance for a
handful of points < ~50 ms (wafer maps evaluate one device per anneal temperature).

Run: .venv/bin/python benchmarks/bench_rv_table.py
"""
from __future__ import annotations

import time

import numpy as np

import mramsim as ms

V = np.linspace(-0.6, 0.6, 121)
T = np.linspace(233.15, 398.15, 12)
CASES = [("cofeb_mgo", ms.Anneal(673.15, 3600.0, "Ta")), ("fe_mgo_fe", None), ("cofe_alox", None)]


def best_of(fn, n=3):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    print(f"{'preset':<10} {'rv_table 121x12 [s]':>20} {'(grid only) [s]':>16} {'5-point R [ms]':>15} "
          f"{'new device+R [ms]':>18}")
    for name, anneal in CASES:
        stack = ms.Stack.preset(name)
        dev = ms.MTJDevice(stack, anneal)
        t_full = best_of(lambda: dev.rv_table(V, T))
        t_grid = best_of(lambda: dev.resistances(V[:, None], T[None, :]))
        t_pts = best_of(lambda: dev.resistance("AP", np.array([0.0, 0.1, 0.2, 0.3, 0.4]), 300.0), 5)
        t_new = best_of(lambda: ms.MTJDevice(stack, ms.Anneal(650.0, 3600.0, "Ta")).resistance("P", 0.1, 300.0), 5)
        print(f"{name:<10} {t_full:>20.3f} {t_grid:>16.3f} {1e3 * t_pts:>15.1f} {1e3 * t_new:>18.1f}")
    print("target: rv_table < 2 s; a handful of points < 50 ms")


if __name__ == "__main__":
    main()
