"""Read a model card (any dialect) back into a :class:`~mramsim.compact.model.CompactMTJ`.

Every renderer writes the model's parameter list into the card header, one
``name = value [unit]`` line per entry of
:data:`mramsim.compact.model.NUMERIC_PARAMETERS` (read here at run time, so a
new parameter needs no change in this module), followed by the physics
sensitivities. The expression itself is derived from these numbers, so the
list is all that is needed to rebuild the model. :func:`stale_cards` compares
shipped cards with a fresh export by behaviour (R(V, T, state) of the card
read back) and structure (the text with every number masked), never by
fitted digits.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import ParameterError

__all__ = ["read_card", "parse_card", "mask_numbers", "same_behaviour", "stale_cards", "BEHAVIOUR_RTOL"]

#: Largest relative R difference of two cards that still "behave the same" [-].
BEHAVIOUR_RTOL = 1e-4
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_COMMENT = r"^\s*(?:\*|//)\s*"
_ENTRY = re.compile(_COMMENT + r"(\w+)\s*=\s*([-+0-9.eEinfa]+)(?:\s*\[|\s*$)")
_NAME = re.compile(r"^\s*(?:\.subckt|subckt|module)\s+(\w+)", re.IGNORECASE | re.MULTILINE)
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
    from ..model import NUMERIC_PARAMETERS, SENSITIVITY_KEYS

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
    m = _NAME.search(text)
    if m is None:
        raise ParameterError("card", "no .subckt/subckt/module line", "a card written by mramsim")
    return dict(params, name=m.group(1), sensitivities=sens, provenance=prov)


def read_card(path):
    """The :class:`CompactMTJ` of the card file ``path`` (any of the five dialects)."""
    from ..model import CompactMTJ

    return CompactMTJ(**parse_card(Path(path).read_text()))


def same_behaviour(a, b, V=None, T=None, rtol: float = BEHAVIOUR_RTOL) -> bool:
    """Whether two models give R(V, T, state) within ``rtol`` on a grid (default the preset grid)."""
    from ..presets import PRESET_GRID

    V = np.linspace(*PRESET_GRID["V"]) if V is None else np.asarray(V, float)
    T = np.linspace(*PRESET_GRID["T"]) if T is None else np.asarray(T, float)
    for s in (0, 1):
        ra = a.resistance(s, V[:, None], T[None, :])
        rb = b.resistance(s, V[:, None], T[None, :])
        if not np.all(np.abs(ra / rb - 1.0) <= rtol):
            return False
    return a.area == b.area and a.sensitivities.keys() == b.sensitivities.keys()


def stale_cards(folder, presets=None) -> list:
    """Shipped card files in ``folder`` that differ from a fresh ``mramsim export``.

    A file is stale when it is missing, when its text with numbers masked
    differs from a fresh render with numbers masked (structure), or when the
    model read back from it differs in R(V, T, state) by more than
    :data:`BEHAVIOUR_RTOL` from the fresh fit on the preset grid (behaviour).

    Parameters
    ----------
    folder : path-like
        Folder of shipped cards (``<preset><suffix>`` files).
    presets : iterable of str, optional
        Presets to check; default every preset with a card in ``folder``.

    Returns
    -------
    list of str
        File names (relative to ``folder``), sorted.
    """
    from ..presets import preset_model
    from . import FILE_SUFFIX, filename

    folder = Path(folder)
    if presets is None:
        found = set()
        for suffix in FILE_SUFFIX.values():
            found |= {p.name[: -len(suffix)] for p in folder.glob("*" + suffix)}
        presets = sorted(found)
    stale = []
    for preset in presets:
        fresh = preset_model(preset)
        for dialect in FILE_SUFFIX:
            fname = filename(preset, dialect)
            path = folder / fname
            if not path.is_file():
                stale.append(fname)
                continue
            text = path.read_text()
            if mask_numbers(text) != mask_numbers(fresh.to_netlist(dialect)):
                stale.append(fname)
                continue
            try:
                shipped = read_card(path)
            except ParameterError:
                stale.append(fname)
                continue
            if not same_behaviour(shipped, fresh):
                stale.append(fname)
    return sorted(stale)
