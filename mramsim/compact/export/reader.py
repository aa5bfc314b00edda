"""Read a model card (any dialect) back into a :class:`~mramsim.compact.model.CompactMTJ`.

Every renderer writes the model's parameter list into the card header, one
``name = value [unit]`` line per entry of
:data:`mramsim.compact.model.NUMERIC_PARAMETERS` (read here at run time, so a
new parameter needs no change in this module), followed by the physics
sensitivities. The expression itself is derived from these numbers, so the
list is all that is needed to rebuild the model
(:meth:`CompactMTJ.from_card`). No import of the model here (the model
imports this module); :mod:`.stale` compares shipped cards with a fresh export.
"""
from __future__ import annotations

import re
from pathlib import Path

from ...errors import ParameterError
from .._shape import NUMERIC_PARAMETERS, SENSITIVITY_KEYS

__all__ = ["parse_card", "mask_numbers"]

_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_COMMENT = r"^\s*(?:\*|//)\s*"
_ENTRY = re.compile(_COMMENT + r"(\w+)\s*=\s*([-+0-9.eEinfa]+)(?:\s*\[|\s*$)")
_NAME = re.compile(r"^\s*(?:\.subckt|subckt|module)\s+(\w+)", re.IGNORECASE | re.MULTILINE)
_HEADER_NAME = re.compile(_COMMENT + r"MTJ compact model '(\w+)'", re.MULTILINE)  # an ahdl_include netlist's module
_PROV = re.compile(_COMMENT + r"(preset|anneal|source):\s*(.*)$")


def mask_numbers(text: str) -> str:
    """``text`` with every decimal number replaced by ``#`` (the structure of a card)."""
    return _FLOAT.sub("#", text)


def parse_card(text: str) -> dict:
    """Keyword arguments of :class:`CompactMTJ` parsed from card text.

    Raises
    ------
    ParameterError
        A model parameter or the subcircuit/module name is missing.
    """
    params, sens, prov = {}, {}, {}
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if m:
            key, val = m.group(1), m.group(2)
            if key in NUMERIC_PARAMETERS and key not in params:
                params[key] = float(val)
            elif key in SENSITIVITY_KEYS and key not in sens:
                sens[key] = float(val)
            continue
        m = _PROV.match(line)
        if m and m.group(1) not in prov:
            prov[m.group(1)] = m.group(2).strip()
    missing = [k for k in NUMERIC_PARAMETERS if k not in params]
    if missing:
        raise ParameterError("card", "parameter list", "a card written by mramsim",
                             hint="missing " + ", ".join(missing))
    m = _NAME.search(text) or _HEADER_NAME.search(text)
    if m is None:
        raise ParameterError("card", "no .subckt/subckt/module line", "a card written by mramsim")
    return dict(params, name=m.group(1), sensitivities=sens, provenance=prov)
