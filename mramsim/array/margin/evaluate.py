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
from ..read import ReadScheme, u_layout
from ..solver import read_currents, read_uniform
from ..variation import Variation, cell_scales

__all__ = ["ReadContext", "evaluate_reads", "evaluate_unchecked", "evaluate_planes", "read_signals", "plane_layout",
           "PlaneLayout", "offset_factor", "nominal_reads", "fixed_reference"]


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

    A fixed reference stays a scalar ``s_ref`` (no broadcast copy). ``u`` is
    copied into the planes of :func:`plane_layout` and evaluated by
    :func:`evaluate_planes`.
    """
    lay = plane_layout(ctx.var, ctx.read)
    ns, nc = u.shape[:2]
    planes = np.empty((lay.n_planes, ns, nc))
    for j, p in enumerate(lay.pos):
        planes[p] = u[..., j]
    return evaluate_planes(ctx, planes, lay, return_signals)


@dataclass(frozen=True, eq=False)
class PlaneLayout:
    """Where each variable of ``u`` lives in the (n_planes, samples, cols) stack of :func:`evaluate_planes`.

    The cells of a read are stacked in the order ``groups`` = (refP0 ..
    refP{n-1}, cell, refAP0 .. refAP{n-1}), so the cells read in P (the P
    references and the data cell) and those read in AP (the data cell and the
    AP references) are each one contiguous slice of the stack. Each active
    local variable holds ``len(groups)`` consecutive planes (one per cell, in
    that order), then come the die planes, then the SA offset.

    Attributes
    ----------
    names : tuple of str
        :func:`u_layout`.
    pos : ndarray
        (n_vars,) plane of each column of ``u`` [-].
    n_planes, n_ref : int
        Planes [-]; reference cells per state [-].
    local : dict
        Local variable -> slice of its planes.
    die : dict
        Die variable -> its plane.
    sa : int or None
        Plane of the SA offset.
    """

    names: tuple
    pos: np.ndarray
    n_planes: int
    n_ref: int
    local: dict
    die: dict
    sa: int | None

    @property
    def cell(self) -> int:
        """Index of the data cell in the stack of cells [-]."""
        return self.n_ref

    @property
    def n_groups(self) -> int:
        return 2 * self.n_ref + 1

    def state_rows(self, state) -> slice:
        """Cells read in ``state`` (0: P refs + data cell, 1: data cell + AP refs) [-]."""
        return slice(0, self.n_ref + 1) if state == 0 else slice(self.n_ref, 2 * self.n_ref + 1)


def plane_layout(var: Variation, read: ReadScheme) -> PlaneLayout:
    """The :class:`PlaneLayout` of the reads of ``read`` under ``var``."""
    names = tuple(u_layout(var, read))
    nref = read.n_ref_cells
    groups = [f"refP{i}" for i in range(nref)] + ["cell"] + [f"refAP{i}" for i in range(nref)]
    gi = {g: i for i, g in enumerate(groups)}
    G = len(groups)
    local = {}
    for i, v in enumerate(var.local_names()):
        local[v] = slice(i * G, (i + 1) * G)
    k = len(local) * G
    die = {v: k + i for i, v in enumerate(var.die_names())}
    k += len(die)
    sa = None
    pos = []
    for name in names:
        who, what = name.split(".", 1)
        if who == "die":
            pos.append(die[what])
        elif who == "sa":
            sa = k
            pos.append(k)
        else:
            pos.append(local[what].start + gi[who])
    n_planes = k + (sa is not None)
    return PlaneLayout(names=names, pos=np.asarray(pos, dtype=np.int64), n_planes=n_planes, n_ref=nref,
                       local=local, die=die, sa=sa)


def read_signals(ctx: ReadContext, planes, lay: PlaneLayout):
    """Sensed signals of the reads of the standard normals ``planes`` (n_planes, samples, cols).

    Returns
    -------
    dict
        ``s_p``, ``s_ap`` (samples, cols) data-cell signals, ``s_ref`` the
        reference (a scalar for a fixed reference) [A or V]; ``sa`` the SA
        offset normals (samples, cols) or None; ``scales``: the (cells,
        samples, cols) R_P and TMR multipliers [-] and V_th shifts [V] of the
        stacked cells (:class:`PlaneLayout`).
    """
    arr, var, read = ctx.arr, ctx.var, ctx.read
    _, ns, nc = planes.shape
    G = lay.n_groups
    local = {v: planes[sl] for v, sl in lay.local.items()}
    die = {v: planes[i][None] for v, i in lay.die.items()}
    shape = (G, ns, nc)
    scales = tuple(_as_shape(x, shape) for x in cell_scales(local, die, var, arr.mtj))
    fast = read_uniform if ctx.solver is read_currents else None
    sig = []
    for state in (0, 1):
        rows = lay.state_rows(state)
        m = rows.stop - rows.start
        rs, ts, vs = (x[rows].reshape(m * ns, nc) for x in scales)   # contiguous views
        if fast is not None:                 # inputs made here: the unchecked fast entry
            i_cell, v_mtj = fast(arr, ctx.selected_row, state, read.v_read, read.temperature, rs, ts, vs)
            s = i_cell if read.sensing == "current" else v_mtj
        else:
            sol = ctx.solver(arr, selected_row=ctx.selected_row, states=np.full(nc, state, dtype=np.int8),
                             v_read=read.v_read, temperature=read.temperature,
                             r_scale=rs, tmr_scale=ts, vth_shift=vs)
            s = np.asarray(sol.i_cell if read.sensing == "current" else sol.v_mtj, float)
        sig.append(s.reshape(m, ns, nc))
    nref = lay.n_ref
    s_p = sig[0][nref]
    s_ap = sig[1][0]
    if nref == 1:                            # the mean of one cell is that cell (exactly)
        s_ref = sig[0][0] + sig[1][1]
        s_ref *= 0.5
    elif nref:
        s_ref = 0.5 * (sig[0][:nref].mean(axis=0) + sig[1][1:].mean(axis=0))
    else:
        s_ref = np.float64(ctx.s_ref_fixed)
    sa = None if lay.sa is None else planes[lay.sa]
    return {"s_p": s_p, "s_ap": s_ap, "s_ref": s_ref, "sa": sa, "scales": scales}


def offset_factor(read: ReadScheme) -> float:
    """SA offset in sensed units per standard normal [A or V]."""
    return read.sa_offset_sigma * read.offset_scale()


def evaluate_planes(ctx: ReadContext, planes, lay: PlaneLayout, return_signals=False):
    """:func:`evaluate_unchecked` of the standard normals stored as ``planes`` (:func:`plane_layout`)."""
    read = ctx.read
    sig = read_signals(ctx, planes, lay)
    s_p, s_ap, s_ref, sa = sig["s_p"], sig["s_ap"], sig["s_ref"], sig["sa"]
    q = read.polarity
    # m_P = q (s_P - s_ref) + delta, m_AP = -q (s_AP - s_ref) - delta (q = +-1; -(a - b) == b - a exactly)
    if q == 1:
        m_p = np.subtract(s_p, s_ref)
        m_ap = np.subtract(s_ref, s_ap)
    else:
        m_p = np.subtract(s_ref, s_p)
        m_ap = np.subtract(s_ap, s_ref)
    if sa is not None:
        delta = offset_factor(read) * sa
        m_p += delta
        m_ap -= delta
    out = {"m_p": m_p, "m_ap": m_ap}
    if return_signals:
        c = lay.cell
        out.update(s_p=s_p, s_ap=s_ap, s_ref=s_ref, r_scale=sig["scales"][0][c],
                   tmr_scale=sig["scales"][1][c], vth_shift=sig["scales"][2][c])
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
