"""Compact model: fit accuracy, identifiability and time per preset; agreement of every dialect's card.

Run: ``python benchmarks/bench_compact.py`` (the agreement part needs ngspice
and, for Verilog-A, VACASK with OpenVAF; a missing tool is reported, not fatal).

Per preset it prints
* fit errors: max |R_fit/R_physics - 1| over |V| <= 0.5 V, 233-398 K
  (window) and over the whole +-0.6 V table, both states; fit wall time;
* the worst correlation between two free parameters and the pair, the
  parameters fixed (constraints, bounds, correlations) and why;
* V_h of the card (vh_pos, vh_neg) against the physics' ``half_tmr_bias``,
  RA and TMR0 against the physics at V = 0, t_nom, tc_rp and tc_tmr against
  central differences of the physics; the elastic TMR bias factor (tmr_g, tmr_q)
  and the bias range of the fit table;
* per dialect, max |I_card/I_python - 1| over V in [-0.5, 0.5] V (25 mV)
  at -40, 27, 85, 125 C, states P and AP, reltol 1e-7: the ngspice card in
  ngspice, the HSPICE card in ngspice ``ngbehavior=hs``, the Xyce card in
  ngspice ``ngbehavior=ps`` and the Verilog-A module in VACASK.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from mramsim.circuit.sim.ngspice import parse_raw
from mramsim.compact.presets import preset_model
from mramsim.constants import T0_CELSIUS
from mramsim.physics.device import MTJDevice
from mramsim.stack import Anneal, Stack

PRESETS = ("cofeb_mgo", "fe_mgo_fe", "cofe_alox", "cofeb_mgo_psv")
TEMPS_C = (-40.0, 27.0, 85.0, 125.0)
VOLTS = np.round(np.arange(-0.5, 0.5 + 1e-12, 0.025), 12)
MODES = {"ngspice": None, "hspice": "hs", "xyce": "ps"}


def spice_agreement(cm, dialect: str) -> float:
    """Max |I_card/I_python - 1| of ``cm``'s ``dialect`` card run in ngspice (compatibility mode)."""
    card = cm.to_netlist(dialect)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        mode = MODES[dialect]
        (folder / ".spiceinit").write_text(f"set ngbehavior={mode}\n" if mode else "\n")
        (folder / "card.lib").write_text(card)
        for tc in TEMPS_C:
            body = [".options reltol=1e-7 abstol=1e-18", "V1 a 0 0",
                    f"XP a bp {cm.name} state=0", "VAP bp 0 0", f"XA a ba {cm.name} state=1", "VAA ba 0 0",
                    ".dc V1 -0.5 0.5 0.025", f".temp {tc}"]
            (folder / "net.cir").write_text("bench\n.include card.lib\n" + "\n".join(body) + "\n.end\n")
            proc = subprocess.run(["ngspice", "-b", "-r", "out.raw", "net.cir"], cwd=folder, capture_output=True,
                                  text=True, timeout=300, env=dict(os.environ, SPICE_ASCIIRAWFILE="1"))
            if proc.returncode != 0:
                raise RuntimeError(proc.stdout + proc.stderr)
            vec = parse_raw((folder / "out.raw").read_text())
            V = vec["v-sweep"]
            m = np.abs(V) > 1e-9
            for state, key in ((0, "i(vap)"), (1, "i(vaa)")):
                ref = cm.current(state, V[m], tc + T0_CELSIUS)
                worst = max(worst, float(np.max(np.abs(vec[key][m] / ref - 1))))
    return worst


def vacask_agreement(cm) -> float:
    """Max |I_module/I_python - 1| of the Verilog-A module compiled by OpenVAF, run in VACASK."""
    from mramsim.circuit.sim import vacask as vk

    inst = {"p": {"state": 0}, "ap": {"state": 1}}
    with tempfile.TemporaryDirectory() as tmp:
        sweep = vk.dc_sweep(cm.to_netlist("verilog-a"), cm.name, inst, VOLTS, TEMPS_C, reltol=1e-7, workdir=tmp)
    m = np.abs(sweep.v) > 1e-12
    worst = 0.0
    for name, d in inst.items():
        ref = cm.current(d["state"], sweep.v[m], sweep.temp_k[m])
        worst = max(worst, float(np.max(np.abs(sweep.currents[name][m] / ref - 1))))
    return worst


def _try(fn, *args) -> str:
    try:
        return f"{fn(*args):.1e}"
    except Exception as exc:  # noqa: BLE001 - a missing simulator is reported, the benchmark goes on
        return f"n/a ({type(exc).__name__}: {str(exc).splitlines()[0][:60] if str(exc) else ''})"


def main():
    have_ngspice = shutil.which("ngspice") is not None
    for p in PRESETS:
        cm = preset_model(p)
        r = cm.fit_report
        dev = MTJDevice(Stack.preset(p), anneal=Anneal(673.15, 3600.0, "Ta"))
        vh_p, vh_n = dev.half_tmr_bias(cm.t_nom, 1), dev.half_tmr_bias(cm.t_nom, -1)
        rp, rap = (float(x) for x in dev.resistances(0.0, cm.t_nom))
        a, b, rho = r.worst_correlation
        print(f"== {p}: law {r.tmr_temperature}, fit {r.fit_time:.2f} s")
        print(f"   window (|V|<={r.window_v:g} V, {r.window_t[0]:g}-{r.window_t[1]:g} K): max "
              f"{100 * r.max_rel_error:.3f}% rms {100 * r.rms_rel_error:.3f}% (P {100 * r.per_state['P']['max']:.3f}%,"
              f" AP {100 * r.per_state['AP']['max']:.3f}%); whole table max {100 * r.table_max_rel_error:.3f}%")
        print(f"   V_h card {cm.vh_pos:.4f}/{cm.vh_neg:.4f} V vs physics {vh_p:.4f}/{vh_n:.4f} V "
              f"({100 * (cm.vh_pos / vh_p - 1):+.3f}%/{100 * (cm.vh_neg / vh_n - 1):+.3f}%); "
              f"RA {100 * (cm.ra / (rp * dev.area) - 1):+.3f}%, TMR0 {100 * (cm.tmr0 / (rap / rp - 1) - 1):+.3f}%")
        h = 5.0
        (rp1, rap1), (rp2, rap2) = dev.resistances(0.0, cm.t_nom + h), dev.resistances(0.0, cm.t_nom - h)
        tc_rp = float(np.log(rp1 / rp2)) / (2 * h)
        tc_tmr = float(np.log((rap1 / rp1 - 1) / (rap2 / rp2 - 1))) / (2 * h)
        print(f"   tc_rp {100 * (cm.tc_rp / tc_rp - 1):+.3f}%, tc_tmr {100 * (cm.tc_tmr / tc_tmr - 1):+.3f}% "
              f"vs central differences (+-{h:g} K)")
        g = (f"{cm.tmr_g:.4g} +- {r.std_errors['tmr_g']:.2g}" if "tmr_g" in r.std_errors
             else f"{cm.tmr_g:g} (fixed)")
        print(f"   elastic TMR factor (1 + tmr_g x)/(1 + x + tmr_q x^2): tmr_g {g}, tmr_q {cm.tmr_q:g}; "
              f"fitted |V| <= {r.v_fit:g} V")
        print(f"   {len(r.free)} free; worst correlation {rho:+.4f} ({a}, {b})")
        reasons = {}
        for k, (value, why) in r.fixed.items():
            reasons.setdefault(why, []).append(f"{k}={value:.4g}")
        print("   fixed: " + "; ".join(f"{', '.join(v)} ({why})" for why, v in reasons.items()))
        if have_ngspice:
            print("   agreement (max |I/I_python - 1|, reltol 1e-7): "
                  + ", ".join(f"{d} {_try(spice_agreement, cm, d)}" for d in MODES)
                  + f", verilog-a (VACASK) {_try(vacask_agreement, cm)}")
        else:
            print("   agreement: ngspice not installed")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"[total {time.perf_counter() - t0:.1f} s]")
