"""The fast solver refuses reads outside its off-state assumption and bounds its linearisation error.

* every unselected access transistor must stay off (gate at 0 V, V_GS = -min(V_mid, V_SL) <= V_TO(T)):
  a V_TO(T) <= 0 config and a negative read with |v_read| > V_TO(T) are refused, in every entry point
  (read_currents, read_uniform, read_margin, the config flow and check-spice);
* below the threshold a negative read is solved and equals the full nodal solve;
* where the unselected MTJs' linearisation may be off by more than 1e-6 the samples are solved exactly.
"""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.array.margin import read_margin
from mramsim.array.read import ReadScheme
from mramsim.array.solver import read_currents, read_uniform, solve_full
from mramsim.array.solver import checks as solver_checks
from mramsim.array.variation import Variation
from mramsim.circuit.elements import AccessNMOS, Wires
from mramsim.circuit.graph import Array1T1MTJ
from mramsim.compact.model import CompactMTJ
from mramsim.errors import ParameterError, SimulationError

# V_TO(27 C) = 0.05 - 0.02 * 27.15 = -0.49 V: every unselected transistor on at room temperature
HOT_ACCESS = dict(VTO=0.05, TCV=-0.02, TNOM=273.15)


def _mtj():
    return CompactMTJ(r_p0=3500.0, tmr0=1.5, b1=0.08, b2=-0.4, tc_rp=-4e-4, tc_tmr=-2.5e-3,
                      vh_pos=0.45, vh_neg=0.55)


def test_vto_below_zero_is_refused_by_the_fast_entry_and_read_margin():
    arr = Array1T1MTJ(8, 8, mtj=_mtj(), access=AccessNMOS(**HOT_ACCESS))
    ones = np.ones((4, 8))
    with pytest.raises(ParameterError, match=r"V_TO\(T\).*> 0"):
        read_uniform(arr, 7, 0, 0.15, 300.15, ones, ones, np.zeros((4, 8)))
    with pytest.raises(ParameterError, match=r"V_TO\(T\)"):
        read_margin(arr, Variation(), ReadScheme(v_read=0.15), n_samples=64, seed=0, method="mc")


@pytest.mark.slow
def test_vto_below_zero_config_reaches_the_user_as_one_line(tmp_path, capsys):
    from mramsim.cli import main

    cfg = tmp_path / "c.toml"
    cfg.write_text('[run]\nname = "vto"\nexecutor = "serial"\n[stack]\npreset = "cofeb_mgo"\n'
                   '[array]\nrows = 8\ncols = 8\n[array.access]\nvto_V = 0.05\ntcv_V_per_K = -0.02\ntnom_C = 0\n'
                   '[montecarlo]\nn_samples = 200\nseed = 1\n', encoding="utf-8")
    rc = main(["margin", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert rc == 1
    assert "V_TO(T)" in err and "-0.49" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("v_read", [-0.5, -0.42])
def test_negative_read_above_threshold_is_refused(v_read):
    arr = Array1T1MTJ(16, 8, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-8), wires=Wires(r_bl=2.0, r_sl=1.5))
    states = np.arange(8) % 2
    with pytest.raises(ParameterError, match=r"v_read.*row \d+, column \d+ has V_GS = .* > V_TO\(T\) = 0.4 V"):
        read_currents(arr, selected_row=15, states=states, v_read=v_read)
    # the fast entry of the Monte Carlo too
    ones = np.ones((3, 8))
    with pytest.raises(ParameterError, match="mid node"):
        read_uniform(arr, 15, 1, v_read, 300.15, ones, ones, np.zeros((3, 8)))
    # the full nodal solve models those transistors: its unselected mid nodes really are below -V_TO
    full = solve_full(arr, selected_row=15, states=states, v_read=v_read)
    assert min(full.voltages[arr.node_mid(r, c)] for r in range(15) for c in range(8)) < -0.4


def test_negative_read_at_high_temperature_is_refused():
    # V_TO(150 C) = 0.4 - 1e-3 * 123 = 0.277 V < 0.4 V = |v_read|
    arr = Array1T1MTJ(8, 8, mtj=_mtj())
    with pytest.raises(ParameterError, match="V_TO"):
        read_currents(arr, selected_row=7, states=np.zeros(8, int), v_read=-0.4, temperature=423.15)


@pytest.mark.parametrize("v_read", [-0.3, -0.38])
def test_negative_read_below_threshold_equals_the_full_solve(v_read):
    rng = np.random.default_rng(3)
    arr = Array1T1MTJ(16, 8, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-7), wires=Wires(r_bl=2.0, r_sl=1.5))
    states = rng.integers(0, 2, (16, 8))
    smp = {"r_scale": rng.lognormal(0, 0.1, 8), "tmr_scale": rng.normal(1, 0.1, 8),
           "vth_shift": rng.normal(0, 0.03, 8)}
    fast = read_currents(arr, selected_row=15, states=states, v_read=v_read, **smp)
    full = solve_full(arr, selected_row=15, states=states, v_read=v_read, **smp)
    assert np.all(fast.i_cell < 0)
    np.testing.assert_allclose(fast.i_cell, full.read.i_cell, rtol=1e-6)
    np.testing.assert_allclose(fast.i_bl, full.read.i_bl, rtol=1e-6)


def test_negative_read_below_threshold_agrees_with_ngspice(ngspice, tmp_path):
    from mramsim.array.crosscheck import spice_cross_check

    arr = Array1T1MTJ(16, 8, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-8), wires=Wires(r_bl=2.0, r_sl=1.5))
    states = np.random.default_rng(5).integers(0, 2, (16, 8))
    d = spice_cross_check(arr, selected_row=15, states=states, v_read=-0.3, workdir=tmp_path)
    assert d.max_rel_diff < 1e-5


def test_check_spice_negative_read_is_refused_in_one_line(capsys):
    from mramsim.cli import main

    rc = main(["check-spice", "--rows", "8", "--cols", "8", "--v-read", "-0.5"])
    err = capsys.readouterr().err.strip()
    assert rc == 1
    assert len(err.splitlines()) == 1
    assert "v_read = -0.5" in err and "V_TO(T)" in err


def _heavy():
    """32 rows, G_OFF 3e-5 S at 27 C (6e-4 S at 400 K), 10/7 ohm wires, v_read = 0.8 V: linearisation off by ~1e-3."""
    rng = np.random.default_rng(1)
    arr = Array1T1MTJ(32, 6, mtj=_mtj(), access=AccessNMOS(G_OFF=3e-5), wires=Wires(r_bl=10.0, r_sl=7.0))
    states = rng.integers(0, 2, (32, 6))
    S = 8
    smp = {"r_scale": rng.lognormal(0, 0.4, (S, 6)), "tmr_scale": rng.normal(1, 0.3, (S, 6)).clip(0.1),
           "vth_shift": rng.normal(0, 0.08, (S, 6))}
    return arr, states, smp


def test_heavy_leakage_agrees_with_the_full_solve():
    arr, states, smp = _heavy()
    kw = dict(selected_row=31, states=states, v_read=0.8, temperature=400.0)
    fast = read_currents(arr, **kw, **smp)
    for k in range(smp["r_scale"].shape[0]):
        full = solve_full(arr, **kw, **{n: v[k] for n, v in smp.items()})
        np.testing.assert_allclose(fast.i_cell[k], full.read.i_cell[0], rtol=1e-6)
        np.testing.assert_allclose(fast.v_mtj[k], full.read.v_mtj[0], rtol=1e-6)
        np.testing.assert_allclose(fast.i_bl[k], full.read.i_bl[0], rtol=1e-6)


def test_too_many_samples_for_the_exact_fallback_are_refused(monkeypatch):
    arr, states, smp = _heavy()
    monkeypatch.setattr(solver_checks, "MAX_EXACT", 2)
    with pytest.raises(SimulationError, match=r"linearisation .* allowed 1e-06"):
        read_currents(arr, selected_row=31, states=states, v_read=0.8, temperature=400.0, **smp)


def test_realistic_leakage_needs_no_exact_solve(monkeypatch):
    """With 1e-8 S leakage the bound stays below 1e-6: no sample is solved exactly (fast path unchanged)."""
    def boom(*a, **k):
        raise AssertionError("exact fallback used")

    monkeypatch.setattr("mramsim.array.solver.nodal.solve_full", boom)
    rng = np.random.default_rng(2)
    arr = Array1T1MTJ(64, 16, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-8), wires=Wires(r_bl=2.0, r_sl=1.5))
    sol = read_currents(arr, selected_row=63, states=rng.integers(0, 2, (64, 16)), v_read=0.3,
                        r_scale=rng.lognormal(0, 0.2, (500, 16)), vth_shift=rng.normal(0, 0.05, (500, 16)))
    assert np.all(np.isfinite(sol.i_cell))
