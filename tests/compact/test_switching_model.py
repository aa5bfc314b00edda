"""Switching compact model: fit from the read model and the macrospin physics, dynamics, I/O."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mramsim.compact.switching import SwitchingMTJ, fit_switching
from mramsim.errors import NetlistError, ParameterError
from mramsim.physics.switching.fokker_planck import write_error_rate
from mramsim.physics.switching.macrospin import FreeLayer

LAYER = FreeLayer()


@pytest.fixture(scope="module")
def cm(preset_fit):
    return preset_fit("cofeb_mgo")


@pytest.fixture(scope="module")
def sw(cm):
    return fit_switching(cm, LAYER)


def test_end_resistances_follow_the_read_model(sw, cm):
    V = np.linspace(-0.95, 0.95, 77) + 0.003
    rp, rap = sw.resistance_ends(V)
    T = LAYER.t_ref
    assert np.max(np.abs(rp / cm.resistance("P", V, T) - 1)) < 1e-3
    assert np.max(np.abs(rap / cm.resistance("AP", V, T) - 1)) < 1e-3
    # the angular conductance interpolates between the two
    g = sw.conductance(0.5, V)
    assert np.allclose(g, 0.5 / rp + 0.5 / rap, rtol=1e-12)
    assert np.allclose(sw.current(1.0, V), V / rap, rtol=1e-12)


@pytest.mark.parametrize("start,i", [("P", 1.5), ("P", 3.0), ("AP", 2.0)])
def test_switching_time_vs_fokker_planck_mean(sw, start, i):
    """The blended rate law reproduces the FP mean switching time (write_error_rate) within 10 %."""
    ic0 = LAYER.ic0(start=start)
    res = write_error_rate(LAYER, i * ic0, [1e-9], start=start)
    signed = i * ic0 if start == "P" else -i * ic0
    assert abs(sw.switching_time(signed) / res.mean_time - 1) < 0.10


def test_regimes_match_the_closed_forms(sw):
    delta = LAYER.delta()
    sun_l = np.log(np.pi * np.sqrt(2 * delta) / 2)
    assert abs(sw.log_factor / sun_l - 1) < 0.10  # Sun's ln(pi/(2 theta0))
    # far above I_c0 the precessional term dominates: t ~ tau_D L / (i - 1)
    t = sw.switching_time(20 * sw.ic0_p)
    assert abs(t / (sw.tau_d * sw.log_factor / 19) - 1) < 0.02
    # below I_c0 the time grows like exp(Delta_eff (1 - i)^2)
    t1, t2 = sw.switching_time(0.5 * sw.ic0_p), sw.switching_time(0.4 * sw.ic0_p)
    assert abs(np.log(t2 / t1) - sw.delta_eff * (0.6**2 - 0.5**2)) < 0.05
    ii = np.linspace(0.1, 10, 200)
    assert np.all(np.diff(sw.switching_time(ii * sw.ic0_p)) < 0)
    assert np.all(np.diff(sw.switching_time(-ii * sw.ic0_ap)) < 0)
    assert sw.ic0_ap < sw.ic0_p  # Slonczewski: AP -> P needs less current


@pytest.mark.parametrize("x0,sign", [(0.0, 1), (1.0, -1)])
def test_constant_current_crossing(sw, x0, sign):
    I = sign * 2.2 * (sw.ic0_p if sign > 0 else sw.ic0_ap)
    t_sw = sw.switching_time(I)
    t, x = sw.simulate(lambda _t: I, 3 * t_sw, x0)
    prog = np.abs(x - x0)
    k = np.flatnonzero(prog >= 0.5)[0]
    tc = t[k - 1] + (0.5 - prog[k - 1]) * (t[k] - t[k - 1]) / (prog[k] - prog[k - 1])
    assert abs(tc / t_sw - 1) < 1e-3
    assert prog[-1] > 0.99


def test_no_current_keeps_the_state(sw):
    for x0 in (0.0, 1.0):
        _, x = sw.simulate(lambda _t: 0.0, 1e-6, x0)
        assert np.max(np.abs(x - x0)) < 1e-6
    # a partial write relaxes back (k_relax) instead of finishing
    _, x = sw.simulate(lambda _t: 0.0, 5e-3, 0.3, max_step=1e-5)
    assert x[-1] < 0.01


def test_json_round_trip(sw, tmp_path):
    p = sw.to_json(tmp_path / "sw.json")
    back = SwitchingMTJ.from_json(p)
    assert back == sw
    assert back.switching_time(1e-4) == sw.switching_time(1e-4)


def test_validation(sw):
    with pytest.raises(ParameterError, match="ic0_p"):
        dataclasses.replace(sw, ic0_p=-1.0)
    with pytest.raises(ParameterError, match="ln_rap"):
        dataclasses.replace(sw, ln_rap=sw.ln_rap[:-1])
    with pytest.raises(ParameterError, match="degree"):
        fit_switching(None, LAYER, degree=1)
    with pytest.raises(NetlistError):
        sw.to_verilog_a(name="bad name")
    with pytest.raises(NetlistError):
        sw.to_ngspice(name="x;y")


def test_cards_carry_the_fitted_numbers(sw):
    va, ng = sw.to_verilog_a(), sw.to_ngspice()
    assert f"module {sw.name}(te, be);" in va and "ddt(" in va
    assert f".subckt {sw.name} te be x0=0" in ng and f".ends {sw.name}" in ng
    for text in (va, ng):
        assert repr(sw.ic0_p) in text and repr(sw.tau0) in text
    assert max(len(ln) for ln in ng.splitlines() if not ln.startswith("*")) <= 100
