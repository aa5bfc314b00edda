"""One read of a bit as a pure function of standard normals ``u``: context, margins, nominal reads.

:func:`evaluate_reads` maps ``u ~ N(0, I)`` over the active variables
(:func:`mramsim.array.read.u_layout`) to the data cell, its reference cells,
the die and the sense-amplifier offset, solves the selected row with the array
solver (IR drop included) and returns the P and AP margins

.. math:: m_P = q\\,(s_P - s_{ref}) + \\delta,\\qquad m_{AP} = -q\\,(s_{AP} - s_{ref}) - \\delta

(``q = +-1`` the read polarity, ``delta`` the offset; a read is correct when
its margin is > 0).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...errors import ParameterError
from ..read import ReadScheme, split_u, u_layout
from ..solver import read_currents, read_uniform
from ..variation import Variation, cell_scales

__all__ = ["ReadContext", "evaluate_reads", "evaluate_unchecked", "nominal_reads", "fixed_reference"]


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

    def replace(self, **changes) -> "ReadContext":
        """A copy with some fields changed."""
        return replace(self, **changes)


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
    out = evaluate_unchecked(ctx, u, return_signals)
    if return_signals and np.ndim(out["s_ref"]) == 0:
        out["s_ref"] = np.full(out["m_p"].shape, out["s_ref"])
    return out


def evaluate_unchecked(ctx: ReadContext, u, return_signals=False):
    """:func:`evaluate_reads` on a checked (samples, cols, n_vars) ``u``.

    A fixed reference stays a scalar ``s_ref`` (no broadcast copy).
    """
    arr, var, read = ctx.arr, ctx.var, ctx.read
    ns, nc = u.shape[:2]
    cells, die, sa = split_u(u, var, read)
    cm = arr.mtj
    shape = (ns, nc)
    fast = read_uniform if ctx.solver is read_currents else None
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
        if fast is not None:                 # inputs made here: the unchecked fast entry
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


def nominal_reads(ctx: ReadContext, row=None):
    """Nominal signals/margins of every column (u = 0) at ``row`` (default: the context's)."""
    c = ctx if row is None else ctx.replace(selected_row=int(row))
    u = np.zeros((1, c.arr.cols, len(c.names)))
    return evaluate_reads(c, u, return_signals=True)


def fixed_reference(ctx: ReadContext):
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
    nom_ctx = ctx.replace(var=Variation(), read=read.replace(reference="current-midpoint", n_ref_pairs=1,
                                                             sa_offset_sigma=0.0),
                          selected_row=int(ctx.arr.rows // 2))
    nom = nominal_reads(nom_ctx)
    if read.sensing == "current":
        r_path_p = read.v_read / nom["s_p"].mean()
        r_path_ap = read.v_read / nom["s_ap"].mean()
        return read.v_read / (0.5 * (r_path_p + r_path_ap))
    return 0.5 * (nom["s_p"].mean() + nom["s_ap"].mean())
