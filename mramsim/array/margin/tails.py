r"""Deep tails of the read margin: closed form (FORM design point) and importance sampling.

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
    ``rel_ci`` of the estimate. Crystallization defects (a discrete
    indicator) are handled by conditioning on the data cell being defective
    or not: ``P = (1-p_d) P_ok + p_d P_def``.
"""
from __future__ import annotations

import math
from functools import partial

import numpy as np
from scipy.special import ndtr

from ...errors import ConvergenceError
from ...parallel.executor import map_blocks
from ..derive import with_cols
from .evaluate import evaluate_reads, nominal_reads
from .result import FormEstimate, ImportanceEstimate, TailWorld

__all__ = ["design_point", "narrow_context", "tail_estimates", "Z95"]

#: Large |u| used to condition the data cell's defect indicator.
_U_COND = 40.0
#: two-sided 95 % normal quantile
Z95 = 1.959963984540054


def _shiftable(ctx):
    """Mask of the u columns the design-point search may move (not defect indicators)."""
    return np.array([not n.endswith(".defect") for n in ctx.names])


def _cond_index(ctx):
    names = ctx.names
    return names.index("cell.defect") if "cell.defect" in names else None


def narrow_context(ctx, col, nom=None):
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
        small = with_cols(arr, 1)
    except Exception:  # noqa: BLE001 - any failure: fall back to the full array
        return ctx, col
    c1 = ctx.replace(arr=small)
    try:
        a = nominal_reads(ctx) if nom is None else nom
        b = nominal_reads(c1)
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
        blocks = map_blocks(func, n_round, seed=[int(seed), 7, tag, rnd], block_size=block_size,
                             executor=executor, chunk_blocks=chunk_blocks, desc=f"read_margin is {state}")
        for b in blocks:
            s1 += b["s1"]
            s2 += b["s2"]
            n += b["n"]
            hits += b["hits"]
        p = s1 / n
        var = max(s2 / n - p * p, 0.0) / n
        half = Z95 * math.sqrt(var)
        total_samples = n // ctx.arr.cols
        if (p > 0 and half <= rel_ci * p) or total_samples >= n_max:
            break
        rnd += 1
        n_round = min(total_samples, n_max - total_samples)  # double the sample
    return {"p": p, "var": var, "ci": (max(p - half, 0.0), p + half), "n_reads": n, "hits": hits,
            "rounds": rnd + 1}


def tail_estimates(ctx, nom, tail_states, *, method, seed, block_size, executor, is_samples, is_max_samples,
                   is_rel_ci, chunk_blocks):
    """FORM (and, unless ``method == 'analytic'``, importance sampling) of the states ``tail_states``.

    Each state is estimated at its column with the smallest nominal margin
    (``nom`` from :func:`nominal_reads`), on a one-column copy of the array
    when that reproduces the column (:func:`narrow_context`), in every
    conditioning world of the data cell's defect indicator.

    Returns
    -------
    importance, analytic : dict of str to ImportanceEstimate / FormEstimate
    """
    var = ctx.var
    importance, analytic = {}, {}
    j_def = _cond_index(ctx)
    worlds = [({}, 1.0)] if j_def is None else [({j_def: _U_COND}, 1.0 - var.defect_rate),
                                                 ({j_def: -_U_COND}, var.defect_rate)]
    for si, st in enumerate(tail_states):
        col = int(np.argmin(nom[f"m_{st}"][0]))
        dctx, dcol = narrow_context(ctx, col, nom)
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
            details.append(TailWorld(**entry))
        analytic[st] = FormEstimate(p=p_form, worlds=details, names=ctx.names)
        if method != "analytic":
            half = Z95 * math.sqrt(v_is)
            importance[st] = ImportanceEstimate(p=p_is, var=v_is, ci=(max(p_is - half, 0.0), p_is + half),
                                                worlds=details)
    return importance, analytic
