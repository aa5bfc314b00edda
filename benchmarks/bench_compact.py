"""Compact model: fit time and error per preset, ngspice-vs-Python agreement of the cards.

Run: ``python benchmarks/bench_compact.py`` (needs ngspice for the agreement part).
Prints, per preset: table time, fit time, fit errors (window and whole table,
per state), and the max relative difference between ngspice running the
exported card and ``CompactMTJ.resistance`` over V in [-0.5, 0.5] V (10 mV
steps) at -40, 27, 85, 125 C in both states -- with ngspice's default
tolerances (reltol = 1e-3) and with tight ones (reltol = 1e-7).
"""
from __future__ import annotations

import shutil
import time

import numpy as np

from mramsim.circuit.sim.ngspice import run_ngspice
from mramsim.compact.presets import preset_model
from mramsim.constants import T0_CELSIUS

PRESETS = ("cofeb_mgo", "fe_mgo_fe", "cofe_alox")
TEMPS_C = (-40.0, 27.0, 85.0, 125.0)


def ngspice_agreement(cm, options: str) -> tuple[float, float]:
    """(max relative difference ngspice vs Python, ngspice wall time [s])."""
    card = cm.to_netlist("ngspice")
    worst = 0.0
    t0 = time.perf_counter()
    for state in (0, 1):
        for tc in TEMPS_C:
            net = (f"bench\n{card}\n{options}\nV1 a 0 0\nX1 a 0 {cm.name} state={state}\n"
                   f".dc V1 -0.5 0.5 0.01\n.temp {tc}\n.end\n")
            res = run_ngspice(net)
            V = res["v-sweep"]
            m = np.abs(V) > 1e-9
            R = -V[m] / res["i(v1)"][m]
            worst = max(worst, float(np.max(np.abs(R / cm.resistance(state, V[m], tc + T0_CELSIUS) - 1))))
    return worst, time.perf_counter() - t0


def main():
    have_ngspice = shutil.which("ngspice") is not None
    print(f"{'preset':10s} {'fit [s]':>8s} {'max%':>7s} {'rms%':>7s} {'P max%':>7s} {'AP max%':>8s} "
          f"{'table max%':>10s} {'ngspice dflt':>13s} {'ngspice tight':>14s}")
    for p in PRESETS:
        t0 = time.perf_counter()
        cm = preset_model(p)
        total = time.perf_counter() - t0
        r = cm.fit_report
        line = (f"{p:10s} {r.fit_time:8.2f} {100 * r.max_rel_error:7.3f} {100 * r.rms_rel_error:7.3f} "
                f"{100 * r.per_state['P']['max']:7.3f} {100 * r.per_state['AP']['max']:8.3f} "
                f"{100 * r.table_max_rel_error:10.3f}")
        if have_ngspice:
            d, _ = ngspice_agreement(cm, "")
            t, tt = ngspice_agreement(cm, ".options reltol=1e-7 abstol=1e-18")
            line += f" {d:13.2e} {t:14.2e}"
        else:
            line += "  (ngspice not installed)"
        print(line + f"   [table+fit {total:.2f} s]")
    print("max/rms: |R_fit/R_physics - 1| over |V|<=0.5 V, 233-398 K; ngspice columns: max |R_spice/R_python - 1|")


if __name__ == "__main__":
    main()
