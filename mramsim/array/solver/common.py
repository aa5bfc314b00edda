"""What the fast and the full solver share: the result type and the checks of a read's inputs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_range, check_temperature
from ...errors import ParameterError

__all__ = ["ReadSolution", "check_read_inputs"]


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


def check_read_inputs(arr, selected_row, v_read, temperature, v_wl):
    """Checked ``(v_read [V], T [K], v_wl [V])`` of a read (``v_wl`` None: the array's)."""
    arr.check_row(selected_row)
    check_range("v_read", v_read, -5.0, 5.0, unit="V")
    check_temperature("temperature", temperature)
    v_wl = arr.v_wl if v_wl is None else float(check_range("v_wl", v_wl, 0.0, 10.0, lo_open=True, unit="V"))
    T = float(temperature)
    if arr.access.vto(T) <= 0:
        raise ParameterError("temperature", T, "a temperature at which AccessNMOS.vto(T) > 0 "
                             "(unselected cells must be off)")
    return float(v_read), T, v_wl
