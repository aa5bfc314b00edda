"""One renderer per simulator dialect, and the small registry that picks one.

Every card is a two-terminal subcircuit (module for Verilog-A) with terminals
``te be`` and the instance parameters

``state``     0 = P, 1 = AP
``area``      junction area [m^2] (default: the fitted area); R scales as area0/area
``rscale``    multiplier on R_P (default 1)
``tmrscale``  multiplier on TMR (default 1)

so that the card's current is ``V / cm.resistance(state, V, T,
r_scale=rscale*area0/area, tmr_scale=tmrscale)``. The statistical variant adds
``dthk`` [m], ``darea`` [-] and ``dann`` [K] (random by default) that move
``rscale``/``tmrscale`` through the physics sensitivities
(:meth:`CompactMTJ.variation_scales`).
"""
from __future__ import annotations

from ..._text import check_name
from .registry import DIALECTS, FILE_SUFFIX, dialects, filename, render, write_cards

__all__ = ["DIALECTS", "FILE_SUFFIX", "render", "check_name", "dialects", "filename", "write_cards",
           "read_card", "stale_cards"]


def read_card(path):
    """The :class:`CompactMTJ` of a card file of any dialect (:meth:`CompactMTJ.from_card`)."""
    from .stale import read_card as _read

    return _read(path)


def stale_cards(folder, presets=None) -> list:
    """Shipped card files in ``folder`` that differ in behaviour or structure from a fresh export (:mod:`.stale`)."""
    from .stale import stale_cards as _stale

    return _stale(folder, presets)
