"""Shipped cards against a fresh export: :func:`stale_cards`.

Compares by behaviour (R(V, T, state) of the card read back,
:meth:`CompactMTJ.from_card`) and structure (the text with every number
masked, :func:`.reader.mask_numbers`), never by fitted digits.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import ParameterError
from .reader import mask_numbers

__all__ = ["read_card", "same_behaviour", "stale_cards", "BEHAVIOUR_RTOL"]

#: Largest relative R difference of two cards that still "behave the same" [-].
BEHAVIOUR_RTOL = 1e-4


def read_card(path):
    """The :class:`CompactMTJ` of the card file ``path`` (any of the five dialects)."""
    from ..model import CompactMTJ

    return CompactMTJ.from_card(path)


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
    from .registry import FILE_SUFFIX, filename

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
