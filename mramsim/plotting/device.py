"""Device-physics plots: R(V) at several T, TMR(V), TMR(T), thickness and
anneal dependence. Every function takes ``ax=`` and returns the axes; units
are converted here (V, K -> C, m -> nm, ohm m^2 -> ohm um^2, TMR -> %).
"""
from __future__ import annotations

import numpy as np

from ..constants import T0_CELSIUS, T_NOM, UM2
from ._mpl import get_ax, pyplot

__all__ = [
    "plot_rv",
    "plot_tmr_bias",
    "plot_tmr",
    "plot_tmr_temperature",
    "plot_thickness",
    "plot_anneal",
    "plot_device_summary",
]


def _temps_idx(table, n=4):
    return np.unique(np.linspace(0, table.T.size - 1, min(n, table.T.size)).round().astype(int))


def plot_rv(table, ax=None, n_temps=4):
    """R_P and R_AP [ohm] vs bias [V] at ``n_temps`` temperatures of an RVTable (log y)."""
    ax = get_ax(ax, figsize=(5.5, 4))
    cmap = pyplot().get_cmap("coolwarm")
    idx = _temps_idx(table, n_temps)
    for k, j in enumerate(idx):
        c = cmap(k / max(len(idx) - 1, 1))
        lab = f"{table.T[j] - T0_CELSIUS:.0f} C"
        ax.plot(table.V, table.r_p[:, j], color=c, ls="-", label=f"P {lab}")
        ax.plot(table.V, table.r_ap[:, j], color=c, ls="--", label=f"AP {lab}")
    ax.set_yscale("log")
    ax.set_xlabel("bias V [V]")
    ax.set_ylabel("static R = V/I [ohm]")
    ax.set_title("R_P (solid), R_AP (dashed)")
    ax.legend(fontsize=6, ncol=2)
    return ax


def plot_tmr_bias(table, ax=None, n_temps=4):
    """TMR [%] vs bias [V] at ``n_temps`` temperatures of an RVTable."""
    ax = get_ax(ax, figsize=(5.5, 4))
    cmap = pyplot().get_cmap("coolwarm")
    idx = _temps_idx(table, n_temps)
    for k, j in enumerate(idx):
        ax.plot(table.V, 100 * table.tmr[:, j], color=cmap(k / max(len(idx) - 1, 1)),
                label=f"{table.T[j] - T0_CELSIUS:.0f} C")
    ax.set_xlabel("bias V [V]")
    ax.set_ylabel("TMR [%]")
    ax.set_title("TMR vs bias")
    ax.legend(fontsize=7)
    return ax


#: The flow's name for :func:`plot_tmr_bias`.
plot_tmr = plot_tmr_bias


def plot_tmr_temperature(device, ax=None, T=None, V=(0.0, 0.2, 0.4)):
    """TMR vs temperature at a few biases, from an MTJDevice [%]."""
    ax = get_ax(ax)
    T = np.linspace(5.0, 450.0, 60) if T is None else np.asarray(T, float)
    for v in V:
        ax.plot(T, 100 * device.tmr(v, T), label=f"V = {v:.2f} V")
    ax.set_xlabel("temperature T [K]")
    ax.set_ylabel("TMR [%]")
    ax.set_title("TMR vs temperature")
    ax.legend(fontsize=7)
    return ax


def plot_thickness(stack, anneal=None, ax=None, thickness=None, T=T_NOM):
    """TMR (left axis) and RA (right axis, log) vs barrier thickness at V = 0."""
    from ..physics.device import MTJDevice

    ax = get_ax(ax)
    d = np.linspace(0.7e-9, 2.6e-9, 20) if thickness is None else np.asarray(thickness, float)
    tmr, ra = [], []
    for di in d:
        dev = MTJDevice(stack.with_thickness(float(di)), anneal)
        rp, rap = dev.junction_resistances(0.0, T)
        tmr.append(float((rap - rp) / rp))
        ra.append(float(rp) * stack.area / UM2)
    ax.plot(d * 1e9, 100 * np.array(tmr), "C0-o", ms=3, label="TMR")
    ax.set_xlabel("barrier thickness [nm]")
    ax.set_ylabel("TMR [%] (junction, V = 0)", color="C0")
    ax.ticklabel_format(axis="y", useOffset=False)
    lo, hi = 100 * min(tmr), 100 * max(tmr)
    if hi - lo < 0.02 * max(abs(hi), 1e-9):  # flat (no coherence): show it as flat
        ax.set_ylim(0.9 * lo, 1.1 * hi + 1e-9)
    ax2 = ax.twinx()
    ax2.semilogy(d * 1e9, ra, "C3-s", ms=3)
    ax2.set_ylabel("RA [ohm um^2]", color="C3")
    ax.set_title(f"thickness dependence, {T:.0f} K")
    return ax


def plot_anneal(stack, ax=None, temps_c=None, caps=("Ta", "W", "Mo", "Pt"), time=3600.0, T=T_NOM):
    """TMR (V = 0) vs anneal temperature for each cap [%]."""
    from ..physics.device import MTJDevice
    from ..stack import Anneal

    ax = get_ax(ax)
    tc = np.arange(200.0, 551.0, 12.5) if temps_c is None else np.asarray(temps_c, float)
    for cap in caps:
        y = [100 * float(MTJDevice(stack, Anneal(t + T0_CELSIUS, time, cap)).tmr(0.0, T)) for t in tc]
        ax.plot(tc, y, "-o", ms=3, label=cap)
    ax.set_xlabel(f"anneal temperature [C] ({time / 3600:g} h)")
    ax.set_ylabel("TMR [%] (V = 0, 300 K)")
    ax.set_title("TMR vs anneal, per cap")
    ax.legend(fontsize=7)
    return ax


def plot_device_summary(device, table=None, fig=None):
    """Six panels: R(V), TMR(V), TMR(T), thickness, anneal, and a text box. Returns the figure."""
    plt = pyplot()
    if fig is None:
        fig = plt.figure(figsize=(13, 8))
    axes = fig.subplots(2, 3)
    table = device.rv_table() if table is None else table
    plot_rv(table, ax=axes[0, 0])
    plot_tmr_bias(table, ax=axes[0, 1])
    plot_tmr_temperature(device, ax=axes[0, 2])
    plot_thickness(device.stack, device.anneal, ax=axes[1, 0])
    plot_anneal(device.stack, ax=axes[1, 1])
    ax = axes[1, 2]
    ax.axis("off")
    rp, rap = device.resistances(0.0, T_NOM)
    a = device.anneal
    lines = [
        f"preset: {device.stack.name}",
        "anneal: " + ("none" if a is None else f"{a.temperature - T0_CELSIUS:.0f} C, {a.time / 3600:g} h, {a.cap}"),
        f"RA (P, 300 K, 0 V): {float(rp - device.stack.r_series) * device.area / UM2:.3g} ohm um^2",
        f"TMR (300 K, 0 V): {100 * float((rap - rp) / rp):.0f} %",
        f"V_h (+/-): {device.half_tmr_bias():.2f} / {device.half_tmr_bias(polarity=-1):.2f} V",
        f"crystalline fraction: {device.state.crystalline_fraction:.2f}",
        f"residual boron: {100 * device.state.residual_boron:.1f} %",
        f"interdiffusion: {device.state.interdiffusion:.2f}",
    ]
    ax.text(0.0, 1.0, "\n".join(lines), va="top", family="monospace", fontsize=9)
    fig.tight_layout()
    return fig
