"""Compact models of the stack presets: physics table on the shipped grid -> fit.

What ``mramsim export`` ships: the preset's stack after a 400 C / 1 h anneal
under Ta (unless told otherwise), its R(V, T) table on :data:`PRESET_GRID`,
and :func:`mramsim.compact.fit.fit_compact` named after the preset.
"""
from __future__ import annotations

from .._text import check_name
from ..constants import T_NOM

__all__ = ["PRESET_GRID", "preset_model"]


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

    from ..physics.device import MTJDevice
    from ..stack import Anneal, Stack
    from .fit import fit_compact

    check_name("preset", preset)
    dev = MTJDevice(Stack.preset(preset), anneal=Anneal(anneal_temperature, anneal_time, cap))
    V = np.linspace(*PRESET_GRID["V"])
    T = np.linspace(*PRESET_GRID["T"])
    table = dev.rv_table(V=V, T=T)
    if "vh_beyond" not in fit_options:  # where the table stops short of V_h, the card carries the physics' V_h
        t_nom = fit_options.get("t_nom", T_NOM)
        fit_options["vh_beyond"] = {"vh_pos": float(dev.half_tmr_bias(t_nom, 1)),
                                    "vh_neg": float(dev.half_tmr_bias(t_nom, -1))}
    return fit_compact(table, name=preset, **fit_options)
