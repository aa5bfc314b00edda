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

import importlib

from ..._text import check_name
from ...errors import ParameterError, UnknownNameError

__all__ = ["DIALECTS", "FILE_SUFFIX", "render", "check_name", "dialects", "filename", "read_card", "stale_cards"]

#: dialect name -> renderer module (each has ``render(cm, name, statistical, **options) -> str``)
DIALECTS = {
    "ngspice": "mramsim.compact.export.ngspice",
    "hspice": "mramsim.compact.export.hspice",
    "spectre": "mramsim.compact.export.spectre",
    "xyce": "mramsim.compact.export.xyce",
    "verilog-a": "mramsim.compact.export.verilog_a",
}

#: dialect -> file name suffix of the shipped cards (``<preset><suffix>``)
FILE_SUFFIX = {
    "ngspice": ".ngspice.lib",
    "hspice": ".hspice.lib",
    "spectre": ".spectre.scs",
    "xyce": ".xyce.lib",
    "verilog-a": ".va",
}

def dialects() -> list[str]:
    """The dialect names, sorted."""
    return sorted(DIALECTS)


def filename(preset: str, dialect: str) -> str:
    """Shipped card file name for ``preset`` in ``dialect`` (e.g. ``cofeb_mgo.ngspice.lib``)."""
    check_name("preset", preset)
    if dialect not in FILE_SUFFIX:
        raise UnknownNameError("dialect", dialect, DIALECTS)
    return preset + FILE_SUFFIX[dialect]


def render(cm, dialect: str, name: str | None = None, statistical: bool = False, **options) -> str:
    """Model card text of ``cm`` in ``dialect``.

    Parameters
    ----------
    cm : CompactMTJ
        The model.
    dialect : str
        One of :data:`DIALECTS`.
    name : str, optional
        Subcircuit / module name (default ``cm.name``).
    statistical : bool
        Add Monte Carlo variation parameters.
    **options
        ``sigma_thickness`` [m], ``sigma_area_rel`` [-], ``sigma_anneal`` [K]
        for the statistical variant.
    """
    if not isinstance(dialect, str) or dialect not in DIALECTS:
        raise UnknownNameError("dialect", dialect, DIALECTS)
    name = check_name("name", cm.name if name is None else name)
    if not isinstance(statistical, bool):
        raise ParameterError("statistical", statistical, "True or False")
    module = importlib.import_module(DIALECTS[dialect])
    return module.render(cm, name=name, statistical=statistical, **options)


def write_cards(cm, preset: str, dialect: str, out) -> list:
    """Write ``cm``'s cards for ``dialect`` (or ``"all"``) into folder ``out``; return the paths."""
    from pathlib import Path

    names = dialects() if dialect == "all" else [dialect]
    for d in names:
        if d not in DIALECTS:
            raise UnknownNameError("dialect", d, list(DIALECTS) + ["all"])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in names:
        path = out / filename(preset, d)
        cm.write(path, d)
        paths.append(path)
    return paths


def read_card(path):
    """The :class:`CompactMTJ` of a card file of any dialect (:mod:`.reader`)."""
    from .reader import read_card as _read

    return _read(path)


def stale_cards(folder, presets=None) -> list:
    """Shipped card files in ``folder`` that differ in behaviour or structure from a fresh export (:mod:`.reader`)."""
    from .reader import stale_cards as _stale

    return _stale(folder, presets)
