r"""Read currents of the selected row for a batch of Monte Carlo samples (the fast solver).

In a read, the word line of one row is high and every other transistor is off
(:math:`V_{GS} \le 0 < V_{TO}`), so an unselected cell is a linear conductance
between its BL and SL nodes and each column reduces to a Thevenin equivalent
seen by its selected cell (:mod:`.ladder`). The selected cell then has one
unknown, its MTJ voltage, solved by Newton (:mod:`.newton`) vectorised over
(samples, columns) in cache-sized chunks (``CHUNK`` elements):

1. *Nominal row* (:func:`_nominal_row`, sample-independent, cached): the
   unselected cells' MTJs are linearised at their own voltage in the nominal
   read (static :math:`R(V_u)`), found by fixed-point passes of ladder
   reduction + nominal solve; then the first-order sensitivities of the
   nominal MTJ voltage to (r_scale, tmr_scale, vth_shift). Equal columns
   (every data column of a uniform read) are one ladder, solved once
   (:func:`.ladder.column_groups`), so this costs no time or memory per column.
2. *Start point* (:func:`_taylor_start`): the first-order Taylor expansion of
   the nominal solution in the sample's parameters, clipped to [lo, hi].
3. *Phase A* (:func:`_solve_group`): Newton with the MTJ from a cubic spline
   of :math:`1/R_P(V)` and TMR(V) (:mod:`.spline`, accurate to 1e-9), compiled
   when numba is importable; P and AP columns are separate groups (P cells
   need no TMR term).
4. *Phase B* (``polish=True``, automatic if the spline misses 1e-9): Newton
   steps with the exact residual from ``cm.current``.

Caches are keyed on values, never on the array object: :func:`array_key`
(rows, cols, MTJ model, access device, wires, word-line voltage, reference
columns -- all frozen) plus the read (row, states, V_read, T, V_WL, tol,
max_iter). A failure to converge raises :class:`ConvergenceError`.

References: L. W. Nagel, "SPICE2: A computer program to simulate semiconductor
circuits", UC Berkeley ERL Memo M520 (1975) (nodal analysis and Newton
iteration of circuit simulators); J. Vlach and K. Singhal, *Computer Methods
for Circuit Analysis and Design*, 2nd ed., Van Nostrand Reinhold (1994),
ch. 3 and 4 (reduction of linear subnetworks, Newton-Raphson).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from ..._validation import check_range
from ...constants import T_NOM
from ...errors import ConvergenceError, ParameterError
from ..memory import check_memory
from .checks import check_off_state, exact_fallback
from .common import ReadSolution, check_read_inputs
from .ladder import column_groups, reduce_columns
from .newton import CellNewton, transistor
from .spline import mtj_spline, mtj_spline_iv

__all__ = ["ReadSolution", "read_currents", "read_uniform", "default_solver", "check_read_inputs", "array_key",
           "clear_caches", "CHUNK"]

#: elements per vectorised chunk (temporaries fit in a 2 MB L2; 8192 and 32768 are slower)
CHUNK = 16384
#: nominal rows kept (least recently used dropped first)
_NOMINAL_MAX = 64
_NOMINAL_CACHE: "OrderedDict[tuple, _NominalRow]" = OrderedDict()
#: full state maps of the uniform-state reads of :func:`read_uniform`
_FULL_MAX = 256
_FULL_CACHE: dict = {}


def array_key(arr):
    """The values that define ``arr`` for the solver (a hashable tuple), or None when one is unhashable.

    Rows, columns, MTJ model, access device, wires, word-line voltage and
    reference columns. The parts are frozen dataclasses (``CompactMTJ`` hashes
    by identity, which is safe because it is frozen; ``AccessNMOS`` and
    ``Wires`` by value), so a changed array -- a new object or, for a mutable
    array class, a changed attribute -- gives another key.
    """
    key = (type(arr).__qualname__, int(arr.rows), int(arr.cols), arr.mtj, arr.access, arr.wires,
           float(arr.v_wl), tuple(arr.ref_cols))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def clear_caches() -> None:
    """Forget every cached nominal row, state map and MTJ spline (benchmarks: time a cold solve)."""
    from .spline import clear_spline_cache

    _NOMINAL_CACHE.clear()
    _FULL_CACHE.clear()
    clear_spline_cache()


def default_solver():
    """The default ``read_currents``-compatible solver: :func:`read_currents`."""
    return read_currents


def _as_2d(field, value, cols):
    a = np.asarray(value, float)
    if a.ndim > 2:
        raise ParameterError(field, f"array of shape {a.shape}", f"broadcastable to (samples, {cols})")
    try:
        np.broadcast_shapes(a.shape, (1, cols))
    except ValueError:
        raise ParameterError(field, f"array of shape {a.shape}", f"broadcastable to (samples, {cols})") from None
    return np.atleast_2d(a) if a.ndim < 2 else a


def read_currents(arr, *, selected_row, states, v_read, temperature=T_NOM, r_scale=1.0, tmr_scale=1.0,
                  vth_shift=0.0, v_wl=None, tol=1e-10, max_iter=60, polish=None,
                  memory_limit=None) -> ReadSolution:
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
    memory_limit : int, optional
        Memory limit [bytes] of the size checks (:mod:`mramsim.array.memory`;
        default ``$MRAMSIM_MEMORY_LIMIT`` or half the physical memory).

    Returns
    -------
    ReadSolution
        Samples whose linearisation bound (:mod:`.checks`) exceeds 1e-6
        relative are solved exactly by :func:`solve_full` (at most
        ``MAX_EXACT`` per call).

    Raises
    ------
    ConvergenceError
        If any sample/column has not converged within ``max_iter``.
    ParameterError
        If an unselected access transistor turns on at the solved voltages
        (V_TO(T) <= 0, or a negative read with |v_read| above about V_TO(T)),
        or the estimated memory exceeds the limit.
    SimulationError
        If more than ``MAX_EXACT`` samples need the exact solve.
    """
    v_read, T, v_wl = check_read_inputs(arr, selected_row, v_read, temperature, v_wl)
    check_sizes(arr, 0, memory_limit)
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
    check_sizes(arr, S, memory_limit)
    # nominal reference columns appended chunk by chunk
    rs, ts, dvt = (_Padded(a, S, C, arr.n_ref, f) for a, f in ((rs, 1.0), (ts, 1.0), (dvt, 0.0)))
    i_cell, v_mtj, iters, nom, exact = _solve_row(arr, selected_row, full, v_read, T, v_wl, tol, max_iter, polish,
                                                  rs, ts, dvt)
    i_bl = np.multiply(nom.m_bl[None, :], i_cell)           # in place: no (S, n_cols) temporary
    i_bl += nom.i_bl0[None, :]
    if exact is not None:
        i_bl[exact[0]] = exact[1]
    ref = i_cell[:, C:] if arr.n_ref else None
    return ReadSolution(i_cell=i_cell[:, :C], i_bl=i_bl[:, :C], v_mtj=v_mtj[:, :C], iterations=iters, i_ref=ref)




def read_uniform(arr, selected_row, state, v_read, temperature, r_scale, tmr_scale, vth_shift):
    """Selected-cell current and MTJ voltage of data cells all in ``state``, without input checks.

    The unchecked fast entry of :func:`read_currents` for callers that make
    their inputs themselves (the Monte Carlo of :mod:`mramsim.array.margin`):
    ``selected_row`` a valid row, ``state`` 0 or 1, ``v_read`` [V] and
    ``temperature`` [K] as :func:`read_currents` accepts them, ``r_scale``,
    ``tmr_scale``, ``vth_shift`` float64 arrays of shape (samples, cols) with
    finite values in the ranges :func:`read_currents` accepts. Default
    ``v_wl``, ``tol`` and ``max_iter``; the same arithmetic and the same
    checks of the solved voltages as :func:`read_currents` (equal results,
    the same errors: unselected transistors on, linearisation bound, memory).

    Returns
    -------
    i_cell, v_mtj : ndarray
        (samples, cols) cell current [A] and MTJ voltage [V].
    """
    C = arr.cols
    rs, ts, dvt = r_scale, tmr_scale, vth_shift
    fk = (int(arr.rows), C, tuple(arr.ref_cols), int(selected_row), int(state))
    full = _FULL_CACHE.get(fk)
    if full is None:
        full = arr.full_states(np.full(C, int(state), dtype=np.int8), selected_row)
        if len(_FULL_CACHE) >= _FULL_MAX:
            _FULL_CACHE.clear()
        _FULL_CACHE[fk] = full
    S = rs.shape[0]
    check_sizes(arr, S)
    rs, ts, dvt = (_Padded(a, S, C, arr.n_ref, f) for a, f in ((rs, 1.0), (ts, 1.0), (dvt, 0.0)))
    i_cell, v_mtj, _, _, _ = _solve_row(arr, selected_row, full, float(v_read), float(temperature), arr.v_wl, 1e-10,
                                     60, None, rs, ts, dvt, fkey=("uniform", int(state)))
    if arr.n_ref:
        return i_cell[:, :C], v_mtj[:, :C]
    return i_cell, v_mtj


def check_sizes(arr, samples, memory_limit=None):
    """Refuse a read whose arrays would exceed the memory limit (:func:`mramsim.array.memory.check_memory`).

    The ladder holds about 32 float64 per cell (rows x n_cols); the outputs
    3 float64 per sample and column; the chunks a constant amount.
    """
    rows, nc = int(arr.rows), int(arr.n_cols)
    check_memory("rows x cols", 32 * 8.0 * rows * nc, memory_limit, f"{rows} x {nc}")
    if samples:
        check_memory("samples", 4 * 8.0 * samples * nc + 64 * 8.0 * CHUNK, memory_limit,
                     f"{samples} samples x {nc} columns")


class _Padded:
    """(S, n_cols) samples: a (S or 1, cols) array with constant reference columns, built per row slice."""

    def __init__(self, a, S, cols, n_ref, fill):
        self.a, self.cols, self.n_ref, self.fill = a, cols, n_ref, fill
        self.shape = (S, cols + n_ref)

    def __getitem__(self, sl):
        m = len(range(*sl.indices(self.shape[0])))
        a = self.a
        part = np.broadcast_to(a if a.shape[0] == 1 else a[sl], (m, self.cols))
        if not self.n_ref:
            return part
        return np.concatenate([part, np.full((m, self.n_ref), self.fill)], 1)


# -- the per-row solve ---------------------------------------------------------------------------
@dataclass(eq=False)
class _NominalRow:
    """Sample-independent part of a read: per column (n_cols,) arrays and the tiled copies of the groups.

    ``vth``, ``rth``, ``kb`` the Thevenin equivalent [V, ohm, ohm]; ``a`` the
    gate overdrive at zero current [V]; ``lo``, ``hi`` the clip bounds [V];
    ``xn`` the nominal MTJ voltage [V]; ``dx_drs``, ``dx_dsts``, ``dx_dvt`` its
    sensitivities [V, V, V/V]; ``i_bl0``, ``m_bl`` the BL driver current at
    zero cell current [A] and per unit cell current [-]. For the checks
    (:mod:`.checks`), per group of equal columns (:func:`.ladder.column_groups`;
    ``inv`` (n_cols,) the group of each column, ``reps`` the first column of
    each group): ``full`` the states (rows, groups), ``v0``, ``dv`` the ladder
    node voltages (groups, 2 rows) [V, V/A], ``r_m`` the unselected MTJs'
    static R [ohm], ``frac_mid``, ``frac_mtj`` the shares of an unselected
    cell's voltage across its transistor and its MTJ [-] (rows, groups); and
    ``row`` the selected row, ``vto`` V_TO(T) [V], ``i_n`` the nominal cell
    current (n_cols,) [A]. A uniform read has one group of data columns, so
    these take no memory per column.
    """

    vth: np.ndarray
    rth: np.ndarray
    kb: np.ndarray
    a: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    xn: np.ndarray
    dx_drs: np.ndarray
    dx_dsts: np.ndarray
    dx_dvt: np.ndarray
    i_bl0: np.ndarray
    m_bl: np.ndarray
    row: int = 0
    full: np.ndarray | None = None
    v0: np.ndarray | None = None
    dv: np.ndarray | None = None
    r_m: np.ndarray | None = None
    frac_mid: np.ndarray | None = None
    frac_mtj: np.ndarray | None = None
    vto: float = 0.0
    quick: dict = field(default_factory=dict, repr=False)   # cache of checks.quick_excursion_errors
    i_n: np.ndarray | None = None
    tiled: dict = field(default_factory=dict)
    inv: np.ndarray | None = None
    reps: np.ndarray | None = None

    def tiled_group(self, want, cols_g, rows_per_chunk, rows_needed=None):
        """Per-column arrays of one state group tiled ``rows_per_chunk`` times (cached).

        With ``rows_needed`` (< ``rows_per_chunk``) a shorter tiling that holds
        at least that many rows may be returned (a nominal or design-point read
        of a few samples keeps no chunk-sized copies).
        """
        tkey = (want, rows_per_chunk)
        tiled = self.tiled.get(tkey)
        need = rows_per_chunk if rows_needed is None else min(rows_per_chunk, rows_needed)
        if tiled is None or tiled["vth"].size < need * cols_g.size:
            have = 0 if tiled is None else tiled["vth"].size // cols_g.size
            reps = min(rows_per_chunk, max(need, 2 * have))       # grown geometrically up to a chunk
            tiled = {k: np.tile(v[cols_g], reps) for k, v in
                     (("vth", self.vth), ("rth", self.rth), ("kb", self.kb), ("a", self.a), ("lo", self.lo),
                      ("hi", self.hi), ("xn", self.xn), ("drs", self.dx_drs), ("dsts", self.dx_dsts),
                      ("dvt", self.dx_dvt))}
            self.tiled[tkey] = tiled
        return tiled


def _cell_newton(arr, v_read, T, max_iter):
    """(CellNewton, V_TO [V]) of a read at ``v_read`` [V], ``T`` [K]: spline over the bias range, NMOS at T."""
    acc = arr.access
    beta, lam, goff = float(acc.beta(T)), acc.LAMBDA, float(acc.g_off(T))
    vto = float(acc.vto(T))
    pad = 0.02 * abs(v_read) + 1e-3
    sp = mtj_spline(arr.mtj, T, min(0.0, v_read) - pad, max(0.0, v_read) + pad)
    return CellNewton(sp=sp, beta=beta, lam=lam, goff=goff, max_iter=max_iter, v_read=v_read, T=T), vto


def _unselected_operating_point(arr, selected_row, full, v_read, T, v_wl, tol, cell, vto):
    """Nominal read with the unselected MTJs linearised at their own voltage (fixed-point passes).

    The unselected cells' MTJs enter with their static R(V_u) at the voltage
    they see in the nominal read (r_scale = tmr_scale = 1, no shift), found by
    passes of ladder reduction + nominal solve (V_u ~ V G_OFF R_MTJ, so
    usually two or three passes; the sample's own current changes V_u only to
    second order). Equal columns (states, selected cell included) stay equal
    in every pass, so each group of them (:func:`.ladder.column_groups`) is
    solved once. Returns ``(eq, a_c, lo_c, hi_c, xn, r_m, full_g, reps, inv)``
    per group, ``full_g`` the groups' states and ``inv`` (n_cols,) the group
    of each column.
    """
    cm = arr.mtj
    reps, inv = column_groups(full)
    full = full[:, reps]
    nc = full.shape[1]
    state = full[selected_row].astype(float)
    one = np.ones(nc)
    exact_n = lambda x: np.asarray(cm.current(full[selected_row], x, T), float)  # noqa: E731
    r_off = 1.0 / cell.goff
    v_un = None
    xn = None
    for _pass in range(30):
        eq = reduce_columns(arr, selected_row, full, v_read, T, v_un)
        vth_c, rth_c, kb_c = eq["v_th"], eq["r_th"], eq["k_b"]
        a_c = v_wl - eq["v_b0"] - vto
        lo_c, hi_c = np.minimum(0.0, vth_c), np.maximum(0.0, vth_c)
        x0 = 0.5 * vth_c if xn is None else np.minimum(np.maximum(xn, lo_c), hi_c)
        xn, _, _ = cell.solve(x0, one, state, a_c, vth_c, rth_c, kb_c, lo_c, hi_c, tol=tol)
        xn, i_nom, _ = cell.solve(xn, one, state, a_c, vth_c, rth_c, kb_c, lo_c, hi_c, tol=tol, exact=exact_n)
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
    return eq, a_c, lo_c, hi_c, xn, r_m, full, reps, inv


def _nominal_row(arr, selected_row, full, v_read, T, v_wl, tol, max_iter, cell, vto, fkey=None):
    """The :class:`_NominalRow` of a read, from the cache (keyed on values) or computed.

    ``fkey`` stands for the states ``full`` in the key when the array and the row
    determine them (uniform reads: ``("uniform", state)``); default their bytes.
    """
    akey = array_key(arr)
    fk = full.tobytes() if fkey is None else fkey
    key = None if akey is None else (akey, selected_row, fk, v_read, T, v_wl, tol, max_iter)
    if key is not None:
        hit = _NOMINAL_CACHE.get(key)
        if hit is not None:
            _NOMINAL_CACHE.move_to_end(key)
            return hit
    eq, a_c, lo_c, hi_c, xn, r_m, full_g, reps, inv = _unselected_operating_point(
        arr, selected_row, full, v_read, T, v_wl, tol, cell, vto)
    vth_c, rth_c, kb_c = eq["v_th"], eq["r_th"], eq["k_b"]
    state = full_g[selected_row].astype(float)
    one = np.ones(full_g.shape[1])
    # first-order sensitivities of the nominal MTJ voltage: df/dp = dI/dp * loop (+ gm for a threshold
    # shift); dx/dp = -(df/dp)/f'
    sp = cell.sp
    i_n, g_n = mtj_spline_iv(sp, xn, one, state)
    gp_n, _, tm_n, _ = sp.eval(xn)
    vds_n = vth_c - rth_c * i_n - xn
    _, gm_n, gds_n = transistor(a_c - kb_c * i_n, vds_n, cell.beta, cell.lam)
    gds_n = gds_n + cell.goff
    loop = 1.0 + gm_n * kb_c + gds_n * rth_c
    fp_n = g_n * loop + gds_n
    per_col = {k: np.asarray(v, float)[inv] for k, v in (
        ("vth", vth_c), ("rth", rth_c), ("kb", kb_c), ("a", a_c), ("lo", lo_c), ("hi", hi_c), ("xn", xn),
        ("dx_drs", i_n * loop / fp_n),                                   # dI/drs = -I (at rs = 1)
        ("dx_dsts", i_n * tm_n / (1.0 + state * tm_n) * loop / fp_n),
        ("dx_dvt", -gm_n / fp_n), ("i_bl0", eq["i_bl0"]), ("m_bl", eq["m_bl"]), ("i_n", i_n))}
    nom = _NominalRow(**per_col, row=int(selected_row), full=full_g, v0=eq["v0"], dv=eq["dv"], r_m=r_m,
                      frac_mid=(1.0 / cell.goff) / (r_m + 1.0 / cell.goff), frac_mtj=r_m / (r_m + 1.0 / cell.goff),
                      vto=float(vto), inv=inv, reps=reps)
    check_off_state(nom, nom.i_n, nom.i_n, v_read, T)
    if key is not None:
        if len(_NOMINAL_CACHE) >= _NOMINAL_MAX:
            _NOMINAL_CACHE.popitem(last=False)
        _NOMINAL_CACHE[key] = nom
    return nom


def _taylor_start(tb, rs_b, sts_b, dvt_b, w):
    """Start voltages: nominal + first-order Taylor terms in (rs, sts, dvt), clipped to [lo, hi] [V].

    ``w`` is a scratch buffer of the chunk's size.
    """
    x = rs_b - 1.0
    x *= tb["drs"]
    x += tb["xn"]
    np.multiply(tb["dvt"], dvt_b, out=w)
    x += w
    if sts_b is not None:
        np.subtract(sts_b, 1.0, out=w)
        w *= tb["dsts"]
        x += w
    np.maximum(x, tb["lo"], out=x)
    np.minimum(x, tb["hi"], out=x)
    return x


def _solve_group(arr, cell, nom, want, cols_g, rs, ts, dvt, T, tol, tol_a, polish, i_out, x_out):
    """Newton of the columns ``cols_g`` whose selected cells are all in state ``want`` (0.0 or 1.0).

    ``rs``, ``ts``, ``dvt`` are (S, n_cols) (broadcast views allowed). The
    samples are walked in chunks of about ``CHUNK`` elements, each chunk's
    group columns gathered (contiguous): phase A to ``tol_a``, then
    (``polish``) phase B to ``tol`` [V]. The results go into the columns
    ``cols_g`` of ``i_out``, ``x_out`` (S, n_cols); memory apart from these
    does not grow with S. Returns the iterations.
    """
    S, nc = rs.shape
    is_ap = want == 1.0
    ng = cols_g.size
    every = ng == nc
    rows_per_chunk = max(1, CHUNK // ng)
    tiled = nom.tiled_group(want, cols_g, rows_per_chunk, S)
    iters = 0
    for r0 in range(0, S, rows_per_chunk):
        sl = slice(r0, min(S, r0 + rows_per_chunk))
        m = sl.stop - sl.start
        tb = {k: v[: m * ng] for k, v in tiled.items()}
        if every:
            rs2, ts2, dvt2 = (np.ascontiguousarray(a[sl]) for a in (rs, ts, dvt))
        else:                                        # take: much faster than fancy indexing
            rs2, ts2, dvt2 = (np.take(a[sl], cols_g, axis=1) for a in (rs, ts, dvt))
        rs_b = rs2.reshape(-1)
        sts_b = ts2.reshape(-1) if is_ap else None
        dvt_b = dvt2.reshape(-1)
        a_b = tb["a"] - dvt_b
        w = np.empty(m * ng)
        x = _taylor_start(tb, rs_b, sts_b, dvt_b, w)
        np.divide(1.0, rs_b, out=w)
        xo = x_out[sl].reshape(-1) if every else np.empty(m * ng)      # rows of a C-contiguous array: views
        io = i_out[sl].reshape(-1) if every else np.empty(m * ng)
        args = (rs_b, sts_b, a_b, tb["vth"], tb["rth"], tb["kb"], tb["lo"], tb["hi"])
        x, i1, na = cell.solve(x, *args, tol=tol_a, out_x=xo, out_i=io, inv_rs=w)
        nb = 0
        if polish:
            st_b = np.full((m, ng), int(is_ap), dtype=np.int8)

            def exact(xx, st_b=st_b, rs2=rs2, ts2=ts2, m=m, ng=ng):
                return np.asarray(arr.mtj.current(st_b, xx.reshape(m, ng), T, r_scale=rs2, tmr_scale=ts2),
                                  float).ravel()

            x, i1, nb = cell.solve(x, *args, tol=tol, exact=exact)
        iters = max(iters, na + nb)
        if every:
            if i1 is not io:
                i_out[sl] = i1.reshape(m, ng)
            if x is not xo:
                x_out[sl] = x.reshape(m, ng)
        else:
            i_out[sl, cols_g] = i1.reshape(m, ng)
            x_out[sl, cols_g] = x.reshape(m, ng)
    return iters


def _solve_row(arr, selected_row, full, v_read, T, v_wl, tol, max_iter, polish, rs, ts, dvt, fkey=None):
    """Core of :func:`read_currents` on checked inputs; ``rs``, ``ts``, ``dvt`` are (S, n_cols).

    Returns ``(i_cell, v_mtj, iterations, nominal, exact)`` with (S, n_cols)
    arrays (reference columns included), the :class:`_NominalRow` and
    ``exact``: None, or ``(samples, i_bl)`` the samples solved exactly by
    :func:`~mramsim.array.solver.solve_full` because the linearisation bound
    (:mod:`.checks`) exceeded ``LIN_TOL`` and their (k, n_cols) BL currents [A].
    """
    cell, vto = _cell_newton(arr, v_read, T, max_iter)
    polish = (not cell.sp.ok) if polish is None else bool(polish)
    nom = _nominal_row(arr, selected_row, full, v_read, T, v_wl, tol, max_iter, cell, vto, fkey)
    # phase A stops once the update is below tol_a: quadratic convergence puts the spline-model
    # root within ~(tol_a)^2 / V, far below tol; phase B then checks the exact model against tol.
    tol_a = max(tol, 1e-7) if polish else tol
    state = full[selected_row].astype(float)
    S, nc = rs.shape
    i_cell = np.empty((S, nc))
    v_mtj = np.empty((S, nc))
    iters = 0
    for want in (0.0, 1.0):                     # P and AP columns: two groups (P needs no TMR term)
        cols_g = np.flatnonzero(state == want)
        if cols_g.size:
            it = _solve_group(arr, cell, nom, want, cols_g, rs, ts, dvt, T, tol, tol_a, polish, i_cell, v_mtj)
            iters = max(iters, it)
    if S:
        check_off_state(nom, i_cell.min(axis=0), i_cell.max(axis=0), v_read, T)
    exact = exact_fallback(arr, nom, cell, full, v_read, T, v_wl, tol, max_iter, rs, ts, dvt, i_cell,
                            v_mtj) if S else None
    return i_cell, v_mtj, iters, nom, exact
