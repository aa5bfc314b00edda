"""Config building blocks: a key is a pydantic field whose alias is the TOML key (unit in the name,
``temperature_C``) and whose name is the SI attribute; :class:`Section` converts units once."""
from __future__ import annotations

import dataclasses
import inspect
import math
import operator
import re
from contextlib import contextmanager
from typing import Annotated, Any, ClassVar, Optional, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator

from ..._text import check_name
from ...constants import T0_CELSIUS, eV
from ...errors import ParameterError

#: TOML key suffix -> (scale, offset): SI = x * scale + offset; the other unit suffixes are SI already
_UNITS = {"C": (1.0, T0_CELSIUS), "nm": (1e-9, 0.0), "nm2": (1e-9**2, 0.0), "eV": (eV, 0.0), "mm": (1e-3, 0.0)}
_SUFFIXES = {*_UNITS, "V", "s", "ohm", "F", "S", "K"}
Floats = tuple[Annotated[float, Strict()], ...]  # a TOML array of numbers


def si(x, unit: str = ""):
    """``x`` given in ``unit`` (a key suffix) converted to SI."""
    a, b = _UNITS.get(unit, (None, 0.0))
    return x if a is None else (x + b if b else x * a)


def key(toml: str, default: Any = None, lo=None, hi=None, lo_open=False, hi_open=False, doc: str = "", **kw):
    """A config key: TOML name ``toml``, SI ``default``, range ``lo``..``hi`` in the key's unit (of each element of
    an array; the unit is the name's suffix after the last ``_``, one of :data:`_SUFFIXES`; ``_per_``: not converted)."""
    unit = "" if "_per_" in toml or (u := toml.rsplit("_", 1)[-1]) not in _SUFFIXES else u
    bounds = {b: si(v, unit) for b, v in (("gt" if lo_open else "ge", lo), ("lt" if hi_open else "le", hi)) if v is not None}
    rng = bounds and (("(" if lo_open else "[") + ("-inf" if lo is None else f"{lo:g}") + ", " + ("inf)" if hi is None else
                      f"{hi:g}" + (")" if hi_open else "]")) + (f" {unit}".replace("nm2", "nm^2") if unit else ""))
    return Field(default, alias=toml, description=doc, json_schema_extra={"unit": unit, "bounds": bounds, "range": rng}, **kw)


class KeyProblem(ValueError):
    """A problem with a key below the validated model (``key`` is a path relative to it)."""

    def __init__(self, key, message: str):
        self.key, self.message = ((key,) if isinstance(key, str) else tuple(key)), message
        super().__init__(message)


def one_of(valid):
    """Annotated validator: the value must be one of ``valid`` (a registry: read when checking)."""
    def check(v):
        if v not in valid:
            raise KeyProblem((), f"{v!r} is not known; allowed: " + ", ".join(repr(c) for c in valid))
        return v
    return AfterValidator(check)


Name = Annotated[str, AfterValidator(lambda v: check_name("name", v))]  # a name that may reach a netlist


class Section(BaseModel):
    """A TOML table: unknown keys rejected, values frozen, units converted once; ``_builds`` (a class
    or None) is called with the given keys (but ``_unchecked``) so that its own checks run at load time."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False,
                              allow_inf_nan=False, validate_default=False)
    _builds: ClassVar = None
    _unchecked: ClassVar = ()
    _unknown: ClassVar = "unknown key; valid keys here"

    @model_validator(mode="before")
    @classmethod
    def _to_si(cls, data):
        """Unknown keys, units (to SI) and ranges, before the types (so that a message shows the value as given)."""
        if not isinstance(data, dict):
            return data
        if unknown := [k for k in data if k not in (names := [f.alias for f in cls.model_fields.values() if f.alias])]:
            raise KeyProblem(unknown[0], f"{cls._unknown}: " + ", ".join(names))
        num = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)  # noqa: E731
        for f in cls.model_fields.values():
            ex, raw = f.json_schema_extra or {}, data.get(f.alias)
            xs, seq = raw if isinstance(raw, list) else [raw], tuple in map(get_origin, (f.annotation, *get_args(f.annotation)))
            if not all(map(num, xs)) or isinstance(raw, list) != seq or f.annotation in (int, Optional[int]) and any(
                    isinstance(x, float) for x in xs):
                continue  # a type error: pydantic's
            if ex.get("unit") in _UNITS:
                xs = [si(float(x), ex["unit"]) for x in xs]
                data = {**data, f.alias: xs if isinstance(raw, list) else xs[0]}
            for r, x in zip(raw if isinstance(raw, list) else [raw], xs):
                if not all(getattr(operator, op)(x, b) for op, b in ex.get("bounds", {}).items()):
                    raise KeyProblem(f.alias, f"{r!r} is out of range; allowed: {ex['range']}")
        return data

    @model_validator(mode="after")
    def _build(self):
        if self._builds is not None:
            with rejected_by(type(self)):
                self._builds(**{k: v for k, v in self.given().items() if k not in self._unchecked})
        return self

    @classmethod
    def alias(cls, attr: str) -> str | None:
        return getattr(cls.model_fields.get(attr), "alias", None)

    def given(self) -> dict:
        """The keys given (not None), by SI attribute name."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def mirror(name: str, cls, keys: str, doc: str, optional=False, builds=True, **over) -> type:
    """A :class:`Section` of the fields of dataclass ``cls``: ``keys`` are TOML keys, each a field's name (any
    case) with its unit suffix, or ``attr=key``. Defaults (None if ``optional``: the preset's or class's value)
    and docs from ``cls``, checked by it (``builds``); ``over[attr]``: ``type`` and :func:`key` arguments."""
    fields, docs, ns, ann = {f.name.lower(): f for f in dataclasses.fields(cls)}, {}, {}, {}
    for names, text in re.findall(r"^(\w+(?:, \w+)*) : .*\n((?:[ \t]+.*\n?)*)", inspect.cleandoc(cls.__doc__), re.M):
        text = re.sub(r"\s*\[[^\],]*\]|``", "", " ".join(text.split()))  # a numpy docstring's first sentence, no units
        docs.update(dict.fromkeys(names.split(", "), re.split(r"(?<=\.)\s+(?=[A-Z])", text)[0].rstrip(".")))
    for item in keys.split():
        attr, _, toml = item.rpartition("=")
        f = fields.get(attr.lower()) if attr else max((f for n, f in fields.items() if toml.lower() == n or toml.lower()
                                                       .startswith(n + "_")), key=lambda f: len(f.name), default=None)
        attr = attr or (f.name if f else toml)
        kw = dict(over.get(attr, {}))
        if f is not None:
            t, default = str(getattr(f.type, "__name__", f.type)), (None if optional else f.default)
            typ = {"float": float, "int": int, "str": str, "bool": bool, "tuple": Floats}[t.split(" |")[0]]
            kw = {"doc": docs.get(f.name, ""), "default": ... if default is dataclasses.MISSING else default, **kw}
            kw.setdefault("type", Optional[typ] if optional or "None" in t or kw["default"] is None else typ)
            if typ is Floats:
                kw = {"strict": False, "min_length": len(f.default), "max_length": len(f.default), **kw}
        ann[attr], ns[attr] = kw.pop("type"), key(toml, **kw)
    return type(name, (Section,), {"__annotations__": ann, "__doc__": doc, "__module__": __name__,
                                   "_builds": cls if builds else None, **ns, **{k: v for k, v in over.items() if k[0] == "_"}})


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


def key_lines(text: str) -> dict:
    """Map dotted key paths (tuples) to their 1-based lines in ``text`` (tables: the header's line;
    keys: the line of ``key =``). tomllib reports no positions, so the text is scanned here."""
    lines, table, in_multiline = {}, (), None
    split = lambda s: tuple(p.strip("\"'") for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', s))  # noqa: E731
    for i, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            in_multiline = None if raw.count(in_multiline) % 2 == 1 else in_multiline
        elif m := _HEADER.match(raw):
            table = split(m.group(1))
            lines.setdefault(table, i)
        elif m := _KEYLINE.match(raw):
            path = table + split(m.group(1))
            for p in range(len(table) + 1, len(path) + 1):  # dotted keys define their tables
                lines.setdefault(path[:p], i)
            in_multiline = next((q for q in ("'''", '"""') if raw[m.end():].count(q) % 2 == 1), None)
    return lines


_TYPE_WORDS = {"int": "an integer", "float": "a number", "bool": "true or false", "string": "a string",
               "tuple": "an array", "list": "an array", "model": "a table", "dict": "a table"}


def explain(err: dict, data) -> tuple[tuple, str]:
    """(dotted TOML path, message) of one pydantic error dict."""
    raw, typ, ctx = data, err["type"], err.get("ctx") or {}
    for part in err["loc"]:  # the value as given
        try:
            raw = raw[part]
        except (KeyError, IndexError, TypeError):
            raw = None
    path, exc = tuple(p for p in err["loc"] if isinstance(p, str)), ctx.get("error")
    if isinstance(exc, KeyProblem):
        return path + exc.key, exc.message
    if typ == "missing":
        return path, f"is required in [{'.'.join(path[:-1])}]"
    if typ == "finite_number":
        return path, f"must be finite, got {raw!r}"
    if typ in ("too_short", "too_long"):
        return path, f"must have {ctx.get('min_length', ctx.get('max_length'))} elements, got " + repr(
            len(raw) if isinstance(raw, list) else raw)
    for word, text in _TYPE_WORDS.items():
        if typ.startswith(word):
            return path, f"must be {text}, got {type(raw).__name__} {raw!r}"
    return path, (f"rejected: {exc}" if exc is not None else err["msg"])
