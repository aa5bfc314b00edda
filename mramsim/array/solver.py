r"""Read currents of a 1T-1MTJ array: fast vectorised solver and full sparse check.

Fast solver (:func:`read_currents`)
-----------------------------------
In a read, the word line of one row is high and every other transistor is off
(:math:`V_{GS} \le 0 < V_{TO}`), so an unselected cell is a linear conductance
:math:`g_u = 1/(R_{MTJ}(0, T) + 1/G_{OFF})` between its BL and SL nodes (its
MTJ sees ~ V G_OFF R_MTJ of a microvolt, where R(V) is flat to 1e-9). Per
column, the BL and SL ladders (segment conductances :math:`g_b = 1/r_{bl}`,
:math:`g_s = 1/r_{sl}`, drivers at row 0) plus these leakage rungs are
linear, do not depend on the Monte Carlo sample, and are reduced once to what
the selected cell (row :math:`s`) sees: with the cell drawing current :math:`I`
from :math:`v_{bl,s}` into :math:`v_{sl,s}`,

.. math::
    v_{bl,s} - v_{sl,s} = V_{th} - R_{th} I,\qquad
    v_{sl,s} = V_{b0} + k_b I,\qquad
    I_{BL} = I_{BL,0} + m_{bl} I

(two solves of the banded nodal system :math:`G v = i` per column, all columns
stacked into one banded Cholesky solve). The selected cell (MTJ in series with
the access NMOS, leakage :math:`G_{OFF}` across the NMOS) then has one unknown,
the MTJ voltage :math:`x`: :math:`I = I_{MTJ}(x)`,
:math:`V_{DS} = V_{th} - R_{th} I - x`,
:math:`V_{GS} = V_{WL} - V_{b0} - k_b I`, and Newton solves

.. math::
    f(x) = I_{MTJ}(x) - I_D(V_{GS}, V_{DS}) - G_{OFF} V_{DS} = 0,\qquad
    f'(x) = g_{MTJ}\,\big(1 + g_m k_b + (g_{ds}+G_{OFF}) R_{th}\big) + g_{ds} + G_{OFF}

vectorised over (samples, columns), in cache-sized chunks. :math:`f` is
monotone increasing and the root lies in :math:`[0, V_{th}]` (iterates are
kept there). (A) Newton with the MTJ's base functions :math:`1/R_P(V)` and
TMR(V) at the solve temperature, taken from ``cm.resistance`` and tabulated
as a cubic spline (``r_scale`` multiplies R_P and ``tmr_scale`` the TMR, as
in :meth:`CompactMTJ.resistance`); the spline is checked against the model at
every interval midpoint and refined until R_P and R_AP agree to 1e-9
(relative). Newton starts from the first-order Taylor expansion of the
nominal solution (solved per column, with the exact model) in the sample's
(r_scale, tmr_scale, vth_shift), and stops when the update (or, in the
quadratic regime, the predicted next update) is below ``tol``. (B) Optional
(``polish=True``, automatic if the spline misses 1e-9): Newton steps with
the exact residual from ``cm.current`` until the update is below ``tol``.
P and AP columns are solved as separate groups (P cells need no TMR term);
the common case (transistor in its forward linear region) runs in a fused,
in-place kernel whose converged point is region-checked, other chunks are
re-solved with the general level-1 equations. The ladder reduction, spline
and nominal solution are cached per array and read configuration. A failure
to converge raises :class:`ConvergenceError`.

Full solver (:func:`solve_full`)
--------------------------------
Modified nodal analysis on every node of :attr:`Array1T1MTJ.graph` (sources to
ground fix their nodes), every MTJ nonlinear (``cm.current``/``cm.didv``),
every NMOS level-1, Newton with :func:`scipy.sparse.linalg.spsolve`. Slow, for
checks.

References: L. W. Nagel, "SPICE2: A computer program to simulate semiconductor
circuits", UC Berkeley ERL Memo M520 (1975) (nodal analysis and Newton
iteration of circuit simulators); J. Vlach and K. Singhal, *Computer Methods
for Circuit Analysis and Design*, 2nd ed., Van Nostrand Reinhold (1994),
ch. 3 and 4 (reduction of linear subnetworks, Newton-Raphson).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import check_range, check_temperature
from ..constants import T_NOM
from ..errors import ConvergenceError, ParameterError
from ..circuit.elements import level1_ids_derivs

__all__ = ["ReadSolution", "FullSolution", "read_currents", "solve_full", "column_equivalents"]

#: per array: nominal solutions and reduced ladders of recent reads (sample-independent)
_NOMINAL_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
#: per array: full state maps of the uniform-state reads of :func:`_read_fast`
_FULL_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_CHUNK = 16384         # elements per vectorised chunk (temporaries fit in a 2 MB L2; 8192 and 32768 are slower)
_SPLINE_NODES = 2049
_SPLINE_MAX_NODES = 32769
_SPLINE_RTOL = 1e-9    # max relative error of R_P and R_AP allowed at the interval midpoints   # cubic-spline nodes of the MTJ base functions over the bias range


@dataclass(frozen=True)
class ReadSolution:
    """Solution of a read of one row for a batch of samples.

    Parameters
    ----------
    i_cell : ndarray
        (samples, cols) current through each selected data cell, BL -> SL [A].
    i_bl : ndarray
        (samples, cols) current delivered by each data BL driver (selected cell
        plus leakage of the unselected cells) [A].
    v_mtj : ndarray
        (samples, cols) voltage across each selected MTJ [V].
    iterations : int
        Newton iterations used (the largest over all chunks, both phases).
    i_ref : ndarray or None
        (samples, n_ref) selected-cell currents of the reference columns [A]
        (nominal cells), None when the array has none.
    """

    i_cell: np.ndarray
    i_bl: np.ndarray
    v_mtj: np.ndarray
    iterations: int
    i_ref: np.ndarray | None = None


@dataclass(frozen=True)
class FullSolution:
    """Node voltages of a full-array solve plus the read quantities.

    Parameters
    ----------
    voltages : dict[str, float]
        Node name -> voltage [V] (every node of the graph).
    read : ReadSolution
        Selected-row currents (samples = 1), reference columns in ``i_ref``.
    iterations : int
        Newton iterations.
    """

    voltages: dict
    read: ReadSolution
    iterations: int


# -- linear ladder reduction ---------------------------------------------------------
def _unselected_conductance(arr, full_states, T, v_mtj=None):
    """(rows, n_cols) conductance of each cell with its transistor off [S].

    The MTJ enters with its static resistance R(V_u)/V_u at its voltage ``v_mtj``
    (rows, n_cols) [V], or at V = 0 when not given.
    """
    cm = arr.mtj
    r_off = 1.0 / float(arr.access.g_off(T))
    if v_mtj is None:
        r0 = np.array([float(np.asarray(cm.resistance(s, 0.0, T))) for s in (0, 1)])
        return 1.0 / (r0[full_states] + r_off)
    return 1.0 / (np.asarray(cm.resistance(full_states, v_mtj, T), float) + r_off)


def column_equivalents(arr, selected_row: int, full_states, v_read: float, temperature: float,
                       v_mtj_unselected=None) -> dict:
    r"""Reduce each column's linear network to what the selected cell sees.

    Parameters
    ----------
    arr : Array1T1MTJ
        The array.
    selected_row : int
        Selected row :math:`s`.
    full_states : ndarray
        (rows, n_cols) states, from :meth:`Array1T1MTJ.full_states`.
    v_read : float
        BL driver voltage [V].
    temperature : float
        Temperature [K].
    v_mtj_unselected : ndarray, optional
        (rows, n_cols) MTJ voltages of the unselected cells [V] at which
        their static resistance is taken (default 0 V).

    Returns
    -------
    dict of ndarray, each (n_cols,)
        ``v_th`` [V], ``r_th`` [ohm], ``v_b0`` [V], ``k_b`` [ohm], ``i_bl0`` [A],
        ``m_bl`` [-] with :math:`v_{bl,s}-v_{sl,s} = V_{th} - R_{th} I`,
        :math:`v_{sl,s} = V_{b0} + k_b I`, :math:`I_{BL} = I_{BL,0} + m_{bl} I`;
        also ``v0``, ``dv`` (n_cols, 2 rows) node voltages at I = 0 and per
        ampere of cell current (order bl_0, sl_0, bl_1, ...) and ``g_u``
        (rows, n_cols) the unselected-cell conductances [S].
    """
    from scipy.linalg import solveh_banded

    R, C, s = arr.rows, arr.n_cols, selected_row
    gb, gs = 1.0 / arr.wires.r_bl, 1.0 / arr.wires.r_sl
    gu = _unselected_conductance(arr, full_states, temperature, v_mtj_unselected).copy()
    gu[s, :] = 0.0                                   # the selected cell is solved separately
    n = 2 * R
    below = np.ones(R)
    below[-1] = 0.0                                  # no segment below the last row
    diag = np.empty((C, n))
    diag[:, 0::2] = (gb * (1.0 + below))[None, :] + gu.T
    diag[:, 1::2] = (gs * (1.0 + below))[None, :] + gu.T
    up1 = np.zeros((C, n))                           # a[j-1, j]
    up1[:, 1::2] = -gu.T                             # bl_r - sl_r
    up2 = np.zeros((C, n))                           # a[j-2, j]
    up2[:, 2::2] = -gb                               # bl_{r-1} - bl_r
    up2[:, 3::2] = -gs                               # sl_{r-1} - sl_r
    up1[:, 0] = 0.0
    up2[:, :2] = 0.0                                 # no coupling between stacked columns
    ab = np.stack([up2.ravel(), up1.ravel(), diag.ravel()])
    rhs = np.zeros((C, n, 2))
    rhs[:, 0, 0] = gb * v_read                       # BL driver through the first segment
    rhs[:, 2 * s, 1] = -1.0                          # unit current drawn from bl_s ...
    rhs[:, 2 * s + 1, 1] = 1.0                       # ... and returned into sl_s
    sol = solveh_banded(ab, rhs.reshape(C * n, 2), lower=False, check_finite=False).reshape(C, n, 2)
    v0, dv = sol[..., 0], sol[..., 1]
    return {
        "v_th": v0[:, 2 * s] - v0[:, 2 * s + 1],
        "r_th": -(dv[:, 2 * s] - dv[:, 2 * s + 1]),
        "v_b0": v0[:, 2 * s + 1],
        "k_b": dv[:, 2 * s + 1],
        "i_bl0": gb * (v_read - v0[:, 0]),
        "m_bl": -gb * dv[:, 0],
        "v0": v0,
        "dv": dv,
        "g_u": gu,
    }


# -- MTJ base functions as a spline ----------------------------------------------------
class _MTJSpline:
    """Cubic spline of 1/R_P(V) and TMR(V) at one temperature (phase A of Newton).

    Built on ``n`` uniform nodes; checked against the model at every interval
    midpoint (where the cubic-spline error peaks) and refined (n -> 2n - 1)
    until the relative error of R_P and R_AP is below ``_SPLINE_RTOL``, up to
    ``_SPLINE_MAX_NODES``. ``max_rel_error`` records the check; ``ok`` says
    whether it met the target.
    """

    def __init__(self, cm, T, lo, hi, n=_SPLINE_NODES):
        from scipy.interpolate import CubicSpline

        while True:
            v = np.linspace(lo, hi, n)
            rp = np.asarray(cm.resistance(0, v, T), float)
            rap = np.asarray(cm.resistance(1, v, T), float)
            cs_g, cs_t = CubicSpline(v, 1.0 / rp), CubicSpline(v, rap / rp - 1.0)
            vm = 0.5 * (v[1:] + v[:-1])
            rp_m = np.asarray(cm.resistance(0, vm, T), float)
            rap_m = np.asarray(cm.resistance(1, vm, T), float)
            rp_s = 1.0 / cs_g(vm)
            rap_s = rp_s * (1.0 + cs_t(vm))
            self.max_rel_error = float(max(np.max(np.abs(rp_s / rp_m - 1.0)), np.max(np.abs(rap_s / rap_m - 1.0))))
            self.ok = self.max_rel_error < _SPLINE_RTOL
            if self.ok or 2 * n - 1 > _SPLINE_MAX_NODES:
                break
            n = 2 * n - 1
        # one contiguous table per coefficient (gathers from 1-D arrays are fastest)
        self.tab = [np.ascontiguousarray(c) for c in (cs_g.c[0], cs_g.c[1], cs_g.c[2], cs_g.c[3],
                                                       cs_t.c[0], cs_t.c[1], cs_t.c[2], cs_t.c[3])]
        self.lo, self.h, self.n = lo, v[1] - v[0], n
        self.inv_h = 1.0 / self.h
        # the same cubics in the local coordinate u = (x - x_k)/h in [0, 1)
        h = self.h
        self.tab_u = [np.ascontiguousarray(c * h**p) for c, p in
                      zip(self.tab, (3, 2, 1, 0, 3, 2, 1, 0))]

    def eval(self, x):
        """(g_p, dg_p/dV, tmr, dtmr/dV) at x."""
        k = ((x - self.lo) * self.inv_h).astype(np.intp)
        np.clip(k, 0, self.n - 2, out=k)
        t = x - self.lo
        t -= k * self.h
        g3, g2, g1, g0, t3, t2, t1, t0 = (c.take(k) for c in self.tab)
        gp = ((g3 * t + g2) * t + g1) * t + g0
        dgp = (3.0 * g3 * t + 2.0 * g2) * t + g1
        tm = ((t3 * t + t2) * t + t1) * t + t0
        dtm = (3.0 * t3 * t + 2.0 * t2) * t + t1
        return gp, dgp, tm, dtm

    def eval_gp(self, x):
        """(g_p, dg_p/dV) at x."""
        k = ((x - self.lo) * self.inv_h).astype(np.intp)
        np.clip(k, 0, self.n - 2, out=k)
        t = x - self.lo
        t -= k * self.h
        g3, g2, g1, g0 = (c.take(k) for c in self.tab[:4])
        gp = ((g3 * t + g2) * t + g1) * t + g0
        dgp = (3.0 * g3 * t + 2.0 * g2) * t + g1
        return gp, dgp


@lru_cache(maxsize=16)
def _spline_cached(cm, T, lo, hi):
    return _MTJSpline(cm, T, lo, hi)


def _spline(cm, T, lo, hi):
    """The MTJ spline, cached per (model, T, range) when the model is hashable (frozen)."""
    try:
        return _spline_cached(cm, T, lo, hi)
    except TypeError:
        return _MTJSpline(cm, T, lo, hi)


def _mtj_spline_iv(sp, x, rs, sts):
    """MTJ current and slope from the spline: I = x g_p / (rs (1 + sts tmr)); sts None: P state."""
    if sts is None:
        gp, dgp = sp.eval_gp(x)
        inv = 1.0 / rs
        return x * gp * inv, (gp + x * dgp) * inv
    gp, dgp, tm, dtm = sp.eval(x)
    inv = 1.0 / (rs * (1.0 + sts * tm))
    i = x * gp * inv
    di = (gp + x * dgp) * inv - i * sts * dtm / (1.0 + sts * tm)
    return i, di


def _transistor(vgst_off, vds, beta, lam):
    """Level-1 current and derivatives; fast path when all in forward linear region.

    ``vgst_off`` is V_GS - V_TO [V] (forward frame).
    """
    if np.all(vds >= 0.0) and np.all(vds < vgst_off):
        k = 1.0 + lam * vds
        a = vgst_off - 0.5 * vds
        f = beta * vds * a
        return f * k, beta * vds * k, beta * (vgst_off - vds) * k + lam * f
    return level1_ids_derivs(vgst_off, vds, 0.0, beta, lam)


def _cubic_and_slope(tabs, j0, k, u, inv_h, val, der, q, p):
    """Cubic spline piece ``tabs[j0:j0+4]`` (c3, c2, c1, c0) at interval ``k``, local ``u``, in place.

    ``val`` = ((c3 u + c2) u + c1) u + c0 and ``der`` = d val/dV =
    ((3 c3 u + 2 c2) u + c1) inv_h [1/V]; ``q``, ``p`` are scratch buffers.
    """
    c3, c2, c1, c0 = (tabs[j].take(k) for j in range(j0, j0 + 4))
    np.multiply(c3, u, out=q)                 # q = c3 u
    np.add(q, c2, out=p)                      # p = c3 u + c2
    np.multiply(p, u, out=val)
    val += c1
    val *= u
    val += c0
    np.add(p, p, out=der)
    der += q
    der *= u
    der += c1
    der *= inv_h


def _newton_linear_region(sp, x, inv_rs, sts, a, vth, rth, kb, lo, hi, beta, lam, goff, tol_, max_iter,
                          out_x=None, out_i=None):
    """Phase-A Newton of one chunk, fused and in place, transistor in its forward linear region.

    Same iteration and stopping rule as the general loop in :func:`read_currents`,
    with the level-1 linear-region formula throughout (the cheap common case of
    a read). Returns ``(x, I, iterations)``, or None when the converged point
    is not in the forward linear region (0 <= V_DS < V_GST) or the iteration
    does not converge -- the caller then reruns the chunk with the general
    level-1 equations. ``x`` must lie in [lo, hi] inside the spline range
    (it is not modified). ``out_x``, ``out_i``: optional arrays (not ``x``)
    that receive the iterates and the returned current.
    """
    n = x.size
    u = np.empty(n)
    q = np.empty(n)
    p = np.empty(n)
    gp = np.empty(n)
    dg = np.empty(n)
    i1 = np.empty(n)
    g1 = np.empty(n)
    vds = np.empty(n)
    vg = np.empty(n)
    w = np.empty(n)
    f = np.empty(n)
    fp = np.empty(n)
    gm = np.empty(n)
    gds = np.empty(n)
    prev = None
    tabs = sp.tab_u
    for it in range(1, max_iter + 1):
        # cubic spline on the unit interval: index k, local coordinate u in [0, 1)
        np.subtract(x, sp.lo, out=u)
        u *= sp.inv_h
        k = u.astype(np.intp)
        u -= k
        _cubic_and_slope(tabs, 0, k, u, sp.inv_h, gp, dg, q, p)     # g_p, dg_p/dV
        if sts is None:                           # P: I = x g_p / rs
            np.multiply(x, gp, out=i1)
            i1 *= inv_rs
            np.multiply(x, dg, out=g1)
            g1 += gp
            g1 *= inv_rs
        else:                                     # AP: I = x g_p / (rs (1 + sts tmr))
            _cubic_and_slope(tabs, 4, k, u, sp.inv_h, w, vg, q, p)  # tmr, dtmr/dV
            w *= sts
            w += 1.0                              # d = 1 + sts tmr
            np.divide(inv_rs, w, out=f)           # 1 / (rs d)
            np.multiply(x, gp, out=i1)
            i1 *= f
            np.multiply(x, dg, out=g1)
            g1 += gp
            g1 *= f
            vg *= sts
            vg /= w
            vg *= i1
            g1 -= vg                              # dI/dx
        # transistor, forward linear region: V_DS = V_th - R_th I - x, V_GST = a - k_b I
        np.multiply(rth, i1, out=vds)
        np.subtract(vth, vds, out=vds)
        vds -= x
        np.multiply(kb, i1, out=vg)
        np.subtract(a, vg, out=vg)
        np.multiply(vds, lam, out=w)
        w += 1.0                                  # 1 + lambda V_DS
        np.multiply(vds, 0.5, out=q)
        np.subtract(vg, q, out=q)                 # V_GST - V_DS/2
        np.multiply(vds, q, out=p)
        p *= beta                                 # beta V_DS (V_GST - V_DS/2)
        np.multiply(vds, w, out=gm)
        gm *= beta                                # g_m
        np.subtract(vg, vds, out=gds)
        gds *= w
        gds *= beta
        np.multiply(p, lam, out=q)
        gds += q
        gds += goff                               # g_ds + G_OFF
        np.multiply(p, w, out=f)                  # I_D
        np.subtract(i1, f, out=f)
        np.multiply(vds, goff, out=q)
        f -= q                                    # residual
        np.multiply(gm, kb, out=fp)
        np.multiply(gds, rth, out=q)
        fp += q
        fp += 1.0
        fp *= g1
        fp += gds                                 # f'(x)
        f /= fp                                   # Newton step dx
        x = np.subtract(x, f, out=out_x)
        np.maximum(x, lo, out=x)
        np.minimum(x, hi, out=x)
        err = np.abs(f)
        worst = err.max() if n else 0.0
        if not np.isfinite(worst):
            return None
        done = worst < tol_
        if not done and prev is not None and worst < 1e-5:
            pred = err * err * err
            pred *= 10.0
            pred /= np.maximum(prev * prev, 1e-300)
            done = np.max(np.minimum(pred, err)) < tol_
        if done:
            if np.any(vds < 0.0) or np.any(vds >= vg):
                return None
            g1 *= f
            return x, np.subtract(i1, g1, out=out_i), it
        prev = err
    return None


def _newton_numpy(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter, v_read, T,
                  exact=None):
    """Newton on the MTJ voltage x (numpy reference); returns (x, I, iterations).

    Residual f(x) = I_MTJ(x) - I_D(V_GST, V_DS) - G_OFF V_DS with
    V_DS = vth - rth I_MTJ - x, V_GST = a - kb I_MTJ (level-1 NMOS of
    :func:`mramsim.circuit.elements.level1_ids_derivs`, MTJ from the spline ``sp``
    or ``exact(x)``); ``x`` clipped to [lo, hi]. ``sts_`` None: P state.
    Raises :class:`ConvergenceError` on a non-finite update or after
    ``max_iter`` iterations ([V], [K] in the messages: ``v_read``, ``T``).

    Converged when every element's update is below tol_, or (in the
    quadratic regime, update < 1e-5 V) when its predicted next update
    10 |dx_k|^3 / |dx_{k-1}|^2 is below tol_.
    """
    prev = None
    for it in range(1, max_iter + 1):
        i1, g1 = _mtj_spline_iv(sp, x, rs_, sts_)
        if exact is not None:
            i1 = exact(x)
        vds = vth_ - rth_ * i1 - x
        vg = a_ - kb_ * i1
        it_, gm, gds = _transistor(vg, vds, beta, lam)
        gds += goff
        f = i1 - it_
        f -= goff * vds
        fp = gm * kb_
        fp += gds * rth_
        fp += 1.0
        fp *= g1
        fp += gds
        dx = f / fp
        x_new = x - dx
        np.maximum(x_new, lo_, out=x_new)
        np.minimum(x_new, hi_, out=x_new)
        err = np.abs(x_new - x)
        x = x_new
        worst = err.max() if err.size else 0.0
        if not np.isfinite(worst):
            raise ConvergenceError(f"read_currents: non-finite Newton update at iteration {it} "
                                   f"(v_read={v_read} V, T={T} K)")
        if worst < tol_:
            return x, i1 - g1 * dx, it
        if prev is not None and worst < 1e-5:
            pred = 10.0 * err * err * err / np.maximum(prev * prev, 1e-300)
            if np.max(np.minimum(pred, err)) < tol_:
                return x, i1 - g1 * dx, it
        prev = err
    bad = int(np.count_nonzero(err >= tol_))
    raise ConvergenceError(
        f"read_currents: {bad} of {err.size} cells not converged after max_iter={max_iter} Newton "
        f"iterations (largest update {worst:.3g} V > tol={tol_:g} V; v_read={v_read} V, T={T} K)")


_NUMBA = None      # None: not tried yet; False: numba not importable; else the kernels module


def _kernels():
    """The compiled kernels module, or False when numba is not importable (lazy import)."""
    global _NUMBA
    if _NUMBA is None:
        try:
            from . import _kernels as k
        except ImportError:
            k = False
        _NUMBA = k
    return _NUMBA


def _newton(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter, v_read, T,
            out_x=None, out_i=None, inv_rs=None):
    """Spline-phase Newton: the compiled kernel when numba is importable, else :func:`_newton_numpy`.

    Same arguments, iteration, stopping rule and :class:`ConvergenceError`
    messages as :func:`_newton_numpy` (``exact`` None); ``out_x``, ``out_i``:
    optional contiguous (n,) arrays that receive the result; ``inv_rs``:
    optional (n,) array holding 1 / ``rs_`` [-].
    """
    kern = _kernels()
    if not kern:
        return _newton_numpy(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter,
                             v_read, T)
    n = x.size
    c = np.ascontiguousarray
    f = lambda v: c(np.broadcast_to(np.asarray(v, float), (n,)))  # noqa: E731
    tab = getattr(sp, "tab2", None)
    if tab is None:
        tab = sp.tab2 = np.ascontiguousarray(np.stack(sp.tab, axis=1))   # (n-1, 8)
    is_ap = sts_ is not None
    xo = np.empty(n) if out_x is None else out_x
    io = np.empty(n) if out_i is None else out_i
    status, it, worst, bad = kern.newton_cells(
        tab, float(sp.lo), float(sp.h), float(sp.inv_h), int(sp.n - 2), f(x), 1.0 / f(rs_) if inv_rs is None else f(inv_rs),
        f(sts_) if is_ap else np.empty(0), is_ap, f(a_), f(vth_), f(rth_), f(kb_), f(lo_), f(hi_),
        float(beta), float(lam), float(goff), float(tol_), int(max_iter), xo, io, np.empty(n), np.empty(n))
    if status == kern.NONFINITE:
        raise ConvergenceError(f"read_currents: non-finite Newton update at iteration {it} "
                               f"(v_read={v_read} V, T={T} K)")
    if status == kern.NOT_CONVERGED:
        raise ConvergenceError(
            f"read_currents: {bad} of {n} cells not converged after max_iter={max_iter} Newton "
            f"iterations (largest update {worst:.3g} V > tol={tol_:g} V; v_read={v_read} V, T={T} K)")
    return xo.reshape(np.shape(x)), io.reshape(np.shape(x)), it


def _as_2d(field, value, cols):
    a = np.asarray(value, float)
    if a.ndim > 2:
        raise ParameterError(field, f"array of shape {a.shape}", f"broadcastable to (samples, {cols})")
    try:
        np.broadcast_shapes(a.shape, (1, cols))
    except ValueError:
        raise ParameterError(field, f"array of shape {a.shape}", f"broadcastable to (samples, {cols})") from None
    return np.atleast_2d(a) if a.ndim < 2 else a


def _check_inputs(arr, selected_row, v_read, temperature, v_wl):
    arr.check_row(selected_row)
    check_range("v_read", v_read, -5.0, 5.0, unit="V")
    check_temperature("temperature", temperature)
    v_wl = arr.v_wl if v_wl is None else float(check_range("v_wl", v_wl, 0.0, 10.0, lo_open=True, unit="V"))
    T = float(temperature)
    if arr.access.vto(T) <= 0:
        raise ParameterError("temperature", T, "a temperature at which AccessNMOS.vto(T) > 0 "
                             "(unselected cells must be off)")
    return float(v_read), T, v_wl


def read_currents(arr, *, selected_row, states, v_read, temperature=T_NOM, r_scale=1.0, tmr_scale=1.0,
                  vth_shift=0.0, v_wl=None, tol=1e-10, max_iter=60, polish=None) -> ReadSolution:
    """Read currents of the selected row for a batch of Monte Carlo samples.

    Parameters
    ----------
    arr : Array1T1MTJ
        The array (MTJ model, access NMOS, wires, reference columns).
    selected_row : int
        Row being read.
    states : array_like
        (cols,) states of the selected row (unselected rows P) or (rows, cols).
    v_read : float
        BL driver voltage [V] (SL drivers at 0 V).
    temperature : float
        Temperature [K].
    r_scale, tmr_scale : array_like
        R_P and TMR multipliers of the selected-row data cells, broadcastable
        to (samples, cols) [-].
    vth_shift : array_like
        Threshold shifts of the selected-row access transistors, broadcastable
        to (samples, cols) [V].
    v_wl : float, optional
        Word-line voltage [V] (default ``arr.v_wl``).
    tol : float
        Convergence: the last Newton update of every MTJ voltage (or, once
        updates are below 1e-5 V, the predicted next update
        10 |dx_k|^3/|dx_{k-1}|^2 of quadratic convergence) below ``tol`` [V].
    max_iter : int
        Iteration limit of each Newton phase.
    polish : bool, optional
        Run phase B (Newton steps with the exact ``cm.current`` residual)
        after the spline phase. Default: only when the spline misses its
        accuracy check (relative error of R_P, R_AP above 1e-9 at the
        interval midpoints even with 32769 nodes).

    Returns
    -------
    ReadSolution

    Raises
    ------
    ConvergenceError
        If any sample/column has not converged within ``max_iter``.
    """
    v_read, T, v_wl = _check_inputs(arr, selected_row, v_read, temperature, v_wl)
    check_range("tol", tol, 0.0, 1e-3, lo_open=True, unit="V")
    if not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ParameterError("max_iter", max_iter, "an integer >= 1")
    full = arr.full_states(states, selected_row)
    C, nc = arr.cols, arr.n_cols
    rs = _as_2d("r_scale", r_scale, C)
    ts = _as_2d("tmr_scale", tmr_scale, C)
    dvt = _as_2d("vth_shift", vth_shift, C)
    check_range("r_scale", rs, 0.0, lo_open=True)
    check_range("tmr_scale", ts, 0.0)
    check_range("vth_shift", dvt, -1.0, 1.0, unit="V")
    S = max(rs.shape[0], ts.shape[0], dvt.shape[0])
    for name, a in (("r_scale", rs), ("tmr_scale", ts), ("vth_shift", dvt)):
        if a.shape[0] not in (1, S):
            raise ParameterError(name, f"array of shape {a.shape}", f"first axis 1 or {S} (samples)")
    # append nominal reference columns
    if arr.n_ref:
        ones = np.ones((1, arr.n_ref))
        rs = np.concatenate([np.broadcast_to(rs, (rs.shape[0], C)), np.broadcast_to(ones, (rs.shape[0], arr.n_ref))], 1)
        ts = np.concatenate([np.broadcast_to(ts, (ts.shape[0], C)), np.broadcast_to(ones, (ts.shape[0], arr.n_ref))], 1)
        dvt = np.concatenate([np.broadcast_to(dvt, (dvt.shape[0], C)),
                              np.zeros((dvt.shape[0], arr.n_ref))], 1)
    rs = np.broadcast_to(rs, (S, nc))
    ts = np.broadcast_to(ts, (S, nc))
    dvt = np.broadcast_to(dvt, (S, nc))
    i_cell, v_mtj, iters, eq = _solve_row(arr, selected_row, full, v_read, T, v_wl, tol, max_iter, polish,
                                          rs, ts, dvt)
    i_bl = eq["i_bl0"][None, :] + eq["m_bl"][None, :] * i_cell
    ref = i_cell[:, C:] if arr.n_ref else None
    return ReadSolution(i_cell=i_cell[:, :C], i_bl=i_bl[:, :C], v_mtj=v_mtj[:, :C], iterations=iters, i_ref=ref)


def _read_fast(arr, selected_row, state, v_read, T, rs, ts, dvt):
    """Selected-cell current and MTJ voltage of data cells all in ``state`` (no input checks).

    Private fast entry of :func:`read_currents` for callers that generate
    their inputs themselves (the Monte Carlo of :mod:`mramsim.array.margin`):
    ``selected_row`` a valid row, ``state`` 0 or 1, ``v_read`` [V] and ``T``
    [K] as checked by :func:`read_currents`, ``rs``, ``ts``, ``dvt`` float64
    arrays of shape (samples, cols) with finite values in the ranges
    :func:`read_currents` accepts. Default ``v_wl``, ``tol`` and
    ``max_iter``. Same arithmetic as :func:`read_currents`.

    Returns
    -------
    i_cell, v_mtj : ndarray
        (samples, cols) cell current [A] and MTJ voltage [V].
    """
    C = arr.cols
    fk = (selected_row, int(state))
    fulls = _FULL_CACHE.setdefault(arr, {})
    full = fulls.get(fk)
    if full is None:
        full = arr.full_states(np.full(C, int(state), dtype=np.int8), selected_row)
        fulls[fk] = full
    if arr.n_ref:
        S = rs.shape[0]
        ones = np.ones((S, arr.n_ref))
        rs = np.concatenate([rs, ones], 1)
        ts = np.concatenate([ts, ones], 1)
        dvt = np.concatenate([dvt, np.zeros((S, arr.n_ref))], 1)
    i_cell, v_mtj, _, _ = _solve_row(arr, selected_row, full, float(v_read), float(T), arr.v_wl, 1e-10, 60,
                                     None, rs, ts, dvt)
    if arr.n_ref:
        return i_cell[:, :C], v_mtj[:, :C]
    return i_cell, v_mtj


def _solve_row(arr, selected_row, full, v_read, T, v_wl, tol, max_iter, polish, rs, ts, dvt):
    """Core of :func:`read_currents` on checked inputs; ``rs``, ``ts``, ``dvt`` are (S, n_cols).

    Returns ``(i_cell, v_mtj, iterations, eq)`` with (S, n_cols) arrays
    (reference columns included) and the reduced ladders ``eq``.
    """
    S, nc = rs.shape
    state = full[selected_row].astype(float)

    acc = arr.access
    beta, lam, goff = float(acc.beta(T)), acc.LAMBDA, float(acc.g_off(T))
    vto = float(acc.vto(T))
    pad = 0.02 * abs(v_read) + 1e-3
    sp = _spline(arr.mtj, T, min(0.0, v_read) - pad, max(0.0, v_read) + pad)
    polish = (not sp.ok) if polish is None else bool(polish)

    def newton(x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, exact=None, tol_=tol):
        if exact is None:
            return _newton(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter,
                           v_read, T)
        return _newton_numpy(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter,
                             v_read, T, exact=exact)

    cm = arr.mtj
    one = np.ones(nc)
    # the nominal solution and the reduced ladders do not depend on the samples: cached per array
    key = (selected_row, full.shape, full.tobytes(), v_read, T, v_wl, tol, max_iter, arr.mtj, arr.access,
           arr.wires, arr.rows, arr.ref_cols)
    store = _NOMINAL_CACHE.setdefault(arr, {})
    try:
        hit = store.get(key)
    except TypeError:          # an unhashable MTJ model: no caching
        hit, store = None, {}
    if hit is None:
        # nominal solution per column (r_scale = tmr_scale = 1, no shift). The unselected cells'
        # MTJs are linearised at their own voltage in that nominal read (static R(V_u)), found by
        # fixed-point passes of ladder reduction + nominal solve (V_u ~ V G_OFF R_MTJ, so usually
        # two or three passes; the sample's own current changes V_u only to second order).
        cm = arr.mtj
        one = np.ones(nc)
        exact_n = lambda x: np.asarray(cm.current(full[selected_row], x, T), float)  # noqa: E731
        r_off = 1.0 / goff
        v_un = None
        xn = None
        for _pass in range(30):
            eq = column_equivalents(arr, selected_row, full, v_read, T, v_un)
            vth_c, rth_c, kb_c = eq["v_th"], eq["r_th"], eq["k_b"]
            a_c = v_wl - eq["v_b0"] - vto
            lo_c, hi_c = np.minimum(0.0, vth_c), np.maximum(0.0, vth_c)
            x0 = 0.5 * vth_c if xn is None else np.minimum(np.maximum(xn, lo_c), hi_c)
            xn, _, _ = newton(x0, one, state, a_c, vth_c, rth_c, kb_c, lo_c, hi_c)
            xn, i_nom, _ = newton(xn, one, state, a_c, vth_c, rth_c, kb_c, lo_c, hi_c, exact=exact_n)
            v_nodes = eq["v0"] + i_nom[:, None] * eq["dv"]
            v_cell = (v_nodes[:, 0::2] - v_nodes[:, 1::2]).T             # (rows, n_cols)
            g_u = eq["g_u"].copy()
            g_u[selected_row] = 1.0 / (1.0 + r_off)                        # (not used: selected row)
            r_m = 1.0 / g_u - r_off                                        # MTJ static R used in this pass
            v_new = v_cell * r_m / (r_m + r_off)
            change = np.max(np.abs(v_new - (0.0 if v_un is None else v_un)))
            v_un = v_new
            if change < tol:
                break
        else:
            raise ConvergenceError(f"read_currents: unselected-cell operating point not converged "
                                   f"(last change {change:.3g} V > tol={tol:g} V)")
        i_n, g_n = _mtj_spline_iv(sp, xn, one, state)
        gp_n, _, tm_n, _ = sp.eval(xn)
        vds_n = vth_c - rth_c * i_n - xn
        _, gm_n, gds_n = _transistor(a_c - kb_c * i_n, vds_n, beta, lam)
        gds_n = gds_n + goff
        loop = 1.0 + gm_n * kb_c + gds_n * rth_c
        fp_n = g_n * loop + gds_n
        # df/dp = dI/dp * loop (+ gm for a threshold shift); dx/dp = -(df/dp)/f'
        dx_drs = i_n * loop / fp_n                       # dI/drs = -I (at rs = 1)
        dx_dsts = i_n * tm_n / (1.0 + state * tm_n) * loop / fp_n
        dx_dvt = -gm_n / fp_n
        hit = {"eq": eq, "vth_c": vth_c, "rth_c": rth_c, "kb_c": kb_c, "a_c": a_c, "lo_c": lo_c, "hi_c": hi_c, "xn": xn, "dx_drs": dx_drs, "dx_dsts": dx_dsts, "dx_dvt": dx_dvt}
        if len(store) >= 16:
            store.pop(next(iter(store)))
        store[key] = hit
    eq, vth_c, rth_c, kb_c, a_c, lo_c, hi_c, xn, dx_drs, dx_dsts, dx_dvt = (hit[n] for n in ('eq', 'vth_c', 'rth_c', 'kb_c', 'a_c', 'lo_c', 'hi_c', 'xn', 'dx_drs', 'dx_dsts', 'dx_dvt'))

    parts = []
    iters = 0
    # phase A stops once the update is below tol_a: quadratic convergence puts the spline-model
    # root within ~(tol_a)^2 / V, far below tol; phase B then checks the exact model against tol.
    tol_a = max(tol, 1e-7) if polish else tol
    # P and AP columns are solved as two groups: the P cells need no TMR term. Each group's
    # sample arrays are gathered once (contiguous), then walked in cache-sized chunks.
    for want in (0.0, 1.0):
        cols_g = np.flatnonzero(state == want)
        if not cols_g.size:
            continue
        is_ap = want == 1.0
        ng = cols_g.size
        rows_per_chunk = max(1, _CHUNK // ng)
        tkey = ("tiled", want, rows_per_chunk)
        tiled = hit.get(tkey)
        if tiled is None:
            tiled = {k: np.tile(v[cols_g], rows_per_chunk) for k, v in
                     (("vth", vth_c), ("rth", rth_c), ("kb", kb_c), ("a", a_c), ("lo", lo_c), ("hi", hi_c),
                      ("xn", xn), ("drs", dx_drs), ("dsts", dx_dsts), ("dvt", dx_dvt))}
            hit[tkey] = tiled
        whole = ng == nc                              # one group: every column, in order
        if whole:
            rs_g, ts_g, dvt_g = rs, ts, dvt
        else:
            rs_g = np.take(rs, cols_g, axis=1)          # take: much faster than fancy indexing
            ts_g = np.take(ts, cols_g, axis=1)
            dvt_g = np.take(dvt, cols_g, axis=1)
        i_g = np.empty((S, ng))
        x_g = np.empty((S, ng))
        for r0 in range(0, S, rows_per_chunk):
            sl = slice(r0, min(S, r0 + rows_per_chunk))
            m = sl.stop - sl.start
            tb = {k: v[: m * ng] for k, v in tiled.items()}
            rs2, ts2 = rs_g[sl], ts_g[sl]
            rs_b = rs2.reshape(-1)
            sts_b = ts2.reshape(-1) if is_ap else None
            dvt_b = dvt_g[sl].reshape(-1)
            vth_b, rth_b, kb_b, lo_b, hi_b = tb["vth"], tb["rth"], tb["kb"], tb["lo"], tb["hi"]
            a_b = tb["a"] - dvt_b
            x = rs_b - 1.0
            x *= tb["drs"]
            x += tb["xn"]
            w = tb["dvt"] * dvt_b
            x += w
            if is_ap:
                np.subtract(sts_b, 1.0, out=w)
                w *= tb["dsts"]
                x += w
            np.maximum(x, lo_b, out=x)
            np.minimum(x, hi_b, out=x)
            np.divide(1.0, rs_b, out=w)
            xo = x_g[sl].reshape(-1)                  # rows of a C-contiguous array: views
            io = i_g[sl].reshape(-1)
            if _kernels():                            # compiled single-pass kernel
                fast = _newton(sp, x, rs_b, sts_b, a_b, vth_b, rth_b, kb_b, lo_b, hi_b, beta, lam, goff,
                               tol_a, max_iter, v_read, T, out_x=xo, out_i=io, inv_rs=w)
            else:                                     # numpy: fused linear-region kernel, then general
                fast = _newton_linear_region(sp, x, w, sts_b, a_b, vth_b, rth_b, kb_b, lo_b, hi_b,
                                             beta, lam, goff, tol_a, max_iter, out_x=xo, out_i=io)
            if fast is None:
                x, i1, na = newton(x, rs_b, sts_b, a_b, vth_b, rth_b, kb_b, lo_b, hi_b, tol_=tol_a)
            else:
                x, i1, na = fast
            nb = 0
            if polish:
                st_b = np.full((m, ng), int(is_ap), dtype=np.int8)

                def exact(xx, st_b=st_b, rs2=rs2, ts2=ts2, m=m, ng=ng):
                    return np.asarray(cm.current(st_b, xx.reshape(m, ng), T, r_scale=rs2, tmr_scale=ts2),
                                      float).ravel()

                x, i1, nb = newton(x, rs_b, sts_b, a_b, vth_b, rth_b, kb_b, lo_b, hi_b, exact=exact)
            iters = max(iters, na + nb)
            if i1 is not io:
                i_g[sl] = i1.reshape(m, ng)
            if x is not xo:
                x_g[sl] = x.reshape(m, ng)
        if whole:
            return i_g, x_g, iters, eq
        parts.append((cols_g, i_g, x_g))
    order = np.concatenate([p[0] for p in parts])
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size)
    i_cell = np.take(np.concatenate([p[1] for p in parts], axis=1), inv, axis=1)
    v_mtj = np.take(np.concatenate([p[2] for p in parts], axis=1), inv, axis=1)
    return i_cell, v_mtj, iters, eq


# -- full sparse solve -----------------------------------------------------------------
def solve_full(arr, *, selected_row, states, v_read, temperature=T_NOM, r_scale=1.0, tmr_scale=1.0,
               vth_shift=0.0, v_wl=None, tol=1e-10, max_iter=60) -> FullSolution:
    """Solve every node of the array (one sample) with sparse Newton; for checks.

    Parameters
    ----------
    arr : Array1T1MTJ
        The array; its :attr:`~Array1T1MTJ.graph` is assembled.
    selected_row, states, v_read, temperature, v_wl, tol, max_iter
        As in :func:`read_currents`.
    r_scale, tmr_scale : array_like
        Multipliers of the selected-row data cells, scalar or (cols,) [-].
    vth_shift : array_like
        Threshold shifts of the selected-row data transistors, scalar or (cols,) [V].

    Returns
    -------
    FullSolution

    Raises
    ------
    ConvergenceError
        If Newton does not converge (largest update above ``tol`` [V]).
    """
    import scipy.sparse as sps
    from scipy.sparse.linalg import spsolve

    v_read, T, v_wl = _check_inputs(arr, selected_row, v_read, temperature, v_wl)
    full = arr.full_states(states, selected_row)
    s = selected_row
    C = arr.cols
    per_col = {}
    for name, val, lo, hi in (("r_scale", r_scale, 0.0, np.inf), ("tmr_scale", tmr_scale, 0.0, np.inf),
                              ("vth_shift", vth_shift, -1.0, 1.0)):
        try:
            a = np.broadcast_to(np.asarray(val, float), (C,))
        except ValueError:
            raise ParameterError(name, f"shape {np.shape(val)}", f"a scalar or shape ({C},)") from None
        check_range(name, a, lo, hi, lo_open=(name == "r_scale"))
        per_col[name] = np.concatenate([a, np.full(arr.n_ref, 0.0 if name == "vth_shift" else 1.0)])
    g = arr.graph
    acc = arr.access
    beta, lam, goff = float(acc.beta(T)), acc.LAMBDA, float(acc.g_off(T))
    vto = float(acc.vto(T))
    cm = arr.mtj

    # fixed nodes (voltage sources to ground) and unknowns
    fixed = {"0": 0.0}
    src_names = {}
    for u, v, name, d in g.edges(keys=True, data=True):
        if d["kind"] == "vsrc":
            role = d["role"]
            val = (v_wl if d["row"] == s else 0.0) if role == "wl" else (v_read if role == "bl" else 0.0)
            fixed[d["nodes"][0]] = val
            src_names[name] = d["nodes"][0]
    nodes = [n for n in g.nodes if n not in fixed]
    idx = {n: i for i, n in enumerate(nodes)}
    N = len(nodes)
    fixed_v = dict(fixed)

    # linear elements (wires, leakage) -> constant matrix and rhs
    lin_a, lin_b, lin_g = [], [], []
    mtj_te, mtj_be, mtj_state, mtj_rs, mtj_ts = [], [], [], [], []
    mos_d, mos_g, mos_s, mos_dvt = [], [], [], []
    for u, v, name, d in g.edges(keys=True, data=True):
        kind = d["kind"]
        if kind in ("res", "leak"):
            a, b = d["nodes"]
            lin_a.append(a)
            lin_b.append(b)
            lin_g.append(1.0 / d["value"] if kind == "res" else goff)
        elif kind == "mtj":
            r, c = d["row"], d["col"]
            mtj_te.append(d["nodes"][0])
            mtj_be.append(d["nodes"][1])
            mtj_state.append(full[r, c])
            mtj_rs.append(per_col["r_scale"][c] if r == s else 1.0)
            mtj_ts.append(per_col["tmr_scale"][c] if r == s else 1.0)
        elif kind == "nmos":
            r, c = d["row"], d["col"]
            dn, gn, sn, _bn = d["nodes"]
            mos_d.append(dn)
            mos_g.append(gn)
            mos_s.append(sn)
            mos_dvt.append(per_col["vth_shift"][c] if r == s else 0.0)

    def index_arrays(names):
        ii = np.array([idx.get(n, -1) for n in names], dtype=np.intp)
        vf = np.array([fixed_v.get(n, 0.0) for n in names])
        return ii, vf

    la, lav = index_arrays(lin_a)
    lb, lbv = index_arrays(lin_b)
    lg = np.array(lin_g)
    te, tev = index_arrays(mtj_te)
    be, bev = index_arrays(mtj_be)
    md, mdv = index_arrays(mos_d)
    mg, mgv = index_arrays(mos_g)
    ms_, msv = index_arrays(mos_s)
    mst = np.array(mtj_state, dtype=np.int8)
    mrs, mts = np.array(mtj_rs), np.array(mtj_ts)
    mvto = vto + np.array(mos_dvt)

    def volt(ii, vf, x):
        return np.where(ii >= 0, x[np.maximum(ii, 0)], vf)

    def stamp2(rows, cols, vals, a, b, gval):
        """Stamp a conductance gval between unknown-or-fixed nodes a, b."""
        for (p, q, sign) in ((a, a, 1.0), (b, b, 1.0), (a, b, -1.0), (b, a, -1.0)):
            ok = (p >= 0) & (q >= 0)
            rows.append(p[ok])
            cols.append(q[ok])
            vals.append(sign * gval[ok])

    def residual_jacobian(x):
        f = np.zeros(N)
        rows, cols, vals = [], [], []
        # linear
        va, vb = volt(la, lav, x), volt(lb, lbv, x)
        i = lg * (va - vb)
        np.add.at(f, la[la >= 0], i[la >= 0])
        np.add.at(f, lb[lb >= 0], -i[lb >= 0])
        stamp2(rows, cols, vals, la, lb, lg)
        # MTJs
        vm = volt(te, tev, x) - volt(be, bev, x)
        im = np.asarray(cm.current(mst, vm, T, r_scale=mrs, tmr_scale=mts), float)
        gmj = np.asarray(cm.didv(mst, vm, T, r_scale=mrs, tmr_scale=mts), float)
        np.add.at(f, te[te >= 0], im[te >= 0])
        np.add.at(f, be[be >= 0], -im[be >= 0])
        stamp2(rows, cols, vals, te, be, gmj)
        # NMOS (channel only; leakage is a linear element)
        vd, vg, vs = volt(md, mdv, x), volt(mg, mgv, x), volt(ms_, msv, x)
        ids, gm, gds = level1_ids_derivs(vg - vs, vd - vs, mvto, beta, lam)
        np.add.at(f, md[md >= 0], ids[md >= 0])
        np.add.at(f, ms_[ms_ >= 0], -ids[ms_ >= 0])
        # d ids / d(vd, vg, vs) = (gds, gm, -gm - gds)
        for term, coef in ((md, gds), (mg, gm), (ms_, -gm - gds)):
            for row, sign in ((md, 1.0), (ms_, -1.0)):
                ok = (row >= 0) & (term >= 0)
                rows.append(row[ok])
                cols.append(term[ok])
                vals.append(sign * coef[ok])
        J = sps.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(N, N))
        return f, J

    # initial guess: BL nodes at v_read, SL at 0, mid nodes at v_read (cells off)
    x = np.zeros(N)
    for n, i in idx.items():
        if n.startswith(("bl_", "mid_", "pte_")):
            x[i] = v_read
    for it in range(1, max_iter + 1):
        f, J = residual_jacobian(x)
        dx = spsolve(J.tocsc(), f)
        # limit steps to 0.1 V (SPICE-style damping of the first iterations)
        dx = np.clip(dx, -0.1, 0.1)
        x -= dx
        worst = float(np.max(np.abs(dx))) if N else 0.0
        if not np.isfinite(worst):
            raise ConvergenceError(f"solve_full: non-finite Newton update at iteration {it}")
        if worst < tol:
            break
    else:
        raise ConvergenceError(f"solve_full: not converged after max_iter={max_iter} iterations "
                               f"(largest update {worst:.3g} V > tol={tol:g} V)")
    volts = dict(fixed_v)
    volts.update({n: float(x[i]) for n, i in idx.items()})
    ncol = arr.n_cols
    vbl = np.array([volts[arr.node_bl(s, c)] for c in range(ncol)])
    vmid = np.array([volts[arr.node_mid(s, c)] for c in range(ncol)])
    st = full[s]
    i_cell = np.asarray(cm.current(st, vbl - vmid, T, r_scale=per_col["r_scale"], tmr_scale=per_col["tmr_scale"]),
                        float)
    i_bl = np.array([(v_read - volts[arr.node_bl(0, c)]) / arr.wires.r_bl for c in range(ncol)])
    read = ReadSolution(i_cell=i_cell[None, :C], i_bl=i_bl[None, :C], v_mtj=(vbl - vmid)[None, :C],
                        iterations=it, i_ref=i_cell[None, C:] if arr.n_ref else None)
    return FullSolution(voltages=volts, read=read, iterations=it)
