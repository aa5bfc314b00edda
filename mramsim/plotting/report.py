"""Figures of the flow's report (``mramsim run``): R(V, T), TMR(V, T), compact-fit error, sweeps.

Every function takes ``ax=`` (a new figure when None) and returns the axes;
units are converted for display here (C, mV, %), nowhere deeper. R(V, T) and
TMR(V, T) are the device plots of :mod:`mramsim.plotting.device`, re-exported
under the names the flow uses.
"""
from __future__ import annotations

import numpy as np

from ..constants import T0_CELSIUS
from ._mpl import get_ax
from .device import _temps_idx, plot_rv, plot_tmr

__all__ = ["plot_rv", "plot_tmr", "plot_fit", "plot_sweep", "SWEEP_LABEL"]


def plot_fit(tab, cm, ax=None):
    """Relative error of the compact model against the table [%] vs bias [V], per state and T.

    Parameters
    ----------
    tab : RVTable
        The physics table the model was fitted to.
    cm : CompactMTJ
        The fitted model (``cm.resistance(state, V, T)``; ``cm.fit_report.window_v``
        shades the bias outside the fit window).
    ax : matplotlib Axes, optional
    """
    ax = get_ax(ax, figsize=(5.5, 4))
    V = tab.V[:, None]
    T = tab.T[None, :]
    for state, ref, ls in (("P", tab.r_p, "--"), ("AP", tab.r_ap, "-")):
        err = 100 * (np.asarray(cm.resistance(state, V, T)) / ref - 1.0)
        for k, j in enumerate(_temps_idx(tab)):
            ax.plot(tab.V, err[:, j], ls=ls, color=f"C{k}",
                    label=f"{state} {tab.T[j] - T0_CELSIUS:.0f} C")
    ax.axhline(0, color="k", lw=0.5)
    win = getattr(getattr(cm, "fit_report", None), "window_v", None)
    if win is not None and win < tab.V[-1]:
        ax.axvspan(tab.V[0], -win, color="0.9", zorder=0)
        ax.axvspan(win, tab.V[-1], color="0.9", zorder=0, label="outside fit window")
    ax.set_xlabel("bias V [V]")
    ax.set_ylabel("compact / physics - 1 [%]")
    ax.set_title("compact-model fit error")
    ax.legend(fontsize=7, ncol=2)
    return ax


#: Axis label, scale and offset of each swept quantity of the flow (SI value * scale + offset).
SWEEP_LABEL = {"v_read": ("read bias [mV]", 1e3, 0.0), "temperature": ("temperature [C]", 1.0, -T0_CELSIUS),
               "anneal_temperature": ("anneal temperature [C]", 1.0, -T0_CELSIUS)}


def _num(x):
    try:
        f = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return f


def plot_sweep(name, sweep: dict, ax=None):
    """BER (log, with its 95 % band) and margin [sigma] vs a quantity swept by the flow.

    Parameters
    ----------
    name : str
        A key of :data:`SWEEP_LABEL`.
    sweep : dict
        ``{"values": [...], "points": [{"ber", "ber_ci", "margin_sigma"}, ...]}``
        as in the flow's ``results.json`` (for a
        :class:`~mramsim.array.sweeps.SweepResult` use
        :func:`mramsim.plotting.margin.plot_sweep`).
    ax : matplotlib Axes, optional
    """
    ax = get_ax(ax, figsize=(5.5, 4))
    label, scale, offset = SWEEP_LABEL[name]
    x = np.asarray(sweep["values"], float) * scale + offset
    pts = sweep["points"]
    ber = np.array([_num(p.get("ber")) for p in pts])
    lo = np.array([_num(p.get("ber_ci", [np.nan, np.nan])[0]) for p in pts])
    hi = np.array([_num(p.get("ber_ci", [np.nan, np.nan])[1]) for p in pts])
    floor = 1e-300
    ax.semilogy(x, np.maximum(ber, floor), "o-", color="C0", label="BER")
    ax.fill_between(x, np.maximum(lo, floor), np.maximum(hi, floor), color="C0", alpha=0.2, label="95% CI")
    ax.set_xlabel(label)
    ax.set_ylabel("bit error rate")
    ms = np.array([_num(p.get("margin_sigma")) for p in pts])
    if np.any(np.isfinite(ms)):
        ax2 = ax.twinx()
        ax2.plot(x, ms, "s--", color="C1", label="margin [sigma]")
        ax2.set_ylabel("read margin mean/std [sigma]", color="C1")
    ax.set_title(f"read margin vs {label.split(' [')[0]}")
    ax.legend(fontsize=8, loc="best")
    return ax
