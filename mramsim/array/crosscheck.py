"""Cross-check of the fast read solver against ngspice on the same array netlist.

The netlist comes from :func:`mramsim.circuit.netlist.array_netlist` (the same
graph, access-transistor ``.model`` and MTJ card as the solver uses); ngspice
solves its operating point and the selected cells' currents are compared with
:func:`mramsim.array.solver.read_currents`.
"""
from __future__ import annotations

import numpy as np

from ..circuit.netlist import array_netlist
from ..constants import T_NOM

__all__ = ["spice_cross_check"]


def spice_cross_check(arr, *, selected_row: int, states, v_read: float, temperature: float = T_NOM,
                      samples=None, workdir=None) -> dict:
    """Selected-cell currents of one read by ngspice and by the fast solver.

    Parameters
    ----------
    arr : Array1T1MTJ
        The array.
    selected_row : int
        Row read.
    states : array_like
        (cols,) or (rows, cols) states.
    v_read : float
        BL driver voltage [V].
    temperature : float
        Temperature [K].
    samples : mapping, optional
        One Monte Carlo sample (``r_scale``, ``tmr_scale``, ``vth_shift``),
        used by both.
    workdir : path-like, optional
        Where ngspice runs.

    Returns
    -------
    dict
        ``i_ngspice``, ``i_solver`` (cols,) [A], ``rel_diff`` (cols,) [-],
        ``max_rel_diff`` [-], ``i_bl_ngspice``, ``i_bl_solver`` [A],
        ``t_ngspice``, ``t_solver`` [s].
    """
    import time

    from ..circuit.sim.ngspice import run_ngspice
    from .solver import read_currents

    smp = dict(samples or {})
    text = array_netlist(arr, selected_row=selected_row, states=states, v_read=v_read, temperature=temperature,
                         samples=smp or None)
    t0 = time.perf_counter()
    res = run_ngspice(text, workdir=workdir)
    t1 = time.perf_counter()
    sol = read_currents(arr, selected_row=selected_row, states=states, v_read=v_read, temperature=temperature,
                        **smp)
    t2 = time.perf_counter()
    i_sp = np.array([res[f"i(vcell{c})"][0] for c in range(arr.cols)])
    i_bl_sp = -np.array([res[f"i(vbl{c})"][0] for c in range(arr.cols)])
    i_py = sol.i_cell[0]
    rel = np.abs(i_py - i_sp) / np.abs(i_sp)
    return {"i_ngspice": i_sp, "i_solver": i_py, "rel_diff": rel, "max_rel_diff": float(rel.max()),
            "i_bl_ngspice": i_bl_sp, "i_bl_solver": sol.i_bl[0], "t_ngspice": t1 - t0, "t_solver": t2 - t1}
