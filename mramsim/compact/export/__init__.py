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
import re

from ...errors import NetlistError, ParameterError, UnknownNameError

__all__ = ["DIALECTS", "FILE_SUFFIX", "render", "check_name", "dialects", "filename"]

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

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# words that would be misread as keywords by one of the dialects
_RESERVED = {"module", "endmodule", "analog", "begin", "end", "parameter", "real", "integer", "subckt",
             "ends", "model", "param", "parameters", "inout", "electrical", "temp", "temper", "time",
             "if", "else", "for", "while", "and", "or", "not", "include", "lib", "end", "gnd"}


def dialects() -> list[str]:
    """The dialect names, sorted."""
    return sorted(DIALECTS)


def check_name(field: str, name) -> str:
    """Check a subcircuit/module name is a plain identifier; return it.

    Allowed: a letter or underscore, then up to 63 letters, digits or
    underscores, and not a keyword of any dialect. Anything else (spaces,
    newlines, ``. * ; $ ' " { } ( ) = +``) could inject netlist lines and raises.

    Raises
    ------
    NetlistError
        The name is not a plain identifier.
    """
    if not isinstance(name, str) or not _NAME.match(name) or name.lower() in _RESERVED:
        raise NetlistError(
            f"{field} = {name!r} is invalid; allowed: an identifier [A-Za-z_][A-Za-z0-9_]* of at most "
            "64 characters that is not a SPICE/Verilog-A keyword (no spaces, newlines or SPICE-significant "
            "characters)"
        )
    return name


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


#: Grid of the tables the shipped cards are fitted to.
PRESET_GRID = {"V": (-0.6, 0.6, 121), "T": (233.15, 398.15, 12)}


def preset_model(preset: str, anneal_temperature: float = 673.15, anneal_time: float = 3600.0,
                 cap: str = "Ta", **fit_options):
    """Fit the compact model of a physics preset (what ``mramsim export`` ships).

    Parameters
    ----------
    preset : str
        Stack preset name (``mramsim.stack.PRESETS``).
    anneal_temperature : float
        Anneal temperature [K].
    anneal_time : float
        Anneal time [s].
    cap : str
        Capping layer.
    **fit_options
        Passed to :func:`mramsim.compact.fit.fit_compact`.

    Returns
    -------
    CompactMTJ
        Named after the preset, with its fit report.
    """
    import numpy as np

    from ...physics.device import MTJDevice
    from ...stack import Anneal, Stack
    from ..fit import fit_compact

    check_name("preset", preset)
    dev = MTJDevice(Stack.preset(preset), anneal=Anneal(anneal_temperature, anneal_time, cap))
    V = np.linspace(*PRESET_GRID["V"])
    T = np.linspace(*PRESET_GRID["T"])
    table = dev.rv_table(V=V, T=T)
    return fit_compact(table, name=preset, **fit_options)


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
