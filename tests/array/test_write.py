"""Array write path: write current vs ngspice, WER with variation (IS vs MC vs quadrature), margin."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mramsim.array.write import (DIRECTIONS, VARS, WriteCircuit, WriteMargin, WriteVariation, WriteWER, array_wer,
                                 cell_wer, default_table, write_current, write_margin, write_netlist)
from mramsim.circuit.elements import AccessNMOS
from mramsim.errors import ConvergenceError, ParameterError, UnknownNameError
from mramsim.physics.switching.fokker_planck import write_error_rate
from mramsim.physics.switching.macrospin import FreeLayer

LAYER = FreeLayer()
VAR = WriteVariation()


@pytest.fixture(scope="module")
def cm(preset_fit):
    return preset_fit("cofeb_mgo")



@pytest.fixture(scope="module")
def table():
    """One FP table for every WER test here: Delta +-5 sigma, i in [0.3, 4.8], pulses up to 30 ns."""
    return default_table(LAYER, 3.0, 30e-9 / LAYER.tau_d(), VAR, n_i=18, n_cells=200)


CIRCUITS = [
    (WriteCircuit(), 0.0),
    (WriteCircuit(v_write=1.0, v_wl=1.0, rows=64, row=0, r_bl=5.0, r_sl=1.0, r_driver=50.0,
                  nmos=AccessNMOS(W=0.2e-6)), 0.05),
    (WriteCircuit(v_write=0.8, temperature=358.15, row=100), -0.03),
]


@pytest.mark.parametrize("k", range(len(CIRCUITS)))
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_write_current_matches_ngspice(cm, ngspice, k, direction):
    from mramsim.circuit.sim.ngspice import run_ngspice

    circuit, dvth = CIRCUITS[k]
    i_py, v_mtj = write_current(cm, circuit, direction, vth_shift=dvth)
    vec = run_ngspice(write_netlist(cm, circuit, direction, vth_shift=dvth)).vectors
    i_ng = abs(float(vec["i(vsense)"][0]))
    assert abs(float(i_py) / i_ng - 1) < 1e-6
    v_ng = abs(float(vec["v(te)"][0] - vec["v(be)"][0]))
    assert abs(float(v_mtj) / v_ng - 1) < 1e-6


def test_write_current_ir_drop_and_degeneration(cm):
    base = WriteCircuit(v_write=1.0, r_bl=4.0, r_sl=4.0)
    for d in DIRECTIONS:
        near = float(write_current(cm, dataclasses.replace(base, row=0), d)[0])
        far = float(write_current(cm, dataclasses.replace(base, row=255), d)[0])
        assert far < near  # IR drop along BL and SL
        hi = float(write_current(cm, dataclasses.replace(base, v_write=1.2), d)[0])
        assert hi > float(write_current(cm, base, d)[0])
    # source degeneration: AP->P puts the MTJ voltage into V_GS, so the current is less sensitive
    # to a series resistance on the SL (drain side) than P->AP is to the same on the SL (source side)
    def rel_drop(d):
        a = float(write_current(cm, dataclasses.replace(base, r_sl=0.0), d)[0])
        b = float(write_current(cm, dataclasses.replace(base, r_sl=8.0), d)[0])
        return 1 - b / a
    assert rel_drop("P->AP") > rel_drop("AP->P") > 0


def test_nominal_wer_matches_the_fokker_planck_solver(cm, table):
    circuit = WriteCircuit(v_write=0.9)
    r = array_wer(cm, circuit, "P->AP", LAYER, 10e-9, table=table)
    assert r.method == "nominal" and r.std_err == 0.0
    ref = write_error_rate(LAYER, r.current_nominal, [10e-9], start="P", moments=False).wer[0]
    assert 1e-6 < ref < 1e-2
    assert abs(r.wer / ref - 1) < 0.10



def test_importance_sampling_matches_monte_carlo_at_1e_4(cm, table):
    circuit = WriteCircuit(v_write=0.9)
    is_ = array_wer(cm, circuit, "P->AP", LAYER, 10e-9, VAR, method="is", n=4000, seed=3, table=table)
    mc = array_wer(cm, circuit, "P->AP", LAYER, 10e-9, VAR, method="mc", n=20000, seed=4, table=table)
    assert 3e-5 < mc.wer < 3e-3
    assert mc.std_err / mc.wer < 0.05
    assert is_.std_err < mc.std_err / 3
    assert abs(is_.wer - mc.wer) < 4 * np.hypot(is_.std_err, mc.std_err)
    assert np.linalg.norm(is_.u_star) > 0.5


def test_importance_sampling_to_1e_12_vs_quadrature(cm, table):
    """Two active variables (Delta, RA): IS vs a 2D Gauss-Hermite quadrature of the same integrand."""
    var = WriteVariation(sigma_delta=0.05, sigma_ic0=0.0, sigma_ra=0.05, sigma_tmr=0.0, sigma_vth=0.0,
                         sigma_ra_die=0.0, sigma_vth_die=0.0)
    circuit = WriteCircuit(v_write=1.1)
    r = array_wer(cm, circuit, "P->AP", LAYER, 20e-9, var, n=4000, seed=5, table=table)
    x, w = np.polynomial.hermite_e.hermegauss(60)
    w = w / w.sum()
    uu = np.zeros((x.size**2, len(VARS)))
    uu[:, 0] = np.repeat(x, x.size)
    uu[:, 2] = np.tile(x, x.size)
    quad = float(np.sum(np.outer(w, w).ravel() * cell_wer(cm, circuit, "P->AP", LAYER, 20e-9, uu, var, table=table)))
    assert 1e-13 < quad < 1e-10
    assert r.std_err / r.wer < 0.02
    assert abs(r.wer / quad - 1) < max(0.02, 4 * r.std_err / r.wer)
    # plain MC with as many samples cannot resolve it
    mc = array_wer(cm, circuit, "P->AP", LAYER, 20e-9, var, method="mc", n=4000, seed=5, table=table)
    assert mc.std_err / mc.wer > 5 * r.std_err / r.wer


def test_write_margin_nominal(cm, table):
    circuit = WriteCircuit(v_write=1.0)
    m = write_margin(cm, circuit, "P->AP", LAYER, 1e-9, 20e-9, v_range=(0.75, 1.1), width_range=(8e-9, 29e-9),
                     table=table)
    assert 0.75 < m.v_write_needed < 1.1 and 8e-9 < m.pulse_width_needed < 30e-9
    at = array_wer(cm, dataclasses.replace(circuit, v_write=m.v_write_needed), "P->AP", LAYER, 20e-9, table=table)
    assert abs(np.log(at.wer / 1e-9)) < 0.01
    below = array_wer(cm, dataclasses.replace(circuit, v_write=m.v_write_needed - 0.01), "P->AP", LAYER, 20e-9,
                      table=table)
    assert below.wer > 1.5e-9
    at_w = array_wer(cm, circuit, "P->AP", LAYER, m.pulse_width_needed, table=table)
    assert abs(np.log(at_w.wer / 1e-9)) < 0.01
    # with variation the weak cells need more: a higher voltage and a longer pulse
    mv = write_margin(cm, circuit, "P->AP", LAYER, 1e-9, 20e-9, VAR, v_range=(0.75, 1.1),
                      width_range=(8e-9, 29e-9), n=300, seed=2, xtol_v=2e-3, rtol_w=2e-3, table=table)
    assert mv.v_write_needed > m.v_write_needed + 0.02
    assert mv.pulse_width_needed > m.pulse_width_needed
    with pytest.raises(ConvergenceError, match="bracket"):
        write_margin(cm, circuit, "P->AP", LAYER, 1e-9, 20e-9, v_range=(1.05, 1.1), width_range=(8e-9, 29e-9),
                     table=table)


def test_results_json_round_trip(tmp_path):
    w = WriteWER("P->AP", 0.9, 1e-8, 300.15, 2.7e-4, 3e-7, 4000, "is", 0, [0.1] * 7, 1.3e-4, 2.8, 1024,
                 0.24)
    assert WriteWER.from_json(w.to_json(tmp_path / "w.json")) == w
    m = WriteMargin("AP->P", 1e-9, 2e-8, 0.95, 1.0, 1.9e-8, "is", 1000, 0)
    assert WriteMargin.from_json(m.to_json(tmp_path / "m.json")) == m
    c = CIRCUITS[1][0]
    assert WriteCircuit.from_dict(c.to_dict()) == c


def test_validation(cm):
    with pytest.raises(ParameterError, match="row"):
        WriteCircuit(rows=8, row=8)
    with pytest.raises(ParameterError, match="v_write"):
        WriteCircuit(v_write=-1.0)
    with pytest.raises((ParameterError, UnknownNameError), match="direction"):
        write_current(cm, WriteCircuit(), "P->P")
    with pytest.raises(ParameterError, match="sigma_ra"):
        WriteVariation(sigma_ra=-0.1)
    with pytest.raises((ParameterError, UnknownNameError), match="method"):
        array_wer(cm, WriteCircuit(), "P->AP", LAYER, 1e-8, VAR, method="qmc")
