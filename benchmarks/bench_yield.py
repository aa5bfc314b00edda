"""Deep-tail BER estimators and die yield against brute force, in one run.

Run: ``python benchmarks/bench_yield.py [--seeds 100] [--dies 2000]``.

Part 1 (per-read BER of one state-averaged bit at the far row of an 8 x 8
tile), per setup: the reference (exact: line integral over the one per-read
variable and quadrature over the die variable, :mod:`mramsim.array.yield_`;
or closed form in the SA offset), single mean-shift IS (the former
estimator: one design point, data-cell defects only), mixture IS (every
design point and defect stratum, defensive weights), cross-entropy IS (one
adaptive Gaussian per stratum, :func:`cross_entropy_ber`, independent of the
design points) and FORM; mean ratio to the reference, 95 % CI coverage over
seeds, time per estimate.

Part 2: die yield of 2048-bit dies (8 x 16 tiles), no ECC and t = 1..4, from
:func:`read_yield` vs whole-die brute force (:func:`simulate_dies`), and the
independent-bits yield for comparison; then column repair with 1, 2, 4
spare columns (no ECC) against the brute force.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy.special import ndtr

import mramsim as ms
from mramsim.array.ecc import die_yield
from mramsim.array.margin.evaluate import ReadContext, evaluate_reads, fixed_reference
from mramsim.array.margin.tails import cross_entropy_ber, _mixture, _run_is, design_point, design_points, narrow_context, strata
from mramsim.array.read import ReadScheme
from mramsim.array.solver import default_solver
from mramsim.array.variation import AnnealMap, Variation
from mramsim.array.yield_ import Sharing, _die_nodes, _Engine, read_yield, simulate_dies

ARR = ms.Array1T1MTJ(rows=8, cols=8)
ROW = ARR.rows - 1


def _ctx(var, read):
    c = ReadContext(arr=ARR, var=var, read=read, selected_row=ROW, solver=default_solver())
    return c.replace(s_ref_fixed=fixed_reference(c))


def exact_ber(ctx):
    """Per-state BER at ROW: line integral over one per-read variable x quadrature over die variables,
    or the closed form in the SA offset when that is the only continuous per-read variable."""
    names = ctx.names
    cont = [n for n in names if not n.endswith(".defect") and not n.startswith("die.")]
    if cont == ["sa.offset"]:
        sig = ctx.read.sa_offset_sigma * ctx.read.offset_scale()
        dies = [n for n in names if n.startswith("die.")]
        a = np.linspace(-8, 8, 3201) if dies else np.zeros(1)
        w = (np.exp(-a * a / 2) / math.sqrt(2 * math.pi) * (a[1] - a[0])) if dies else np.ones(1)
        out = {}
        worlds, _ = strata(ctx)
        for st in ("p", "ap"):
            acc = 0.0
            for _, fixed, wt in worlds:
                u = np.zeros((a.size, ARR.cols, len(names)))
                if dies:
                    u[..., names.index(dies[0])] = a[:, None]
                for j, v in fixed.items():
                    u[..., j] = v
                acc += wt * float(w @ np.mean(ndtr(-evaluate_reads(ctx, u)[f"m_{st}"] / sig), axis=1))
            out[st] = acc
        return 0.5 * (out["p"] + out["ap"])
    eng = _Engine(ctx, Sharing(), 32, (8.0, 129), 0)
    z, w, _ = _die_nodes(len(eng.lay.die), 65)
    shared = np.zeros((z.shape[0], ARR.cols, eng.d))
    shared[..., eng.lay.die] = z[:, None, :]
    return float(w @ eng.p_bit(ROW, shared).mean(axis=1))


def estimates(ctx, seeds, old=False):
    """(mean BER, coverage of ``ref`` later, seconds per estimate) of mean-shift (old) or mixture IS."""
    worlds, rest = strata(ctx)
    if old:   # the former estimator: data-cell defect only, one design point from the origin
        j = [i for i, n in enumerate(ctx.names) if n == "cell.defect"]
        others = [i for i, n in enumerate(ctx.names) if n.endswith(".defect") and n != "cell.defect"]
        base = {i: 40.0 for i in others}
        worlds = [("ok", {**base, **{i: 40.0 for i in j}}, 1 - ctx.var.defect_rate)]
        if j:
            worlds.append(("def", {**base, j[0]: -40.0}, ctx.var.defect_rate))
        if not j and not others:
            worlds = [("nominal", {}, 1.0)]
    runs = []
    t0 = time.perf_counter()
    plan = {}
    for st in ("p", "ap"):
        nom = evaluate_reads(ctx, np.zeros((1, ARR.cols, len(ctx.names))))
        col = int(np.argmin(nom[f"m_{st}"][0]))
        dctx, dcol = narrow_context(ctx, col)
        plan[st] = []
        for _, fixed, w in worlds:
            if old:
                try:
                    u, b = design_point(dctx, dcol, state=st, fixed=fixed)
                    dps = [(u, b)]
                except Exception:  # noqa: BLE001 - the former search could fail
                    dps = []
            else:
                dps = design_points(dctx, dcol, state=st, fixed=fixed)
            plan[st].append((fixed, w, dps))
    t_plan = time.perf_counter() - t0
    form = 0.0
    for st in ("p", "ap"):
        for fixed, w, dps in plan[st]:
            if dps:
                b0 = dps[0][1]
                form += 0.5 * w * (float(ndtr(-b0)) if (old or b0 <= 0) else min(1.0, sum(ndtr(-b) for _, b in dps)))
    t1 = time.perf_counter()
    for seed in seeds:
        p = v = 0.0
        for st in ("p", "ap"):
            for fixed, w, dps in plan[st]:
                shifts = [u for u, b in dps if b > 0]
                if old:
                    means, log_a = (np.vstack(shifts[:1]), np.zeros(1)) if shifts else (None, None)
                else:
                    means, log_a = _mixture(shifts)
                r = _run_is(ctx, st, means, log_a, fixed, seed, 0, block_size=64, executor="serial", n_start=128,
                            n_max=1 << 14, rel_ci=0.1, chunk_blocks=None)
                p += 0.5 * w * r["p"]
                v += 0.25 * w * w * r["var"]
        runs.append((p, 1.96 * math.sqrt(v)))
    per = (time.perf_counter() - t1) / len(seeds) + t_plan
    return runs, form, per


SETUPS = {
    "lognormal RA only": (Variation(ra_sigma=0.12), ReadScheme(v_read=0.15, reference="fixed")),
    "die RA, fixed ref": (Variation(ra_sigma=0.08, ra_die_sigma=0.08), ReadScheme(v_read=0.15, reference="fixed")),
    "die RA, midpoint ref": (Variation(ra_sigma=0.08, ra_die_sigma=0.10), ReadScheme(v_read=0.15)),
    "data-cell defects": (Variation(ra_sigma=0.06, defect_rate=1e-6, defect_tmr=0.02),
                          ReadScheme(v_read=0.15, reference="fixed")),
    "reference-cell defects": (Variation(defect_rate=1e-6, defect_tmr=0.02),
                               ReadScheme(v_read=0.15, sa_offset_sigma=0.012)),
}
_T = np.linspace(600, 700, 41)
SETUPS["two lobes (anneal map)"] = (
    Variation(anneal=AnnealMap(t_center=600, t_edge=700,
                               response=(_T, np.ones(_T.size), 1 - 0.55 * ((_T - 650) / 50) ** 2))),
    ReadScheme(v_read=0.15, sa_offset_sigma=0.012))


def part1(n_seeds):
    print(f"Part 1: per-read BER at row {ROW} of an 8 x 8 tile; {n_seeds} seeds; ratio = mean estimate / reference")
    print(f"{'setup':26s} {'reference':>10s} | {'IS(old) ratio':>13s} {'cover':>6s} {'s/est':>6s} | "
          f"{'mixIS ratio':>11s} {'cover':>6s} {'s/est':>6s} | {'CE ratio':>8s} {'cover':>6s} {'s/est':>6s} | "
          f"{'FORM(old)':>9s} {'FORM':>7s}")
    for name, (var, read) in SETUPS.items():
        ctx = _ctx(var, read)
        ref = exact_ber(ctx)
        cols = []
        forms = []
        for old in (True, False):
            runs, form, per = estimates(ctx, range(n_seeds), old=old)
            ps = np.array([r[0] for r in runs])
            cover = np.mean([abs(p - ref) <= h for p, h in runs])
            cols.append(f"{ps.mean() / ref:13.3f} {cover:6.2f} {per:6.2f}")
            forms.append(form / ref)
        t0 = time.perf_counter()
        ce = [cross_entropy_ber(ctx, seed=s) for s in range(n_seeds)]
        per = (time.perf_counter() - t0) / n_seeds
        pc = np.array([r.p for r in ce])
        cc = np.mean([r.ci[0] <= ref <= r.ci[1] for r in ce])
        print(f"{name:26s} {ref:10.3e} | {cols[0]} | {cols[1].replace('          ', '', 0)} | "
              f"{pc.mean() / ref:8.3f} {cc:6.2f} {per:6.2f} | {forms[0]:9.3f} {forms[1]:7.3f}")


def part2(n_dies):
    arr = ms.Array1T1MTJ(rows=8, cols=16)
    codes = ("none", "secded", "bch2", "bch3", "bch4")
    print(f"\nPart 2: die yield, 2048-bit dies (8 x 16 tiles), brute force {n_dies} whole dies")
    for name, var, read in (("die RA, fixed ref", Variation(ra_sigma=0.10, ra_die_sigma=0.08),
                             ReadScheme(v_read=0.15, reference="fixed")),
                            ("die RA, midpoint ref + SA", Variation(ra_sigma=0.10, ra_die_sigma=0.05),
                             ReadScheme(v_read=0.15, sa_offset_sigma=4e-3))):
        t0 = time.perf_counter()
        y = read_yield(arr, var, read, 2048, ecc=codes, grid=(8, 65))
        ta = time.perf_counter() - t0
        bf = simulate_dies(arr, var, read, 2048, ecc=codes, n_dies=n_dies, seed=5)
        print(f"{name}: analytic {ta:.1f} s, brute force {bf.seconds:.1f} s, BER {y.ber:.3g}")
        for c in codes:
            lo, hi = bf.die_yield_ci[c]
            a = y.code(c).die_yield
            print(f"  {c:7s} analytic {a:.4f}  brute force {bf.die_yield[c]:.4f} [{lo:.4f}, {hi:.4f}] "
                  f"{'inside' if lo <= a <= hi else 'OUTSIDE'}  independent bits {float(die_yield(y.ber, 2048, c)):.4f}")
    print(f"\nPart 2b: column repair (no ECC), 256 data columns + s spares, brute force {n_dies} whole dies")
    for name, var, read, sh, nd in (("die RA, fixed ref", Variation(ra_sigma=0.10, ra_die_sigma=0.08),
                                     ReadScheme(v_read=0.15, reference="fixed"), None, 0),
                                    ("midpoint ref, shared SA/ref", Variation(ra_sigma=0.10, ra_die_sigma=0.05),
                                     ReadScheme(v_read=0.15, sa_offset_sigma=4e-3),
                                     Sharing(cols_per_sa=4, cols_per_ref=8), 256)):
        sp = (1, 2, 4)
        t0 = time.perf_counter()
        y = read_yield(arr, var, read, 2048, ecc=("none",), grid=(8, 65), spares=sp, sharing=sh, n_dies=nd)
        ta = time.perf_counter() - t0
        bf = simulate_dies(arr, var, read, 2048, ecc=("none",), n_dies=n_dies, seed=5, spares=sp, sharing=sh)
        print(f"{name}: analytic {ta:.1f} s, brute force {bf.seconds:.1f} s")
        for c in ("none",) + tuple(f"spares{s}" for s in sp):
            lo, hi = bf.die_yield_ci[c]
            cy = y.code(c)
            ok = cy.die_yield_ci[0] <= hi and cy.die_yield_ci[1] >= lo
            print(f"  {c:7s} analytic {cy.die_yield:.4f} [{cy.die_yield_ci[0]:.4f}, {cy.die_yield_ci[1]:.4f}]  "
                  f"brute force {bf.die_yield[c]:.4f} [{lo:.4f}, {hi:.4f}] {'overlap' if ok else 'DISJOINT'}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--dies", type=int, default=2000)
    a = ap.parse_args()
    part1(a.seeds)
    part2(a.dies)
