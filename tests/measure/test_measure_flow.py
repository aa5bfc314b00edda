"""Measured junctions all the way: calibrated cards run in ngspice like the preset cards, and a
config whose [stack] points at a measurement file runs the flow to a read-margin report."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from mramsim.cli import main
from mramsim.compact.export import filename
from mramsim.compact.model import CompactMTJ
from mramsim.constants import T0_CELSIUS

EX = Path(__file__).resolve().parents[2] / "examples" / "measurements"


def test_calibrated_card_runs_in_ngspice_like_the_model(ngspice, tmp_path):
    """The same check as the preset cards (tests/compact/test_compact_export.py): ngspice's DC sweep of the
    card equals the Python model read back from it, to 1e-6 at tight simulator tolerances."""
    from mramsim.circuit.sim.ngspice import run_ngspice

    out = tmp_path / "cal"
    assert main(["calibrate", str(EX / "clean_multiT.csv"), "--out", str(out)]) == 0
    path = out / filename("clean_multiT", "ngspice")
    cm = CompactMTJ.from_card(path)
    for state in (0, 1):
        net = (f"calibrated card\n{path.read_text()}\n.options reltol=1e-9 abstol=1e-18 vntol=1e-12\n"
               f"V1 a 0 0\nX1 a 0 {cm.name} state={state}\n.dc V1 -0.5 0.5 0.01 TEMP -20 80 50\n.end\n")
        res = run_ngspice(net)
        V, T = res["v-sweep"], res["temp-sweep"] + T0_CELSIUS
        R = -V / res["i(v1)"]
        m = np.abs(V) > 1e-9
        np.testing.assert_allclose(R[m], cm.resistance(state, V[m], T[m]), rtol=1e-6)


def test_flow_from_a_measurement_file_to_a_read_margin_report(tmp_path):
    shutil.copy(EX / "clean_multiT.csv", tmp_path / "junction.csv")
    cfg = tmp_path / "study.toml"
    cfg.write_text(
        '[run]\nname = "measured junction"\nexecutor = "serial"\nprogress = false\n\n'
        '[stack]\npreset = "cofeb_mgo"\nmeasurement = "junction.csv"\n\n'
        "[array]\nrows = 16\ncols = 16\narray_bits = 65536\n\n"
        "[variation]\nra_sigma = 0.03\n\n"
        '[read]\nv_read_V = 0.12\nreference = "current-midpoint"\nsa_offset_sigma_V = 0.005\n\n'
        "[montecarlo]\nn_samples = 256\nseed = 3\n\n"
        "[spice_check]\nenabled = false\n")
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 0
    report = (out / "report.md").read_text()
    assert "junction.csv" in (out / "config.toml").read_text()
    assert "BER" in report
    import json

    res = json.loads((out / "results.json").read_text())
    assert 0.0 <= res["margin"]["ber"] <= 1.0 and res["status"]["margin"] == "done"
