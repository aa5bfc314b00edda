"""Annealing kinetics (mramsim.physics.annealing)."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.errors import ParameterError, UnknownNameError
from mramsim.physics import annealing as A

HOUR = 3600.0


def test_layer_retention_limits_and_small_time_form():
    assert A.layer_retention(0.0) == pytest.approx(1.0)
    tau = np.logspace(-5, 1, 200)
    F = A.layer_retention(tau)
    assert np.all(np.diff(F) < 0) and F[-1] < 1e-9
    # the series and the short-time form agree around the switch point (Crank 1975)
    j = np.arange(400)
    c = (2 * j + 1) ** 2 * np.pi**2
    series = np.sum(8 / c * np.exp(-0.25 * c * 2e-3))
    assert 1 - 2 * np.sqrt(2e-3 / np.pi) == pytest.approx(series, rel=1e-3)


def test_residual_boron_falls_with_temperature_and_time_and_cap_ordering():
    T = np.array([523.15, 573.15, 623.15, 673.15])
    b = A.residual_boron(T, HOUR, 0.2, "Ta")
    assert np.all(np.diff(b) < 0) and b[0] < 0.2
    assert A.residual_boron(623.15, 10 * HOUR, 0.2, "Ta") < A.residual_boron(623.15, HOUR, 0.2, "Ta")
    # after a long anneal: Ta absorbs most boron, Pt hardly; W and Mo in between
    long = {cap: float(A.residual_boron(773.15, 100 * HOUR, 0.2, cap)) for cap in ("Ta", "W", "Mo", "Pt")}
    assert long["Ta"] < long["Mo"] < long["W"] < long["Pt"]
    assert long["Pt"] > 0.04 and long["Ta"] < 0.02
    # a boron-free electrode stays boron-free
    assert A.residual_boron(673.15, HOUR, 0.0, "Pt") == 0.0


def test_boron_gate_blocks_crystallization_above_threshold():
    assert A.boron_gate(0.03) > 0.99 and A.boron_gate(0.08) < 0.01
    assert A.boron_gate(A.BORON_CRITICAL) == pytest.approx(0.5)
    # same temperature and time: boron-rich (gate closed for long) crystallizes less
    x_b = A.crystalline_fraction(613.15, HOUR, 0.2, "Ta")
    x_0 = A.crystalline_fraction(613.15, HOUR, 0.0, "Ta")
    assert x_b < x_0


def test_jmak_avrami_exponent_and_activation_energy():
    # boron-free: ln(-ln(1 - X)) = n ln t + n ln k  -> slope n (Avrami plot)
    t = np.array([100.0, 300.0, 1000.0])
    X = A.crystalline_fraction(600.0, t, 0.0, "Ta")
    y = np.log(-np.log(1 - X))
    slope = np.polyfit(np.log(t), y, 1)[0]
    assert slope == pytest.approx(A.AVRAMI_N, rel=1e-3)
    assert 1.5 <= A.AVRAMI_N <= 2.0
    # Arrhenius: ln k from two temperatures gives E_c (2.4-2.7 eV, Simmons et al. 2014)
    k = []
    for T in (580.0, 600.0):
        X1 = A.crystalline_fraction(T, 100.0, 0.0, "Ta")
        k.append((-np.log(1 - X1)) ** (1 / A.AVRAMI_N) / 100.0)
    Ea = ms.constants.k_B * np.log(k[1] / k[0]) / (1 / 580.0 - 1 / 600.0)
    assert Ea / ms.constants.eV == pytest.approx(2.5, rel=1e-3)


def test_interdiffusion_monotone_and_pt_earliest():
    T = np.linspace(573.15, 873.15, 7)
    for cap in ("Ta", "W", "Mo", "Pt"):
        d = A.interdiffusion(T, HOUR, cap)
        assert np.all(np.diff(d) >= 0) and d[-1] > 100 * d[0] and np.all((d >= 0) & (d <= 1))
    at = {cap: float(A.interdiffusion(673.15, HOUR, cap)) for cap in ("Ta", "W", "Mo", "Pt")}
    assert at["Pt"] > 10 * max(at["Ta"], at["W"], at["Mo"])


def test_anneal_state_as_grown_and_epitaxial():
    cofeb = ms.Stack.preset("cofeb_mgo")
    s0 = A.anneal_state(cofeb, None)
    assert s0.crystalline_fraction == 0.0 and s0.residual_boron == pytest.approx(0.2)
    assert s0.coherent_fraction == 0.0
    fe = A.anneal_state(ms.Stack.preset("fe_mgo_fe"), ms.Anneal(473.15, HOUR, "Ta"))
    assert fe.crystalline_fraction == 1.0 and fe.healing == 1.0 and fe.residual_boron == 0.0
    s = A.anneal_state(cofeb, ms.Anneal(673.15, HOUR, "Ta"))
    assert 0.9 < s.crystalline_fraction <= 1.0 and s.residual_boron < 0.02
    assert set(s.to_dict()) == {"crystalline_fraction", "residual_boron", "interdiffusion", "healing"}


def test_bad_cap_and_state_rejected():
    with pytest.raises(UnknownNameError, match="Anneal.cap"):
        A.residual_boron(600.0, HOUR, 0.2, "Cu")
    with pytest.raises(ParameterError, match="AnnealState.crystalline_fraction"):
        A.AnnealState(1.5, 0.0, 0.0)
