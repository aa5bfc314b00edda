"""Compact models of the stack presets: physics table on the shipped grid -> fit.

What ``mramsim export`` ships: the preset's stack after a 400 C / 1 h anneal
under Ta (unless told otherwise), its R(V, T) table on :data:`PRESET_GRID`,
and :func:`mramsim.compact.fit.fit_compact` named after the preset.

Where the physics' half-TMR bias V_h lies beyond the table (fe_mgo_fe: 0.97 V),
the card carries the physics' V_h (``vh_beyond``) and the fit table reaches
:data:`V_FIT_BEYOND` = 0.7 V instead of 0.6 V: the extra points show the curvature
of the elastic TMR's rise with bias, so its shape (``tmr_g``, ``tmr_q``) is
determined by the data rather than left to extrapolation; the fit report is
measured on the shipped +-0.6 V table all the same.
"""
from __future__ import annotations

from dataclasses import replace

from .._text import check_name
from ..constants import T_NOM

__all__ = ["PRESET_GRID", "V_FIT_BEYOND", "preset_tables", "preset_model"]


#: Grid of the tables the shipped cards are fitted to and reported on.
PRESET_GRID = {"V": (-0.6, 0.6, 121), "T": (233.15, 398.15, 12)}
#: Bias half-range of the fit table [V] where the physics' V_h lies beyond PRESET_GRID
#: (same 10 mV step; the quartic ln R_P series still holds there).
V_FIT_BEYOND = 0.7


def preset_tables(preset: str, anneal_temperature: float = 673.15, anneal_time: float = 3600.0,
                  cap: str = "Ta", t_nom: float = T_NOM):
    """Physics tables of a preset: (device, fit table, report table, physics V_h).

    Parameters
    ----------
    preset : str
        Stack preset name (``mramsim.stack.PRESETS``).
    anneal_temperature, anneal_time, cap
        Anneal [K, s, -].
    t_nom : float
        Temperature of the half-TMR biases [K].

    Returns
    -------
    dev : MTJDevice
    fit_table, table : RVTable
        The table to fit (extends to :data:`V_FIT_BEYOND` where V_h lies beyond the grid,
        else ``table`` itself) and the one on :data:`PRESET_GRID` the report is measured on.
    vh : dict
        ``{"vh_pos": V, "vh_neg": V}``, the physics' half-TMR biases at t_nom [V].
    """
    import numpy as np

    from ..physics.device import MTJDevice
    from ..stack import Anneal, Stack

    check_name("preset", preset)
    dev = MTJDevice(Stack.preset(preset), anneal=Anneal(anneal_temperature, anneal_time, cap))
    V = np.linspace(*PRESET_GRID["V"])
    T = np.linspace(*PRESET_GRID["T"])
    table = dev.rv_table(V=V, T=T)
    vh = {"vh_pos": float(dev.half_tmr_bias(t_nom, 1)), "vh_neg": float(dev.half_tmr_bias(t_nom, -1))}
    fit_table = table
    if min(vh.values()) > V[-1]:
        step = (V[-1] - V[0]) / (V.size - 1)
        n = int(round(V_FIT_BEYOND / step))
        fit_table = dev.rv_table(V=np.round(np.arange(-n, n + 1) * step, 12), T=T)
    return dev, fit_table, table, vh


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
        Named after the preset, with its fit report (errors on :data:`PRESET_GRID`).
    """
    from .fit import fit_compact, fit_errors

    _, fit_table, table, vh = preset_tables(preset, anneal_temperature, anneal_time, cap,
                                            fit_options.get("t_nom", T_NOM))
    if "vh_beyond" not in fit_options:  # where the table stops short of V_h, the card carries the physics' V_h
        fit_options["vh_beyond"] = vh
    cm = fit_compact(fit_table, name=preset, **fit_options)
    if fit_table is not table:          # the report is measured on the shipped grid
        rep = cm.fit_report
        e = fit_errors(cm, table, rep.window_v, rep.window_t)
        cm = cm.replace(fit_report=replace(
            rep, max_rel_error=e["max"], rms_rel_error=e["rms"], table_max_rel_error=e["table_max"],
            table_rms_rel_error=e["table_rms"], per_state={"P": e["P"], "AP": e["AP"]}))
    return cm
