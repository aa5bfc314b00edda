"""Reading measured junction data: long-format CSV/TSV, plain arrays, wafer maps.

A measurement file is one row per measured point (long format)::

    # synthetic: true
    # any free text kept as provenance
    device,area_um2,state,T_K,V_mV,I_uA
    d1,0.01,P,300,-500,-47.1
    ...

Columns (the part before the first ``_`` is the quantity, the rest its unit):

=========  ==========================================  ===============
quantity   meaning                                     units
=========  ==========================================  ===============
V          bias                                        V, mV, uV
I          current                                     A, mA, uA, nA
R          static resistance V/I                       ohm, kohm, Mohm
T          temperature (cells may be empty: missing)   K, C, mK
state      P / AP, or a field value (with unit)        (none) or Oe, T, mT
device     device id (text)                            (none)
area       junction area                               m2, um2, nm2
=========  ==========================================  ===============

Exactly one of I and R is required. Bias points may be irregular, repeated and of
both polarities; nothing is resampled on reading. Resampling onto a grid is an
explicit step: :meth:`MeasurementSet.to_rvtable`.

Every problem in a file raises :class:`MeasurementFileError` (a mramsim
:class:`~mramsim.errors.ConfigError`) naming the path, the row (1-based line of
the file) and the column.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError, ParameterError

__all__ = ["MeasurementFileError", "MeasurementSet", "WaferMap", "read_measurements", "read_wafer_map",
           "from_arrays", "UNITS"]

#: Unit factors to SI for each quantity.
UNITS = {
    "V": {"V": 1.0, "mV": 1e-3, "uV": 1e-6},
    "I": {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "nA": 1e-9},
    "R": {"ohm": 1.0, "kohm": 1e3, "Mohm": 1e6},
    "T": {"K": 1.0, "mK": 1e-3, "C": "C"},
    "area": {"m2": 1.0, "um2": 1e-12, "nm2": 1e-18},
    "state": {"Oe": 1.0, "T": 1.0, "mT": 1.0},
    # wafer maps
    "x": {"mm": 1e-3, "m": 1.0, "um": 1e-6},
    "y": {"mm": 1e-3, "m": 1.0, "um": 1e-6},
    "RA": {"ohm_um2": 1e-12, "ohm_m2": 1.0},
    "TMR": {"pct": 0.01, "frac": 1.0},
    "thickness": {"nm": 1e-9, "m": 1.0, "A": 1e-10},
}
_UNITLESS = ("state", "device")


class MeasurementFileError(ConfigError):
    """A measurement file is malformed: names the path, the row and the column."""

    def __init__(self, column: str, message: str, row: int | None = None, path: str | None = None):
        super().__init__(column, message, line=row, path=path)
        self.row = row
        self.column = column


def _split_header(name: str, path, line, quantities):
    name = name.strip()
    for q in sorted(quantities, key=len, reverse=True):
        if name == q and q in _UNITLESS:
            return q, None
        if name.startswith(q + "_"):
            unit = name[len(q) + 1:]
            if q in UNITS and unit in UNITS[q]:
                return q, unit
            allowed = ", ".join(f"{q}_{u}" for u in UNITS.get(q, {}))
            raise MeasurementFileError(name, f"unknown unit {unit!r}; allowed: {allowed}", line, path)
        if name == q and q == "state":
            return q, None
    allowed = ", ".join(sorted(quantities))
    raise MeasurementFileError(name, f"unknown column; quantities are {allowed} with a unit suffix "
                                     f"(e.g. V_mV, I_uA, R_kohm, T_K, area_um2)", line, path)


def _read_table(path, quantities):
    """-> (provenance lines, header line number, {quantity: (unit, [(row, text)])})."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError("measurement file", str(path), f"a readable file ({exc.strerror or exc})") from None
    comments, rows, header, hline = [], [], None, None
    for i, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s:
            continue
        if s.startswith("#"):
            comments.append(s.lstrip("#").strip())
            continue
        sep = "\t" if "\t" in s else ","
        cells = [c.strip() for c in s.split(sep)]
        if header is None:
            header, hline = cells, i
        else:
            if len(cells) != len(header):
                raise MeasurementFileError("*", f"{len(cells)} cells, the header has {len(header)}", i, str(path))
            rows.append((i, cells))
    if header is None:
        raise MeasurementFileError("*", "no header line", None, str(path))
    cols = {}
    for name in header:
        q, unit = _split_header(name, str(path), hline, quantities)
        if q in cols:
            raise MeasurementFileError(name, f"quantity {q!r} appears twice", hline, str(path))
        cols[q] = (name, unit)
    return comments, hline, header, rows, cols


def _numeric(path, rows, header, cols, q, allow_empty=False):
    name, unit = cols[q]
    j = header.index(name)
    out = np.empty(len(rows))
    for k, (line, cells) in enumerate(rows):
        c = cells[j]
        if c == "" or c.lower() in ("nan", "na"):
            if allow_empty:
                out[k] = np.nan
                continue
            raise MeasurementFileError(name, "empty cell", line, path)
        try:
            v = float(c)
        except ValueError:
            raise MeasurementFileError(name, f"non-numeric cell {c!r}", line, path) from None
        if not np.isfinite(v):
            raise MeasurementFileError(name, f"non-finite cell {c!r}", line, path)
        out[k] = v
    f = UNITS[q][unit]
    if f == "C":
        from ..constants import T0_CELSIUS

        return out + T0_CELSIUS
    return out * f


def _provenance(comments, path):
    prov = {"source": str(path), "header": list(comments)}
    prov["synthetic"] = any(c.lower().replace(" ", "").startswith("synthetic:true") for c in comments)
    return prov


@dataclass(frozen=True, eq=False)
class MeasurementSet:
    """Measured points of one or more junctions, as read (no resampling).

    Parameters
    ----------
    V : ndarray
        Bias [V].
    I : ndarray
        Current [A] (NaN where only the resistance was measured).
    R : ndarray
        Static resistance V/I [ohm] (NaN where undefined: V = 0 with a current column).
    state : ndarray of str
        ``"P"``, ``"AP"`` or a field value as text.
    T : ndarray
        Temperature [K] (NaN where missing).
    device : ndarray of str
        Device id (``""`` if none).
    area : ndarray
        Area [m^2] (NaN if unknown).
    provenance : dict
        Source path, header comments, ``synthetic`` flag.
    """

    V: np.ndarray
    I: np.ndarray
    R: np.ndarray
    state: np.ndarray
    T: np.ndarray
    device: np.ndarray
    area: np.ndarray
    provenance: dict = field(default_factory=dict)

    def __post_init__(self):
        n = np.asarray(self.V).size
        for name in ("V", "I", "R", "T", "area"):
            arr = np.asarray(getattr(self, name), float).ravel()
            if arr.size != n:
                raise ParameterError(f"MeasurementSet.{name}", arr.size, f"{n} values (one per point)")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        for name in ("state", "device"):
            arr = np.asarray(getattr(self, name), dtype=str).ravel()
            if arr.size != n:
                raise ParameterError(f"MeasurementSet.{name}", arr.size, f"{n} values (one per point)")
            object.__setattr__(self, name, arr)
        if n < 2:
            raise ParameterError("MeasurementSet", n, ">= 2 measured points")
        object.__setattr__(self, "provenance", dict(self.provenance))

    def __len__(self):
        return self.V.size

    @property
    def devices(self) -> list:
        return sorted(set(self.device.tolist()))

    @property
    def temperatures(self) -> np.ndarray:
        """Distinct measured temperatures [K] (missing ones left out)."""
        t = self.T[np.isfinite(self.T)]
        return np.unique(np.round(t, 6))

    def select(self, state=None, T=None, device=None, t_tol: float = 0.5) -> "MeasurementSet":
        """The points of one state / temperature (within ``t_tol`` K) / device."""
        m = np.ones(len(self), bool)
        if state is not None:
            m &= self.state == str(state)
        if T is not None:
            m &= np.abs(self.T - float(T)) <= t_tol
        if device is not None:
            m &= self.device == str(device)
        if m.sum() < 2:
            raise ParameterError("select", f"state={state}, T={T}, device={device}", "a selection with >= 2 points")
        return MeasurementSet(self.V[m], self.I[m], self.R[m], self.state[m], self.T[m], self.device[m],
                              self.area[m], self.provenance)

    def to_rvtable(self, V=None, T=None, default_T: float | None = None, device=None):
        """Resample onto a (V, T) grid: an explicit, documented step.

        Repeats at one bias are averaged; the bias axis is interpolated linearly
        (no extrapolation: ``V`` must lie inside the measured range of every
        temperature). Points with a missing temperature take ``default_T``
        (error if there are such points and no default).

        Returns
        -------
        mramsim.physics.rvtable.RVTable
        """
        from ..physics.rvtable import RVTable

        ms = self if device is None else self.select(device=device)
        Tm = ms.T.copy()
        if np.any(~np.isfinite(Tm)):
            if default_T is None:
                raise ParameterError("default_T", None, "a temperature [K] for the points with none")
            Tm[~np.isfinite(Tm)] = float(default_T)
        temps = np.unique(np.round(Tm, 6)) if T is None else np.asarray(T, float)
        ok = np.isfinite(ms.R)
        curves = {}
        lo, hi = -np.inf, np.inf
        for st in ("P", "AP"):
            for t in temps:
                m = ok & (ms.state == st) & (np.abs(Tm - t) <= 0.5)
                if m.sum() < 2:
                    raise ParameterError("to_rvtable", f"state {st} at T = {t:g} K", ">= 2 measured points")
                v, r = ms.V[m], ms.R[m]
                uv, inv = np.unique(v, return_inverse=True)
                rr = np.bincount(inv, weights=r) / np.bincount(inv)
                curves[st, t] = (uv, rr)
                lo, hi = max(lo, uv[0]), min(hi, uv[-1])
        if V is None:
            V = np.linspace(lo, hi, 41)
        V = np.asarray(V, float)
        if V.min() < lo - 1e-12 or V.max() > hi + 1e-12:
            raise ParameterError("V", (float(V.min()), float(V.max())), f"inside the measured range [{lo:g}, {hi:g}] V")
        grids = {st: np.column_stack([np.interp(V, *curves[st, t]) for t in temps]) for st in ("P", "AP")}
        area = np.nanmedian(ms.area) if np.any(np.isfinite(ms.area)) else float("nan")
        prov = dict(ms.provenance, resampled="linear interpolation in V, repeats averaged")
        return RVTable(V=V, T=temps, r_p=grids["P"], r_ap=grids["AP"], area=float(area), provenance=prov)

    def to_dict(self) -> dict:
        return {"V": self.V.tolist(), "I": [None if not np.isfinite(x) else x for x in self.I.tolist()],
                "R": [None if not np.isfinite(x) else x for x in self.R.tolist()],
                "state": self.state.tolist(), "T": [None if not np.isfinite(x) else x for x in self.T.tolist()],
                "device": self.device.tolist(), "area": [None if not np.isfinite(x) else x for x in self.area.tolist()],
                "provenance": self.provenance}

    def to_json(self, path=None) -> str:
        text = json.dumps(self.to_dict())
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "MeasurementSet":
        s = str(path_or_text)
        d = json.loads(Path(s).read_text() if not s.lstrip().startswith("{") else s)
        f = lambda xs: np.array([np.nan if x is None else x for x in xs], float)  # noqa: E731
        return cls(np.asarray(d["V"], float), f(d["I"]), f(d["R"]), d["state"], f(d["T"]), d["device"],
                   f(d["area"]), d.get("provenance", {}))


def from_arrays(V, I=None, R=None, state="P", T=float("nan"), device="", area=float("nan"),
                provenance=None) -> MeasurementSet:
    """A :class:`MeasurementSet` from plain arrays (SI units); scalars broadcast."""
    V = np.asarray(V, float).ravel()
    n = V.size
    if (I is None) == (R is None):
        raise ParameterError("I/R", "both" if I is not None else "neither", "exactly one of current I [A] or resistance R [ohm]")
    b = lambda x, dt=float: np.broadcast_to(np.asarray(x, dtype=dt), (n,)).copy()  # noqa: E731
    if I is not None:
        I = b(I)
        with np.errstate(divide="ignore", invalid="ignore"):
            R = np.where(V != 0, V / I, np.nan)
    else:
        R = b(R)
        with np.errstate(divide="ignore", invalid="ignore"):
            I = np.where(R > 0, V / R, np.nan)
    bad = np.isfinite(R) & (R <= 0)
    if np.any(bad):
        k = int(np.argmax(bad))
        raise ParameterError(f"R[{k}]", float(R[k]), "> 0 ohm (a negative resistance: check the sign of I or V)")
    return MeasurementSet(V, I, R, b(state, str), b(T), b(device, str), b(area), provenance or {})


def read_measurements(path) -> MeasurementSet:
    """Read a long-format CSV/TSV file of measured points (see the module doc)."""
    quantities = ("V", "I", "R", "T", "state", "device", "area")
    comments, hline, header, rows, cols = _read_table(path, quantities)
    p = str(path)
    if "V" not in cols:
        raise MeasurementFileError("V", "missing bias column (V_V, V_mV, ...)", hline, p)
    if ("I" in cols) == ("R" in cols):
        raise MeasurementFileError("I/R", "need exactly one of a current (I_uA, ...) or a resistance (R_ohm, ...) column",
                                   hline, p)
    if len(rows) < 2:
        raise MeasurementFileError("*", f"{len(rows)} data row(s); at least 2 needed", hline, p)
    V = _numeric(p, rows, header, cols, "V")
    n = len(rows)
    T = _numeric(p, rows, header, cols, "T", allow_empty=True) if "T" in cols else np.full(n, np.nan)
    area = _numeric(p, rows, header, cols, "area", allow_empty=True) if "area" in cols else np.full(n, np.nan)
    col = lambda q, default: ([c[header.index(cols[q][0])] for _, c in rows] if q in cols else [default] * n)  # noqa: E731
    state = col("state", "P")
    device = col("device", "")
    if "I" in cols:
        I = _numeric(p, rows, header, cols, "I")
        with np.errstate(divide="ignore", invalid="ignore"):
            R = np.where(V != 0, V / I, np.nan)
        qname = cols["I"][0]
    else:
        R = _numeric(p, rows, header, cols, "R")
        with np.errstate(divide="ignore", invalid="ignore"):
            I = V / R
        qname = cols["R"][0]
    bad = np.isfinite(R) & (R <= 0)
    if np.any(bad):
        k = int(np.argmax(bad))
        raise MeasurementFileError(qname, f"negative resistance V/I = {R[k]:g} ohm", rows[k][0], p)
    if np.any(T <= 0):
        k = int(np.argmax(T <= 0))
        raise MeasurementFileError(cols["T"][0], "temperature <= 0 K", rows[k][0], p)
    return MeasurementSet(V, I, R, state, T, device, area, _provenance(comments, path))


@dataclass(frozen=True, eq=False)
class WaferMap:
    """Die-level wafer map: position [m], RA [ohm m^2], TMR [-], optional thickness [m]."""

    x: np.ndarray
    y: np.ndarray
    ra: np.ndarray
    tmr: np.ndarray
    thickness: np.ndarray | None = None
    provenance: dict = field(default_factory=dict)

    @property
    def radius(self) -> np.ndarray:
        return np.hypot(self.x, self.y)


def read_wafer_map(path) -> WaferMap:
    """Read a wafer map CSV: columns ``x_mm, y_mm, RA_ohm_um2, TMR_pct`` (``thickness_nm`` optional)."""
    quantities = ("x", "y", "RA", "TMR", "thickness")
    comments, hline, header, rows, cols = _read_table(path, quantities)
    p = str(path)
    for q in ("x", "y", "RA", "TMR"):
        if q not in cols:
            raise MeasurementFileError(q, f"missing column {q} (with a unit, e.g. x_mm, RA_ohm_um2, TMR_pct)", hline, p)
    if len(rows) < 2:
        raise MeasurementFileError("*", f"{len(rows)} data row(s); at least 2 needed", hline, p)
    vals = {q: _numeric(p, rows, header, cols, q) for q in cols}
    if np.any(vals["RA"] <= 0):
        k = int(np.argmax(vals["RA"] <= 0))
        raise MeasurementFileError(cols["RA"][0], "RA <= 0", rows[k][0], p)
    return WaferMap(vals["x"], vals["y"], vals["RA"], vals["TMR"], vals.get("thickness"), _provenance(comments, path))
