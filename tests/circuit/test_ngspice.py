"""ngspice runner: both backends, raw-file parsing, errors."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mramsim.circuit.sim.ngspice import SpiceResult, parse_raw, run_ngspice, spice_number
from mramsim.errors import SimulationError, UnknownNameError

DIVIDER_OP = """resistor divider
V1 in 0 1.2
R1 in out 1k
R2 out 0 3k
.op
.end
"""

DIVIDER_DC = """resistor divider dc
V1 in 0 0
R1 in out 1k
R2 out 0 3k
.dc V1 -0.5 0.5 0.05
.end
"""

# R1 has a linear temperature coefficient: R1(T) = 1k (1 + 0.01 (T - 27 C)).
TEMP_DC = """divider with tc, nested temperature sweep
V1 in 0 0
R1 in out 1k tc1=0.01
R2 out 0 3k
.dc V1 0 1 0.25 TEMP -40 125 55
.end
"""

BROKEN = """broken netlist
V1 in 0 1
R1 in out 1k
Q7 a b
.op
.end
"""


def test_divider_op(ngspice):
    res = run_ngspice(DIVIDER_OP)
    assert isinstance(res, SpiceResult)
    assert res["v(out)"].shape == (1,)
    assert res["V(OUT)"][0] == pytest.approx(1.2 * 3 / 4, rel=1e-9)
    # current flows out of the + terminal of V1: ngspice reports it negative
    assert res["i(v1)"][0] == pytest.approx(-1.2 / 4000.0, rel=1e-9)
    assert res.netlist_path is None


def test_dc_sweep(ngspice):
    res = run_ngspice(DIVIDER_DC)
    v = res["v-sweep"]
    assert v.size == 21
    np.testing.assert_allclose(v, np.linspace(-0.5, 0.5, 21), atol=1e-12)
    np.testing.assert_allclose(res["v(out)"], 0.75 * v, rtol=1e-9, atol=1e-15)


def test_nested_temperature_sweep(ngspice):
    res = run_ngspice(TEMP_DC)
    v, t = res["v-sweep"], res["temp-sweep"]
    assert v.size == t.size == 5 * 4
    np.testing.assert_allclose(np.unique(t), [-40.0, 15.0, 70.0, 125.0])
    r1 = 1e3 * (1 + 0.01 * (t - 27.0))
    np.testing.assert_allclose(res["v(out)"], v * 3e3 / (3e3 + r1), rtol=1e-9, atol=1e-15)


def test_broken_netlist_raises_with_ngspice_message(ngspice):
    with pytest.raises(SimulationError) as info:
        run_ngspice(BROKEN)
    err = info.value
    assert "could not find a valid modelname" in str(err)
    assert err.netlist_path and os.path.isfile(err.netlist_path)
    with open(err.netlist_path) as fh:
        assert "Q7 a b" in fh.read()


def test_unknown_source_in_analysis_raises(ngspice):
    bad = DIVIDER_DC.replace(".dc V1", ".dc V9")
    with pytest.raises(SimulationError, match="v9"):
        run_ngspice(bad)


def test_missing_vector_lists_names(ngspice):
    res = run_ngspice(DIVIDER_OP)
    with pytest.raises(KeyError, match=r"v\(out\)"):
        res["v(nope)"]


def test_netlist_from_file_and_keep(ngspice, tmp_path):
    path = tmp_path / "div.cir"
    path.write_text(DIVIDER_OP)
    res = run_ngspice(str(path))
    assert res.netlist_path == str(path.resolve())
    assert res["v(out)"][0] == pytest.approx(0.9)
    kept = run_ngspice(DIVIDER_OP, keep=True, workdir=tmp_path / "work")
    assert kept.netlist_path and os.path.isfile(kept.netlist_path)


def test_relative_workdir(ngspice, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run_ngspice(DIVIDER_OP, keep=True, workdir="rel")
    assert res.netlist_path.startswith(str(tmp_path / "rel")) and os.path.isfile(res.netlist_path)
    assert res["v(out)"][0] == pytest.approx(0.9)


def test_concurrent_calls_do_not_interfere(ngspice):
    vals = [0.1, 0.2, 0.3, 0.4]
    nets = [DIVIDER_OP.replace("V1 in 0 1.2", f"V1 in 0 {v}") for v in vals]
    with ThreadPoolExecutor(max_workers=4) as ex:
        out = list(ex.map(lambda n: run_ngspice(n)["v(out)"][0], nets))
    np.testing.assert_allclose(out, 0.75 * np.array(vals), rtol=1e-9)


def test_backends_agree(ngspice, libngspice):
    for net in (DIVIDER_OP, DIVIDER_DC, TEMP_DC):
        a = run_ngspice(net)
        b = run_ngspice(net, backend="shared")
        assert sorted(a.keys()) == sorted(b.keys())
        for k in a.keys():
            np.testing.assert_allclose(b[k], a[k], rtol=1e-9, atol=1e-15, err_msg=k)


def test_shared_backend_error(libngspice, tmp_path, monkeypatch):
    with pytest.raises(SimulationError, match="could not find a valid modelname") as info:
        run_ngspice(BROKEN, backend="shared")
    assert os.path.isfile(info.value.netlist_path)
    # a relative workdir is resolved; the failed netlist is kept there
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SimulationError) as info:
        run_ngspice(BROKEN, backend="shared", workdir="rel")
    assert str(tmp_path / "rel") in info.value.netlist_path and os.path.isfile(info.value.netlist_path)
    # the library is usable again afterwards
    assert run_ngspice(DIVIDER_OP, backend="shared")["v(out)"][0] == pytest.approx(0.9)


def test_bad_arguments():
    with pytest.raises(UnknownNameError, match="subprocess"):
        run_ngspice(DIVIDER_OP, backend="hspice")
    with pytest.raises(ValueError, match="timeout"):
        run_ngspice(DIVIDER_OP, timeout=0)
    with pytest.raises(ValueError, match="netlist"):
        run_ngspice("no_such_file.cir")


def test_spice_number():
    assert spice_number("1k") == 1e3
    assert spice_number("2.5meg") == 2.5e6
    assert spice_number("10m") == pytest.approx(0.01)
    assert spice_number("-3e-2") == -0.03


def test_parse_raw_ascii():
    text = """Title: t
Date: x
Plotname: DC transfer characteristic
Flags: real
No. Variables: 2
No. Points: 2
Variables:
\t0\tv(v-sweep)\tvoltage
\t1\tv(out)\tvoltage
Values:
0\t\t1.0e+00
\t2.0e+00
1\t\t3.0e+00
\t4.0e+00
"""
    vec = parse_raw(text)
    np.testing.assert_array_equal(vec["v-sweep"], [1.0, 3.0])
    np.testing.assert_array_equal(vec["v(out)"], [2.0, 4.0])
