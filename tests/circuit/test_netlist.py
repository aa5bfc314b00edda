"""Array netlists: content, Monte Carlo samples, errors, shipped files current and runnable."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from mramsim.circuit.elements import AccessNMOS, Wires
from mramsim.circuit.netlist import same_netlist
from mramsim.circuit.graph import Array1T1MTJ
from mramsim.circuit.netlist import array_netlist
from mramsim.compact.model import CompactMTJ
from mramsim.constants import T0_CELSIUS
from mramsim.errors import NetlistError, ParameterError, UnknownNameError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "netlists"


def _arr(**kw):
    return Array1T1MTJ(3, 4, mtj=CompactMTJ(r_p0=3000.0, tmr0=1.2, b2=-0.3), ref_cols=("P", "AP"),
                       wires=Wires(r_bl=2.0, r_sl=1.0, c_bl=1e-16), **kw)


def _lines(text, prefix):
    return [ln for ln in text.splitlines() if ln.split() and ln.split()[0].lower().startswith(prefix)]


def test_netlist_structure():
    arr = _arr()
    text = arr.netlist(1, [1, 0, 1, 1], v_read=0.2, temperature=358.15)
    assert text.rstrip().endswith(".end")
    assert ".subckt" in text.lower() and ".op" in text
    assert len(_lines(text, "vbl")) == 6 and len(_lines(text, "vsl")) == 6    # 4 data + 2 reference
    assert len(_lines(text, "vcell")) == 6                                     # probes on the selected row
    assert len(_lines(text, "xmtj_")) == 18 and len(_lines(text, "m_")) == 18
    assert len(_lines(text, "rlk_")) == 18 and len(_lines(text, "cbl_")) == 18
    assert not _lines(text, "csl_")                                            # c_sl = 0: none written
    wl = {ln.split()[0]: float(ln.split()[-1]) for ln in _lines(text, "vwl")}
    assert wl == {"vwl0": 0.0, "vwl1": arr.v_wl, "vwl2": 0.0}
    assert all(float(ln.split()[-1]) == 0.2 for ln in _lines(text, "vbl"))
    assert f".temp {358.15 - T0_CELSIUS:.15g}" in text
    # selected-row MTJs carry the states; reference columns theirs
    sel = {ln.split()[0]: ln for ln in _lines(text, "xmtj_1_")}
    assert "state=1" in sel["xmtj_1_0"] and "state=0" in sel["xmtj_1_1"] and "state=1" in sel["xmtj_1_5"]
    assert "state=0" in sel["xmtj_1_4"]
    # leakage resistor is 1/G_OFF(T)
    r_lk = float(_lines(text, "rlk_0_0")[0].split()[-1])
    assert r_lk == pytest.approx(1.0 / float(arr.access.g_off(358.15)), rel=1e-12)
    # the transistor model is scaled to T, with TNOM = T
    card = [ln for ln in text.splitlines() if ln.startswith(".model nacc ")][0]
    assert f"VTO={float(arr.access.vto(358.15)):.15g}" in card and f"TNOM={358.15 - T0_CELSIUS:.15g}" in card


def test_monte_carlo_sample_is_written():
    arr = _arr()
    smp = {"r_scale": [1.1, 0.9, 1.0, 1.05], "tmr_scale": 0.95, "vth_shift": [0.0, 0.02, 0.0, -0.01]}
    text = array_netlist(arr, selected_row=2, states=[0, 1, 0, 1], v_read=0.1, samples=smp)
    x = _lines(text, "xmtj_2_1")[0]
    assert "rscale=0.9" in x and "tmrscale=0.95" in x
    assert "rscale" not in _lines(text, "xmtj_0_1")[0]                        # unselected rows nominal
    assert "rscale" not in _lines(text, "xmtj_2_4")[0]                        # reference cells nominal
    assert _lines(text, "m_2_1")[0].split()[5] == "nacc_c1"
    assert _lines(text, "m_2_0")[0].split()[5] == "nacc"
    card = [ln for ln in text.splitlines() if ln.startswith(".model nacc_c3 ")][0]
    assert f"VTO={float(arr.access.vto(arr.access.TNOM)) - 0.01:.15g}" in card


def test_netlist_errors():
    arr = _arr()
    with pytest.raises(UnknownNameError, match="dialect"):
        arr.netlist(0, [0, 0, 0, 0], dialect="spectre")
    with pytest.raises(UnknownNameError, match="samples key"):
        arr.netlist(0, [0, 0, 0, 0], samples={"rscale": 1.0})
    with pytest.raises(ParameterError, match="r_scale"):
        arr.netlist(0, [0, 0, 0, 0], samples={"r_scale": [1.0, 1.0]})
    with pytest.raises(ParameterError, match="r_scale"):
        arr.netlist(0, [0, 0, 0, 0], samples={"r_scale": 0.0})
    with pytest.raises(ParameterError, match="selected_row"):
        arr.netlist(3, [0, 0, 0, 0])
    with pytest.raises(ParameterError, match="temperature"):
        arr.netlist(0, [0, 0, 0, 0], temperature=0.0)
    with pytest.raises(NetlistError, match="subckt"):
        arr.netlist(0, [0, 0, 0, 0], mtj_subckt_text="* no subcircuit here\n")


def test_write_netlist(tmp_path):
    arr = _arr(access=AccessNMOS(W=0.5e-6))
    p = arr.write_netlist(tmp_path / "sub" / "a.cir", 0, [0, 1, 0, 1], v_read=0.1)
    assert p.read_text() == arr.netlist(0, [0, 1, 0, 1], v_read=0.1)
    assert "W=5e-07" in p.read_text()




@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    from mramsim.cli import main

    out = tmp_path_factory.mktemp("netlists")
    assert main(["netlist", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", ["array_16x16.cir", "read_bench_1cell.cir"])
def test_shipped_netlists_are_current(regenerated, name):
    """netlists/ equals what `mramsim netlist --out netlists/` writes now."""
    fresh = (regenerated / name).read_text()
    shipped = (SHIPPED / name).read_text()
    assert same_netlist(shipped, fresh), f"netlists/{name} is stale: run `mramsim netlist --out netlists/`"
    # the comparison is not vacuous: a changed number or a changed line is caught
    nudged = re.sub(r"(?<= W=)([0-9.eE+-]+)", lambda m: repr(float(m.group(1)) * 1.001), shipped, count=1)
    assert nudged != shipped and not same_netlist(shipped, nudged)
    assert not same_netlist(shipped, shipped.replace(".end\n", ".end\n.op\n"))


def test_shipped_read_bench_runs_in_ngspice_and_matches_solver(ngspice, regenerated, tmp_path):
    """The single-cell bench swept in ngspice equals the solver at every bias point."""
    from mramsim.array.solver import read_currents
    from mramsim.compact.presets import preset_model
    from mramsim.circuit.sim.ngspice import run_ngspice

    res = run_ngspice(SHIPPED / "read_bench_1cell.cir", workdir=tmp_path)
    v = res["v-sweep"]
    i_sp = res["i(vcell0)"]
    assert v.size == 41 and v[-1] == pytest.approx(0.4)
    bench = Array1T1MTJ(1, 1, mtj=preset_model("cofeb_mgo"))
    for k in range(4, 41, 6):
        i_py = read_currents(bench, selected_row=0, states=[0], v_read=float(v[k]), temperature=300.15).i_cell[0, 0]
        assert i_py == pytest.approx(i_sp[k], rel=1e-6), float(v[k])
    assert np.all(np.diff(i_sp) > 0)


def test_shipped_array_runs_in_ngspice(ngspice, tmp_path):
    from mramsim.circuit.sim.ngspice import run_ngspice

    res = run_ngspice(SHIPPED / "array_16x16.cir", workdir=tmp_path, timeout=300)
    i = np.array([res[f"i(vcell{c})"][0] for c in range(16)])
    # checkerboard, far row 15: odd columns P (more current), even columns AP
    assert np.all(i[1::2] > 1.3 * i[0::2]) and np.all(i > 0)


@pytest.mark.parametrize("v_read", [0.1, 0.3])
def test_cut_off_cell_current_agrees_with_solver(ngspice, tmp_path, v_read):
    """A cell whose transistor is cut off carries G_OFF*V in both: no bulk-junction current in ngspice."""
    from mramsim.array.solver import read_currents
    from mramsim.circuit.sim.ngspice import run_ngspice

    arr = Array1T1MTJ(2, 1)
    shift = 0.9                          # VTO 0.4 V + 0.9 V > v_wl = 1.2 V: the selected cell is cut off too
    assert arr.access.vto(300.15, shift) > arr.v_wl
    text = arr.netlist(0, [1], v_read=v_read, samples={"vth_shift": shift})
    assert re.search(r"^\.model nacc_c0 nmos \(.*\bIS=0 JS=0\b", text, flags=re.MULTILINE)
    res = run_ngspice(text, workdir=tmp_path)
    sol = read_currents(arr, selected_row=0, states=[1], v_read=v_read, vth_shift=shift)
    i_spice = float(res["i(vcell0)"][0])
    i_solver = float(sol.i_cell[0, 0])
    assert 0 < i_solver < 1e-9           # leakage only (G_OFF = 1 nS)
    assert abs(i_spice - i_solver) <= max(1e-6 * abs(i_solver), 1e-18)
