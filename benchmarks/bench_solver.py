"""Array read solver vs ngspice: time per operating point, throughput, agreement.

For a 64x64 and a 128x128 1T-1MTJ array (MTJ: the cofeb_mgo preset fitted by
``fit_compact``; default AccessNMOS and Wires; far row read, random states,
V_read = 0.15 V, 27 C):

* ngspice: wall time of one ``.op`` of the whole array netlist (one Monte
  Carlo sample = one operating point), best of ``--spice-repeats`` runs;
* solver: :func:`mramsim.array.solver.read_currents` over ``--samples``
  Monte Carlo samples (lognormal r_scale 5 %, tmr_scale 5 %, vth_shift
  20 mV) at once; cell reads per second = samples x cols / time (wall and
  CPU time, best of ``--repeats``);
* ratio: ngspice time per sample / solver time per sample;
* Newton kernel: the compiled numba kernel (its JIT compile time printed
  separately, excluded from the throughput by a warm-up) or, with
  ``--numpy`` or without numba, the numpy kernels;
* agreement: max relative difference of the selected-cell currents, solver vs
  ngspice, for the nominal read and one Monte Carlo sample.

Run: ``.venv/bin/python benchmarks/bench_solver.py`` (a few minutes: ngspice takes ~10 s and ~45 s
per operating point of the two arrays with the fitted card).
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="64,128", help="square array sizes")
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--spice-repeats", type=int, default=2)
    ap.add_argument("--v-read", type=float, default=0.15)
    ap.add_argument("--temp", type=float, default=300.15, help="temperature [K]")
    ap.add_argument("--numpy", action="store_true", help="use the numpy Newton kernels (no numba)")
    args = ap.parse_args(argv)

    import mramsim.array.solver as solver_mod
    from mramsim.array.solver import read_currents
    from mramsim.circuit.graph import Array1T1MTJ
    from mramsim.array.crosscheck import spice_cross_check
    from mramsim.circuit.netlist import array_netlist
    from mramsim.compact.presets import preset_model
    from mramsim.circuit.sim.ngspice import run_ngspice

    from mramsim.array.solver import newton

    if args.numpy:
        newton.use_compiled(False)
    kern = newton.compiled_kernels()
    if kern:
        import numba

        print(f"Newton kernel: numba {numba.__version__} (JIT compile {kern.compile_seconds():.2f} s, "
              "excluded from the timings: every size is warmed up first)")
    else:
        print("Newton kernel: numpy (numba not importable or --numpy)")
    t0 = time.perf_counter()
    cm = preset_model("cofeb_mgo")
    print(f"MTJ model: cofeb_mgo preset, 400 C / 1 h / Ta anneal, fitted in {time.perf_counter() - t0:.1f} s "
          f"(R_P0 = {cm.r_p0:.0f} ohm, TMR0 = {cm.tmr0 * 100:.0f} %)")
    print(f"read: far row, random states (seed 0), V_read = {args.v_read} V, T = {args.temp - 273.15:.0f} C, "
          f"{args.samples} Monte Carlo samples\n")
    header = (f"{'array':>9} {'ngspice s/op':>12} {'ngspice reads/s':>15} {'solver s':>9} {'solver reads/s':>14} "
              f"{'(CPU)':>9} {'setup s':>8} {'iter':>4} {'speed-up/sample':>15} {'max rel diff':>12}")
    print(header)
    print("-" * len(header))
    for n in (int(x) for x in args.sizes.split(",")):
        rng = np.random.default_rng(0)
        arr = Array1T1MTJ(n, n, mtj=cm)
        states = rng.integers(0, 2, (n, n))
        row = n - 1
        # ngspice, one operating point (netlist writing not timed)
        text = array_netlist(arr, selected_row=row, states=states, v_read=args.v_read, temperature=args.temp)
        t_sp = []
        for _ in range(args.spice_repeats):
            t = time.perf_counter()
            run_ngspice(text, timeout=600)
            t_sp.append(time.perf_counter() - t)
        t_op = min(t_sp)
        # solver, many samples at once
        S = args.samples
        smp = {"r_scale": rng.lognormal(0.0, 0.05, (S, n)), "tmr_scale": rng.normal(1.0, 0.05, (S, n)),
               "vth_shift": rng.normal(0.0, 0.02, (S, n))}
        read_currents(arr, selected_row=row, states=states, v_read=args.v_read, temperature=args.temp,
                      **{k: v[:8] for k, v in smp.items()})                       # warm-up (imports)
        # one-time setup of a read configuration (ladder reduction, MTJ spline, nominal solve):
        # cached per array, so it is timed separately, with the caches cleared
        solver_mod.clear_caches()
        w = time.perf_counter()
        read_currents(arr, selected_row=row, states=states, v_read=args.v_read, temperature=args.temp,
                      **{k: v[:1] for k, v in smp.items()})
        t_setup = time.perf_counter() - w
        best_wall = best_cpu = np.inf
        for _ in range(args.repeats):
            w, c = time.perf_counter(), time.process_time()
            sol = read_currents(arr, selected_row=row, states=states, v_read=args.v_read, temperature=args.temp,
                                **smp)
            best_wall = min(best_wall, time.perf_counter() - w)
            best_cpu = min(best_cpu, time.process_time() - c)
        reads = S * n
        # agreement on the same netlist: nominal and one Monte Carlo sample
        one = {k: v[0] for k, v in smp.items()}
        d0 = spice_cross_check(arr, selected_row=row, states=states, v_read=args.v_read, temperature=args.temp)
        d1 = spice_cross_check(arr, selected_row=row, states=states, v_read=args.v_read, temperature=args.temp,
                               samples=one)
        # the batched solve gives the same answer for sample 0 as the single-sample one
        assert np.allclose(sol.i_cell[0], d1.i_solver, rtol=1e-9)
        agree = max(d0.max_rel_diff, d1.max_rel_diff)
        speedup = t_op / (best_wall / S)
        print(f"{n:>4}x{n:<4} {t_op:12.3f} {n / t_op:15.3g} {best_wall:9.3f} {reads / best_wall:14.3g} "
              f"{reads / best_cpu:9.3g} {t_setup:8.3f} {sol.iterations:4d} {speedup:15.3g} {agree:12.2e}")
    print("\nreads/s = selected cells solved per second (one core; CPU column from process time), after the"
          "\none-time setup of the read configuration ('setup s': ladder reduction, MTJ spline, nominal solve)."
          "\nspeed-up/sample = ngspice time per operating point / solver time per Monte Carlo sample "
          "(target >= 1000).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
