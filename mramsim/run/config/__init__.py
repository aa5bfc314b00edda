"""TOML study description -> validated, frozen pydantic models in SI units (:class:`FlowConfig`, one table each).

A key with a unit carries it in its name (``temperature_C``, ``diameter_nm``) and is converted to SI once, when
loaded; every problem is a :class:`mramsim.errors.ConfigError` naming the dotted key and its line. Defaults and
limits come from the classes each table configures; ``describe()`` prints every key.
"""
from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import Optional

from pydantic import Field, ValidationError, model_validator

from ...array.read import REFERENCES as _REFERENCES
from ...compact.export import DIALECTS as _DIALECTS
from ...errors import ConfigError, MramsimError
from ...physics.switching.macrospin import DELTA_MAX
from ._keys import _UNITS, KeyProblem, Section, explain, key, key_lines, rejected_by
from .sections import (AccessConfig, AnnealConfig, AnnealMapConfig, ArrayConfig, BarrierConfig, CompactConfig,
                       DeviceConfig, ElectrodeConfig, ExportConfig, FreeLayerConfig, MonteCarloConfig, ReadConfig,
                       RunConfig, SpiceCheckConfig, StackConfig, SweepsConfig, VariationConfig, WiresConfig, WriteConfig,
                       YieldConfig, build_stack, check_executor)

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DIALECTS = tuple(_DIALECTS)  #: export dialects (``[export] dialects``): the compact-model exporters' registry
REFERENCES = tuple(_REFERENCES)  #: read reference schemes (``[read] reference``)

__all__ = ["load_config", "parse_config", "describe", "key_lines", "check_executor", "DIALECTS", "REFERENCES",
           "FlowConfig", *sorted(n for n in dir() if n.endswith("Config") and n != "ConfigError")]


class FlowConfig(Section):
    """A whole study in SI units, from :func:`load_config` or :func:`parse_config` (``anneal`` None: as deposited)."""
    run: RunConfig = key("run", RunConfig(), doc="how to run")
    stack: StackConfig = key("stack", StackConfig(), doc="junction stack: a preset with overrides, or explicit")
    anneal: Optional[AnnealConfig] = key("anneal", None, doc="post-deposition anneal (omit: as deposited)")
    device: DeviceConfig = key("device", DeviceConfig(), doc="the R(V,T) table computed from the physics")
    compact: CompactConfig = key("compact", CompactConfig(), doc="compact-model fit")
    export: ExportConfig = key("export", ExportConfig(), doc="model cards")
    array: ArrayConfig = key("array", ArrayConfig(), doc="the 1T-1MTJ array")
    variation: VariationConfig = key("variation", VariationConfig(), doc="bit-cell variation")
    read: ReadConfig = key("read", ReadConfig(), doc="read scheme")
    montecarlo: MonteCarloConfig = key("montecarlo", MonteCarloConfig(), doc="Monte Carlo size and seed")
    sweeps: SweepsConfig = key("sweeps", SweepsConfig(), doc="read margin vs bias / temperature / anneal")
    spice_check: SpiceCheckConfig = key("spice_check", SpiceCheckConfig(), doc="ngspice cross-check of a small array")
    yield_: YieldConfig = key("yield", YieldConfig(), doc="die yield with ECC (margin stage)")
    write: WriteConfig = key("write", WriteConfig(), doc="read/write error budget shmoo (margin stage)")
    _unknown = "unknown table or key; valid tables"
    source: Optional[str] = Field(None, exclude=True)  # provenance (file, hash, text), set by parse_config
    sha256: str = Field("", exclude=True)
    text: str = Field("", exclude=True, repr=False)

    @model_validator(mode="after")
    def _whole(self):
        from ...array.variation import AnnealMap
        try:
            stack = build_stack(self.stack)
        except MramsimError as exc:
            raise KeyProblem("stack", f"does not give a valid stack: {exc}") from None
        var = self.variation
        cd = var.cd if var.cd is not None else math.sqrt(4.0 * stack.area / math.pi)
        if not var.cd_sigma <= cd / 8:
            raise KeyProblem(("variation", "cd_sigma_nm"), f"{var.cd_sigma / 1e-9:g} is out of range; allowed: "
                             f"[0, {cd / 8 / 1e-9:g}] nm (CD/8 of the {cd / 1e-9:g} nm junction)")
        if var.anneal_map is not None:
            with rejected_by(AnnealMapConfig, ("variation", "anneal_map"), {"wafer_radius": "wafer_diameter"}):
                AnnealMap(stack=stack, **anneal_map_kwargs(var.anneal_map, self.anneal))
        if self.write.enabled:  # the default diameter is the stack's: a large pillar gives an unusable Delta
            temps = self.write.temperature or (self.read.temperature,)
            with rejected_by(FreeLayerConfig, ("write", "free_layer"), {"T": "t_curie"}):  # T < t_curie
                layer = self.write.free_layer.build(stack)
                if (delta := max(float(layer.delta(T)) for T in temps)) > DELTA_MAX:
                    raise KeyProblem(("write", "free_layer", "diameter_nm"), f"the {layer.diameter / 1e-9:g} nm pillar has "
                                     f"Delta = {delta:.3g} at {min(temps):g} K, above {DELTA_MAX:g}; give a smaller diameter")
        return self

    def to_dict(self) -> dict:
        """All sections as plain data (SI units, by attribute name), for results.json provenance."""
        d = self.model_dump(mode="python")
        d["stack"].update({s: getattr(self.stack, s).given() for s in ("barrier", "left", "right")})
        d["array"].update(access=self.array.access.given(), wires=self.array.wires.given())
        return {**d, "source": self.source, "sha256": self.sha256}

    def replace(self, **changes) -> "FlowConfig":
        """Copy with sections replaced (e.g. ``montecarlo=...``)."""
        return self.model_copy(update=changes)


def anneal_map_kwargs(am, anneal) -> dict:
    """Keyword arguments of :class:`mramsim.AnnealMap` (time, cap, reference from ``anneal``:
    an :class:`AnnealConfig` or a :class:`mramsim.Anneal`, or None)."""
    kw = {**am.given(), "wafer_radius": 0.5 * am.wafer_diameter}
    del kw["wafer_diameter"]
    return kw if anneal is None else {**kw, "time": anneal.time, "cap": anneal.cap, "t_reference": anneal.temperature}


def parse_config(text: str, path=None) -> FlowConfig:
    """Parse TOML ``text`` into a :class:`FlowConfig`; a :class:`ConfigError` names the dotted key and its line."""
    where, text = (None if path is None else str(path)), text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
        return FlowConfig.model_validate(data).model_copy(update={"source": where, "text": text,
                                                                  "sha256": hashlib.sha256(text.encode()).hexdigest()})
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError("<toml>", f"not valid TOML: {exc}", line=int(m.group(1)) if m else (len(text.splitlines()) or None),
                          path=where) from None
    except ValidationError as exc:
        dotted, message = explain(exc.errors()[0], data)
        lines = key_lines(text)  # the key's line, else its nearest table's
        line = next((lines[dotted[:n]] for n in range(len(dotted), 0, -1) if dotted[:n] in lines), None)
        raise ConfigError(".".join(dotted), message, line=line, path=where) from None


def load_config(path) -> FlowConfig:
    """Read and validate a TOML config file (UTF-8, a byte-order mark is accepted); a :class:`ConfigError`
    when the file is missing, not UTF-8, not TOML, or has an unknown key or a bad value (naming key and line)."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError("<file>", f"cannot read the config file: {exc.strerror}", path=str(p)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError("<file>", f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                          "save the file as UTF-8", line=p.read_bytes()[:exc.start].count(b"\n") + 1, path=str(p)) from None
    return parse_config(text, path=p)


def describe() -> str:
    """The config schema as text: every table, key, type, unit, range and default (from the JSON schema)."""
    schema = FlowConfig.model_json_schema(by_alias=True)
    defs, out = schema.get("$defs", {}), []

    def ref_of(prop):
        return next((defs[p["$ref"].split("/")[-1]] for p in [prop, *prop.get("anyOf", [])] if "$ref" in p), None)

    def show(node, prefix):
        doc = (node.get("description") or "").split("\n")[0]
        out.extend([f"[{prefix}]" + (f"  # {doc}" if doc else "")] if prefix else [])
        props = {n: p for n, p in node.get("properties", {}).items() if n not in ("source", "sha256", "text")}
        for name, prop in sorted(props.items(), key=lambda item: ref_of(item[1]) is not None):  # keys, then tables
            if (sub := ref_of(prop)) is not None:
                show(sub, f"{prefix}.{name}" if prefix else name)
                continue
            kind = prop.get("type") or "/".join(a.get("type", "?") for a in prop.get("anyOf", []) if a.get("type") != "null")
            dflt, (a, b) = prop.get("default"), _UNITS.get(prop.get("unit"), (1.0, 0.0))
            if prop.get("unit") in _UNITS and dflt is not None:  # SI -> the key's unit
                dflt = [(v - b) / a for v in dflt] if isinstance(dflt, list) else (dflt - b) / a
            dflt = float(f"{dflt:.12g}") if isinstance(dflt, float) else dflt
            d = "required" if name in node.get("required", []) else ("optional" if dflt is None else f"default {dflt!r}")
            out.append(f"  {name} : {kind}" + (f" range {prop['range']}" if prop.get("range") else "")
                       + (f" one of {', '.join(prop['enum'])}" if prop.get("enum") else "") + f"; {d}"
                       + (f" -- {prop['description']}" if prop.get("description") else ""))

    show(schema, "")
    return "\n".join(out)
