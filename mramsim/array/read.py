r"""Read schemes: clamped bit-line read, current or voltage sensing, references, SA offset.

A read clamps the bit line at ``v_read``; the array solver returns the cell
current ``I`` and the junction voltage ``V_mtj`` (IR drop and the access
transistor included). The sensed signal is

* ``sensing="current"``: ``s = I`` (a P cell gives the larger signal);
* ``sensing="voltage"``: ``s = V_mtj``, the share of ``V_read`` across the
  junction (an AP cell gives the larger signal).

The reference signal ``s_ref`` is

* ``"fixed"``: a precision resistor ``r_ref`` clamped at ``v_read``
  (``s_ref = v_read / r_ref``) for current sensing, or a fixed voltage
  ``v_ref`` for voltage sensing; by default the *resistance midpoint*
  ``r_ref = (R_path,P + R_path,AP)/2`` of the nominal read-path resistances
  ``R_path = v_read / I`` (resp. the midpoint of the nominal ``V_mtj``),
  set once at the array's middle row;
* ``"current-midpoint"``: one P and one AP reference cell of the same die in
  parallel, mirrored with a 1/2 ratio: ``s_ref = (s_P,ref + s_AP,ref)/2``
  (Tehrani et al., Proc. IEEE 91, 703 (2003); Kim et al., IEEE TCAS-I 59,
  2642 (2012));
* ``"averaged"``: the mean of ``n_ref_pairs`` such pairs; the reference's own
  random spread falls as ``1/sqrt(N)``.

Reference cells vary like data cells (own local variables, the die variables
shared with the data cell). The sense amplifier has an input-referred offset
``delta`` ~ N(0, sa_offset_sigma) [V]; for current sensing it is referred to
current through the sense transimpedance ``r_sense`` (``delta / r_sense``).
With polarity ``q = +1`` (current) or ``-1`` (voltage) the SA reads P when
``q (s - s_ref) + delta_s > 0``, so the margins (read correct when > 0) are

.. math::
    m_P = q (s_P - s_{ref}) + \delta_s, \qquad m_{AP} = -q (s_{AP} - s_{ref}) - \delta_s .
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .._validation import check_choice, check_positive, check_range, check_temperature
from ..constants import T_NOM
from ..errors import ParameterError

__all__ = ["ReadScheme", "SENSING", "REFERENCES", "u_layout", "split_u", "reference_cells"]

SENSING = {"current": +1, "voltage": -1}
REFERENCES = {"fixed": 0, "current-midpoint": 1, "averaged": 2}


@dataclass(frozen=True)
class ReadScheme:
    """How a bit is read.

    Parameters
    ----------
    v_read : float
        Clamped bit-line read voltage [V], in (0, 1.5].
    sensing : {'current', 'voltage'}
        Sensed quantity: cell current or junction voltage.
    reference : {'fixed', 'current-midpoint', 'averaged'}
        Reference type (see module docstring).
    r_ref : float, optional
        Fixed reference resistor [ohm] (current sensing); default: resistance
        midpoint of the nominal read paths.
    v_ref : float, optional
        Fixed reference voltage [V] (voltage sensing); default: midpoint of
        the nominal junction voltages.
    n_ref_pairs : int
        Number of averaged P/AP reference pairs (``"averaged"``; 1 for
        ``"current-midpoint"``).
    sa_offset_sigma : float
        Input-referred sense-amplifier offset sigma [V].
    r_sense : float
        Sense transimpedance [ohm] referring the offset to current.
    temperature : float
        Junction/array temperature [K].
    """

    v_read: float = 0.15
    sensing: str = "current"
    reference: str = "current-midpoint"
    r_ref: float | None = None
    v_ref: float | None = None
    n_ref_pairs: int = 1
    sa_offset_sigma: float = 0.0
    r_sense: float = 10e3
    temperature: float = T_NOM

    def __post_init__(self):
        check_range("ReadScheme.v_read", self.v_read, 0.0, 1.5, lo_open=True, unit="V")
        check_choice("ReadScheme.sensing", self.sensing, SENSING)
        check_choice("ReadScheme.reference", self.reference, REFERENCES)
        if self.r_ref is not None:
            check_positive("ReadScheme.r_ref", self.r_ref, "ohm")
        if self.v_ref is not None:
            check_range("ReadScheme.v_ref", self.v_ref, 0.0, 1.5, lo_open=True, unit="V")
        if isinstance(self.n_ref_pairs, bool) or not isinstance(self.n_ref_pairs, (int, np.integer)) \
                or not 1 <= self.n_ref_pairs <= 64:
            raise ParameterError("ReadScheme.n_ref_pairs", self.n_ref_pairs, "an integer in [1, 64]")
        if self.reference == "current-midpoint" and self.n_ref_pairs != 1:
            raise ParameterError(
                "ReadScheme.n_ref_pairs", self.n_ref_pairs, "1 for reference='current-midpoint' (use 'averaged')"
            )
        check_range("ReadScheme.sa_offset_sigma", self.sa_offset_sigma, 0.0, 0.5, unit="V")
        check_positive("ReadScheme.r_sense", self.r_sense, "ohm")
        check_temperature("ReadScheme.temperature", self.temperature)
        check_range("ReadScheme.temperature", self.temperature, 1.0, 600.0, unit="K")

    @property
    def polarity(self) -> int:
        """+1 when a P cell gives the larger signal (current sensing), else -1."""
        return SENSING[self.sensing]

    @property
    def n_ref_cells(self) -> int:
        """Number of reference cells of each state (0 for a fixed reference)."""
        return 0 if self.reference == "fixed" else int(self.n_ref_pairs)

    def offset_scale(self) -> float:
        """Factor from the input-referred offset [V] to sensed units."""
        return 1.0 / self.r_sense if self.sensing == "current" else 1.0

    def replace(self, **changes) -> "ReadScheme":
        d = asdict(self)
        d.update(changes)
        return ReadScheme(**d)

    def to_dict(self):
        return asdict(self)


def reference_cells(read: ReadScheme):
    """Names of the reference cells: ``refP0.., refAP0..``."""
    n = read.n_ref_cells
    return [f"refP{i}" for i in range(n)] + [f"refAP{i}" for i in range(n)]


def u_layout(var, read: ReadScheme):
    """Column names of ``u`` for one read (data cell, die, reference cells, SA).

    Only active variables appear (zero sigmas add no column), so the
    dimension is as small as the model allows.
    """
    names = [f"cell.{v}" for v in var.local_names()]
    names += [f"die.{v}" for v in var.die_names()]
    for ref in reference_cells(read):
        names += [f"{ref}.{v}" for v in var.local_names()]
    if read.sa_offset_sigma > 0:
        names.append("sa.offset")
    return names


def split_u(u, var, read: ReadScheme):
    """Split ``u`` (..., n_vars) into per-cell dicts following :func:`u_layout`.

    Returns
    -------
    cells : dict
        ``{"cell": {...}, "refP0": {...}, ...}`` of standard-normal arrays.
    die : dict
        Die-level normals.
    sa : ndarray or None
        SA-offset normal.
    """
    u = np.asarray(u, float)
    names = u_layout(var, read)
    if u.shape[-1] != len(names):
        raise ParameterError("u.shape[-1]", u.shape[-1], f"{len(names)} (columns {names})")
    cells = {"cell": {}}
    for r in reference_cells(read):
        cells[r] = {}
    die = {}
    sa = None
    for j, name in enumerate(names):
        who, what = name.split(".", 1)
        if who == "die":
            die[what] = u[..., j]
        elif who == "sa":
            sa = u[..., j]
        else:
            cells[who][what] = u[..., j]
    return cells, die, sa
