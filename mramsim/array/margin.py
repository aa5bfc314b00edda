r"""Read margin and bit-error rate: Monte Carlo, closed form (FORM), importance sampling.

One *read* of a bit draws ``u ~ N(0, I)`` over the active variables
(:func:`mramsim.array.read.u_layout`), maps it to the data cell, its reference
cells, the die and the sense-amplifier offset (:func:`evaluate_reads`, pure in
``u``), solves the selected row with the array solver (IR drop included) and
returns the P and AP margins ``m_P(u), m_AP(u)`` (read correct when > 0). The
per-bit error rate for equiprobable data is

.. math:: \mathrm{BER} = \tfrac12\,[P(m_P < 0) + P(m_{AP} < 0)].

Estimators
----------
Plain Monte Carlo
    ``k`` failures in ``n`` reads per state; 95 % two-sided Clopper-Pearson
    interval (exact binomial; Clopper & Pearson, Biometrika 26, 404 (1934)):
    ``[B(a/2; k, n-k+1), B(1-a/2; k+1, n-k)]``.
Closed form (FORM)
    The most probable failure point ``u* = argmin |u| s.t. m(u) = 0`` (found
    by the Hasofer-Lind / Rackwitz-Fiessler iteration with batched finite
    difference gradients) gives ``P = Phi(-beta)``, ``beta = |u*|``. This is
    exact when the margin is linear in ``u`` (Gaussian margin) or depends on
    one variable monotonically (lognormal RA alone); otherwise it is the
    first-order approximation (Hasofer & Lind, J. Eng. Mech. 100, 111 (1974);
    Rackwitz & Fiessler, Comput. Struct. 9, 489 (1978)).
Importance sampling
    Mean-shifted proposal ``q = N(u*, I)``, weights
    ``w = phi(u)/phi(u - u*) = exp(-u.u* + |u*|^2/2)``,
    ``P = E_q[1{m<0} w]``; the 95 % interval is ``P +- 1.96 s/sqrt(n)`` with
    ``s`` the sample standard deviation of ``1{m<0} w`` (Bucklew, *Introduction
    to Rare Event Simulation*, Springer 2004; Kanj, Joshi & Nassif, DAC 2006,
    for SRAM). Rounds of samples are added until the half-width is below
    ``is_rel_ci`` of the estimate. Crystallization defects (a discrete
    indicator) are handled by conditioning on the data cell being defective
    or not: ``P = (1-p_d) P_ok + p_d P_def``.

Random streams go through :func:`mramsim.parallel.executor.map_blocks`
(``SeedSequence(seed, spawn_key=(block,))``) with a block size fixed by the
array width, so results are identical for any chunking and executor.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import ndtr, ndtri
from scipy.stats import beta as _beta
from scipy.stats import binom as _binom

from .._validation import check_range
from ..errors import ConvergenceError, MramsimError, ParameterError
from .read import ReadScheme, split_u, u_layout
from .variation import Variation, cell_scales

__all__ = [
    "ReadMarginResult",
    "read_margin",
    "evaluate_reads",
    "ReadContext",
    "clopper_pearson",
    "design_point",
    "METHODS",
]

METHODS = ("auto", "mc", "is", "analytic")
#: Target number of cell reads per random block (block size = this // cols).
CELLS_PER_BLOCK = 262144
#: Cell reads evaluated at once inside a Monte Carlo block (keeps the temporaries in cache).
SUB_BLOCK_CELLS = CELLS_PER_BLOCK   # smaller sub-blocks measured no faster (256 x 256)
#: Large |u| used to condition the data cell's defect indicator.
_U_COND = 40.0


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


def _default_solver():
    try:
        from .solver import read_currents
    except ImportError as exc:  # pragma: no cover - depends on the solver helper
        raise MramsimError(f"mramsim.array.solver.read_currents is not available ({exc})") from exc
    return read_currents


def _map_blocks(func, n_items, *, seed, block_size, executor, chunk_blocks=None, checkpoint_dir=None,
                progress=False, desc=""):
    from ..parallel.executor import map_blocks

    return map_blocks(func, n_items, seed=seed, block_size=block_size, executor=executor,
                      chunk_blocks=chunk_blocks, checkpoint_dir=checkpoint_dir, progress=progress, desc=desc)


@dataclass(frozen=True, eq=False)
class ReadContext:
    """Everything a read evaluation needs (picklable for the executors).

    Parameters
    ----------
    arr : Array1T1MTJ
        Array (``rows``, ``cols``, ``mtj``).
    var : Variation
    read : ReadScheme
    selected_row : int
        Row being read [-].
    solver : callable
        ``read_currents``-compatible solver.
    s_ref_fixed : float or None
        Fixed reference signal in sensed units [A or V].
    """

    arr: object
    var: Variation
    read: ReadScheme
    selected_row: int
    solver: object
    s_ref_fixed: float | None = None

    @property
    def names(self):
        return u_layout(self.var, self.read)


def evaluate_reads(ctx: ReadContext, u, *, return_signals=False):
    """Margins of P and AP reads for standard normals ``u`` (pure in ``u``).

    Parameters
    ----------
    ctx : ReadContext
    u : ndarray, shape (samples, cols, n_vars)
        Standard normals, columns as :func:`u_layout`. Every (sample, col)
        entry is an independent read of the bit at column ``col`` of
        ``ctx.selected_row``.
    return_signals : bool
        Also return the sensed signals and the data-cell scales.

    Returns
    -------
    dict
        ``m_p``, ``m_ap`` (samples, cols) [A or V]; with ``return_signals``
        also ``s_p``, ``s_ap``, ``s_ref`` and ``r_scale``, ``tmr_scale``,
        ``vth_shift`` of the data cell.
    """
    arr, var, read = ctx.arr, ctx.var, ctx.read
    u = np.asarray(u, float)
    if u.ndim != 3 or u.shape[1] != arr.cols:
        raise ParameterError("u.shape", u.shape, f"(samples, {arr.cols}, n_vars)")
    out = _evaluate(ctx, u, return_signals)
    if return_signals and np.ndim(out["s_ref"]) == 0:
        out["s_ref"] = np.full(out["m_p"].shape, out["s_ref"])
    return out


def _evaluate(ctx: ReadContext, u, return_signals):
    """:func:`evaluate_reads` on a checked ``u``; a fixed reference stays a scalar ``s_ref``."""
    arr, var, read = ctx.arr, ctx.var, ctx.read
    ns, nc = u.shape[:2]
    cells, die, sa = split_u(u, var, read)
    cm = arr.mtj
    shape = (ns, nc)
    fast = _fast_solver(ctx.solver)
    scales = {}
    for name, loc in cells.items():
        r, t, v = cell_scales(loc, die, var, cm)
        scales[name] = tuple(_as_shape(x, shape) for x in (r, t, v))
    nref = read.n_ref_cells
    sig = {}
    for state, refs in ((0, [f"refP{i}" for i in range(nref)]), (1, [f"refAP{i}" for i in range(nref)])):
        group = ["cell"] + refs
        if len(group) == 1:                  # fixed reference: the data cell alone, no copy
            rs, ts, vs = scales["cell"]
        else:
            rs, ts, vs = (np.concatenate([scales[g][k] for g in group], axis=0) for k in range(3))
        if fast is not None:                 # inputs made here: the solver's private entry, no re-checks
            i_cell, v_mtj = fast(arr, ctx.selected_row, state, read.v_read, read.temperature, rs, ts, vs)
            s = i_cell if read.sensing == "current" else v_mtj
        else:
            sol = ctx.solver(arr, selected_row=ctx.selected_row, states=np.full(nc, state, dtype=np.int8),
                             v_read=read.v_read, temperature=read.temperature,
                             r_scale=rs, tmr_scale=ts, vth_shift=vs)
            s = np.asarray(sol.i_cell if read.sensing == "current" else sol.v_mtj, float)
        s = s.reshape(len(group), ns, nc)
        sig[state] = s
    s_p = sig[0][0]
    s_ap = sig[1][0]
    if nref == 1:                            # the mean of one cell is that cell (exactly)
        s_ref = sig[0][1] + sig[1][1]
        s_ref *= 0.5
    elif nref:
        s_ref = 0.5 * (sig[0][1:].mean(axis=0) + sig[1][1:].mean(axis=0))
    else:
        s_ref = np.float64(ctx.s_ref_fixed)
    q = read.polarity
    # m_P = q (s_P - s_ref) + delta, m_AP = -q (s_AP - s_ref) - delta (q = +-1; -(a - b) == b - a exactly)
    if q == 1:
        m_p = np.subtract(s_p, s_ref)
        m_ap = np.subtract(s_ref, s_ap)
    else:
        m_p = np.subtract(s_ref, s_p)
        m_ap = np.subtract(s_ap, s_ref)
    if sa is not None:
        delta = (read.sa_offset_sigma * read.offset_scale()) * sa
        m_p += delta
        m_ap -= delta
    out = {"m_p": m_p, "m_ap": m_ap}
    if return_signals:
        out.update(s_p=s_p, s_ap=s_ap, s_ref=s_ref, r_scale=scales["cell"][0],
                   tmr_scale=scales["cell"][1], vth_shift=scales["cell"][2])
    return out


def _as_shape(x, shape):
    """``x`` as a C-contiguous float64 array of ``shape`` (no copy when it already is one)."""
    a = np.asarray(x, float)
    if a.shape == shape and a.flags.c_contiguous:
        return a
    return np.ascontiguousarray(np.broadcast_to(a, shape))


def _fast_solver(solver):
    """The solver's private unchecked entry when ``solver`` is the default ``read_currents``."""
    from . import solver as _solver_mod

    if solver is getattr(_solver_mod, "read_currents", None):
        return getattr(_solver_mod, "_read_fast", None)
    return None


def _nominal(ctx: ReadContext, row=None):
    """Nominal signals/margins of every column (u = 0) at ``row``."""
    c = ctx if row is None else _with(ctx, selected_row=int(row))
    u = np.zeros((1, c.arr.cols, len(c.names)))
    return evaluate_reads(c, u, return_signals=True)


def _with(ctx, **kw):
    d = dict(arr=ctx.arr, var=ctx.var, read=ctx.read, selected_row=ctx.selected_row,
             solver=ctx.solver, s_ref_fixed=ctx.s_ref_fixed)
    d.update(kw)
    return ReadContext(**d)


def _fixed_reference(ctx: ReadContext):
    """Fixed reference signal (user value or the nominal resistance/voltage midpoint).

    The default is set once for the whole array, at its middle row (a fixed
    reference is trimmed for the array, not per row), so the IR drop moves
    the cells against it.
    """
    read = ctx.read
    if read.reference != "fixed":
        return None
    if read.sensing == "current" and read.r_ref is not None:
        return read.v_read / read.r_ref
    if read.sensing == "voltage" and read.v_ref is not None:
        return float(read.v_ref)
    # nominal array: no variation, at the middle row, averaged over columns
    nom_ctx = _with(ctx, var=Variation(), read=read.replace(reference="current-midpoint", n_ref_pairs=1,
                                                             sa_offset_sigma=0.0),
                    selected_row=int(ctx.arr.rows // 2))
    nom = _nominal(nom_ctx)
    if read.sensing == "current":
        r_path_p = read.v_read / nom["s_p"].mean()
        r_path_ap = read.v_read / nom["s_ap"].mean()
        return read.v_read / (0.5 * (r_path_p + r_path_ap))
    return 0.5 * (nom["s_p"].mean() + nom["s_ap"].mean())


# ----------------------------------------------------------------------------- Monte Carlo
def _sub_rows(ctx):
    """Samples per sub-block of a Monte Carlo block (cache-sized, aligned to the solver's chunks)."""
    from . import solver as _solver_mod

    per_chunk = max(1, getattr(_solver_mod, "_CHUNK", 8192) // ctx.arr.n_cols)
    return per_chunk * max(1, SUB_BLOCK_CELLS // (per_chunk * ctx.arr.cols))


def _normals_planar(rng, n, nc, d, rows=32):
    """``rng.standard_normal((n, nc, d))`` -- the same numbers -- stored one variable per plane.

    Drawn in slabs of ``rows`` samples (the generator's stream is the same
    however a draw is split) and transposed while in cache, so each variable
    ``u[..., j]`` is a contiguous (n, nc) array instead of a stride-``d`` view.
    """
    planes = np.empty((d, n, nc))
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        planes[:, r0:r1, :] = rng.standard_normal((r1 - r0, nc, d)).transpose(2, 0, 1)
    return np.moveaxis(planes, 0, -1)


def _mc_block(start, stop, rng, *, ctx, n_keep, n_worst):
    n = stop - start
    d = len(ctx.names)
    nc = ctx.arr.cols
    u = _normals_planar(rng, n, nc, d)
    # evaluate in cache-sized sub-blocks of samples (every read is independent and elementwise in u,
    # so the margins are those of one call on the whole block)
    keep = max(0, min(stop, n_keep) - start)
    out = {"m_p": np.empty((n, nc)), "m_ap": np.empty((n, nc))}
    kept = {k: [] for k in ("s_p", "s_ap", "s_ref")}
    step = _sub_rows(ctx)
    for r0 in range(0, n, step):
        r1 = min(n, r0 + step)
        o = _evaluate(ctx, u[r0:r1], r0 < keep)
        out["m_p"][r0:r1] = o["m_p"]
        out["m_ap"][r0:r1] = o["m_ap"]
        if r0 < keep:
            for k in kept:
                kept[k].append(np.broadcast_to(o[k], o["m_p"].shape)[: keep - r0])
    for k, v in kept.items():
        out[k] = np.concatenate(v, axis=0) if v else np.zeros((0, nc))
    res = {"n": n * nc}
    for st in ("p", "ap"):
        m = out[f"m_{st}"]
        res[f"fail_{st}"] = int(np.count_nonzero(m < 0))
        res[f"sum_{st}"] = m.sum(axis=0)
        res[f"sumsq_{st}"] = (m * m).sum(axis=0)
        flat = m.ravel()
        k = min(n_worst, flat.size)
        if m.shape[0] > 4 * k:
            # the k smallest margins lie in the k samples (rows) with the smallest row minima
            rows_k = np.sort(np.argpartition(m.min(axis=1), k - 1)[:k])
            sub = m[rows_k].ravel()
            j = np.argpartition(sub, k - 1)[:k]
            si, ci = rows_k[j // m.shape[1]], j % m.shape[1]
            idx = si * m.shape[1] + ci
        else:
            idx = np.argpartition(flat, k - 1)[:k]
            si, ci = np.unravel_index(idx, m.shape)
        # the data-cell parameters of the worst reads (cell_scales is elementwise in u)
        cells, die, _ = split_u(u[si, ci], ctx.var, ctx.read)
        rw, tw, vw = (np.broadcast_to(np.asarray(x, float), (k,))
                      for x in cell_scales(cells["cell"], die, ctx.var, ctx.arr.mtj))
        res[f"worst_{st}"] = [
            {"margin": float(flat[j]), "sample": int(start + a), "col": int(b),
             "r_scale": float(rw[i]), "tmr_scale": float(tw[i]), "vth_shift": float(vw[i])}
            for i, (j, a, b) in enumerate(zip(idx, si, ci))
        ]
    res["keep"] = {k: out[k][:keep].copy() for k in ("s_p", "s_ap", "s_ref", "m_p", "m_ap")}
    return res


def _run_mc(ctx, n_samples, seed, executor, block_size, n_keep, n_worst, chunk_blocks, checkpoint_dir,
            progress):
    func = partial(_mc_block, ctx=ctx, n_keep=n_keep, n_worst=n_worst)
    blocks = _map_blocks(func, n_samples, seed=seed, block_size=block_size, executor=executor,
                         chunk_blocks=chunk_blocks, checkpoint_dir=checkpoint_dir, progress=progress,
                         desc="read_margin mc")
    n = sum(b["n"] for b in blocks)
    out = {"n_reads": n}
    for st in ("p", "ap"):
        k = sum(b[f"fail_{st}"] for b in blocks)
        s1 = np.sum([b[f"sum_{st}"] for b in blocks], axis=0)
        s2 = np.sum([b[f"sumsq_{st}"] for b in blocks], axis=0)
        n_col = n / ctx.arr.cols
        mean_col = s1 / n_col
        var_tot = max(s2.sum() / n - (s1.sum() / n) ** 2, 0.0)
        out[st] = {
            "fails": int(k), "p": k / n, "ci": clopper_pearson(k, n),
            "mean": float(s1.sum() / n), "std": math.sqrt(var_tot),
            "mean_by_col": mean_col.tolist(),
        }
        worst = sorted((w for b in blocks for w in b[f"worst_{st}"]), key=lambda w: w["margin"])
        out[st]["worst"] = worst[:n_worst]
    k_all = out["p"]["fails"] + out["ap"]["fails"]
    out["ber"] = k_all / (2 * n)
    out["ber_ci"] = clopper_pearson(k_all, 2 * n)
    keep = {k: np.concatenate([b["keep"][k] for b in blocks if b["keep"][k].size], axis=0)
            if any(b["keep"][k].size for b in blocks) else np.zeros((0, ctx.arr.cols))
            for k in ("s_p", "s_ap", "s_ref", "m_p", "m_ap")}
    return out, keep


# ----------------------------------------------------------------------------- design point
def _shiftable(ctx):
    """Mask of the u columns the design-point search may move (not defect indicators)."""
    return np.array([not n.endswith(".defect") for n in ctx.names])


def _cond_index(ctx):
    names = ctx.names
    return names.index("cell.defect") if "cell.defect" in names else None


def _narrow_context(ctx, col, nom=None):
    """A one-column copy of the array when it reproduces column ``col`` exactly.

    The design-point search evaluates one bit; the solver treats the columns
    of the selected row as independent ladders, so a one-column array gives
    the same cell (checked here on the nominal margins to 1e-9 relative);
    otherwise the full array is used. Returns ``(ctx, col)`` to evaluate.
    """
    arr = ctx.arr
    if arr.cols == 1:
        return ctx, col
    try:
        from .sweeps import with_cols

        small = with_cols(arr, 1)
    except Exception:  # noqa: BLE001 - any failure: fall back to the full array
        return ctx, col
    c1 = _with(ctx, arr=small)
    try:
        a = _nominal(ctx) if nom is None else nom
        b = _nominal(c1)
    except Exception:  # noqa: BLE001
        return ctx, col
    for k in ("m_p", "m_ap"):
        if not np.isclose(b[k][0, 0], a[k][0, col], rtol=1e-9, atol=0.0):
            return ctx, col
    return c1, 0


def _g(ctx, U, state, col, fixed):
    """Margin of ``state`` at column ``col`` for a batch of u vectors ``U`` (m, d)."""
    U = np.array(U, float)
    for j, val in fixed.items():
        U[:, j] = val
    uu = np.broadcast_to(U[:, None, :], (U.shape[0], ctx.arr.cols, U.shape[1]))
    out = evaluate_reads(ctx, uu)
    return out[f"m_{state}"][:, col]


def design_point(ctx, col, *, state, fixed=None, tol=1e-6, max_iter=60, h=1e-4):
    r"""Most probable failure point of a read (HL-RF iteration).

    Minimises ``|u|`` subject to ``m(u) = 0`` with the Hasofer-Lind /
    Rackwitz-Fiessler update ``u <- (grad.u - m) grad / |grad|^2`` (damped
    when the margin grows), gradients by batched forward differences.

    Parameters
    ----------
    ctx : ReadContext
    col : int
        Column of the bit [-].
    state : {'p', 'ap'}
        Which read fails.
    fixed : dict, optional
        ``{u column: value}`` held fixed (conditioning).
    tol : float
        Convergence tolerance on the relative margin and the step [-].
    max_iter : int
        Iteration limit [-].
    h : float
        Finite-difference step in u [-].

    Returns
    -------
    u_star : ndarray (n_vars,)
        Design point (0 where not shiftable).
    beta : float
        ``|u*|``, negative when the nominal read already fails (then
        ``Phi(-beta)`` is the FORM failure probability either way).
    """
    fixed = dict(fixed or {})
    d = len(ctx.names)
    free = _shiftable(ctx).copy()
    for j in fixed:
        free[j] = False
    u = np.zeros(d)
    g0 = float(_g(ctx, u[None], state, col, fixed)[0])
    if not free.any():
        return u, (math.inf if g0 > 0 else -math.inf)
    if g0 == 0.0:
        return u, 0.0
    sign = 1.0 if g0 > 0 else -1.0
    scale = abs(g0)
    idx = np.flatnonzero(free)
    for _ in range(max_iter):
        U = np.repeat(u[None], len(idx) + 1, axis=0)
        U[np.arange(1, len(idx) + 1), idx] += h
        gv = _g(ctx, U, state, col, fixed) / scale
        g = gv[0]
        grad = np.zeros(d)
        grad[idx] = (gv[1:] - g) / h
        gn2 = float(grad @ grad)
        if gn2 == 0.0:
            raise ConvergenceError(f"design point: margin of {state} insensitive to every variable")
        u_new = ((grad @ u - g) / gn2) * grad
        step = u_new - u
        # damping: keep |g| decreasing along the HL-RF direction
        lam = 1.0
        for _ in range(8):
            trial = u + lam * step
            gt = float(_g(ctx, trial[None], state, col, fixed)[0]) / scale
            if abs(gt) <= max(abs(g), 1e-3) or lam < 0.02:
                break
            lam *= 0.5
        u = trial
        if np.linalg.norm(lam * step) < tol * max(1.0, np.linalg.norm(u)) and abs(gt) < 1e-5:
            return u, sign * float(np.linalg.norm(u))
    if abs(gt) < 1e-3:
        return u, sign * float(np.linalg.norm(u))
    raise ConvergenceError(
        f"design point for the {state.upper()} read did not converge in {max_iter} iterations "
        f"(relative margin {gt:.3g} at |u| = {np.linalg.norm(u):.3g})"
    )


# ----------------------------------------------------------------------------- importance sampling
def _is_block(start, stop, rng, *, ctx, state, shift, fixed):
    n = stop - start
    d = len(ctx.names)
    z = rng.standard_normal((n, ctx.arr.cols, d))
    u = z + shift
    for j, val in fixed.items():
        u[..., j] = val
    logw = -(u @ shift) + 0.5 * float(shift @ shift)
    m = evaluate_reads(ctx, u)[f"m_{state}"]
    x = np.where(m < 0, np.exp(logw), 0.0)
    return {"n": x.size, "s1": float(x.sum()), "s2": float((x * x).sum()), "hits": int(np.count_nonzero(m < 0))}


def _run_is(ctx, state, shift, fixed, seed, tag, *, block_size, executor, n_start, n_max, rel_ci, chunk_blocks):
    s1 = s2 = 0.0
    n = hits = 0
    rnd = 0
    n_round = n_start
    while True:
        func = partial(_is_block, ctx=ctx, state=state, shift=shift, fixed=fixed)
        blocks = _map_blocks(func, n_round, seed=[int(seed), 7, tag, rnd], block_size=block_size,
                             executor=executor, chunk_blocks=chunk_blocks, desc=f"read_margin is {state}")
        for b in blocks:
            s1 += b["s1"]
            s2 += b["s2"]
            n += b["n"]
            hits += b["hits"]
        p = s1 / n
        var = max(s2 / n - p * p, 0.0) / n
        half = 1.959963984540054 * math.sqrt(var)
        total_samples = n // ctx.arr.cols
        if (p > 0 and half <= rel_ci * p) or total_samples >= n_max:
            break
        rnd += 1
        n_round = min(total_samples, n_max - total_samples)  # double the sample
    return {"p": p, "var": var, "ci": (max(p - half, 0.0), p + half), "n_reads": n, "hits": hits,
            "rounds": rnd + 1}


# ----------------------------------------------------------------------------- result
@dataclass
class ReadMarginResult:
    """Result of :func:`read_margin` (all inputs, the seed and the estimates).

    Attributes
    ----------
    ber : float
        Per-bit error rate (equiprobable data) [-].
    ber_ci : tuple of float
        95 % confidence interval of ``ber`` [-].
    ber_p, ber_ap : float
        Failure probability of P and AP reads [-].
    method : str
        Estimator behind ``ber`` ('mc', 'is', 'analytic').
    margin_sigma : float
        ``min over states of mean(margin)/std(margin)`` from Monte Carlo
        (``beta`` of the closed form when no Monte Carlo was run) [-].
    beta : float
        Equivalent normal sigma of the BER, ``-Phi^-1(ber)`` [-].
    mc, importance, analytic : dict
        Per-estimator details (failures, CIs, design points, sample counts).
    nominal : dict
        Nominal signals and margins per column at the selected row.
    ir_map : dict
        ``rows`` and nominal min margins per row (IR drop).
    samples : dict
        Signals and margins of the first ``n_keep`` samples (histograms).
    inputs : dict
        Array, variation, read scheme, seed, sample counts, block size.
    """

    ber: float
    ber_ci: tuple
    ber_p: float
    ber_ap: float
    method: str
    margin_sigma: float
    beta: float
    mc: dict = field(default_factory=dict)
    importance: dict = field(default_factory=dict)
    analytic: dict = field(default_factory=dict)
    nominal: dict = field(default_factory=dict)
    ir_map: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def worst_cells(self):
        """Worst Monte Carlo reads (smallest margins) with their cell parameters."""
        out = []
        for st in ("p", "ap"):
            for w in self.mc.get(st, {}).get("worst", []):
                out.append(dict(w, state=st.upper()))
        return sorted(out, key=lambda w: w["margin"])

    def yield_(self, array_bits, correctable=0):
        r"""Probability that an array of ``array_bits`` bits reads without uncorrectable error.

        Independent bits with the per-bit ``ber`` and an ECC that corrects up
        to ``correctable`` errors per array: ``Y = P(Binom(N, BER) <= t)``;
        for ``t = 0`` ``Y = exp(N log1p(-BER))``. Die-level variation makes bits
        of one die correlated; this is then the yield of the average die.

        Parameters
        ----------
        array_bits : int
            Number of bits N [-].
        correctable : int
            Correctable errors t [-].
        """
        if isinstance(array_bits, bool) or not isinstance(array_bits, (int, np.integer)) or array_bits < 1:
            raise ParameterError("array_bits", array_bits, "an integer >= 1")
        if isinstance(correctable, bool) or not isinstance(correctable, (int, np.integer)) or correctable < 0:
            raise ParameterError("correctable", correctable, "an integer >= 0")
        if correctable == 0:
            return float(np.exp(array_bits * np.log1p(-self.ber)))
        return float(_binom.cdf(correctable, array_bits, self.ber))

    def plot(self, axes=None):
        """Histograms, margins, IR-drop map and BER summary (see :mod:`mramsim.plotting.margin`)."""
        from ..plotting.margin import plot_read_margin

        return plot_read_margin(self, axes=axes)

    def to_dict(self):
        def conv(x):
            if isinstance(x, dict):
                return {k: conv(v) for k, v in x.items()}
            if isinstance(x, (list, tuple)):
                return [conv(v) for v in x]
            if isinstance(x, np.ndarray):
                return conv(x.tolist())
            if isinstance(x, (np.floating, float)):
                x = float(x)
                return x if math.isfinite(x) else ("inf" if x > 0 else "-inf") if not math.isnan(x) else "nan"
            if isinstance(x, np.integer):
                return int(x)
            return x

        return conv({k: getattr(self, k) for k in self.__dataclass_fields__})

    def to_json(self, path):
        """Write the result with all inputs and the seed to ``path`` (JSON)."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=1)
        return path

    @classmethod
    def from_json(cls, path):
        """Read a result written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)

        def unconv(x):
            if isinstance(x, dict):
                return {k: unconv(v) for k, v in x.items()}
            if isinstance(x, list):
                return [unconv(v) for v in x]
            if x in ("inf", "-inf", "nan"):
                return float(x)
            return x

        d = unconv(d)
        d["ber_ci"] = tuple(d["ber_ci"])
        d["samples"] = {k: np.asarray(v, float) for k, v in d.get("samples", {}).items()}
        return cls(**d)


def _scalars(obj):
    """JSON-able scalar fields of a dataclass (or its repr)."""
    import dataclasses

    if not dataclasses.is_dataclass(obj):
        return repr(obj)
    out = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, (bool, int, float, str)) or v is None:
            out[f.name] = v
        elif isinstance(v, (np.floating, np.integer)):
            out[f.name] = v.item()
        elif isinstance(v, dict) and all(isinstance(x, (int, float, str)) for x in v.values()):
            out[f.name] = dict(v)
    return out


def _arr_summary(arr):
    """Array inputs stored with a result (sizes, MTJ model, access device, wires)."""
    out = {"rows": int(arr.rows), "cols": int(arr.cols), "mtj": _scalars(arr.mtj)}
    for part in ("access", "wires"):
        obj = getattr(arr, part, None)
        if obj is not None:
            out[part] = _scalars(obj)
    for part in ("v_wl", "ref_cols"):
        if hasattr(arr, part):
            v = getattr(arr, part)
            out[part] = list(v) if isinstance(v, tuple) else v
    return out


# ----------------------------------------------------------------------------- entry point
def read_margin(arr, var: Variation, read: ReadScheme, n_samples: int = 10_000, seed: int = 0, *,
                executor="serial", method: str = "auto", selected_row="worst", solver=None,
                is_rel_ci: float = 0.1, is_samples: int = 256, is_max_samples: int = 1 << 16,
                min_mc_failures: int = 50, n_keep: int = 64, n_worst: int = 8, ir_rows: int = 8,
                block_size=None, chunk_blocks=None, checkpoint_dir=None, progress=False) -> ReadMarginResult:
    """Read margin and BER of a bit in a 1T-1MTJ array.

    Parameters
    ----------
    arr : Array1T1MTJ
        Array (rows, cols, compact model ``mtj``, access device, wires).
    var : Variation
        Bit-cell variation.
    read : ReadScheme
        Read scheme.
    n_samples : int
        Monte Carlo samples [-]; each solves the selected row, i.e. ``cols``
        independent reads (0 skips Monte Carlo).
    seed : int
        Seed of all random streams [-]; stored with the result.
    executor : str or object
        Passed to :func:`mramsim.parallel.executor.map_blocks`.
    method : {'auto', 'mc', 'is', 'analytic'}
        'mc': plain Monte Carlo; 'is': importance sampling; 'analytic':
        closed form (FORM) only; 'auto': Monte Carlo, plus importance sampling
        and the closed form for every state with fewer than
        ``min_mc_failures`` failures (then ``ber`` comes from them).
    selected_row : int or 'worst'
        Row read [-]; 'worst' picks the row with the smallest nominal margin
        over ``ir_rows`` rows spanning the array.
    solver : callable, optional
        ``read_currents``-compatible solver; default
        :func:`mramsim.array.solver.read_currents`.
    is_rel_ci : float
        Target relative half-width of the 95 % IS interval [-].
    is_samples, is_max_samples : int
        First-round and maximum IS samples (rows) per state [-].
    min_mc_failures : int
        Failures below which 'auto' switches a state to IS [-].
    n_keep : int
        Samples whose signals are kept for histograms [-].
    n_worst : int
        Worst reads kept per state [-].
    ir_rows : int
        Rows evaluated for the IR-drop map [-].
    block_size : int, optional
        Samples per random block [-]; default ``CELLS_PER_BLOCK // cols``.
        Part of the result's identity (stored): the same seed and block size
        give identical results for any chunking and executor.
    chunk_blocks, checkpoint_dir, progress
        Passed to the executor.

    Returns
    -------
    ReadMarginResult
    """
    if method not in METHODS:
        from ..errors import UnknownNameError

        raise UnknownNameError("method", method, METHODS)
    for f, v, lo in (("n_samples", n_samples, 0), ("is_samples", is_samples, 1),
                     ("is_max_samples", is_max_samples, 1), ("n_keep", n_keep, 0), ("n_worst", n_worst, 1),
                     ("ir_rows", ir_rows, 1), ("min_mc_failures", min_mc_failures, 0), ("seed", seed, 0)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
            raise ParameterError(f, v, f"an integer >= {lo}")
    if method == "mc" and n_samples == 0:
        raise ParameterError("n_samples", n_samples, ">= 1 for method='mc'")
    check_range("is_rel_ci", is_rel_ci, 0.0, 1.0, lo_open=True)
    if not isinstance(var, Variation):
        raise ParameterError("var", var, "a Variation")
    if not isinstance(read, ReadScheme):
        raise ParameterError("read", read, "a ReadScheme")
    solver = _default_solver() if solver is None else solver
    t0 = time.perf_counter()

    ctx = ReadContext(arr=arr, var=var, read=read, selected_row=0, solver=solver)
    ctx = _with(ctx, s_ref_fixed=_fixed_reference(ctx))
    # IR-drop map (nominal, reference included) and the row to read
    rows = np.unique(np.linspace(0, arr.rows - 1, min(ir_rows, arr.rows)).round().astype(int))
    ir = {"rows": rows.tolist(), "m_p_min": [], "m_ap_min": [], "s_p_mean": [], "s_ap_mean": []}
    for r in rows:
        c = _with(ctx, selected_row=int(r))
        nom = _nominal(c)
        ir["m_p_min"].append(float(nom["m_p"].min()))
        ir["m_ap_min"].append(float(nom["m_ap"].min()))
        ir["s_p_mean"].append(float(nom["s_p"].mean()))
        ir["s_ap_mean"].append(float(nom["s_ap"].mean()))
    if selected_row == "worst":
        worst = np.minimum(ir["m_p_min"], ir["m_ap_min"])
        row = int(rows[int(np.argmin(worst))])
    else:
        if isinstance(selected_row, bool) or not isinstance(selected_row, (int, np.integer)) \
                or not 0 <= selected_row < arr.rows:
            raise ParameterError("selected_row", selected_row, f"'worst' or an integer in [0, {arr.rows - 1}]")
        row = int(selected_row)
    ctx = _with(ctx, selected_row=row)
    nom = _nominal(ctx)
    nominal = {k: nom[k][0].tolist() for k in ("s_p", "s_ap", "s_ref", "m_p", "m_ap")}
    if block_size is None:
        block_size = max(1, CELLS_PER_BLOCK // arr.cols)
    elif isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise ParameterError("block_size", block_size, "an integer >= 1")
    t_setup = time.perf_counter() - t0

    mc, keep = {}, {}
    t1 = time.perf_counter()
    if n_samples > 0 and method in ("auto", "mc"):
        mc, keep = _run_mc(ctx, n_samples, seed, executor, block_size, n_keep, n_worst, chunk_blocks,
                           checkpoint_dir, progress)
    t_mc = time.perf_counter() - t1

    # which states need the tail estimators
    if method in ("is", "analytic"):
        tail_states = ["p", "ap"]
    elif method == "auto" and mc:
        tail_states = [st for st in ("p", "ap") if mc[st]["fails"] < min_mc_failures]
    elif method == "auto":  # no Monte Carlo samples asked for: tails for both states
        tail_states = ["p", "ap"]
    else:
        tail_states = []

    t2 = time.perf_counter()
    importance, analytic = {}, {}
    j_def = _cond_index(ctx)
    worlds = [({}, 1.0)] if j_def is None else [({j_def: _U_COND}, 1.0 - var.defect_rate),
                                                 ({j_def: -_U_COND}, var.defect_rate)]
    for si, st in enumerate(tail_states):
        col = int(np.argmin(nom[f"m_{st}"][0]))
        dctx, dcol = _narrow_context(ctx, col, nom)
        p_form = 0.0
        p_is = 0.0
        v_is = 0.0
        details = []
        for wi, (fixed, wt) in enumerate(worlds):
            u_star, beta = design_point(dctx, dcol, fixed=fixed, state=st)
            pf = float(ndtr(-beta))
            shift = u_star if beta > 0 else np.zeros_like(u_star)  # failing nominal: plain sampling
            p_form += wt * pf
            entry = {"weight": wt, "beta": beta, "u_star": u_star.tolist(), "p_form": pf, "col": col}
            if method != "analytic":
                r = _run_is(ctx, st, shift, fixed, seed, 10 * si + wi, block_size=block_size, executor=executor,
                            n_start=is_samples, n_max=is_max_samples, rel_ci=is_rel_ci, chunk_blocks=chunk_blocks)
                p_is += wt * r["p"]
                v_is += wt * wt * r["var"]
                entry.update(r)
            details.append(entry)
        analytic[st] = {"p": p_form, "worlds": details, "names": ctx.names}
        if method != "analytic":
            half = 1.959963984540054 * math.sqrt(v_is)
            importance[st] = {"p": p_is, "var": v_is, "ci": (max(p_is - half, 0.0), p_is + half),
                              "worlds": details}
    t_tail = time.perf_counter() - t2

    # combine
    per_state = {}
    used = set()
    for st in ("p", "ap"):
        if method == "analytic":
            per_state[st] = (analytic[st]["p"], (analytic[st]["p"], analytic[st]["p"]), None, "analytic")
        elif st in importance:
            r = importance[st]
            per_state[st] = (r["p"], r["ci"], r["var"], "is")
        else:
            per_state[st] = (mc[st]["p"], mc[st]["ci"], None, "mc")
        used.add(per_state[st][3])
    ber_p, ber_ap = per_state["p"][0], per_state["ap"][0]
    ber = 0.5 * (ber_p + ber_ap)
    if used == {"mc"}:
        ber_ci = tuple(mc["ber_ci"])
    elif used == {"is"}:
        half = 1.959963984540054 * math.sqrt(0.25 * (per_state["p"][2] + per_state["ap"][2]))
        ber_ci = (max(ber - half, 0.0), ber + half)
    else:  # mixed or analytic: sum of the per-state bounds (conservative)
        ber_ci = (0.5 * (per_state["p"][1][0] + per_state["ap"][1][0]),
                  0.5 * (per_state["p"][1][1] + per_state["ap"][1][1]))
    method_used = "+".join(sorted(used))
    if mc:
        sig = []
        for st in ("p", "ap"):
            s = mc[st]["std"]
            sig.append(mc[st]["mean"] / s if s > 0 else math.copysign(math.inf, mc[st]["mean"]))
        margin_sigma = float(min(sig))
    elif analytic:
        margin_sigma = float(min(w["beta"] for st in analytic for w in analytic[st]["worlds"]))
    else:
        margin_sigma = math.nan
    beta_eq = float(-ndtri(ber)) if 0 < ber < 1 else (math.inf if ber == 0 else -math.inf)
    inputs = {"array": _arr_summary(arr), "variation": var.to_dict(), "read": read.to_dict(),
              "seed": int(seed), "n_samples": int(n_samples), "method": method, "selected_row": row,
              "block_size": block_size, "u_names": ctx.names, "is_rel_ci": is_rel_ci,
              "is_samples": is_samples, "is_max_samples": is_max_samples,
              "s_ref_fixed": ctx.s_ref_fixed, "cells_per_sample": int(arr.cols)}
    return ReadMarginResult(
        ber=float(ber), ber_ci=tuple(float(x) for x in ber_ci), ber_p=float(ber_p), ber_ap=float(ber_ap),
        method=method_used, margin_sigma=margin_sigma, beta=beta_eq, mc=mc, importance=importance,
        analytic=analytic, nominal=nominal, ir_map=ir, samples=keep, inputs=inputs,
        timings={"setup": t_setup, "mc": t_mc, "tail": t_tail, "total": time.perf_counter() - t0},
    )
