"""Cross-check of the fast read solver against ngspice on the same array netlist.

The netlist comes from :func:`mramsim.circuit.netlist.array_netlist` (the same
graph, access-transistor ``.model`` and MTJ card as the solver uses); ngspice
solves its operating point and the selected cells' currents are compared with
:func:`mramsim.array.solver.read_currents`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..circuit.netlist import array_netlist
from ..constants import T_NOM

__all__ = ["spice_cross_check", "SpiceCrossCheck"]

_ARRAYS = ("i_ngspice", "i_solver", "rel_diff", "i_bl_ngspice", "i_bl_solver")


@dataclass(frozen=True, eq=False)
class SpiceCrossCheck:
    """Selected-cell currents of one read by ngspice and by the fast solver.

    Attributes
    ----------
    i_ngspice, i_solver : ndarray
        (cols,) selected-cell currents, BL -> SL [A].
    rel_diff : ndarray
        (cols,) ``|i_solver - i_ngspice| / |i_ngspice|`` [-].
    max_rel_diff : float
        Largest of ``rel_diff`` [-].
    i_bl_ngspice, i_bl_solver : ndarray
        (cols,) bit-line driver currents [A].
    t_ngspice, t_solver : float
        Wall-clock times of the two solutions [s].
    """

    i_ngspice: np.ndarray
    i_solver: np.ndarray
    rel_diff: np.ndarray
    max_rel_diff: float
    i_bl_ngspice: np.ndarray
    i_bl_solver: np.ndarray
    t_ngspice: float
    t_solver: float

    def to_dict(self) -> dict:
        """Plain data (lists and floats)."""
        from ..parallel.jsonio import to_jsonable

        return {k: to_jsonable(getattr(self, k)) for k in self.__dataclass_fields__}

    def to_json(self, path=None) -> str:
        """JSON text (written to ``path`` if given)."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "SpiceCrossCheck":
        """A result written by :meth:`to_json` (a path or the JSON text)."""
        s = str(path_or_text)
        d = json.loads(s if s.lstrip().startswith("{") else Path(s).read_text(encoding="utf-8"))
        return cls(**{k: (np.asarray(d[k], dtype=float) if k in _ARRAYS else float(d[k]))
                      for k in cls.__dataclass_fields__})


def spice_cross_check(arr, *, selected_row: int, states, v_read: float, temperature: float = T_NOM,
                      samples=None, workdir=None) -> SpiceCrossCheck:
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
    SpiceCrossCheck
    """
    import time

    from ..circuit.sim.ngspice import run_ngspice
    from .solver import read_currents

    smp = dict(samples or {})
    text = array_netlist(arr, selected_row=selected_row, states=states, v_read=v_read, temperature=temperature,
                         samples=smp or None)
    # the solver first: a read it refuses (unselected transistors on, memory) stops before ngspice runs
    t0 = time.perf_counter()
    sol = read_currents(arr, selected_row=selected_row, states=states, v_read=v_read, temperature=temperature,
                        **smp)
    t_solver = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = run_ngspice(text, workdir=workdir)
    t_ngspice = time.perf_counter() - t0
    i_sp = np.array([res[f"i(vcell{c})"][0] for c in range(arr.cols)])
    i_bl_sp = -np.array([res[f"i(vbl{c})"][0] for c in range(arr.cols)])
    i_py = sol.i_cell[0]
    rel = np.abs(i_py - i_sp) / np.abs(i_sp)
    return SpiceCrossCheck(i_ngspice=i_sp, i_solver=i_py, rel_diff=rel, max_rel_diff=float(rel.max()),
                           i_bl_ngspice=i_bl_sp, i_bl_solver=sol.i_bl[0], t_ngspice=t_ngspice, t_solver=t_solver)
