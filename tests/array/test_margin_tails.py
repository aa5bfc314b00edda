"""Tails that cannot silently miss a mode: reference-cell defects and a read failing in two regions.

Both cases have an exact answer by one-dimensional quadrature of the read
model (the only continuous variables are the sense-amplifier offset, normal,
and at most one die variable), so the estimators are checked against it:
within 20 % and with 95 % intervals that contain it in >= 90 % of the seeds.
"""
import math

import numpy as np
import pytest
from scipy.special import ndtr

import mramsim as ms
from mramsim.array.margin import read_margin
from mramsim.array.margin.evaluate import ReadContext, evaluate_reads
from mramsim.array.margin.tails import _mixture, _run_is, design_points, narrow_context, strata
from mramsim.array.read import ReadScheme
from mramsim.array.solver import default_solver
from mramsim.array.variation import AnnealMap, Variation

SEEDS = range(20)


@pytest.fixture(scope="module")
def arr():
    return ms.Array1T1MTJ(rows=8, cols=8)


def _ctx(arr, var, read):
    return ReadContext(arr=arr, var=var, read=read, selected_row=arr.rows - 1, solver=default_solver())


def _sigma(read):
    return read.sa_offset_sigma * read.offset_scale()


def _exact_strata(ctx):
    """Per-state failure probability summed over the defect strata (offset the only continuous variable)."""
    out = {}
    worlds, _ = strata(ctx)
    for st in ("p", "ap"):
        acc = 0.0
        for _, fixed, w in worlds:
            u = np.zeros((1, ctx.arr.cols, len(ctx.names)))
            for j, v in fixed.items():
                u[..., j] = v
            acc += w * float(np.mean(ndtr(-evaluate_reads(ctx, u)[f"m_{st}"][0] / _sigma(ctx.read))))
        out[st] = acc
    return out


def _exact_two_lobe(ctx):
    """Per-state failure probability: quadrature over the die anneal variable, offset in closed form."""
    ja = ctx.names.index("die.anneal")
    a = np.linspace(-8, 8, 3201)
    u = np.zeros((a.size, ctx.arr.cols, len(ctx.names)))
    u[..., ja] = a[:, None]
    o = evaluate_reads(ctx, u)
    w = np.exp(-a * a / 2) / math.sqrt(2 * math.pi) * (a[1] - a[0])
    return {st: float(w @ np.mean(ndtr(-o[f"m_{st}"] / _sigma(ctx.read)), axis=1)) for st in ("p", "ap")}


def _coverage(ctx, state, exact):
    """Mixture IS of one state over the seeds: (fraction of 95 % intervals containing ``exact``, median rel. error)."""
    nom = evaluate_reads(ctx, np.zeros((1, ctx.arr.cols, len(ctx.names))))
    col = int(np.argmin(nom[f"m_{state}"][0]))
    dctx, dcol = narrow_context(ctx, col)
    worlds, _ = strata(ctx)
    dps = [design_points(dctx, dcol, fixed=f, state=state) for _, f, _ in worlds]
    hit, err = 0, []
    for seed in SEEDS:
        p = v = 0.0
        for (_, fixed, w), dp in zip(worlds, dps):
            means, log_a = _mixture([u for u, b in dp if b > 0])
            r = _run_is(ctx, state, means, log_a, fixed, seed, 0, block_size=64, executor="serial", n_start=128,
                        n_max=1 << 14, rel_ci=0.1, chunk_blocks=None)
            p += w * r["p"]
            v += w * w * r["var"]
        half = 1.96 * math.sqrt(v)
        hit += (p - half <= exact <= p + half)
        err.append(abs(p / exact - 1))
    return hit / len(SEEDS), float(np.median(err)), dps


def test_reference_cell_defects_are_a_stratum(arr):
    """A defective AP reference cell (R_AP ~ R_P) puts the reference on the P level: P reads fail
    half the time. The former estimator conditioned on the data cell only (rate/2 exactly)."""
    ctx = _ctx(arr, Variation(defect_rate=1e-6, defect_tmr=0.02), ReadScheme(v_read=0.15, sa_offset_sigma=0.012))
    exact = _exact_strata(ctx)
    assert 0.5 * (exact["p"] + exact["ap"]) > 1.3 * 0.5e-6          # the reference defects matter
    for st in ("p", "ap"):
        cover, med, _ = _coverage(ctx, st, exact[st])
        assert cover >= 0.9 and med < 0.2, (st, cover, med)
    res = read_margin(arr, ctx.var, ctx.read, seed=0, method="is", selected_row=arr.rows - 1, n_samples=0,
                      ir_rows=2)
    assert res.ber == pytest.approx(0.5 * (exact["p"] + exact["ap"]), rel=0.2)


def test_two_failure_regions_both_sampled(arr):
    """Die TMR peaks at mid-wafer (anneal map): reads fail at the center and at the edge of the
    wafer; the design-point search finds both lobes and the mixture samples both."""
    T = np.linspace(600, 700, 41)
    amap = AnnealMap(t_center=600, t_edge=700, response=(T, np.ones(T.size), 1 - 0.55 * ((T - 650) / 50) ** 2))
    ctx = _ctx(arr, Variation(anneal=amap), ReadScheme(v_read=0.15, sa_offset_sigma=0.012))
    exact = _exact_two_lobe(ctx)
    cover, med, dps = _coverage(ctx, "p", exact["p"])
    ja = ctx.names.index("die.anneal")
    signs = {np.sign(u[ja]) for u, b in dps[0]}
    assert signs == {-1.0, 1.0}                                       # one design point in each lobe
    assert cover >= 0.9 and med < 0.2, (cover, med)
