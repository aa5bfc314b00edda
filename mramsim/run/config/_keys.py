"""Config building blocks: a key is a pydantic field whose alias is the TOML key (unit in the name,
``temperature_C``) and whose name is the SI attribute; :class:`Section` converts units once."""
from __future__ import annotations

import dataclasses
import re
from contextlib import contextmanager
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ...constants import T0_CELSIUS, eV
from ...errors import ParameterError

#: unit label -> (scale, offset): SI = x * scale + offset (units missing here need no conversion)
_UNITS = {"C": (1.0, T0_CELSIUS), "nm": (1e-9, 0.0), "nm^2": (1e-9**2, 0.0), "eV": (eV, 0.0), "mm": (1e-3, 0.0)}

#: TOML key suffix -> unit label
_SUFFIX = {"C": "C", "nm": "nm", "nm2": "nm^2", "eV": "eV", "mm": "mm", "V": "V", "s": "s", "ohm": "ohm", "F": "F", "S": "S", "K": "K"}


def si(x, unit: str = ""):
    """``x`` given in ``unit`` converted to SI."""
    a, b = _UNITS.get(unit, (None, None))
    return x if a is None else (x + b if a == 1.0 else x * a)


def from_si(x, unit: str = ""):
    """Inverse of :func:`si` (for display)."""
    if unit not in _UNITS or x is None or isinstance(x, (bool, str)):
        return x
    a, b = _UNITS[unit]
    return [(v - b) / a for v in x] if isinstance(x, (list, tuple)) else (x - b) / a


def default_of(cls, name: str):
    """The default of field ``name`` of dataclass ``cls`` (one source of truth)."""
    return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}[name]


def key(toml: str, default: Any = None, lo=None, hi=None, lo_open=False, hi_open=False, doc: str = "", **kw):
    """A config key: TOML name ``toml``, SI ``default``, range ``lo``..``hi`` in the key's unit (the name's suffix
    after the last ``_``, one of :data:`_SUFFIX`; compound units ``_per_`` are not converted)."""
    unit = "" if "_per_" in toml else _SUFFIX.get(toml.rsplit("_", 1)[-1] if "_" in toml else "", "")
    extra, bounds = {"unit": unit}, {}
    if lo is not None:
        bounds["gt" if lo_open else "ge"] = si(lo, unit)
    if hi is not None:
        bounds["lt" if hi_open else "le"] = si(hi, unit)
    if bounds:
        extra["range"] = (("(" if lo_open else "[") + ("-inf" if lo is None else f"{lo:g}") + ", "
                          + ("inf)" if hi is None else f"{hi:g}" + (")" if hi_open else "]")) + (f" {unit}" if unit else ""))
    return Field(default, alias=toml, description=doc, json_schema_extra=extra, **bounds, **kw)


class KeyProblem(ValueError):
    """A problem with a key below the validated model (``key`` is a path relative to it)."""

    def __init__(self, key, message: str):
        self.key, self.message = ((key,) if isinstance(key, str) else tuple(key)), message
        super().__init__(message)


def one_of(valid, what: str = ""):
    """Annotated validator: the value must be one of ``valid`` (a registry: read when checking)."""
    def check(v):
        if v not in (names := tuple(valid() if callable(valid) else valid)):
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
    """A TOML table: unknown keys rejected, values frozen, units converted once; ``_builds`` (a class
    or None) is called with the given keys (but ``_unchecked``) so that its own checks run at load time."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False,
                              allow_inf_nan=False, validate_default=False)
    _builds: ClassVar = None
    _unchecked: ClassVar = ()

    @model_validator(mode="before")
    @classmethod
    def _to_si(cls, data):
        if not isinstance(data, dict):
            return data
        out, num = dict(data), lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)
        for f in cls.model_fields.values():
            unit, v = (f.json_schema_extra or {}).get("unit", ""), out.get(f.alias)
            if unit in _UNITS and num(v):
                out[f.alias] = si(float(v), unit)
            elif unit in _UNITS and isinstance(v, list) and all(num(x) for x in v):
                out[f.alias] = [si(float(x), unit) for x in v]
        return out

    @model_validator(mode="after")
    def _build(self):
        if self._builds is not None:
            with rejected_by(type(self)):
                self._builds(**{k: v for k, v in self.given().items() if k not in self._unchecked})
        return self

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
        alias = section.alias((attr_map or {}).get(attr, attr))
        raise KeyProblem(tuple(prefix) + ((alias,) if alias else ()), f"rejected: {exc}") from None


_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEYLINE = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_dotted(s: str) -> tuple:
    return tuple(p.strip("\"'") for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', s))


def key_lines(text: str) -> dict:
    """Map dotted key paths (tuples) to their 1-based lines in ``text`` (tables: the header's line;
    keys: the line of ``key =``). tomllib reports no positions, so the text is scanned here."""
    lines, table, in_multiline = {}, (), None
    for i, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            in_multiline = None if raw.count(in_multiline) % 2 == 1 else in_multiline
        elif m := _HEADER.match(raw):
            table = _split_dotted(m.group(1))
            lines.setdefault(table, i)
        elif m := _KEYLINE.match(raw):
            path = table + _split_dotted(m.group(1))
            for p in range(len(table) + 1, len(path) + 1):  # dotted keys define their tables
                lines.setdefault(path[:p], i)
            in_multiline = next((q for q in ("'''", '"""') if raw[m.end():].count(q) % 2 == 1), None)
    return lines


def line_of(lines: dict, dotted: tuple):
    """Line of ``dotted`` or of its nearest enclosing table (None if absent)."""
    while dotted and dotted not in lines:
        dotted = dotted[:-1]
    return lines.get(dotted) if dotted else None


_TYPE_WORDS = {"int": "an integer", "float": "a number", "bool": "true or false", "string": "a string",
               "tuple": "an array", "list": "an array", "model": "a table", "dict": "a table"}


def explain(err: dict, data, model: type) -> tuple[tuple, str]:
    """(dotted TOML path, message) of one pydantic error dict."""
    raw, typ, ctx = data, err["type"], err.get("ctx") or {}
    for part in err["loc"]:
        try:
            raw = raw[part]
        except (KeyError, IndexError, TypeError):
            raw = None
            break
    path, exc = tuple(p for p in err["loc"] if isinstance(p, str)), ctx.get("error")
    if isinstance(exc, KeyProblem):
        return path + exc.key, exc.message
    if typ == "extra_forbidden":
        sub = _sub_model(model, path[:-1])
        names = ", ".join(f"[{f.alias or n}]" if not path[:-1] else f.alias or n
                          for n, f in (sub.model_fields.items() if sub else ()) if not f.exclude)
        return path, "unknown key; " + (f"valid {'keys here' if path[:-1] else 'tables'}: {names}" if sub else "")
    if typ == "missing":
        return path, f"is required in [{'.'.join(path[:-1])}]"
    if typ in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sub = _sub_model(model, path[:-1])
        f = sub and sub.model_fields.get(_attr(sub, path[-1]))
        return path, f"{raw!r} is out of range; allowed: " + ((f.json_schema_extra or {}).get("range", "") if f else "")
    if typ == "finite_number":
        return path, f"must be finite, got {raw!r}"
    if typ in ("too_short", "too_long"):
        return path, f"must have {ctx.get('min_length', ctx.get('max_length'))} elements, got " \
                     f"{len(raw) if isinstance(raw, list) else raw!r}"
    for word, text in _TYPE_WORDS.items():
        if typ.startswith(word):
            return path, f"must be {text}, got {type(raw).__name__} {raw!r}"
    return path, (f"rejected: {exc}" if exc is not None else err["msg"])


def _sub_model(model: type, path: tuple):
    for part in path:
        f = model.model_fields.get(_attr(model, part))
        ann = getattr(f, "annotation", None)
        cand = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not cand:
            return None
        model = cand[0]
    return model


def _attr(model: type, alias: str):
    return next((n for n, f in model.model_fields.items() if (f.alias or n) == alias), None)
