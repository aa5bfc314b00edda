"""The example scripts run (smoke runs with --quick) and write their figure and numbers."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow  # ~5 s: physics, fit and read margin at one anneal for two caps
def test_margin_vs_anneal_quick(tmp_path):
    _load("margin_vs_anneal").main(["--quick", "--out", str(tmp_path)])
    rows = json.loads((tmp_path / "margin_vs_anneal.json").read_text())
    assert {(r["cap"], r["anneal_C"]) for r in rows} == {("Ta", 425), ("Pt", 425)}
    assert (tmp_path / "margin_vs_anneal.png").stat().st_size > 1000
    # physics, not a fit knob: at 425 C the Pt-capped stack (little boron sink) has less TMR than the Ta one
    tmr = {(r["cap"], r["anneal_C"]): r["tmr_read"] for r in rows}
    assert tmr[("Pt", 425)] < tmr[("Ta", 425)]


@pytest.mark.slow  # ~5 s
def test_wafer_anneal_map_quick(tmp_path):
    _load("wafer_anneal_map").main(["--quick", "--out", str(tmp_path)])
    d = json.loads((tmp_path / "wafer_anneal_map.json").read_text())
    assert (tmp_path / "wafer_anneal_map.png").stat().st_size > 1000
    # the cooler wafer edge (375 C) is less crystallized than the 400 C center
    assert d["tmr_edge"] < d["tmr_center"]
    for k in ("uniform", "mapped"):
        assert 0 <= d[k]["ber_ci"][0] <= d[k]["ber"] <= d[k]["ber_ci"][1] <= 1
