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

import json
import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import ndtr

from ...errors import ConvergenceError
from ...parallel.executor import map_blocks
from ..derive import with_cols
from .evaluate import evaluate_reads, nominal_reads
from .result import FormEstimate, ImportanceEstimate, TailWorld

__all__ = ["design_point", "design_points", "strata", "narrow_context", "tail_estimates", "Z95", "DEFENSIVE",
           "cross_entropy_ber", "CrossEntropyEstimate"]

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


def design_point(ctx, col, *, state, fixed=None, tol=1e-6, max_iter=60, h=1e-4, u0=None):
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
    u0 : ndarray, optional
        Start point (default the origin) [-].

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
    if u0 is not None:
        u = np.where(free, np.asarray(u0, float), 0.0)
    for _ in range(max_iter):
        U = np.repeat(u[None], len(idx) + 1, axis=0)
        U[np.arange(1, len(idx) + 1), idx] += h
        gv = _g(ctx, U, state, col, fixed) / scale
        g = gv[0]
        grad = np.zeros(d)
        grad[idx] = (gv[1:] - g) / h
        gn2 = float(grad @ grad)
        if gn2 == 0.0:
            raise ConvergenceError(f"design point: margin of {state} insensitive to every variable at |u| = "
                                   f"{np.linalg.norm(u):.3g}")
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


def design_points(ctx, col, *, state, fixed=None, spread=3.0, keep_within=3.0, start_radius=3.0):
    r"""Every distinct local design point within ``keep_within`` of the best ``beta`` (multi-start HL-RF).

    Starts: the origin and ``+-start_radius`` along each free variable (a
    read failing in two separate regions, e.g. at low and at high die RA, has
    a design point in each; one search from the origin finds one of them).
    Points closer than 0.5 in ``u`` are merged; starts that do not converge
    are dropped. Returns a list of ``(u_star, beta)`` sorted by ``beta``
    (empty when none converged).
    """
    fixed = dict(fixed or {})
    d = len(ctx.names)
    free = _shiftable(ctx).copy()
    for j in fixed:
        free[j] = False
    starts = [None]
    for j in np.flatnonzero(free):
        for sg in (1.0, -1.0):
            u0 = np.zeros(d)
            u0[j] = sg * start_radius
            starts.append(u0)
    found = []
    for u0 in starts:
        try:
            u, beta = design_point(ctx, col, state=state, fixed=fixed, u0=u0)
        except ConvergenceError:
            continue
        if not np.isfinite(beta):
            found.append((u, beta))
            continue
        if any(np.linalg.norm(u - v) < 0.5 for v, _ in found):
            continue
        found.append((u, beta))
    if not found:
        return []
    found.sort(key=lambda x: x[1])
    best = found[0][1]
    if best <= 0:
        return [found[0]]
    return [(u, b) for u, b in found if b <= best + keep_within]


def strata(ctx):
    r"""Discrete defect modes as strata: ``[(name, {u column: value}, probability)]`` and the rest.

    Every defect indicator of a read (data cell, each reference cell) is
    either fixed off, or exactly one is on; reads with two or more defective
    cells (probability ``1 - sum``, at most ``C(m,2) p^2``) are returned as
    ``rest`` and bound the estimate from above (counted as failures in the
    upper end of the interval).
    """
    idx = [j for j, n in enumerate(ctx.names) if n.endswith(".defect")]
    if not idx:
        return [("nominal", {}, 1.0)], 0.0
    p = ctx.var.defect_rate
    m = len(idx)
    out = [("no defect", {j: _U_COND for j in idx}, (1.0 - p) ** m)]
    for k in idx:
        out.append((f"{ctx.names[k].split('.')[0]} defective",
                    {j: (-_U_COND if j == k else _U_COND) for j in idx}, p * (1.0 - p) ** (m - 1)))
    return out, max(0.0, 1.0 - sum(w for _, _, w in out))


# ----------------------------------------------------------------------------- importance sampling
#: share of the nominal density in the mixture proposal (defensive importance sampling)
DEFENSIVE = 0.1


def _mixture(shifts):
    """(component means (K, d), log mixture weights (K,)): the nominal density plus one per design point."""
    shifts = [np.asarray(s, float) for s in shifts if np.any(s != 0)]
    d = None
    if not shifts:
        return None, None
    d = shifts[0].size
    means = np.vstack([np.zeros(d)] + shifts)
    a = np.full(len(means), (1.0 - DEFENSIVE) / len(shifts))
    a[0] = DEFENSIVE
    return means, np.log(a)


def _is_block(start, stop, rng, *, ctx, state, means, log_a, fixed):
    r"""Mixture importance sampling: ``q = sum_i a_i N(mu_i, I)``, ``w = phi(u)/q(u)``
    ``= 1 / sum_i a_i exp(u.mu_i - |mu_i|^2/2)`` (Hesterberg, Technometrics 37, 185 (1995): defensive mixtures)."""
    n = stop - start
    d = len(ctx.names)
    z = rng.standard_normal((n, ctx.arr.cols, d))
    if means is None:
        u = z
        logw = np.zeros(z.shape[:2])
    else:
        comp = rng.choice(len(means), size=(n, ctx.arr.cols), p=np.exp(log_a))
        u = z + means[comp]
    for j, val in fixed.items():
        u[..., j] = val
    if means is not None:
        free = np.ones(d, bool)
        for j in fixed:
            free[j] = False
        uf = u[..., free]
        mf = means[:, free]
        expo = log_a + uf @ mf.T - 0.5 * np.sum(mf * mf, axis=1)
        mx = expo.max(axis=-1, keepdims=True)
        logw = -(mx[..., 0] + np.log(np.exp(expo - mx).sum(axis=-1)))
    m = evaluate_reads(ctx, u)[f"m_{state}"]
    x = np.where(m < 0, np.exp(logw), 0.0)
    return {"n": x.size, "s1": float(x.sum()), "s2": float((x * x).sum()), "hits": int(np.count_nonzero(m < 0))}


def _run_is(ctx, state, means, log_a, fixed, seed, tag, *, block_size, executor, n_start, n_max, rel_ci,
            chunk_blocks):
    s1 = s2 = 0.0
    n = hits = 0
    rnd = 0
    n_round = n_start
    while True:
        func = partial(_is_block, ctx=ctx, state=state, means=means, log_a=log_a, fixed=fixed)
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
    ci = (max(p - half, 0.0), p + half)
    if means is None:       # plain sampling (nominal read fails): exact binomial interval, never zero width
        from .montecarlo import clopper_pearson

        ci = clopper_pearson(hits, n)
        var = max(var, ((ci[1] - ci[0]) / (2 * Z95)) ** 2)
    return {"p": p, "var": var, "ci": ci, "n_reads": n, "hits": hits, "rounds": rnd + 1}


def tail_estimates(ctx, nom, tail_states, *, method, seed, block_size, executor, is_samples, is_max_samples,
                   is_rel_ci, chunk_blocks):
    """FORM (and, unless ``method == 'analytic'``, mixture importance sampling) of the states ``tail_states``.

    Each state is searched at its column with the smallest nominal margin
    (``nom`` from :func:`nominal_reads`), on a one-column copy of the array
    when that reproduces the column (:func:`narrow_context`), in every
    defect stratum (:func:`strata`: data cell and reference cells), from
    several starts (:func:`design_points`). FORM sums ``Phi(-beta)`` over the
    distinct design points (each a separate failure region); importance
    sampling draws from the defensive mixture of the nominal density and a
    normal at each design point, over every column.

    Returns
    -------
    importance, analytic : dict of str to ImportanceEstimate / FormEstimate
    """
    importance, analytic = {}, {}
    worlds, rest = strata(ctx)
    for si, st in enumerate(tail_states):
        col = int(np.argmin(nom[f"m_{st}"][0]))
        dctx, dcol = narrow_context(ctx, col, nom)
        p_form = 0.0
        p_is = 0.0
        v_is = 0.0
        details = []
        for wi, (wname, fixed, wt) in enumerate(worlds):
            dps = design_points(dctx, dcol, fixed=fixed, state=st)
            if not dps:
                raise ConvergenceError(f"no design point of the {st.upper()} read ({wname}) converged from any start")
            u_star, beta = dps[0]
            if beta <= 0 or not np.isfinite(beta):
                pf = float(ndtr(-beta))
                shifts = []
            else:
                pf = float(min(1.0, sum(ndtr(-b) for _, b in dps)))
                shifts = [u for u, _ in dps]
            p_form += wt * pf
            entry = {"weight": wt, "beta": beta, "u_star": u_star.tolist(), "p_form": pf, "col": col,
                     "stratum": wname, "design_points": [[float(b), u.tolist()] for u, b in dps]}
            if method != "analytic":
                means, log_a = _mixture(shifts)
                r = _run_is(ctx, st, means, log_a, fixed, seed, 10 * si + wi, block_size=block_size,
                            executor=executor, n_start=is_samples, n_max=is_max_samples, rel_ci=is_rel_ci,
                            chunk_blocks=chunk_blocks)
                p_is += wt * r["p"]
                v_is += wt * wt * r["var"]
                entry.update(r)
            details.append(TailWorld(**entry))
        analytic[st] = FormEstimate(p=p_form, worlds=details, names=ctx.names)
        if method != "analytic":
            half = Z95 * math.sqrt(v_is)
            importance[st] = ImportanceEstimate(p=p_is, var=v_is, ci=(max(p_is - half, 0.0), p_is + half + rest),
                                                worlds=details)
    return importance, analytic


# ----------------------------------------------------------------------------- cross-entropy importance sampling
@dataclass
class CrossEntropyEstimate:
    r"""Cross-entropy importance sampling of the per-read BER (:func:`cross_entropy_ber`).

    ``p`` the state-averaged BER [-], ``var`` its variance [-^2], ``ci`` the
    95 % interval [-] (upper end plus the multi-defect rest), ``states`` per
    state: ``p``, ``var`` and per stratum the CE levels (``gamma`` [V or A]
    per level), the final mean shift ``mean`` [-], ``converged`` (the last
    level reached ``m = 0``), samples ``n_reads`` and ``hits``; ``seconds`` [s].
    """

    p: float
    var: float
    ci: tuple
    states: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self):
        return {"p": self.p, "var": self.var, "ci": list(self.ci), "states": self.states, "seconds": self.seconds}

    @classmethod
    def from_dict(cls, d):
        return cls(p=float(d["p"]), var=float(d["var"]), ci=tuple(d["ci"]), states=dict(d["states"]),
                   seconds=float(d.get("seconds", 0.0)))

    def to_json(self, path):
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=1)
        return path

    @classmethod
    def from_json(cls, path):
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))


def _ce_mean(ctx, col, state, fixed, rng, *, n_level, rho, max_levels):
    r"""Multi-level CE update of the mean ``v`` of ``N(v, I)`` towards ``{m < 0}`` (Rubinstein & Kroese 2004, alg. 3.4.1).

    Level ``l``: draw ``n_level`` reads from ``N(v_l, I)``, ``gamma_l`` = max(rho-quantile of the margin, 0),
    ``v_{l+1} = sum_{elite} w u / sum_{elite} w`` with the likelihood ratio
    ``w = phi(u)/phi(u - v_l) = exp(-u.v_l + |v_l|^2/2)`` over the free variables
    (the closed-form CE minimiser of the Gaussian mean-shift family). Stops
    after the level with ``gamma = 0``.
    """
    d = len(ctx.names)
    free = _shiftable(ctx)
    for j in fixed:
        free[j] = False
    v = np.zeros(d)
    gammas = []
    for _ in range(max_levels):
        u = rng.standard_normal((n_level, d)) + v
        m = _g(ctx, u, state, col, fixed)
        gamma = max(float(np.quantile(m, rho)), 0.0)
        gammas.append(gamma)
        elite = m <= gamma if gamma > 0 else m < 0
        if not np.any(elite):
            break
        uf = u[elite][:, free]
        logw = -uf @ v[free] + 0.5 * float(v[free] @ v[free])
        w = np.exp(logw - logw.max())
        v = v.copy()
        v[free] = (w @ uf) / w.sum()
        if gamma == 0.0:
            return v, gammas, True
    return v, gammas, False


def cross_entropy_ber(ctx, *, states=("p", "ap"), seed=0, n_level=1000, rho=0.1, max_levels=40,
                      n_start=1024, n_max=1 << 16, rel_ci=0.1, block_size=64, executor="serial") -> CrossEntropyEstimate:
    r"""Per-read BER by cross-entropy importance sampling: an adaptive estimator independent of the design points.

    For each state and defect stratum (:func:`strata`) the mean of a unit
    Gaussian proposal ``N(v, I)`` is adapted by the multi-level
    cross-entropy method at the column of smallest nominal margin
    (:func:`_ce_mean`; Rubinstein & Kroese, *The Cross-Entropy Method*,
    Springer 2004, ch. 3), then ``P = E_q[1{m<0} phi(u)/q(u)]`` is sampled over
    every column with that single proposal (no defensive component), rounds
    doubling until the 95 % half-width is below ``rel_ci`` of the estimate
    or ``n_max`` reads per column. A single Gaussian follows one failure
    region: with two separate lobes it may put its mean on one of them (or
    between them) and the other lobe is then reached only by the proposal's
    unit spread -- compare with the mixture IS and FORM of
    :func:`tail_estimates`.

    Parameters
    ----------
    ctx : ReadContext
    states : sequence of 'p', 'ap'
        States averaged (equiprobable data) [-].
    seed : int
    n_level : int
        Samples per CE level [-].
    rho : float
        Elite fraction [-].
    max_levels : int
    n_start, n_max : int
        First round and maximum samples (per column) of the final estimate [-].
    rel_ci : float
        Target relative half-width of the 95 % interval [-].

    Returns
    -------
    CrossEntropyEstimate
    """
    import time

    from ...errors import ParameterError

    if not 0.0 < float(rho) < 0.5:
        raise ParameterError("rho", rho, "an elite fraction in (0, 0.5)")
    for f, v in (("n_level", n_level), ("max_levels", max_levels), ("n_start", n_start), ("n_max", n_max)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ParameterError(f, v, "an integer >= 1")
    bad = [s for s in states if s not in ("p", "ap")]
    if bad or not states:
        raise ParameterError("states", states, "a non-empty sequence of 'p', 'ap'")
    t0 = time.perf_counter()
    nom = nominal_reads(ctx)
    worlds, rest = strata(ctx)
    out = {}
    p_all = v_all = 0.0
    for si, st in enumerate(states):
        col = int(np.argmin(nom[f"m_{st}"][0]))
        dctx, dcol = narrow_context(ctx, col, nom)
        p_st = v_st = 0.0
        det = []
        for wi, (wname, fixed, wt) in enumerate(worlds):
            rng = np.random.default_rng([int(seed), 17, si, wi])
            v, gammas, conv = _ce_mean(dctx, dcol, st, fixed, rng, n_level=int(n_level), rho=float(rho),
                                       max_levels=int(max_levels))
            means, log_a = (v[None], np.zeros(1)) if np.any(v != 0) else (None, None)
            r = _run_is(ctx, st, means, log_a, fixed, seed, 100 + 10 * si + wi, block_size=block_size,
                        executor=executor, n_start=n_start, n_max=n_max, rel_ci=rel_ci, chunk_blocks=None)
            p_st += wt * r["p"]
            v_st += wt * wt * r["var"]
            det.append({"stratum": wname, "weight": wt, "gamma": gammas, "mean": v.tolist(), "converged": conv,
                        "p": r["p"], "n_reads": r["n_reads"], "hits": r["hits"]})
        out[st] = {"p": p_st, "var": v_st, "col": col, "strata": det}
        p_all += p_st / len(states)
        v_all += v_st / len(states) ** 2
    half = Z95 * math.sqrt(v_all)
    return CrossEntropyEstimate(p=p_all, var=v_all, ci=(max(p_all - half, 0.0), p_all + half + rest), states=out,
                                seconds=time.perf_counter() - t0)
