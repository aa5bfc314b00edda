"""The entry point :func:`read_margin`: checked inputs, IR map and row, Monte Carlo, tails, combined BER.

Each step is a named function: :func:`_check_arguments`, :func:`_ir_map_and_row`,
:func:`_tail_states`, :func:`_combine` (the BER and its interval from the
estimators used per state), :func:`_mean_over_std`, :func:`_array_ber` and
:func:`_inputs_record`. ``margin_sigma`` is the BER-equivalent ``-Phi^-1(BER)``.
"""
from __future__ import annotations

import math
import time

import numpy as np
from scipy.special import ndtri

from ..._validation import check_range
from ...errors import ParameterError, UnknownNameError
from ..read import ReadScheme
from ..memory import check_blocks
from ..solver import default_solver
from ..variation import Variation
from .evaluate import ReadContext, fixed_reference, nominal_reads
from .montecarlo import CELLS_PER_BLOCK, run_monte_carlo
from .result import IRMap, KeptSamples, MarginInputs, NominalReads, ReadMarginResult, Timings
from .rows import row_form_ber, row_stats
from .tails import Z95, tail_estimates

__all__ = ["read_margin", "METHODS"]

METHODS = ("auto", "mc", "is", "analytic")


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


def _check_arguments(arr, var, read, *, method, n_samples, seed, is_samples, is_max_samples, n_keep, n_worst,
                     ir_rows, min_mc_failures, is_rel_ci, selected_row, block_size):
    """Raise a mramsim error naming the first bad argument; return the block size [-]."""
    if method not in METHODS:
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
    if selected_row != "worst" and (isinstance(selected_row, bool)
                                    or not isinstance(selected_row, (int, np.integer))
                                    or not 0 <= selected_row < arr.rows):
        raise ParameterError("selected_row", selected_row, f"'worst' or an integer in [0, {arr.rows - 1}]")
    if block_size is None:
        block_size = max(1, CELLS_PER_BLOCK // arr.cols)
    elif isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise ParameterError("block_size", block_size, "an integer >= 1")
    check_blocks(max(n_samples, is_max_samples), block_size, arr.n_cols)   # before any block list is built
    return block_size


def _ir_map_and_row(ctx, ir_rows, selected_row):
    """Nominal margins over ``ir_rows`` rows spanning the array (IR drop), the row to read, the row statistics.

    Returns ``(ir, row, stats, noms)``, ``noms`` the nominal reads of the IR-map rows by row (reused by
    the row statistics and for the row read).
    """
    arr = ctx.arr
    rows = np.unique(np.linspace(0, arr.rows - 1, min(ir_rows, arr.rows)).round().astype(int))
    ir = IRMap(rows=rows.tolist())
    noms = {}
    for r in rows:
        nom = noms[int(r)] = nominal_reads(ctx, row=int(r))
        ir.m_p_min.append(float(nom["m_p"].min()))
        ir.m_ap_min.append(float(nom["m_ap"].min()))
        ir.s_p_mean.append(float(nom["s_p"].mean()))
        ir.s_ap_mean.append(float(nom["s_ap"].mean()))
    varied = not ctx.var.is_nominal() or ctx.read.sa_offset_sigma > 0
    stats = row_stats(ctx, rows, noms=noms) if varied else None
    if selected_row == "worst":
        if stats is not None and stats.worst_row is not None and stats.worst_row_ber_form > 0:
            return ir, stats.worst_row, stats, noms      # the row of largest (closed-form) BER
        worst = np.minimum(ir.m_p_min, ir.m_ap_min)      # no variation / no failures: smallest nominal margin
        return ir, int(rows[int(np.argmin(worst))]), stats, noms
    return ir, int(selected_row), stats, noms


def _tail_states(method, mc, min_mc_failures):
    """States ('p', 'ap') whose BER comes from the tail estimators."""
    if method in ("is", "analytic"):
        return ["p", "ap"]
    if method == "auto" and mc is not None:
        return [st for st in ("p", "ap") if mc[st].fails < min_mc_failures]
    if method == "auto":  # no Monte Carlo samples asked for: tails for both states
        return ["p", "ap"]
    return []


def _disagreements(mc, importance):
    """States whose Monte Carlo failures contradict the tail estimate (disjoint 95 % intervals)."""
    out = {}
    if mc is None:
        return out
    for st, r in importance.items():
        m = mc[st]
        if m.ci[0] > r.ci[1] or m.ci[1] < r.ci[0]:
            out[st] = {"mc_p": m.p, "mc_ci": tuple(m.ci), "mc_fails": m.fails, "tail_p": r.p, "tail_ci": tuple(r.ci)}
    return out


def _combine(method, mc, importance, analytic, disagree=None):
    """(ber_p, ber_ap, ber, ber_ci, method used) from the estimator used per state.

    A state in ``disagree`` (Monte Carlo failures contradict the tail
    estimate) keeps the evidence of both: the unbiased Monte Carlo value and
    the union of the two intervals.
    """
    disagree = disagree or {}
    per_state = {}
    used = set()
    for st in ("p", "ap"):
        if method == "analytic":
            per_state[st] = (analytic[st].p, (analytic[st].p, analytic[st].p), None, "analytic")
        elif st in disagree:
            r, m = importance[st], mc[st]
            per_state[st] = (m.p, (min(m.ci[0], r.ci[0]), max(m.ci[1], r.ci[1])), None, "mc|is")
        elif st in importance:
            r = importance[st]
            per_state[st] = (r.p, r.ci, r.var, "is")
        else:
            per_state[st] = (mc[st].p, mc[st].ci, None, "mc")
        used.add(per_state[st][3])
    ber_p, ber_ap = per_state["p"][0], per_state["ap"][0]
    ber = 0.5 * (ber_p + ber_ap)
    if used == {"mc"}:
        ber_ci = tuple(mc.ber_ci)
    elif used == {"is"}:
        half = Z95 * math.sqrt(0.25 * (per_state["p"][2] + per_state["ap"][2]))
        extra = 0.5 * sum(importance[st].ci[1] - importance[st].p - Z95 * math.sqrt(importance[st].var)
                          for st in ("p", "ap"))                 # the multi-defect bound of each state
        ber_ci = (max(ber - half, 0.0), ber + half + max(extra, 0.0))
    else:  # mixed or analytic: sum of the per-state bounds (conservative)
        ber_ci = (0.5 * (per_state["p"][1][0] + per_state["ap"][1][0]),
                  0.5 * (per_state["p"][1][1] + per_state["ap"][1][1]))
    return ber_p, ber_ap, ber, ber_ci, "+".join(sorted(used))


def _mean_over_std(mc, analytic):
    """min over states of mean/std of the Monte Carlo margin, else the smallest FORM beta [-]."""
    if mc is not None:
        sig = []
        for st in ("p", "ap"):
            s = mc[st].std
            sig.append(mc[st].mean / s if s > 0 else math.copysign(math.inf, mc[st].mean))
        return float(min(sig))
    if analytic:
        return float(min(w.beta for st in analytic for w in analytic[st].worlds))
    return math.nan


def _inputs_record(ctx, *, seed, n_samples, method, block_size, is_rel_ci, is_samples, is_max_samples):
    arr = ctx.arr
    return MarginInputs(array=_arr_summary(arr), variation=ctx.var.to_dict(), read=ctx.read.to_dict(),
                        seed=int(seed), n_samples=int(n_samples), method=method, selected_row=ctx.selected_row,
                        block_size=block_size, u_names=ctx.names, is_rel_ci=is_rel_ci, is_samples=is_samples,
                        is_max_samples=is_max_samples, s_ref_fixed=ctx.s_ref_fixed, cells_per_sample=int(arr.cols))


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
        ``min_mc_failures`` failures (then ``ber`` comes from them, unless
        the Monte Carlo failures contradict them: then both are reported in
        ``disagreements`` and the state keeps the Monte Carlo value with the
        union of the intervals).
    selected_row : int or 'worst'
        Row read [-]; 'worst' picks the row with the largest closed-form
        (FORM) per-bit BER over ``ir_rows`` rows spanning the array
        (:mod:`.rows`; the smallest nominal margin when nothing varies).
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
    block_size = _check_arguments(arr, var, read, method=method, n_samples=n_samples, seed=seed,
                                  is_samples=is_samples, is_max_samples=is_max_samples, n_keep=n_keep,
                                  n_worst=n_worst, ir_rows=ir_rows, min_mc_failures=min_mc_failures,
                                  is_rel_ci=is_rel_ci, selected_row=selected_row, block_size=block_size)
    solver = default_solver() if solver is None else solver
    t0 = time.perf_counter()
    ctx = ReadContext(arr=arr, var=var, read=read, selected_row=0, solver=solver)
    ctx = ctx.replace(s_ref_fixed=fixed_reference(ctx))
    ir, row, stats, noms = _ir_map_and_row(ctx, ir_rows, selected_row)
    ctx = ctx.replace(selected_row=row)
    nom = noms[row] if row in noms else nominal_reads(ctx)
    nominal = NominalReads(**{k: nom[k][0].tolist() for k in ("s_p", "s_ap", "s_ref", "m_p", "m_ap")})
    t_setup = time.perf_counter() - t0

    mc, keep = None, KeptSamples.empty(arr.cols)
    t1 = time.perf_counter()
    if n_samples > 0 and method in ("auto", "mc"):
        mc, keep = run_monte_carlo(ctx, n_samples, seed, executor, block_size, n_keep, n_worst, chunk_blocks,
                                   checkpoint_dir, progress)
    t_mc = time.perf_counter() - t1

    t2 = time.perf_counter()
    importance, analytic = tail_estimates(
        ctx, nom, _tail_states(method, mc, min_mc_failures), method=method, seed=seed, block_size=block_size,
        executor=executor, is_samples=is_samples, is_max_samples=is_max_samples, is_rel_ci=is_rel_ci,
        chunk_blocks=chunk_blocks)
    t_tail = time.perf_counter() - t2

    disagree = _disagreements(mc, importance) if method == "auto" else {}
    ber_p, ber_ap, ber, ber_ci, method_used = _combine(method, mc, importance, analytic, disagree)
    beta_eq = float(-ndtri(ber)) if 0 < ber < 1 else (math.inf if ber == 0 else -math.inf)
    array_ber = _array_ber(ctx, ber, stats, row, nom)
    inputs = _inputs_record(ctx, seed=seed, n_samples=n_samples, method=method, block_size=block_size,
                            is_rel_ci=is_rel_ci, is_samples=is_samples, is_max_samples=is_max_samples)
    return ReadMarginResult(
        ber=float(ber), ber_ci=tuple(float(x) for x in ber_ci), ber_p=float(ber_p), ber_ap=float(ber_ap),
        method=method_used, margin_sigma=beta_eq, beta=beta_eq, mc=mc, importance=importance,
        analytic=analytic, nominal=nominal, ir_map=ir, samples=keep, inputs=inputs,
        timings=Timings(setup=t_setup, mc=t_mc, tail=t_tail, total=time.perf_counter() - t0),
        margin_mean_over_std=_mean_over_std(mc, analytic), array_ber=array_ber, rows=stats,
        disagreements=disagree,
    )


def _array_ber(ctx, ber, stats, row, nom=None):
    """Array-average BER: ``ber`` times the closed-form ratio array average / selected row [-].

    ``nom``: the nominal reads of ``row`` (:func:`.evaluate.nominal_reads`) when known.
    """
    if ctx.var.is_nominal() and ctx.read.sa_offset_sigma == 0:
        return float(ber)
    if stats is None or not math.isfinite(stats.array_ber_form):
        return math.nan
    if row in stats.rows:
        b_row = stats.ber_form[stats.rows.index(row)]
    else:
        b_row = row_form_ber(ctx, row, nom=nom)[0]
    if not (math.isfinite(b_row) and b_row > 0):
        return float(ber) if stats.array_ber_form == 0 else math.nan
    return float(ber * stats.array_ber_form / b_row)
