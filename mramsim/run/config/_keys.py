"""Building blocks of the declarative config: keys with units, sections, error translation.

A key is a pydantic field whose *alias* is the TOML key (unit in the name:
``temperature_C``, ``diameter_nm``) and whose *name* is the SI attribute
(``temperature`` [K], ``diameter`` [m]). :class:`Section` converts every
given unit-carrying key to SI exactly once, before validation; bounds are
pydantic ``Field`` bounds on the SI value, shown to users in the key's unit.
"""
from __future__ import annotations

import dataclasses
import math
import re
from contextlib import contextmanager
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ...constants import T0_CELSIUS, eV
from ...errors import ParameterError

_NM = 1e-9
#: unit label -> callable TOML value -> SI (units missing here need no conversion)
_TO_SI = {
    "C": lambda x: x + T0_CELSIUS,
    "nm": lambda x: x * _NM,
    "nm^2": lambda x: x * _NM**2,
    "eV": lambda x: x * eV,
    "mm": lambda x: x * 1e-3,
}


def si(x, unit: str = ""):
    """``x`` given in ``unit`` converted to SI."""
    f = _TO_SI.get(unit)
    return x if f is None else f(x)


def from_si(x, unit: str = ""):
    """Inverse of :func:`si` (for display)."""
    back = {"C": lambda v: v - T0_CELSIUS, "nm": lambda v: v / _NM, "nm^2": lambda v: v / _NM**2,
            "eV": lambda v: v / eV, "mm": lambda v: v / 1e-3}.get(unit)
    if back is None or x is None or isinstance(x, (bool, str)):
        return x
    return [back(v) for v in x] if isinstance(x, (list, tuple)) else back(x)


def default_of(cls, name: str):
    """The default of field ``name`` of dataclass ``cls`` (one source of truth)."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default is dataclasses.MISSING:
                raise KeyError(f"{cls.__name__}.{name} has no default")
            return f.default
    raise KeyError(f"{cls.__name__}.{name}")


def _fmt_range(lo, hi, lo_open, hi_open, unit) -> str:
    left = "(" if lo_open else "["
    right = ")" if hi_open or hi is None else "]"
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return f"{left}{lo_s}, {hi_s}{right}" + (f" {unit}" if unit else "")


def key(toml: str, default: Any = None, unit: str = "", lo=None, hi=None, lo_open=False, hi_open=False,
        doc: str = "", **kw):
    """A config key: TOML name ``toml``, SI ``default``, range ``lo``..``hi`` in the key's unit."""
    bounds = {}
    if lo is not None:
        bounds["gt" if lo_open else "ge"] = si(lo, unit)
    if hi is not None:
        bounds["lt" if hi_open else "le"] = si(hi, unit)
    extra = {"unit": unit}
    if bounds:
        extra["range"] = _fmt_range(lo, hi, lo_open, hi_open, unit)
    return Field(default, alias=toml, description=doc, json_schema_extra=extra, **bounds, **kw)


class KeyProblem(ValueError):
    """A problem with a key below the validated model (``key`` is a path relative to it)."""

    def __init__(self, key, message: str):
        self.key = (key,) if isinstance(key, str) else tuple(key)
        self.message = message
        super().__init__(message)


def one_of(valid, what: str = ""):
    """Annotated validator: the value must be one of ``valid`` (a registry: read when checking)."""

    def check(v):
        names = tuple(valid() if callable(valid) else valid)
        if v not in names:
            raise KeyProblem((), f"{v!r} is not known; allowed: " + ", ".join(repr(c) for c in names))
        return v

    return AfterValidator(check)


def identifier(v):
    """Annotated validator: a name that may reach a netlist (:func:`mramsim._text.check_name`)."""
    from ..._text import check_name

    try:
        return check_name("name", v)
    except ParameterError as exc:
        raise KeyProblem((), f"{v!r} is not a valid name; allowed: {exc.allowed}") from None


Name = Annotated[str, AfterValidator(identifier)]


class Section(BaseModel):
    """A TOML table: unknown keys rejected, values frozen, units converted once."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False,
                              allow_inf_nan=False, validate_default=False)

    @model_validator(mode="before")
    @classmethod
    def _to_si(cls, data):
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for f in cls.model_fields.values():
            unit = (f.json_schema_extra or {}).get("unit", "")
            if f.alias in out and unit in _TO_SI:
                v = out[f.alias]
                num = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)  # noqa: E731
                if num(v):
                    out[f.alias] = si(float(v), unit)
                elif isinstance(v, list) and all(num(x) for x in v):
                    out[f.alias] = [si(float(x), unit) for x in v]
        return out

    @classmethod
    def alias(cls, attr: str) -> str | None:
        f = cls.model_fields.get(attr)
        return None if f is None else f.alias

    def given(self) -> dict:
        """The keys given (not None), by SI attribute name."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@contextmanager
def rejected_by(section: type, prefix=(), attr_map=None):
    """Turn a ParameterError of a layer's class into a KeyProblem naming the section's key."""
    try:
        yield
    except ParameterError as exc:
        attr = re.split(r"[ \[]", str(exc.field).split(".")[-1])[0]
        attr = (attr_map or {}).get(attr, attr)
        alias = section.alias(attr)
        raise KeyProblem(tuple(prefix) + ((alias,) if alias else ()), f"rejected: {exc}") from None


# -- line finder -----------------------------------------------------------------------------------
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEYLINE = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_dotted(s: str) -> tuple:
    return tuple(p.strip("\"'") for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', s))


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


def line_of(lines: dict, dotted: tuple):
    """Line of ``dotted`` or of its nearest enclosing table (None if absent)."""
    while dotted:
        if dotted in lines:
            return lines[dotted]
        dotted = dotted[:-1]
    return None


# -- pydantic errors -> one message per key ------------------------------------------------------------
_TYPE_WORDS = {"int": "an integer", "float": "a number", "bool": "true or false", "string": "a string",
               "tuple": "an array", "list": "an array", "model": "a table", "dict": "a table"}


def _raw(data, loc):
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def explain(err: dict, data, model: type) -> tuple[tuple, str]:
    """(dotted TOML path, message) of one pydantic error dict."""
    loc = tuple(err["loc"])
    raw = _raw(data, loc)
    typ = err["type"]
    path = tuple(p for p in loc if isinstance(p, str))
    exc = (err.get("ctx") or {}).get("error")
    if isinstance(exc, KeyProblem):
        return path + exc.key, exc.message
    if typ == "extra_forbidden":
        return path, "unknown key; " + _valid_here(model, path[:-1])
    if typ == "missing":
        return path, f"is required in [{'.'.join(path[:-1])}]"
    if typ in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return path, f"{raw!r} is out of range; allowed: {_field_info(model, path)}"
    if typ in ("finite_number",):
        return path, f"must be finite, got {raw!r}"
    if typ in ("too_short", "too_long"):
        return path, f"must have {err['ctx'].get('min_length', err['ctx'].get('max_length'))} elements, got " \
                     f"{len(raw) if isinstance(raw, list) else raw!r}"
    for word, text in _TYPE_WORDS.items():
        if typ.startswith(word):
            return path, f"must be {text}, got {type(raw).__name__} {raw!r}"
    if exc is not None:
        return path, f"rejected: {exc}"
    return path, err["msg"]


def _sub_model(model: type, path: tuple):
    for part in path:
        f = model.model_fields.get(_attr(model, part))
        if f is None:
            return None
        ann = f.annotation
        cand = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not cand:
            return None
        model = cand[0]
    return model


def _attr(model: type, alias: str):
    for name, f in model.model_fields.items():
        if (f.alias or name) == alias:
            return name
    return None


def _field_info(model, path) -> str:
    sub = _sub_model(model, path[:-1])
    f = None if sub is None else sub.model_fields.get(_attr(sub, path[-1]))
    return "" if f is None else (f.json_schema_extra or {}).get("range", "")


def _valid_here(model, table) -> str:
    sub = _sub_model(model, table)
    if sub is None:
        return ""
    if not table:
        return "valid tables: " + ", ".join(f"[{f.alias or n}]" for n, f in sub.model_fields.items()
                                             if not f.exclude)
    names = [f.alias or n for n, f in sub.model_fields.items()]
    return "valid keys here: " + ", ".join(names)


def fmt_nan(x) -> bool:
    return isinstance(x, float) and not math.isfinite(x)
