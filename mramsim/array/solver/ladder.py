r"""Column ladders: reduce each column's linear network to what the selected cell sees.

In a read only the selected row's transistors conduct; every unselected cell
is a linear conductance :math:`g_u = 1/(R_{MTJ}(V_u, T) + 1/G_{OFF})` between
its BL and SL nodes. Per column, the BL and SL ladders (segment conductances
:math:`g_b = 1/r_{bl}`, :math:`g_s = 1/r_{sl}`, drivers at row 0) plus these
rungs form a banded symmetric nodal system :math:`G v = i`; two solves per
column (all columns stacked into one banded Cholesky solve,
:func:`scipy.linalg.solveh_banded`; equal columns -- every data column of a
uniform read -- solved once, :func:`column_groups`) give the Thevenin equivalent

.. math::
    v_{bl,s} - v_{sl,s} = V_{th} - R_{th} I,\qquad
    v_{sl,s} = V_{b0} + k_b I,\qquad
    I_{BL} = I_{BL,0} + m_{bl} I

seen by the selected cell (row :math:`s`) drawing current :math:`I`.

Reference: J. Vlach and K. Singhal, *Computer Methods for Circuit Analysis and
Design*, 2nd ed., Van Nostrand Reinhold (1994), ch. 3 (nodal analysis,
reduction of linear subnetworks).
"""
from __future__ import annotations

import numpy as np

from ..memory import check_memory

__all__ = ["unselected_conductance", "column_equivalents", "column_groups", "reduce_columns"]


def unselected_conductance(arr, full_states, T, v_mtj=None):
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


def column_groups(full_states, v_mtj=None, ignore_row=None):
    """Columns whose ladders are equal: ``(reps, inv)`` with ``inv[c]`` the group of column ``c`` [-].

    Two columns are in one group when their states (rows, n_cols) -- and the
    unselected cells' voltages ``v_mtj`` when given -- are equal; row
    ``ignore_row`` (the selected row, which the ladder does not contain) is
    left out of the comparison. ``reps`` are the first columns of the groups,
    in order of appearance. In a read of uniform data (every Monte Carlo
    read) all data columns form one group, so the ladders are solved once
    instead of ``cols`` times.
    """
    full = np.asarray(full_states)
    parts = [full if ignore_row is None else np.delete(full, ignore_row, axis=0)]
    if v_mtj is not None:
        v = np.asarray(v_mtj, float)
        parts.append(v if ignore_row is None else np.delete(v, ignore_row, axis=0))
    C = full.shape[1]
    if all(np.array_equal(p, np.broadcast_to(p[:, :1], p.shape)) for p in parts):
        return np.zeros(1, dtype=np.intp), np.zeros(C, dtype=np.intp)
    keys = np.concatenate([np.ascontiguousarray(p.T).view(np.uint8).reshape(C, -1) for p in parts], axis=1)
    seen: dict = {}
    inv = np.empty(C, dtype=np.intp)
    reps = []
    for c in range(C):
        g = seen.setdefault(keys[c].tobytes(), len(seen))
        if g == len(reps):
            reps.append(c)
        inv[c] = g
    return np.asarray(reps, dtype=np.intp), inv


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

    Equal columns (:func:`column_groups`) are reduced once
    (:func:`reduce_columns`) and copied.
    """
    R, C, s = arr.rows, arr.n_cols, selected_row
    check_memory("rows x cols", 32 * 8.0 * R * C, None, f"{R} x {C}")
    v_u = None if v_mtj_unselected is None else np.asarray(v_mtj_unselected, float)
    reps, inv = column_groups(full_states, v_u, ignore_row=s)
    full_g = np.asarray(full_states)[:, reps]
    eq = reduce_columns(arr, s, full_g, v_read, temperature, None if v_u is None else v_u[:, reps])
    out = {k: (v[:, inv] if k == "g_u" else v[inv]) for k, v in eq.items()}
    return out


def reduce_columns(arr, selected_row: int, full_states, v_read: float, temperature: float,
                   v_mtj_unselected=None) -> dict:
    """:func:`column_equivalents` of the k columns given, without grouping.

    ``full_states`` (rows, k) [-], ``v_mtj_unselected`` (rows, k) [V].

    All k columns stacked into one banded Cholesky solve; the same keys as
    :func:`column_equivalents`, with k columns.
    """
    from scipy.linalg import solveh_banded

    R, C, s = arr.rows, np.shape(full_states)[1], selected_row
    gb, gs = 1.0 / arr.wires.r_bl, 1.0 / arr.wires.r_sl
    gu = unselected_conductance(arr, full_states, temperature, v_mtj_unselected).copy()
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

