"""The dialect registry: which renderer module writes which dialect, file names, writing cards.

Each renderer module (``mramsim.compact.export.<dialect>``) has
``render(cm, name, statistical, **options) -> str``; :func:`render` checks the
arguments once (dialect known, name a plain identifier) and calls it.
"""
from __future__ import annotations

import importlib

from ..._text import check_name
from ...errors import ParameterError, UnknownNameError

__all__ = ["DIALECTS", "FILE_SUFFIX", "render", "dialects", "filename", "write_cards"]

#: dialect name -> renderer module (each has ``render(cm, name, statistical, **options) -> str``)
DIALECTS = {
    "ngspice": "mramsim.compact.export.ngspice",
    "hspice": "mramsim.compact.export.hspice",
    "spectre": "mramsim.compact.export.spectre",
    "spectre-ahdl": "mramsim.compact.export.spectre_ahdl",
    "xyce": "mramsim.compact.export.xyce",
    "verilog-a": "mramsim.compact.export.verilog_a",
}

#: dialect -> file name suffix of the shipped cards (``<preset><suffix>``)
FILE_SUFFIX = {
    "ngspice": ".ngspice.lib",
    "hspice": ".hspice.lib",
    "spectre": ".spectre.scs",
    "spectre-ahdl": ".ahdl.scs",
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
