r"""Checks of the fast solver's two approximations, on the voltages a read actually solved.

1. *Unselected transistors off.* The ladder (:mod:`.ladder`) treats every
   unselected cell as MTJ + :math:`1/G_{OFF}`. With its gate at 0 V a level-1
   NMOS conducts once :math:`\max(-V_{mid}, -V_{SL}) > V_{TO}(T)` (the source
   is the lower of its two terminals: the SL node in a positive read, the mid
   node in a negative one). The node voltages are linear in the selected
   cell's current, :math:`v = v_0 + I\,dv`, so the check over every sample is
   the check at the smallest and largest current solved per column
   (:func:`check_off_state`). Unselected transistors carry no Monte Carlo
   threshold shift (``vth_shift`` applies to the selected row), so their
   threshold is :math:`V_{TO}(T)`.
2. *Unselected MTJs linear.* Each enters with its static resistance
   :math:`R_s = R(V_u)` at its voltage :math:`V_u` in the nominal read. At a
   sample's current the MTJ voltage is :math:`V_m(I)` and the neglected
   current is :math:`e(I) = I_{MTJ}(V_m) - V_m / R_s` (zero at nominal). In a
   network of positive conductances an injected current reaches one branch
   at most whole, so :math:`B(I) = \sum_{rows} |e(I)| / |I|` bounds the
   relative error of the selected current (:func:`linearisation_bound`).
   :math:`e` is evaluated on a grid of currents out from the nominal one on
   each side; a sample takes the value at the first grid point at least as
   far out as its own current (``e`` grows away from nominal).

Reference: J. Vlach and K. Singhal, *Computer Methods for Circuit Analysis and
Design*, 2nd ed., Van Nostrand Reinhold (1994), ch. 3 (nodal analysis).
"""
from __future__ import annotations

import numpy as np

from ...errors import ParameterError, SimulationError

__all__ = ["check_off_state", "linearisation_bound", "exact_fallback", "LIN_TOL", "GRID", "MAX_EXACT"]

#: relative bound of the linearisation error above which a sample is solved exactly
LIN_TOL = 1e-6
#: fractions of the largest current excursion at which the bound is evaluated
GRID = (1.0 / 1024, 1.0 / 256, 1.0 / 64, 1.0 / 16, 0.25, 0.5, 1.0)


def _worst_vgs(nom, currents):
    """(largest V_GS [V], its (row, group), which current) of the unselected access transistors.

    ``currents`` are per column group (groups,) [A] (the nominal row's
    ``v0``, ``dv``, ``frac_mid`` are stored per group of equal columns).
    """
    worst, where = -np.inf, None
    for j, i in enumerate(currents):
        v = nom.v0 + np.asarray(i, float)[:, None] * nom.dv             # (groups, 2 rows)
        vbl, vsl = v[:, 0::2].T, v[:, 1::2].T                            # (rows, groups)
        vmid = vsl + nom.frac_mid * (vbl - vsl)
        vgs = -np.minimum(vmid, vsl)                                     # gate at 0 V
        vgs[nom.row] = -np.inf                                           # the selected row is on
        k = int(np.argmax(vgs))
        if vgs.flat[k] > worst:
            worst, where = float(vgs.flat[k]), np.unravel_index(k, vgs.shape) + (j,)
    return worst, where


def _group_hull(nom, i_lo, i_hi):
    """Smallest and largest of the currents ``i_lo``, ``i_hi`` (n_cols,) [A] over each column group (groups,)."""
    g = nom.v0.shape[0]
    lo = np.full(g, np.inf)
    hi = np.full(g, -np.inf)
    np.minimum.at(lo, nom.inv, np.broadcast_to(np.asarray(i_lo, float), nom.inv.shape))
    np.maximum.at(hi, nom.inv, np.broadcast_to(np.asarray(i_hi, float), nom.inv.shape))
    return lo, hi


def check_off_state(nom, i_lo, i_hi, v_read, T):
    """Raise :class:`ParameterError` when an unselected access transistor is on at a solved current.

    ``nom`` is the read's nominal row (node voltages ``v0``, ``dv`` per
    column, ``frac_mid`` the mid node's fraction of the cell voltage above
    SL, threshold ``vto`` [V]); ``i_lo``, ``i_hi`` (n_cols,) the smallest and
    largest selected-cell currents solved [A].
    """
    if nom.vto <= 0:
        raise ParameterError(
            "temperature", T, f"a temperature at which the access transistor's V_TO(T) = VTO + TCV (T - TNOM) > 0 "
            f"(here {nom.vto:.4g} V): with the word line at 0 V every unselected access transistor is on, "
            f"which the fast solver does not model")
    # V_GS of every node is linear in the selected current, so -min(v_mid, v_sl) is convex in it and its
    # maximum over a current interval is at an end: a cached, wider interval that passes settles it; and
    # over the columns of a group (equal ladders) it is the maximum at the group's extreme currents
    span = float(np.max(np.maximum(np.abs(np.asarray(i_hi) - nom.i_n), np.abs(np.asarray(i_lo) - nom.i_n))
                        / np.maximum(np.abs(nom.i_n), 1e-300)))
    level = next((lv for lv in QUICK_LEVELS if span <= lv), None)
    if level is not None:
        key = ("vgs", float(T), level)
        if key not in nom.quick:
            i_g = nom.i_n[nom.reps]
            nom.quick[key] = _worst_vgs(nom, (i_g * (1.0 - level), i_g * (1.0 + level)))[0]
        if nom.quick[key] <= nom.vto:
            return
    hull = _group_hull(nom, i_lo, i_hi)
    worst, where = _worst_vgs(nom, hull)
    if worst > nom.vto:
        r, g, j = (int(x) for x in where)
        ext = np.broadcast_to(np.asarray((i_lo, i_hi)[j], float), nom.inv.shape)
        c = int(np.flatnonzero((nom.inv == g) & (ext == hull[j][g]))[0])   # a column at the group's extreme
        raise ParameterError(
            "v_read", v_read,
            f"a read in which every unselected access transistor stays off: at T = {T:g} K the "
            f"transistor of row {r}, column {c} has V_GS = {worst:.4g} V > V_TO(T) = {nom.vto:.4g} V "
            f"(its source is the {'mid' if v_read < 0 else 'source-line'} node); the fast solver assumes them "
            f"off: use |v_read| < about V_TO(T) for a negative read, and V_TO(T) > 0")


def excursion_error(arr, nom, i, T):
    r"""(n_cols,) Thevenin-voltage error [V] of the unselected cells' linearisation at selected currents ``i`` [A].

    Sum over unselected rows of :math:`|Z_{sr}|\,|e_r(I)|\,R_s/(R_s + 1/G_{OFF})`: the MTJ current
    error ``e`` as a Norton source at the cell's terminals (through the series leakage resistance)
    times the transfer impedance to the selected port, :math:`|dv_{bl,r} - dv_{sl,r}|` (reciprocity).
    """
    i = np.broadcast_to(np.asarray(i, float), nom.inv.shape)
    i_g = i[nom.reps]
    if np.array_equal(i_g[nom.inv], i):                                  # equal within each group
        return _excursion(arr, nom, i_g, np.arange(nom.reps.size), T)[nom.inv]
    return _excursion(arr, nom, i, nom.inv, T)


def _excursion(arr, nom, i, groups, T):
    """:func:`excursion_error` of the columns whose groups are ``groups``, at currents ``i`` (one per entry)."""
    one = groups.size == nom.reps.size and np.array_equal(groups, np.arange(groups.size))
    v0, dv = (nom.v0, nom.dv) if one else (nom.v0[groups], nom.dv[groups])
    full, frac_mtj, r_m = ((nom.full, nom.frac_mtj, nom.r_m) if one
                           else (nom.full[:, groups], nom.frac_mtj[:, groups], nom.r_m[:, groups]))
    v = v0 + i[:, None] * dv
    vcell = (v[:, 0::2] - v[:, 1::2]).T                                  # (rows, columns)
    vm = vcell * frac_mtj
    e = np.asarray(arr.mtj.current(full, vm, T), float) - vm / r_m
    z = np.abs(dv[:, 0::2] - dv[:, 1::2]).T
    e = np.abs(e) * frac_mtj * z
    e[nom.row] = 0.0
    return np.sum(e, axis=0)


def _didvth(arr, nom, cell, i_cell, v_mtj, rs, ts, dvt, T, chunk):
    """(S, n_cols) dI/dV_th of each sample's selected cell [S] (its sensitivity to the Thevenin voltage).

    :math:`dI/dV_{th} = 1 / (R_{th} + (1 + g_m k_b)/(g_{ds} + G_{OFF}) + 1/g_{MTJ})` at the solved point.
    """
    from .newton import transistor

    S, nc = i_cell.shape
    out = np.empty((S, nc))
    st = nom.full[nom.row][nom.inv]
    step = max(1, chunk // max(nc, 1))
    for r0 in range(0, S, step):
        sl = slice(r0, min(S, r0 + step))
        i, x = i_cell[sl], v_mtj[sl]
        g = np.asarray(arr.mtj.didv(st[None, :], x, T, r_scale=rs[sl], tmr_scale=ts[sl]), float)
        vgst = nom.a[None, :] - dvt[sl] - nom.kb[None, :] * i
        vds = nom.vth[None, :] - nom.rth[None, :] * i - x
        _, gm, gds = transistor(vgst, vds, cell.beta, cell.lam)
        gds = gds + cell.goff
        out[sl] = 1.0 / (nom.rth[None, :] + (1.0 + gm * nom.kb[None, :]) / gds + 1.0 / np.maximum(g, 1e-300))
    return out


#: relative excursions |I - I_n|/|I_n| of the selected current at which the quick test's errors are
#: computed once per nominal read and reused for every chunk of samples that stays within one of them
QUICK_LEVELS = (0.125, 0.25, 0.5, 1.0, 2.0)


def _quick_excursion_errors(arr, nom, i_min, i_max, T):
    """Excursion errors at (or beyond) the extreme currents ``i_min``, ``i_max`` [A] of a chunk, (2, n_cols) [V].

    The smallest cached level of :data:`QUICK_LEVELS` that covers the chunk's largest relative
    excursion is used (the error of a smooth I(V) linearised at the nominal point grows with the
    excursion on each side, the same monotonicity the bound assumes between its grid points);
    beyond the last level the extremes themselves are evaluated.
    """
    span = float(np.max(np.maximum(np.abs(i_max - nom.i_n), np.abs(i_min - nom.i_n))
                        / np.maximum(np.abs(nom.i_n), 1e-300)))
    level = next((lv for lv in QUICK_LEVELS if span <= lv), None)
    if level is None:
        return [excursion_error(arr, nom, ext, T) for ext in (i_min, i_max)]
    key = (float(T), level)
    if key not in nom.quick:
        nom.quick[key] = [excursion_error(arr, nom, nom.i_n * (1.0 + sgn * level), T) for sgn in (-1.0, 1.0)]
    return nom.quick[key]


def linearisation_bound(arr, nom, cell, i_cell, v_mtj, rs, ts, dvt, T, chunk=16384):
    """(S,) largest relative error bound over columns of each sample, or None when all are below LIN_TOL.

    ``i_cell``, ``v_mtj`` (S, n_cols) the solved selected-cell currents [A]
    and MTJ voltages [V]; ``rs``, ``ts``, ``dvt`` the samples (sliceable by
    rows, (S, n_cols)). The quick test uses :math:`dI/dV_{th} < 1/R_{th}`;
    only when it fails is each sample's own :math:`dI/dV_{th}` evaluated
    (with a factor 2 for its change along the excursion).
    """
    i_min, i_max = i_cell.min(axis=0), i_cell.max(axis=0)
    i_n = nom.i_n
    i_abs = np.maximum(np.minimum(np.abs(i_min), np.abs(i_max)), 1e-300)
    quick = 0.0
    for e in _quick_excursion_errors(arr, nom, i_min, i_max, T):
        quick = max(quick, float(np.max(e / (nom.rth * i_abs))))
    if quick <= LIN_TOL:
        return None
    gain = 2.0 * _didvth(arr, nom, cell, i_cell, v_mtj, rs, ts, dvt, T, chunk) / np.maximum(np.abs(i_cell), 1e-300)
    # per sample: the grid point at least as far out as its own current
    S = i_cell.shape[0]
    bound = np.zeros(S)
    for ext in (i_min, i_max):
        span = ext - i_n                                                  # (n_cols,)
        d = (i_cell - i_n) / np.where(span == 0.0, np.inf, span)          # in (0, 1] on this side
        prev = ~(d > 0)
        for f in GRID:
            e = excursion_error(arr, nom, i_n + f * span, T)
            sel = (d <= f) & ~prev
            bound = np.maximum(bound, np.where(sel, e[None, :] * gain, 0.0).max(axis=1))
            prev |= sel
    return bound


#: samples above which the exact fallback of the linearisation check refuses (solve_full per sample)
MAX_EXACT = 256


def exact_fallback(arr, nom, cell, full, v_read, T, v_wl, tol, max_iter, rs, ts, dvt, i_cell, v_mtj):
    """Solve exactly the samples whose linearisation bound exceeds ``LIN_TOL`` (in place); see :func:`_solve_row`."""
    from .nodal import solve_full

    bound = linearisation_bound(arr, nom, cell, i_cell, v_mtj, rs, ts, dvt, T)
    if bound is None:
        return None
    bad = np.flatnonzero(bound > LIN_TOL)
    if not bad.size:
        return None
    if bad.size > MAX_EXACT:
        raise SimulationError(
            f"read_currents: the linearisation of the unselected cells' MTJs may be off by up to "
            f"{float(bound.max()):.3g} (relative, allowed {LIN_TOL:g}) in {bad.size} samples, more than the "
            f"{MAX_EXACT} solved exactly per call (G_OFF(T) = {float(arr.access.g_off(T)):.3g} S, "
            f"v_read = {v_read:g} V): use fewer samples per call, a smaller v_read or less leakage")
    C = arr.cols
    i_bl = np.empty((bad.size, nom.i_bl0.size))
    for j, k in enumerate(bad):
        one = slice(int(k), int(k) + 1)
        sol = solve_full(arr, selected_row=nom.row, states=full[:, :C], v_read=v_read, temperature=T,
                         r_scale=rs[one][0, :C], tmr_scale=ts[one][0, :C], vth_shift=dvt[one][0, :C], v_wl=v_wl,
                         tol=tol,
                         max_iter=max(max_iter, 60)).read
        ref = sol.i_ref[0] if arr.n_ref else np.empty(0)
        i_cell[k] = np.concatenate([sol.i_cell[0], ref])
        v_mtj[k, :C] = sol.v_mtj[0]
        i_bl[j, :C] = sol.i_bl[0]
        i_bl[j, C:] = nom.i_bl0[C:] + nom.m_bl[C:] * i_cell[k, C:]
    return bad, i_bl
