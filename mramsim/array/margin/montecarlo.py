r"""Plain Monte Carlo of the read margin, in random blocks through the executors.

``k`` failures in ``n`` reads per state; 95 % two-sided Clopper-Pearson
interval (exact binomial; C. J. Clopper and E. S. Pearson, Biometrika 26, 404
(1934)): ``[B(a/2; k, n-k+1), B(1-a/2; k+1, n-k)]``.

Random streams go through :func:`mramsim.parallel.executor.map_blocks`
(``SeedSequence(seed, spawn_key=(block,))``) with a block size fixed by the
array width, so results are identical for any chunking and executor.

A block draws ``rng.standard_normal((samples, cols, n_vars))`` (in sub-blocks
of samples; the same stream) straight into the planes of
:func:`~mramsim.array.margin.evaluate.plane_layout`, solves them with
:func:`~mramsim.array.margin.evaluate.read_signals` and forms the margins and
their sums; with numba the draw and the margin pass are compiled
(:mod:`mramsim.array.solver.kernels`), with the same numbers.
"""
from __future__ import annotations

import math
from functools import partial

import numpy as np
from scipy.stats import beta as _beta

from ...parallel.executor import map_blocks
from ..read import split_u
from ..solver import CHUNK
from ..variation import cell_scales
from ..solver import newton
from .evaluate import offset_factor, plane_layout, read_signals
from .result import SAMPLE_KEYS, KeptSamples, MonteCarloEstimate, StateMonteCarlo, WorstRead

__all__ = ["clopper_pearson", "run_monte_carlo", "CELLS_PER_BLOCK", "SUB_BLOCK_CELLS"]

#: Target number of cell reads per random block (block size = this // cols).
CELLS_PER_BLOCK = 262144
#: Cell reads drawn and evaluated at once inside a Monte Carlo block (cache-sized; the results do not depend
#: on it: the same numbers are drawn, and the sub-blocks are whole solver chunks when every column of the
#: array is a data column).
#: 256 x 256, compiled kernels: 65536 and 131072 measured ~2.2e7 cell solves/s of CPU time, 262144 ~5-10 % less.
SUB_BLOCK_CELLS = 65536


def clopper_pearson(k, n, conf=0.95):
    """Exact (Clopper-Pearson) binomial confidence interval [-].

    Parameters
    ----------
    k : int
        Failures [-].
    n : int
        Trials [-], > 0.
    conf : float
        Confidence level [-].
    """
    a = 1.0 - conf
    lo = 0.0 if k == 0 else float(_beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(_beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def _sub_rows(ctx):
    """Samples per sub-block of a Monte Carlo block (cache-sized, aligned to the solver's chunks)."""
    per_chunk = max(1, CHUNK // ctx.arr.n_cols)
    return per_chunk * max(1, SUB_BLOCK_CELLS // (per_chunk * ctx.arr.cols))


def _draw_planes(rng, planes, pos, r0, r1, rows=32, kern=None):
    """Fill ``planes[pos[j], r0 + s, c]`` with ``u[s, c, j]``, ``u = rng.standard_normal((r1 - r0, nc, len(pos)))``.

    The compiled :func:`~mramsim.array.solver.kernels.normals_planar` when
    ``kern`` is given, else numpy in slabs of ``rows`` samples (the same
    numbers: the generator's stream does not depend on how a draw is split).
    """
    nc = planes.shape[2]
    d = len(pos)
    if not d:
        return
    if kern:
        kern.normals_planar(rng, planes, pos, r0, r1)
        return
    for a in range(r0, r1, rows):
        b = min(r1, a + rows)
        planes[pos, a:b, :] = rng.standard_normal((b - a, nc, d)).transpose(2, 0, 1)


def _block_stats(m, n_worst):
    """Failures, per-column sums of m and m^2, and the flat indices of the ``n_worst`` smallest of ``m``."""
    flat = m.ravel()
    k = min(n_worst, flat.size)
    if m.shape[0] > 4 * k:
        # the k smallest margins lie in the k samples (rows) with the smallest row minima
        rows_k = np.sort(np.argpartition(m.min(axis=1), k - 1)[:k])
        sub = m[rows_k].ravel()
        j = np.argpartition(sub, k - 1)[:k]
        si, ci = rows_k[j // m.shape[1]], j % m.shape[1]
    else:
        idx = np.argpartition(flat, k - 1)[:k]
        si, ci = np.unravel_index(idx, m.shape)
    return si, ci


def _mc_block(start, stop, rng, *, ctx, n_keep, n_worst):
    n = stop - start
    nc = ctx.arr.cols
    lay = plane_layout(ctx.var, ctx.read)
    kern = newton.compiled_kernels()
    planes = np.empty((lay.n_planes, n, nc))
    # draw and evaluate in cache-sized sub-blocks of samples (every read is independent and elementwise in
    # u, and the stream is drawn sample after sample, so the numbers are those of one draw and one call)
    keep = max(0, min(stop, n_keep) - start)
    m = {"p": np.empty((n, nc)), "ap": np.empty((n, nc))}
    kept = {k: [] for k in ("s_p", "s_ap", "s_ref")}
    acc = np.zeros((4, nc))
    fails = [0, 0]
    q = ctx.read.polarity
    c = offset_factor(ctx.read)
    step = _sub_rows(ctx)
    for r0 in range(0, n, step):
        r1 = min(n, r0 + step)
        _draw_planes(rng, planes, lay.pos, r0, r1, kern=kern)
        sub = planes[:, r0:r1]
        o = read_signals(ctx, sub, lay)
        s_ref = o["s_ref"]
        if kern:
            fixed = np.ndim(s_ref) == 0
            sr = np.full((1, 1), s_ref) if fixed else s_ref
            sa = o["sa"] if o["sa"] is not None else np.zeros((1, 1))
            fp, fa = kern.margin_stats(o["s_p"], o["s_ap"], sr, fixed, sa, o["sa"] is not None, c, q,
                                       m["p"][r0:r1], m["ap"][r0:r1], acc)
            fails[0] += fp
            fails[1] += fa
        else:
            mp, map_ = (np.subtract(o["s_p"], s_ref), np.subtract(s_ref, o["s_ap"])) if q == 1 else \
                (np.subtract(s_ref, o["s_p"]), np.subtract(o["s_ap"], s_ref))
            if o["sa"] is not None:
                delta = c * o["sa"]
                mp += delta
                map_ -= delta
            m["p"][r0:r1] = mp
            m["ap"][r0:r1] = map_
        if r0 < keep:
            for k in kept:
                kept[k].append(np.broadcast_to(o[k], o["s_p"].shape)[: keep - r0])
    res = {"n": n * nc}
    for i, st in enumerate(("p", "ap")):
        mm = m[st]
        if kern:
            res[f"fail_{st}"] = int(fails[i])
            res[f"sum_{st}"] = acc[2 * i].copy()
            res[f"sumsq_{st}"] = acc[2 * i + 1].copy()
        else:
            res[f"fail_{st}"] = int(np.count_nonzero(mm < 0))
            res[f"sum_{st}"] = mm.sum(axis=0)
            res[f"sumsq_{st}"] = (mm * mm).sum(axis=0)
        si, ci = _block_stats(mm, n_worst)
        k = si.size
        # the data-cell parameters of the worst reads (cell_scales is elementwise in u)
        u_w = planes[lay.pos[:, None], si, ci].T if len(lay.pos) else np.zeros((k, 0))
        cells, die, _ = split_u(u_w, ctx.var, ctx.read)
        rw, tw, vw = (np.broadcast_to(np.asarray(x, float), (k,))
                      for x in cell_scales(cells["cell"], die, ctx.var, ctx.arr.mtj))
        res[f"worst_{st}"] = [
            {"margin": float(mm[a, b]), "sample": int(start + a), "col": int(b),
             "r_scale": float(rw[i]), "tmr_scale": float(tw[i]), "vth_shift": float(vw[i])}
            for i, (a, b) in enumerate(zip(si, ci))
        ]
    out = {k: (np.concatenate(v, axis=0) if v else np.zeros((0, nc))) for k, v in kept.items()}
    out["m_p"], out["m_ap"] = m["p"][:keep].copy(), m["ap"][:keep].copy()
    res["keep"] = {k: out[k] for k in SAMPLE_KEYS}
    return res


def run_monte_carlo(ctx, n_samples, seed, executor, block_size, n_keep, n_worst, chunk_blocks, checkpoint_dir,
                    progress):
    """Plain Monte Carlo of ``n_samples`` samples (``cols`` reads each) of both states.

    Returns ``(MonteCarloEstimate, KeptSamples)``; arguments as in
    :func:`mramsim.array.margin.read_margin`.
    """
    func = partial(_mc_block, ctx=ctx, n_keep=n_keep, n_worst=n_worst)
    blocks = map_blocks(func, n_samples, seed=seed, block_size=block_size, executor=executor,
                        chunk_blocks=chunk_blocks, checkpoint_dir=checkpoint_dir, progress=progress,
                        desc="read_margin mc")
    n = sum(b["n"] for b in blocks)
    per_state = {}
    for st in ("p", "ap"):
        k = sum(b[f"fail_{st}"] for b in blocks)
        s1 = np.sum([b[f"sum_{st}"] for b in blocks], axis=0)
        s2 = np.sum([b[f"sumsq_{st}"] for b in blocks], axis=0)
        n_col = n / ctx.arr.cols
        mean_col = s1 / n_col
        var_tot = max(s2.sum() / n - (s1.sum() / n) ** 2, 0.0)
        worst = sorted((w for b in blocks for w in b[f"worst_{st}"]), key=lambda w: w["margin"])
        per_state[st] = StateMonteCarlo(
            fails=int(k), p=k / n, ci=clopper_pearson(k, n), mean=float(s1.sum() / n), std=math.sqrt(var_tot),
            mean_by_col=mean_col.tolist(), worst=[WorstRead(**w) for w in worst[:n_worst]])
    k_all = per_state["p"].fails + per_state["ap"].fails
    mc = MonteCarloEstimate(n_reads=n, p=per_state["p"], ap=per_state["ap"], ber=k_all / (2 * n),
                            ber_ci=clopper_pearson(k_all, 2 * n))
    keep = KeptSamples(**{k: np.concatenate([b["keep"][k] for b in blocks if b["keep"][k].size], axis=0)
                          if any(b["keep"][k].size for b in blocks) else np.zeros((0, ctx.arr.cols))
                          for k in SAMPLE_KEYS})
    return mc, keep
