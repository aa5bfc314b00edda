"""``RVTable``: R_P and R_AP of a junction on a (bias, temperature) grid.

The hand-off between the physics and the compact model. Values are static
resistances R = V/I [ohm] (at V = 0, the zero-bias limit 1/G), including the
stack's series resistance. CSV and JSON round-trip losslessly.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._validation import check_scalar
from ..errors import ParameterError

__all__ = ["RVTable"]


@dataclass(frozen=True, eq=False)
class RVTable:
    """Resistances on a bias x temperature grid.

    Parameters
    ----------
    V : ndarray, shape (nV,)
        Bias [V], strictly increasing.
    T : ndarray, shape (nT,)
        Temperature [K], strictly increasing, > 0.
    r_p, r_ap : ndarray, shape (nV, nT)
        Static resistance in the parallel / antiparallel state [ohm], > 0.
    area : float
        Junction area [m^2].
    thickness : float
        Barrier thickness [m].
    sensitivities : dict
        Physics derivatives at low bias and the table's reference temperature,
        used by the compact model's statistical variant. Keys (any subset):
        ``dlnRP_dthickness`` [1/m], ``dlnTMR_dthickness`` [1/m],
        ``dlnRP_danneal`` [1/K], ``dlnTMR_danneal`` [1/K].
    provenance : dict
        Where the table came from (preset, anneal, mramsim version, ...).
    """

    V: np.ndarray
    T: np.ndarray
    r_p: np.ndarray
    r_ap: np.ndarray
    area: float = float("nan")
    thickness: float = float("nan")
    sensitivities: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    def __post_init__(self):
        def _floats(name, value, allowed):
            try:
                return np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(f"RVTable.{name}", value, allowed) from None

        V = _floats("V", self.V, "a strictly increasing 1-D array of bias [V]").ravel()
        T = _floats("T", self.T, "a strictly increasing 1-D array of temperatures > 0 K").ravel()
        if V.size < 1 or not np.all(np.isfinite(V)) or (V.size > 1 and np.any(np.diff(V) <= 0)):
            raise ParameterError("RVTable.V", V, "a strictly increasing 1-D array of finite bias [V]")
        if T.size < 1 or not np.all(np.isfinite(T)) or np.any(T <= 0) or (T.size > 1 and np.any(np.diff(T) <= 0)):
            raise ParameterError("RVTable.T", T, "a strictly increasing 1-D array of finite temperatures > 0 K")
        shape = (V.size, T.size)
        arrays = {}
        for name in ("r_p", "r_ap"):
            arr = _floats(name, getattr(self, name), f"an array of shape {shape} (len(V), len(T)) [ohm]")
            if arr.shape != shape:  # never reshape: a transposed (nT, nV) table is an error
                raise ParameterError(f"RVTable.{name}", f"array of shape {arr.shape}",
                                     f"an array of shape {shape} = (len(V), len(T))")
            arr = arr.copy()
            if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
                raise ParameterError(f"RVTable.{name}", arr, "finite resistances > 0 ohm")
            arrays[name] = arr
        r_p, r_ap = arrays["r_p"], arrays["r_ap"]
        for name, val in (("V", V), ("T", T), ("r_p", r_p), ("r_ap", r_ap)):
            val.setflags(write=False)
            object.__setattr__(self, name, val)
        for name in ("area", "thickness"):  # NaN = unknown; otherwise one finite value > 0
            val = getattr(self, name)
            if not (isinstance(val, float) and val != val):
                val = check_scalar(f"RVTable.{name}", val, "NaN (unknown) or one finite value > 0")
                if val <= 0:
                    raise ParameterError(f"RVTable.{name}", val, "NaN (unknown) or one finite value > 0")
            object.__setattr__(self, name, float(val))
        if not isinstance(self.sensitivities, dict) or not isinstance(self.provenance, dict):
            raise ParameterError("RVTable.sensitivities/provenance", (self.sensitivities, self.provenance), "dicts")
        sens = {str(k): check_scalar(f"RVTable.sensitivities[{k!r}]", v) for k, v in self.sensitivities.items()}
        object.__setattr__(self, "sensitivities", sens)
        object.__setattr__(self, "provenance", dict(self.provenance))

    # -- derived --------------------------------------------------------------
    @property
    def tmr(self) -> np.ndarray:
        """(R_AP - R_P)/R_P on the grid [-]."""
        return (self.r_ap - self.r_p) / self.r_p

    @property
    def ra_p(self) -> np.ndarray:
        """Resistance-area product of the P state [ohm m^2]."""
        return self.r_p * self.area

    def resistance(self, state) -> np.ndarray:
        """R_P (state 'P' or 0) or R_AP ('AP' or 1) on the grid [ohm]."""
        from .._validation import parse_state

        return self.r_ap if parse_state(state) else self.r_p

    # -- serialisation --------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "V": self.V.tolist(),
            "T": self.T.tolist(),
            "r_p": self.r_p.tolist(),
            "r_ap": self.r_ap.tolist(),
            "area": self.area,
            "thickness": self.thickness,
            "sensitivities": self.sensitivities,
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "RVTable":
        return cls(
            V=d["V"],
            T=d["T"],
            r_p=d["r_p"],
            r_ap=d["r_ap"],
            area=float(d.get("area", float("nan"))),
            thickness=float(d.get("thickness", float("nan"))),
            sensitivities=d.get("sensitivities", {}),
            provenance=d.get("provenance", {}),
        )

    def to_json(self, path=None) -> str:
        """JSON text (and write it to ``path`` if given)."""
        text = json.dumps(self.to_dict(), indent=1, sort_keys=True)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "RVTable":
        s = str(path_or_text)
        text = s if s.lstrip().startswith("{") else Path(s).read_text()
        return cls.from_dict(json.loads(text))

    def to_csv(self, path=None) -> str:
        """Long-format CSV: V [V], T [K], R_P [ohm], R_AP [ohm], TMR [-].

        Metadata (area, thickness, sensitivities, provenance) goes in
        ``# key: json`` comment lines at the top so the file round-trips.
        """
        buf = io.StringIO()
        buf.write(f"# area: {json.dumps(self.area)}\n")
        buf.write(f"# thickness: {json.dumps(self.thickness)}\n")
        buf.write(f"# sensitivities: {json.dumps(self.sensitivities, sort_keys=True)}\n")
        buf.write(f"# provenance: {json.dumps(self.provenance, sort_keys=True)}\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["V_V", "T_K", "R_P_ohm", "R_AP_ohm", "TMR"])
        tmr = self.tmr
        for i, v in enumerate(self.V):
            for j, t in enumerate(self.T):
                w.writerow([repr(float(v)), repr(float(t)), repr(float(self.r_p[i, j])),
                            repr(float(self.r_ap[i, j])), repr(float(tmr[i, j]))])
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_csv(cls, path_or_text) -> "RVTable":
        s = str(path_or_text)
        text = s if "\n" in s else Path(s).read_text()
        meta, rows = {}, []
        for line in text.splitlines():
            if line.startswith("#"):
                key, _, val = line[1:].partition(":")
                meta[key.strip()] = json.loads(val)
            elif line.strip():
                rows.append(line)
        data = list(csv.reader(rows))[1:]
        arr = np.array(data, dtype=float)
        V = np.unique(arr[:, 0])
        T = np.unique(arr[:, 1])
        r_p = arr[:, 2].reshape(V.size, T.size)
        r_ap = arr[:, 3].reshape(V.size, T.size)
        return cls(V=V, T=T, r_p=r_p, r_ap=r_ap, area=meta.get("area", float("nan")),
                   thickness=meta.get("thickness", float("nan")),
                   sensitivities=meta.get("sensitivities", {}), provenance=meta.get("provenance", {}))
