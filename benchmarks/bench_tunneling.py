"""Speed and accuracy of the Tsu-Esaki energy integral on the RVTable grid.

Prints, in one run:

* the wall time of ``tsu_esaki_current_density`` on a 121-bias x 12-temperature
  grid (-0.6..0.6 V, 233.15..398.15 K) on one core -- target < 0.5 s;
* its energy-integration error against a converged reference (the same
  panelled Gauss-Legendre rule with 4x the nodes per panel, itself checked
  against 8x) -- target < 1e-4 relative (max over the grid).

Run: ``python benchmarks/bench_tunneling.py [--repeat N]``.
"""
from __future__ import annotations

import argparse
import os

# one core: keep any BLAS/OpenMP pools from spreading (numpy ufuncs are single-threaded anyway)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from mramsim.constants import eV  # noqa: E402
from mramsim.physics.tunneling import DEFAULT_ORDER, tsu_esaki_current_density  # noqa: E402

CASES = {
    # name: (phi1 [J], phi2 [J], d [m], m*/m_e)
    "MgO-like 1.0 nm, 0.525/0.575 eV, m*=0.35": (0.525 * eV, 0.575 * eV, 1.0e-9, 0.35),
    "MgO-like 2.0 nm, 0.9 eV, m*=0.35": (0.9 * eV, 0.9 * eV, 2.0e-9, 0.35),
    "AlOx-like 1.2 nm, 1.85/2.15 eV, m*=0.4": (1.85 * eV, 2.15 * eV, 1.2e-9, 0.4),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timing repeats (the minimum is reported)")
    args = ap.parse_args(argv)

    V = np.linspace(-0.6, 0.6, 121)[:, None]
    T = np.linspace(233.15, 398.15, 12)[None, :]
    print(f"grid: {V.size} bias x {T.size} temperatures, order {DEFAULT_ORDER} x 7 panels "
          f"= {7 * DEFAULT_ORDER} energy nodes per point")
    worst_t, worst_err = 0.0, 0.0
    for name, (p1, p2, d, mr) in CASES.items():
        tsu_esaki_current_density(V, T, p1, p2, d, mr)  # warm-up
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            J = tsu_esaki_current_density(V, T, p1, p2, d, mr)
            times.append(time.perf_counter() - t0)
        ref4 = tsu_esaki_current_density(V, T, p1, p2, d, mr, order=4 * DEFAULT_ORDER)
        ref8 = tsu_esaki_current_density(V, T, p1, p2, d, mr, order=8 * DEFAULT_ORDER)
        nz = V[:, 0] != 0
        err = np.max(np.abs(J[nz] / ref4[nz] - 1))
        ref_err = np.max(np.abs(ref4[nz] / ref8[nz] - 1))
        t = min(times)
        worst_t, worst_err = max(worst_t, t), max(worst_err, err)
        print(f"{name:42s} time {t * 1e3:7.1f} ms (min of {args.repeat})   "
              f"max rel error {err:.2e} (reference 4x vs 8x nodes: {ref_err:.1e})")
    ok_t = "OK" if worst_t < 0.5 else "MISSED"
    ok_e = "OK" if worst_err < 1e-4 else "MISSED"
    print(f"worst time {worst_t * 1e3:.1f} ms (target < 500 ms: {ok_t}); "
          f"worst energy-integration error {worst_err:.2e} (target < 1e-4: {ok_e})")


if __name__ == "__main__":
    main()
