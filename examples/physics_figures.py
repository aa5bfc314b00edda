"""Physics figures of docs/figures: TMR vs MgO thickness (Delta1 interference), TMR vs anneal
temperature for the presets and caps, and R(V), dI/dV at 5, 77 and 300 K.

Run: python examples/physics_figures.py [--out docs/figures]
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import mramsim as ms  # noqa: E402
from mramsim.constants import T0_CELSIUS  # noqa: E402


def tmr_vs_thickness(ax):
    for preset, anneal in (("fe_mgo_fe", None), ("cofeb_mgo", ms.Anneal(673.15, 3600.0, "Ta"))):
        st = ms.Stack.preset(preset)
        d = np.linspace(0.9e-9, 3.0e-9, 85)
        tmr = []
        for x in d:
            s = replace(st, barrier=replace(st.barrier, thickness=x))
            dev = ms.MTJDevice(s, anneal=anneal)
            rp, rap = (float(v) for v in dev.resistances(0.01, 20.0))
            tmr.append(rap / rp - 1.0)
        ax.plot(d * 1e9, 100 * np.array(tmr), label=f"{preset}, 20 K")
    ax.set(xlabel="MgO thickness [nm]", ylabel="TMR [%]", title="TMR vs barrier thickness (Yuasa 2004: period ~0.3 nm)")
    ax.legend()
    return ax


def tmr_vs_anneal(ax):
    temps = np.linspace(250.0, 550.0, 31) + T0_CELSIUS
    for preset, cap in (("cofeb_mgo", "Ta"), ("cofeb_mgo", "Pt"), ("cofeb_mgo_psv", "Ta")):
        st = ms.Stack.preset(preset)
        tmr = [float(ms.MTJDevice(st, anneal=ms.Anneal(t, 3600.0, cap)).tmr(0.01, 300.0)) for t in temps]
        ax.plot(temps - T0_CELSIUS, 100 * np.array(tmr), label=f"{preset}, {cap} cap")
    ax.set(xlabel="anneal temperature (1 h) [C]", ylabel="TMR at 300 K [%]", title="TMR vs anneal")
    ax.legend()
    return ax


def rv_and_didv(axes):
    dev = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ms.Anneal(673.15, 3600.0, "Ta"))
    V = np.linspace(-0.6, 0.6, 241)
    for T in (5.0, 77.0, 300.0):
        for state, ls in (("P", "-"), ("AP", "--")):
            r = dev.resistance(state, V, T)
            i = V / r
            axes[0].plot(V, r, ls, label=f"{state}, {T:g} K")
            axes[1].plot(V, np.gradient(i, V) * 1e3, ls, label=f"{state}, {T:g} K")
    axes[0].set(xlabel="bias [V]", ylabel="R [ohm]", title="cofeb_mgo, 400 C: R(V)")
    axes[1].set(xlabel="bias [V]", ylabel="dI/dV [mS]", title="dI/dV (zero-bias anomaly narrows as T falls)")
    axes[0].legend(fontsize=7)
    return axes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("docs/figures"))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw, shape in (("physics_tmr_thickness.png", tmr_vs_thickness, None),
                              ("physics_tmr_anneal.png", tmr_vs_anneal, None),
                              ("physics_rv_didv.png", rv_and_didv, (1, 2))):
        fig, ax = plt.subplots(*(shape or (1, 1)), figsize=(11, 4) if shape else (6.5, 4.2))
        draw(ax)
        fig.tight_layout()
        fig.savefig(args.out / name, dpi=100)
        plt.close(fig)
        print(args.out / name)


if __name__ == "__main__":
    main()
