r"""Full-array check solve: modified nodal analysis of every node, sparse Newton.

Every node of :attr:`Array1T1MTJ.graph` is an unknown (voltage sources to
ground fix their nodes), every MTJ is nonlinear (``cm.current`` /
``cm.didv``), every NMOS level-1, and Newton steps solve the sparse Jacobian
with :func:`scipy.sparse.linalg.spsolve` (steps limited to 0.1 V, as SPICE
damps its first iterations). Slow; it checks the fast solver
(:func:`mramsim.array.solver.read_currents`) on the same circuit.

References: L. W. Nagel, "SPICE2: A computer program to simulate semiconductor
circuits", UC Berkeley ERL Memo M520 (1975); J. Vlach and K. Singhal,
*Computer Methods for Circuit Analysis and Design*, 2nd ed., Van Nostrand
Reinhold (1994), ch. 3 and 4.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_range
from ...circuit.elements import level1_ids_derivs
from ...constants import T_NOM
from ...errors import ConvergenceError, ParameterError
from ..memory import check_memory
from .common import ReadSolution, check_read_inputs

__all__ = ["FullSolution", "solve_full"]


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



def solve_full(arr, *, selected_row, states, v_read, temperature=T_NOM, r_scale=1.0, tmr_scale=1.0,
               vth_shift=0.0, v_wl=None, tol=1e-10, max_iter=60, memory_limit=None) -> FullSolution:
    """Solve every node of the array (one sample) with sparse Newton; for checks.

    Parameters
    ----------
    arr : Array1T1MTJ
        The array; its :attr:`~Array1T1MTJ.graph` is assembled.
    selected_row, states, v_read, temperature, v_wl, tol, max_iter
        As in :func:`read_currents`.
    memory_limit : int, optional
        Memory limit [bytes] (:mod:`mramsim.array.memory`).
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

    v_read, T, v_wl = check_read_inputs(arr, selected_row, v_read, temperature, v_wl)
    # the networkx graph and the sparse Jacobian: about 4 KiB per cell
    check_memory("rows x cols", 4096.0 * arr.rows * arr.n_cols, memory_limit, f"{arr.rows} x {arr.n_cols}")
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
