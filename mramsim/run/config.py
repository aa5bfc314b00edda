"""TOML study description -> validated, frozen dataclasses in SI units.

A config file describes one device-to-array study: the stack (a preset, with
any field overridden, or fully explicit), the anneal, the R(V,T) grid, the
compact-model and export options, the array, the variation, the read scheme,
the Monte Carlo size and seed, the sweeps and the executor.

Units live at the edge: every key with a unit carries it in its name
(``temperature_C``, ``time_s``, ``thickness_nm``, ``v_read_V``,
``sigma_nm`` ...) and is converted to SI exactly once, here. Dimensionless
keys (relative sigmas, fractions, counts) have no suffix.

Every problem is a :class:`mramsim.errors.ConfigError` that names the dotted
key (``variation.cd_sigma_nm``) and its line in the file: an unknown key, a
wrong type, a value out of range, an unknown name (preset, dialect, reference
scheme, executor). Nothing falls back to a default silently; a key that is
absent takes the default documented in :data:`SCHEMA` (``mramsim.run.config
.describe()`` prints it).

Example
-------
.. code-block:: toml

    [stack]
    preset = "cofeb_mgo"
    diameter_nm = 60

    [anneal]
    temperature_C = 400
    time_s = 3600
    cap = "Ta"

    [read]
    v_read_V = 0.15
    temperature_C = 125
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable

from ..array.read import REFERENCES as _READ_REFERENCES
from ..compact.export import DIALECTS as _EXPORT_DIALECTS
from ..constants import T0_CELSIUS
from ..errors import ConfigError, MramsimError

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "load_config",
    "parse_config",
    "describe",
    "FlowConfig",
    "RunConfig",
    "StackConfig",
    "AnnealConfig",
    "DeviceConfig",
    "CompactConfig",
    "ExportConfig",
    "ArrayConfig",
    "VariationConfig",
    "ReadConfig",
    "MonteCarloConfig",
    "SweepsConfig",
    "SpiceCheckConfig",
    "DIALECTS",
    "REFERENCES",
    "SCHEMA",
]

#: Export dialects (``[export] dialects``): the compact-model exporters' registry.
DIALECTS = tuple(_EXPORT_DIALECTS)
#: Read reference schemes (``[read] reference``).
REFERENCES = tuple(_READ_REFERENCES)

_REQUIRED = object()
_NM = 1e-9
_UM = 1e-6
_MM = 1e-3


def _celsius(x: float) -> float:
    return x + T0_CELSIUS


def _ev(x: float) -> float:
    from ..constants import eV

    return x * eV


# -- schema ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Key:
    """One TOML key: its type, unit, conversion to SI, range and default.

    ``lo``/``hi`` and ``default`` are in the key's own (TOML) unit.
    """

    toml: str
    attr: str
    kind: str  # float | int | str | bool | floats | ints | strs
    default: Any = _REQUIRED
    unit: str = ""
    to_si: Any = 1.0  # a factor, or a callable on the TOML value
    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    choices: tuple | None = None
    length: int | None = None
    nonempty: bool = False
    check: Callable | None = None  # extra check(value) -> error message or None
    doc: str = ""

    def convert(self, v):
        f = self.to_si
        if self.kind not in ("float", "floats") or f == 1.0:
            return v
        conv = f if callable(f) else (lambda x: x * f)
        if self.kind == "floats":
            return tuple(conv(x) for x in v)
        return conv(v)


@dataclass(frozen=True)
class Section:
    """A TOML table: its keys, its sub-tables and the dataclass it becomes."""

    name: str
    keys: tuple
    subsections: tuple = ()
    doc: str = ""

    def key(self, toml: str):
        for k in self.keys:
            if k.toml == toml:
                return k
        return None

    def sub(self, name: str):
        for s in self.subsections:
            if s.name == name:
                return s
        return None


def _identifier(v):
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v):
        return "must be a SPICE identifier (letters, digits, _; not starting with a digit)"
    return None


def _executor_name(v):
    from ..parallel.executor import EXECUTORS

    if v in EXECUTORS or v.startswith(("tcp://", "tls://", "ucx://")):
        return None
    return "must be one of " + ", ".join(repr(e) for e in EXECUTORS) + " or a Dask scheduler address 'tcp://host:port'"


def _temps_c(toml, attr, doc, default=_REQUIRED):
    return Key(toml, attr, "float", default, "C", _celsius, -273.15, 1000.0, lo_open=True, doc=doc)


_ELECTRODE_KEYS = (
    Key("name", "name", "str", None, doc="label"),
    Key("dos_up", "dos_up", "float", None, lo=0, lo_open=True, doc="majority DOS at E_F [arb.]"),
    Key("dos_down", "dos_down", "float", None, lo=0, lo_open=True, doc="minority DOS at E_F [arb.]"),
    Key("velocity_up_m_per_s", "velocity_up", "float", None, "m/s", lo=0, lo_open=True),
    Key("velocity_down_m_per_s", "velocity_down", "float", None, "m/s", lo=0, lo_open=True),
    Key("weights_up", "weights_up", "floats", None, lo=0, length=4, doc="Delta1, Delta5, Delta2, Delta2' weights"),
    Key("weights_down", "weights_down", "floats", None, lo=0, length=4),
    Key("fermi_energy_eV", "fermi_energy", "float", None, "eV", _ev, lo=0, lo_open=True),
    Key("spin_wave_alpha_per_K1p5", "spin_wave_alpha", "float", None, "K^-1.5", lo=0, hi=1e-3),
    Key("boron_fraction", "boron_fraction", "float", None, lo=0, hi=0.5),
)

SCHEMA: tuple = (
    Section(
        "run",
        (
            Key("name", "name", "str", "mramsim study", doc="title of the report"),
            Key("executor", "executor", "str", "serial", check=_executor_name,
                doc="serial | processes | dask | tcp://scheduler:port"),
            Key("progress", "progress", "bool", True, doc="tqdm progress bars"),
        ),
        doc="how to run",
    ),
    Section(
        "stack",
        (
            Key("preset", "preset", "str", None, choices=("cofeb_mgo", "fe_mgo_fe", "cofe_alox"),
                doc="base preset; omit for a fully explicit stack"),
            Key("thickness_nm", "thickness", "float", None, "nm", _NM, 0.2, 10.0, doc="barrier thickness"),
            Key("diameter_nm", "diameter", "float", None, "nm", _NM, 1.0, 1e6, doc="circular junction diameter"),
            Key("area_nm2", "area", "float", None, "nm^2", _NM**2, 1.0, 1e12, doc="junction area"),
            Key("r_series_ohm", "r_series", "float", None, "ohm", 1.0, 0.0),
            Key("correlation_length_nm", "correlation_length", "float", None, "nm", _NM, 0.1, 1e6),
            Key("diffuse_fraction", "diffuse_fraction", "float", None, lo=0, hi=1),
            Key("crystalline_as_grown", "crystalline_as_grown", "float", None, lo=0, hi=1),
            Key("coherent_barrier", "coherent_barrier", "bool", None),
        ),
        (
            Section(
                "barrier",
                (
                    Key("name", "name", "str", None),
                    Key("height_eV", "height", "float", None, "eV", _ev, 0.01, 20.0),
                    Key("thickness_nm", "thickness", "float", None, "nm", _NM, 0.2, 10.0),
                    Key("mass_ratio", "mass_ratio", "float", None, lo=0.01, hi=10.0),
                    Key("asymmetry_eV", "asymmetry", "float", None, "eV", _ev),
                    Key("channel_offsets_eV", "channel_offsets", "floats", None, "eV", _ev, lo=0, length=4),
                ),
            ),
            Section("left", _ELECTRODE_KEYS, doc="reference electrode"),
            Section("right", _ELECTRODE_KEYS, doc="free electrode"),
        ),
        doc="junction stack: a preset with overrides, or explicit",
    ),
    Section(
        "anneal",
        (
            Key("temperature_C", "temperature", "float", _REQUIRED, "C", _celsius, -23.15, 826.85),
            Key("time_s", "time", "float", 3600.0, "s", 1.0, 0.0, 1e7, lo_open=True),
            Key("cap", "cap", "str", "Ta", choices=("Ta", "W", "Mo", "Pt")),
        ),
        doc="post-deposition anneal (omit the table for an as-deposited stack)",
    ),
    Section(
        "device",
        (
            Key("v_max_V", "v_max", "float", 0.6, "V", 1.0, 0.0, 2.0, lo_open=True, doc="table covers [-v_max, v_max]"),
            Key("n_v", "n_v", "int", 61, lo=3, hi=1001),
            _temps_c("t_min_C", "t_min", "lowest table temperature", -40.0),
            _temps_c("t_max_C", "t_max", "highest table temperature", 125.0),
            Key("n_t", "n_t", "int", 8, lo=1, hi=200),
        ),
        doc="the R(V,T) table computed from the physics",
    ),
    Section(
        "compact",
        (
            Key("name", "name", "str", "mtj", check=_identifier, doc="subcircuit name"),
            Key("max_rel_error", "max_rel_error", "float", 0.02, lo=0, hi=1, lo_open=True,
                doc="acceptance target of the fit (reported pass/fail)"),
            Key("v_window_V", "v_window", "float", 0.5, "V", 1.0, 0, 2.0, lo_open=True,
                doc="fit points with |V| <= v_window (capped at device.v_max_V)"),
            Key("tmr_temperature", "tmr_temperature", "str", "auto", choices=("auto", "exp", "shang"),
                doc="TMR temperature law of the fit"),
            Key("magnon", "magnon", "bool", True, doc="fit the magnon spin-flip mixing term"),
        ),
    ),
    Section(
        "export",
        (
            Key("dialects", "dialects", "strs", ("ngspice",), choices=DIALECTS, nonempty=True),
            Key("statistical", "statistical", "bool", False, doc="also write the Monte Carlo variant"),
        ),
    ),
    Section(
        "array",
        (
            Key("rows", "rows", "int", 64, lo=1, hi=65536),
            Key("cols", "cols", "int", 64, lo=1, hi=65536),
            Key("array_bits", "array_bits", "int", None, lo=1, doc="bits the yield is scaled to (default rows*cols)"),
            Key("selected_row", "selected_row", "int", None, lo=0, doc="row read in the netlist (default: far row)"),
            Key("v_wl_V", "v_wl", "float", 1.2, "V", 1.0, 0, 10.0, lo_open=True, doc="selected word-line voltage"),
        ),
        (
            Section(
                "access",
                (
                    Key("w_nm", "W", "float", None, "nm", _NM, 0, 1e6, lo_open=True, doc="channel width"),
                    Key("l_nm", "L", "float", None, "nm", _NM, 0, 1e6, lo_open=True, doc="channel length"),
                    Key("vto_V", "VTO", "float", None, "V", 1.0, 0, 5.0, lo_open=True, doc="threshold at tnom"),
                    Key("kp_A_per_V2", "KP", "float", None, "A/V^2", 1.0, 0, 1.0, lo_open=True),
                    Key("lambda_per_V", "LAMBDA", "float", None, "1/V", 1.0, 0, 1.0),
                    Key("g_off_S", "G_OFF", "float", None, "S", 1.0, 0, 1e-3, lo_open=True, doc="off leakage"),
                    _temps_c("tnom_C", "TNOM", "temperature of the parameters", None),
                    Key("tcv_V_per_K", "TCV", "float", None, "V/K", 1.0, -0.02, 0.02),
                    Key("bex", "BEX", "float", None, lo=-5, hi=5, doc="mobility temperature exponent"),
                    Key("tcg_per_K", "TCG", "float", None, "1/K", 1.0, -1, 1),
                ),
                doc="access NMOS (level-1, fields of mramsim.AccessNMOS)",
            ),
            Section(
                "wires",
                (
                    Key("r_bl_ohm", "r_bl", "float", None, "ohm", 1.0, 0, 1e6, lo_open=True,
                        doc="bit-line R per cell pitch"),
                    Key("r_sl_ohm", "r_sl", "float", None, "ohm", 1.0, 0, 1e6, lo_open=True,
                        doc="source-line R per cell pitch"),
                    Key("c_bl_F", "c_bl", "float", None, "F", 1.0, 0, 1e-6),
                    Key("c_sl_F", "c_sl", "float", None, "F", 1.0, 0, 1e-6),
                ),
                doc="bit/source-line wires (fields of mramsim.Wires)",
            ),
        ),
    ),
    Section(
        "variation",
        (
            Key("ra_sigma", "ra_sigma", "float", 0.0, lo=0, hi=1, doc="cell-to-cell sigma of ln RA"),
            Key("ra_die_sigma", "ra_die_sigma", "float", 0.0, lo=0, hi=1, doc="die-to-die sigma of ln RA"),
            Key("thickness_sigma_nm", "thickness_sigma", "float", 0.0, "nm", _NM, 0, 0.5),
            Key("cd_sigma_nm", "cd_sigma", "float", 0.0, "nm", _NM, 0, 1e3),
            Key("tmr_sigma", "tmr_sigma", "float", 0.0, lo=0, hi=1, doc="residual sigma of ln TMR"),
            Key("vth_sigma_V", "vth_sigma", "float", 0.0, "V", 1.0, 0, 0.3),
            Key("defect_rate", "defect_rate", "float", 0.0, lo=0, hi=1, hi_open=True,
                doc="per-bit crystallization defect probability"),
            Key("defect_tmr", "defect_tmr", "float", 0.3, lo=0, hi=100, doc="low-bias TMR of a defective bit"),
            Key("cd_nm", "cd", "float", None, "nm", _NM, 0, 1e6, lo_open=True,
                doc="nominal junction diameter (default: from the area)"),
        ),
        (
            Section(
                "anneal_map",
                (
                    _temps_c("center_temperature_C", "t_center", "anneal temperature at the wafer center"),
                    _temps_c("edge_temperature_C", "t_edge", "anneal temperature at the wafer edge"),
                    Key("wafer_diameter_mm", "wafer_diameter", "float", 300.0, "mm", _MM, 0, 1000, lo_open=True),
                    Key("profile_exponent", "profile_exponent", "float", 2.0, lo=0, hi=20, lo_open=True,
                        doc="T(r) = T_c + (T_e - T_c) (r/R)^p"),
                    Key("grid_points", "grid_points", "int", 9, lo=2, hi=200,
                        doc="anneal temperatures solved with the physics"),
                ),
                doc="radial wafer anneal-temperature map (time and cap from [anneal])",
            ),
        ),
    ),
    Section(
        "read",
        (
            Key("v_read_V", "v_read", "float", 0.15, "V", 1.0, 0, 1.5, lo_open=True),
            Key("sensing", "sensing", "str", "current", choices=("current", "voltage")),
            Key("reference", "reference", "str", "current-midpoint", choices=REFERENCES),
            Key("r_ref_ohm", "r_ref", "float", None, "ohm", 1.0, 0, 1e12, lo_open=True,
                doc="fixed reference resistor (default: midpoint of the nominal paths)"),
            Key("v_ref_V", "v_ref", "float", None, "V", 1.0, 0, 1.5, lo_open=True,
                doc="fixed reference voltage (voltage sensing)"),
            Key("n_ref_pairs", "n_ref_pairs", "int", 1, lo=1, hi=64, doc="for reference = 'averaged'"),
            Key("sa_offset_sigma_V", "sa_offset_sigma", "float", 5e-3, "V", 1.0, 0, 0.5),
            Key("r_sense_ohm", "r_sense", "float", 10e3, "ohm", 1.0, 0, 1e12, lo_open=True,
                doc="sense transimpedance (offset -> current)"),
            _temps_c("temperature_C", "temperature", "read temperature", 25.0),
        ),
    ),
    Section(
        "montecarlo",
        (
            Key("n_samples", "n_samples", "int", 100_000, lo=1),
            Key("seed", "seed", "int", 1, lo=0),
            Key("block_size", "block_size", "int", None, lo=1, hi=10_000_000,
                doc="rows per random block (default: read_margin's choice); part of the result's identity"),
        ),
    ),
    Section(
        "sweeps",
        (
            Key("v_read_V", "v_read", "floats", (), "V", 1.0, 0, 2.0, lo_open=True),
            Key("temperature_C", "temperature", "floats", (), "C", _celsius, -273.15, 1000.0, lo_open=True),
            Key("anneal_temperature_C", "anneal_temperature", "floats", (), "C", _celsius, -23.15, 826.85),
            Key("n_samples", "n_samples", "int", 20_000, lo=1, doc="Monte Carlo samples per sweep point"),
        ),
    ),
    Section(
        "spice_check",
        (
            Key("enabled", "enabled", "bool", True),
            Key("rows", "rows", "int", 8, lo=1, hi=256),
            Key("cols", "cols", "int", 8, lo=1, hi=256),
            Key("tolerance", "tolerance", "float", 1e-3, lo=0, hi=1, lo_open=True, doc="max relative current error"),
        ),
        doc="ngspice cross-check of a small array",
    ),
)


def _section(name: str) -> Section:
    for s in SCHEMA:
        if s.name == name:
            return s
    raise KeyError(name)


# -- line finder -----------------------------------------------------------------------
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEYLINE = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_dotted(s: str) -> tuple:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', s)
    return tuple(p.strip("\"'") for p in parts)


def key_lines(text: str) -> dict:
    """Map dotted key paths (tuples) to their 1-based line numbers in ``text``.

    Table headers map to the header's line; keys to the line of ``key =``.
    tomllib reports no positions, so the text is scanned here.
    """
    lines: dict = {}
    table: tuple = ()
    in_multiline = None
    for i, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if raw.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        m = _HEADER.match(raw)
        if m:
            table = _split_dotted(m.group(1))
            lines.setdefault(table, i)
            continue
        m = _KEYLINE.match(raw)
        if m:
            path = table + _split_dotted(m.group(1))
            lines.setdefault(path, i)
            for p in range(len(table) + 1, len(path)):  # dotted keys define their tables
                lines.setdefault(path[:p], i)
            rest = raw[m.end():]
            for q in ('"""', "'''"):
                if rest.count(q) % 2 == 1:
                    in_multiline = q
    return lines


# -- parsing -----------------------------------------------------------------------------
class _Ctx:
    def __init__(self, text: str, path):
        self.lines = key_lines(text)
        self.path = str(path) if path is not None else None

    def line(self, dotted: tuple):
        while dotted:
            if dotted in self.lines:
                return self.lines[dotted]
            dotted = dotted[:-1]
        return None

    def error(self, dotted: tuple, message: str):
        return ConfigError(".".join(dotted), message, line=self.line(dotted), path=self.path)


def _fmt_range(k: Key) -> str:
    left = "(" if k.lo_open else "["
    right = ")" if k.hi_open else "]"
    lo = "-inf" if k.lo == -math.inf else f"{k.lo:g}"
    hi = "inf" if k.hi == math.inf else f"{k.hi:g}"
    u = f" {k.unit}" if k.unit else ""
    return f"{left}{lo}, {hi}{right}{u}"


def _in_range(k: Key, x) -> bool:
    if k.lo > -math.inf and (x < k.lo or (k.lo_open and x == k.lo)):
        return False
    if k.hi < math.inf and (x > k.hi or (k.hi_open and x == k.hi)):
        return False
    return True


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_value(k: Key, v, dotted, ctx):
    """Type, range and choice check in the TOML unit; return the SI value."""
    scalar = {"floats": "float", "ints": "int", "strs": "str"}.get(k.kind, k.kind)
    items = v
    if k.kind in ("floats", "ints", "strs"):
        if not isinstance(v, list):
            raise ctx.error(dotted, f"must be an array of {scalar}s, got {type(v).__name__} {v!r}")
        if k.length is not None and len(v) != k.length:
            raise ctx.error(dotted, f"must have {k.length} elements, got {len(v)}")
        if k.nonempty and not v:
            raise ctx.error(dotted, "must not be empty")
    else:
        items = [v]
    for x in items:
        if scalar == "float":
            if not _is_number(x):
                raise ctx.error(dotted, f"must be a number{' in ' + k.unit if k.unit else ''}, got {type(x).__name__} {x!r}")
            if not math.isfinite(x):
                raise ctx.error(dotted, f"must be finite, got {x!r}")
        elif scalar == "int":
            if isinstance(x, bool) or not isinstance(x, int):
                raise ctx.error(dotted, f"must be an integer, got {type(x).__name__} {x!r}")
        elif scalar == "str":
            if not isinstance(x, str):
                raise ctx.error(dotted, f"must be a string, got {type(x).__name__} {x!r}")
        elif scalar == "bool":
            if not isinstance(x, bool):
                raise ctx.error(dotted, f"must be true or false, got {type(x).__name__} {x!r}")
        if scalar in ("float", "int") and not _in_range(k, x):
            raise ctx.error(dotted, f"{x!r} is out of range; allowed: {_fmt_range(k)}")
        if k.choices is not None and x not in k.choices:
            raise ctx.error(dotted, f"{x!r} is not known; allowed: " + ", ".join(repr(c) for c in k.choices))
        if k.check is not None:
            msg = k.check(x)
            if msg:
                raise ctx.error(dotted, f"{x!r} {msg}")
    if k.kind in ("floats", "ints", "strs"):
        v = tuple(v)
    return k.convert(v)


def _parse_table(sec: Section, data, prefix: tuple, ctx: _Ctx) -> dict:
    """Parse one table into {attr: SI value} (+ {sub: dict} for sub-tables present)."""
    if not isinstance(data, dict):
        raise ctx.error(prefix, f"must be a table [{'.'.join(prefix)}], got {type(data).__name__}")
    out: dict = {}
    for toml_key, v in data.items():
        dotted = prefix + (toml_key,)
        k = sec.key(toml_key)
        sub = sec.sub(toml_key)
        if sub is not None:
            out[toml_key] = {a: x for a, x in _parse_table(sub, v, dotted, ctx).items() if x is not None}
        elif k is not None:
            out[k.attr] = _check_value(k, v, dotted, ctx)
        else:
            valid = [x.toml for x in sec.keys] + [f"[{'.'.join(prefix + (s.name,))}]" for s in sec.subsections]
            raise ctx.error(dotted, "unknown key; valid keys here: " + ", ".join(valid))
    for k in sec.keys:
        if k.attr in out:
            continue
        if k.default is _REQUIRED:
            raise ctx.error(prefix + (k.toml,), f"is required in [{'.'.join(prefix)}]")
        out[k.attr] = None if k.default is None else k.convert(k.default)
    return out


# -- section dataclasses --------------------------------------------------------------------
@dataclass(frozen=True)
class RunConfig:
    """How to run: report title, executor, progress bars."""

    name: str = "mramsim study"
    executor: str = "serial"
    progress: bool = True


@dataclass(frozen=True)
class StackConfig:
    """The stack: ``preset`` plus overrides, or explicit (``preset`` None).

    Lengths [m], area [m^2], resistance [ohm]; ``barrier``/``left``/``right``
    hold the given fields of :class:`mramsim.Barrier` / :class:`mramsim.Electrode`
    in SI (energies [J]).
    """

    preset: str | None = "cofeb_mgo"
    thickness: float | None = None
    diameter: float | None = None
    area: float | None = None
    r_series: float | None = None
    correlation_length: float | None = None
    diffuse_fraction: float | None = None
    crystalline_as_grown: float | None = None
    coherent_barrier: bool | None = None
    barrier: dict = field(default_factory=dict)
    left: dict = field(default_factory=dict)
    right: dict = field(default_factory=dict)

    @property
    def junction_area(self) -> float | None:
        """Area from ``area`` or ``diameter`` [m^2], None when not given."""
        if self.area is not None:
            return self.area
        if self.diameter is not None:
            return math.pi * (0.5 * self.diameter) ** 2
        return None

    def build(self):
        """The :class:`mramsim.Stack` this section describes."""
        from ..materials import Barrier, Electrode
        from ..stack import Stack

        stack_kw = {
            k: getattr(self, k)
            for k in ("r_series", "correlation_length", "diffuse_fraction", "crystalline_as_grown", "coherent_barrier")
            if getattr(self, k) is not None
        }
        if self.junction_area is not None:
            stack_kw["area"] = self.junction_area
        bar = dict(self.barrier)
        if self.thickness is not None:
            bar["thickness"] = self.thickness
        if self.preset is not None:
            base = Stack.preset(self.preset)
            b = replace(base.barrier, **bar) if bar else base.barrier
            left = replace(base.left, **self.left) if self.left else base.left
            right = replace(base.right, **self.right) if self.right else base.right
            return replace(base, barrier=b, left=left, right=right, **stack_kw)
        return Stack(
            name="custom",
            left=Electrode(**{"name": "left", **self.left}),
            barrier=Barrier(**{"name": "barrier", **bar}),
            right=Electrode(**{"name": "right", **self.right}),
            **stack_kw,
        )

    @property
    def label(self) -> str:
        return self.preset or "custom"


@dataclass(frozen=True)
class AnnealConfig:
    """Anneal temperature [K], time [s] and cap."""

    temperature: float
    time: float = 3600.0
    cap: str = "Ta"

    def build(self):
        """The :class:`mramsim.Anneal`."""
        from ..stack import Anneal

        return Anneal(temperature=self.temperature, time=self.time, cap=self.cap)


@dataclass(frozen=True)
class DeviceConfig:
    """R(V,T) grid: bias in [-v_max, v_max] [V] with n_v points, T in [t_min, t_max] [K]."""

    v_max: float = 0.6
    n_v: int = 61
    t_min: float = 233.15
    t_max: float = 398.15
    n_t: int = 8

    def grid(self):
        """(V [V], T [K]) arrays of the table."""
        import numpy as np

        V = np.linspace(-self.v_max, self.v_max, self.n_v)
        T = np.linspace(self.t_min, self.t_max, self.n_t) if self.n_t > 1 else np.array([self.t_min])
        return V, T


@dataclass(frozen=True)
class CompactConfig:
    """Compact-model name, acceptance target of the fit (relative error [-]), fit bias
    window [V], TMR temperature law and magnon term (options of :func:`mramsim.fit_compact`)."""

    name: str = "mtj"
    max_rel_error: float = 0.02
    v_window: float = 0.5
    tmr_temperature: str = "auto"
    magnon: bool = True


@dataclass(frozen=True)
class ExportConfig:
    """Dialects to write and whether to add the statistical variant."""

    dialects: tuple = ("ngspice",)
    statistical: bool = False


@dataclass(frozen=True)
class ArrayConfig:
    """Array size, bits for yield scaling, read row, word-line voltage [V];
    ``access``/``wires`` hold the given fields of :class:`mramsim.AccessNMOS` /
    :class:`mramsim.Wires` in SI."""

    rows: int = 64
    cols: int = 64
    array_bits: int | None = None
    selected_row: int | None = None
    v_wl: float = 1.2
    access: dict = field(default_factory=dict)
    wires: dict = field(default_factory=dict)

    @property
    def bits(self) -> int:
        """Bits the yield is scaled to [-]."""
        return self.array_bits if self.array_bits is not None else self.rows * self.cols

    @property
    def read_row(self) -> int:
        """Row read in netlists: ``selected_row`` or the far (last) row."""
        return self.rows - 1 if self.selected_row is None else self.selected_row

    def build_access(self):
        """The :class:`mramsim.AccessNMOS`."""
        from ..circuit.elements import AccessNMOS

        return AccessNMOS(**self.access)

    def build_wires(self):
        """The :class:`mramsim.Wires`."""
        from ..circuit.elements import Wires

        return Wires(**self.wires)

    def build(self, mtj, *, rows=None, cols=None, **kw):
        """The :class:`mramsim.Array1T1MTJ` of ``mtj`` (``rows``/``cols`` override the size)."""
        from ..circuit.graph import Array1T1MTJ

        return Array1T1MTJ(rows=rows or self.rows, cols=cols or self.cols, mtj=mtj, access=self.build_access(),
                           wires=self.build_wires(), v_wl=self.v_wl, **kw)


@dataclass(frozen=True)
class VariationConfig:
    """Variation (fields of :class:`mramsim.Variation`): sigmas of ln RA and ln TMR [-],
    thickness and CD sigmas [m], Vth sigma [V], defect rate [-]; ``anneal_map``
    holds the given :class:`mramsim.AnnealMap` fields in SI (``wafer_diameter`` [m])."""

    ra_sigma: float = 0.0
    ra_die_sigma: float = 0.0
    thickness_sigma: float = 0.0
    cd_sigma: float = 0.0
    tmr_sigma: float = 0.0
    vth_sigma: float = 0.0
    defect_rate: float = 0.0
    defect_tmr: float = 0.3
    cd: float | None = None
    anneal_map: dict | None = None

    def build(self, stack=None, anneal=None):
        """The :class:`mramsim.Variation` (with its AnnealMap for ``stack``/``anneal``)."""
        from ..array.variation import AnnealMap, Variation

        amap = None
        if self.anneal_map is not None:
            am = dict(self.anneal_map)
            am["wafer_radius"] = 0.5 * am.pop("wafer_diameter")
            if anneal is not None:
                am.setdefault("time", anneal.time)
                am.setdefault("cap", anneal.cap)
                am.setdefault("t_reference", anneal.temperature)
            amap = AnnealMap(stack=stack, **am)
        kw = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "anneal_map"}
        return Variation(anneal=amap, **kw)


@dataclass(frozen=True)
class ReadConfig:
    """Read scheme (fields of :class:`mramsim.ReadScheme`): bias [V], sensing, reference,
    reference resistor [ohm] / voltage [V], pairs, SA offset sigma [V],
    sense transimpedance [ohm], temperature [K]."""

    v_read: float = 0.15
    sensing: str = "current"
    reference: str = "current-midpoint"
    r_ref: float | None = None
    v_ref: float | None = None
    n_ref_pairs: int = 1
    sa_offset_sigma: float = 5e-3
    r_sense: float = 10e3
    temperature: float = 298.15

    def build(self, **changes):
        """The :class:`mramsim.ReadScheme` (with ``changes`` applied, e.g. for sweeps)."""
        from ..array.read import ReadScheme

        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        kw.update(changes)
        return ReadScheme(**kw)


@dataclass(frozen=True)
class MonteCarloConfig:
    """Monte Carlo size (rows read; each read covers every column), seed and block size [-]."""

    n_samples: int = 100_000
    seed: int = 1
    block_size: int | None = None


@dataclass(frozen=True)
class SweepsConfig:
    """Sweep values: read bias [V], temperature [K], anneal temperature [K]."""

    v_read: tuple = ()
    temperature: tuple = ()
    anneal_temperature: tuple = ()
    n_samples: int = 20_000


@dataclass(frozen=True)
class SpiceCheckConfig:
    """ngspice cross-check of a rows x cols array; tolerance on cell current [-]."""

    enabled: bool = True
    rows: int = 8
    cols: int = 8
    tolerance: float = 1e-3


@dataclass(frozen=True)
class FlowConfig:
    """A whole study, validated, in SI units.

    Build it with :func:`load_config` (a file) or :func:`parse_config` (text).
    ``anneal`` is None for an as-deposited stack. ``source`` is the file path
    (or None) and ``sha256`` the hash of its text (provenance).
    """

    run: RunConfig = RunConfig()
    stack: StackConfig = StackConfig()
    anneal: AnnealConfig | None = None
    device: DeviceConfig = DeviceConfig()
    compact: CompactConfig = CompactConfig()
    export: ExportConfig = ExportConfig()
    array: ArrayConfig = ArrayConfig()
    variation: VariationConfig = VariationConfig()
    read: ReadConfig = ReadConfig()
    montecarlo: MonteCarloConfig = MonteCarloConfig()
    sweeps: SweepsConfig = SweepsConfig()
    spice_check: SpiceCheckConfig = SpiceCheckConfig()
    source: str | None = None
    sha256: str = ""
    text: str = field(default="", repr=False)

    def to_dict(self) -> dict:
        """All sections as plain data (SI units), for results.json provenance."""
        d = asdict(self)
        d.pop("text", None)
        return d

    def replace(self, **changes) -> "FlowConfig":
        """Copy with sections replaced (e.g. ``montecarlo=...``)."""
        return replace(self, **changes)


_CLASSES = {
    "run": RunConfig,
    "stack": StackConfig,
    "anneal": AnnealConfig,
    "device": DeviceConfig,
    "compact": CompactConfig,
    "export": ExportConfig,
    "array": ArrayConfig,
    "variation": VariationConfig,
    "read": ReadConfig,
    "montecarlo": MonteCarloConfig,
    "sweeps": SweepsConfig,
    "spice_check": SpiceCheckConfig,
}


def _cross_checks(cfg: FlowConfig, ctx: _Ctx):
    st = cfg.stack
    if st.diameter is not None and st.area is not None:
        raise ctx.error(("stack", "area_nm2"), "give either stack.diameter_nm or stack.area_nm2, not both")
    if st.thickness is not None and "thickness" in st.barrier:
        raise ctx.error(("stack", "barrier", "thickness_nm"), "also given as stack.thickness_nm; give it once")
    if st.preset is None:
        if not (st.barrier or st.left or st.right):
            raise ctx.error(("stack", "preset"), "is required (one of 'cofeb_mgo', 'fe_mgo_fe', 'cofe_alox'), "
                            "unless [stack.barrier], [stack.left] and [stack.right] describe an explicit stack")
        for sub, need in (("barrier", ("height_eV", "thickness_nm")), ("left", ("dos_up", "dos_down")),
                          ("right", ("dos_up", "dos_down"))):
            have = getattr(st, sub)
            for k in need:
                attr = _section("stack").sub(sub).key(k).attr
                if attr not in have and not (k == "thickness_nm" and st.thickness is not None):
                    raise ctx.error(("stack", sub, k), "is required for an explicit stack (no stack.preset)")
        if st.junction_area is None:
            raise ctx.error(("stack", "diameter_nm"), "is required for an explicit stack (or stack.area_nm2)")
    dev = cfg.device
    if dev.n_t > 1 and dev.t_max <= dev.t_min:
        raise ctx.error(("device", "t_max_C"), f"must be above device.t_min_C ({dev.t_min - T0_CELSIUS:g} C)")
    arr = cfg.array
    if arr.selected_row is not None and arr.selected_row >= arr.rows:
        raise ctx.error(("array", "selected_row"), f"{arr.selected_row} is out of range; allowed: [0, {arr.rows - 1}]")


def _wrap(ctx: _Ctx, section: str, exc: Exception, sub: str | None = None):
    """ConfigError for a ParameterError raised by a layer's dataclass (maps the field to its key)."""
    sec = _section(section)
    path = (section,)
    if sub is not None:
        sec, path = sec.sub(sub), path + (sub,)
    attr = str(getattr(exc, "field", "")).split(".")[-1].split(" ")[0]
    if section == "variation" and attr == "anneal":
        attr = ""
    k = next((k for k in sec.keys if k.attr == attr), None)
    if k is not None:
        path = path + (k.toml,)
    return ctx.error(path, f"rejected: {exc}")


def _build_checked(cfg: FlowConfig, ctx: _Ctx) -> None:
    try:
        stack = cfg.stack.build()
    except MramsimError as exc:
        raise ctx.error(("stack",), f"does not give a valid stack: {exc}") from None
    anneal = None
    if cfg.anneal is not None:
        try:
            anneal = cfg.anneal.build()
        except MramsimError as exc:
            raise _wrap(ctx, "anneal", exc) from None
    try:
        import mramsim.circuit.elements  # noqa: F401  (the layers may be absent in a partial install)
        import mramsim.array.read  # noqa: F401
        import mramsim.array.variation  # noqa: F401
    except ImportError:  # pragma: no cover
        return
    for sub, build in (("access", cfg.array.build_access), ("wires", cfg.array.build_wires)):
        try:
            build()
        except MramsimError as exc:
            raise _wrap(ctx, "array", exc, sub) from None
    try:
        cfg.read.build()
    except MramsimError as exc:
        raise _wrap(ctx, "read", exc) from None
    var = cfg.variation
    cd = var.cd if var.cd is not None else math.sqrt(4.0 * stack.area / math.pi)
    if var.cd_sigma > cd / 8:
        raise ctx.error(("variation", "cd_sigma_nm"), f"{var.cd_sigma / _NM:g} is out of range; allowed: "
                        f"[0, {cd / 8 / _NM:g}] nm (CD/8 of the {cd / _NM:g} nm junction)")
    try:
        cfg.variation.build(stack, anneal)
    except MramsimError as exc:
        sub = "anneal_map" if "AnnealMap" in str(getattr(exc, "field", "")) else None
        raise _wrap(ctx, "variation", exc, sub) from None


def parse_config(text: str, path=None) -> FlowConfig:
    """Parse TOML ``text`` into a :class:`FlowConfig`.

    Parameters
    ----------
    text : str
        The TOML document.
    path : str or Path, optional
        Shown in error messages and recorded as provenance.

    Raises
    ------
    ConfigError
        Naming the dotted key and its line for every problem.
    """
    ctx = _Ctx(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else (len(text.splitlines()) or None)
        raise ConfigError("<toml>", f"not valid TOML: {exc}", line=line, path=ctx.path) from None
    known = [s.name for s in SCHEMA]
    sections = {}
    for name, value in data.items():
        if name not in known:
            raise ctx.error((name,), "unknown table or key; valid tables: " + ", ".join(f"[{k}]" for k in known))
    for sec in SCHEMA:
        if sec.name not in data:
            if sec.name == "anneal":
                sections["anneal"] = None
                continue
            raw = {}
        else:
            raw = data[sec.name]
        parsed = _parse_table(sec, raw, (sec.name,), ctx)
        subs = {s.name: parsed.pop(s.name, None) for s in sec.subsections}
        kw = dict(parsed)
        if sec.name == "stack":
            kw.update({k: (v or {}) for k, v in subs.items()})
        elif sec.name == "array":
            kw.update({k: (v or {}) for k, v in subs.items()})
        elif sec.name == "variation":
            kw["anneal_map"] = subs["anneal_map"]
        sections[sec.name] = _CLASSES[sec.name](**kw)
    cfg = FlowConfig(
        **sections,
        source=ctx.path,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
    )
    _cross_checks(cfg, ctx)
    # Build the layers' objects now so that a bad combination is reported at load time.
    _build_checked(cfg, ctx)
    return cfg


def load_config(path) -> FlowConfig:
    """Read and validate a TOML config file.

    Parameters
    ----------
    path : str or Path
        The ``.toml`` file.

    Returns
    -------
    FlowConfig
        Frozen, validated, SI units.

    Raises
    ------
    ConfigError
        The file is missing, not TOML, or has an unknown key or a bad value;
        the message names the key and its line.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("<file>", f"cannot read the config file: {exc.strerror}", path=str(p)) from None
    return parse_config(text, path=p)


def describe() -> str:
    """The config schema as text: every table, key, type, unit, range and default."""
    out = []

    def show(sec: Section, prefix: str):
        out.append(f"[{prefix}]" + (f"  # {sec.doc}" if sec.doc else ""))
        for k in sec.keys:
            d = "required" if k.default is _REQUIRED else ("optional" if k.default is None else f"default {k.default!r}")
            extra = f" one of {', '.join(k.choices)}" if k.choices else ""
            rng = f" range {_fmt_range(k)}" if (k.lo > -math.inf or k.hi < math.inf) else ""
            out.append(f"  {k.toml} : {k.kind}{rng}{extra}; {d}" + (f" -- {k.doc}" if k.doc else ""))
        for s in sec.subsections:
            show(s, f"{prefix}.{s.name}")

    for sec in SCHEMA:
        show(sec, sec.name)
    return "\n".join(out)
