r"""Per-row bit-error rates (closed form) and the worst row.

The IR drop makes every row of the array read differently; with a fixed
reference the far rows fail far more often than the array average. For each
row of the IR map the per-bit error rate is estimated with the closed form
(FORM, :func:`.tails.design_point`) at up to ``n_cols`` evenly spaced
columns plus the column with the smallest nominal margin of each state
(the columns a one-column array reproduces, :func:`.tails.narrow_context`,
are one evaluation),

.. math:: \mathrm{BER}_r = \tfrac12\,\overline{[\Phi(-\beta_P) + \Phi(-\beta_{AP})]}_{\text{columns}},

each ``Phi(-beta)`` summed over the data cell's defect worlds with their
probabilities. The array average is the mean over the evaluated rows (they
span the array evenly); the worst row is the one of largest ``BER_r``.
FORM is exact for a margin linear in ``u`` or monotone in one variable and
first order otherwise (Hasofer & Lind, J. Eng. Mech. 100, 111 (1974)); the
sampled estimate of :func:`read_margin` is then made at the worst row.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from ...errors import ConvergenceError
from .evaluate import nominal_reads
from .result import RowStats
from .tails import _U_COND, _cond_index, design_point, narrow_context

__all__ = ["row_form_ber", "row_stats"]


def _worlds(ctx):
    j = _cond_index(ctx)
    if j is None:
        return [({}, 1.0)]
    return [({j: _U_COND}, 1.0 - ctx.var.defect_rate), ({j: -_U_COND}, ctx.var.defect_rate)]


def _p_form(ctx, col, state, nom, narrowed=None):
    """FORM failure probability of one read of ``state`` at column ``col`` [-] (nan if no design point).

    ``narrowed``: the ``(ctx, col)`` of :func:`.tails.narrow_context` when already known.
    """
    dctx, dcol = narrow_context(ctx, col, nom) if narrowed is None else narrowed
    p = 0.0
    for fixed, wt in _worlds(ctx):
        if wt == 0.0:
            continue
        try:
            _, beta = design_point(dctx, dcol, state=state, fixed=fixed)
        except ConvergenceError:
            return math.nan
        p += wt * float(ndtr(-beta))
    return p


def row_form_ber(ctx, row, n_cols=4, nom=None):
    """Closed-form per-bit BER of ``row`` averaged over evaluated columns [-] and the columns used.

    ``nom``: the row's :func:`.evaluate.nominal_reads` when already computed.
    """
    c = ctx.replace(selected_row=int(row))
    nom = nominal_reads(c) if nom is None else nom
    cols = set(np.unique(np.linspace(0, c.arr.cols - 1, min(n_cols, c.arr.cols)).round().astype(int)).tolist())
    for st in ("p", "ap"):
        cols.add(int(np.argmin(nom[f"m_{st}"][0])))
    cols = sorted(cols)
    vals = []
    shared = None    # every column a one-column array reproduces is the same evaluation (one array, row, read)
    for col in cols:
        narrowed = narrow_context(c, col, nom)
        if narrowed[0] is not c and shared is not None:
            vals.append(shared)
            continue
        v = 0.5 * (_p_form(c, col, "p", nom, narrowed) + _p_form(c, col, "ap", nom, narrowed))
        if narrowed[0] is not c:
            shared = v
        vals.append(v)
    vals = np.asarray(vals, float)
    ok = np.isfinite(vals)
    return (float(vals[ok].mean()) if ok.any() else math.nan), cols


def row_stats(ctx, rows, n_cols=4, noms=None) -> RowStats:
    """:class:`RowStats` of the rows ``rows`` (closed-form BER per row, array average, worst row).

    ``noms``: ``{row: nominal reads}`` already computed (:func:`.evaluate.nominal_reads`).
    """
    noms = noms or {}
    bers = []
    cols_used = []
    for r in rows:
        b, cols = row_form_ber(ctx, r, n_cols, noms.get(int(r)))
        bers.append(b)
        cols_used = cols
    arr_b = np.asarray(bers, float)
    ok = np.isfinite(arr_b)
    if not ok.any():
        return RowStats(rows=[int(r) for r in rows], ber_form=bers, array_ber_form=math.nan, worst_row=None,
                        worst_row_ber_form=math.nan, columns=cols_used)
    i = int(np.nanargmax(arr_b))
    return RowStats(rows=[int(r) for r in rows], ber_form=[float(x) for x in bers],
                    array_ber_form=float(np.nanmean(arr_b)), worst_row=int(rows[i]),
                    worst_row_ber_form=float(arr_b[i]), columns=[int(c) for c in cols_used])
