"""Read disturb and retention (mramsim.array.disturb)."""
import math

import numpy as np
import pytest

from mramsim.array.disturb import (
    DisturbModel,
    bloch_magnetization,
    delta_at,
    retention_failure,
    retention_time,
    switching_probability,
)
from mramsim.errors import ParameterError


def test_tiny_probability_keeps_full_precision():
    # 1 - exp(-x) in plain floating point rounds to 0 for x ~ 1e-25; expm1 keeps x
    x = (10e-9 / 1e-9) * math.exp(-80.0)
    p = switching_probability(10e-9, 80.0, 0.0)
    assert p > 0
    assert p == pytest.approx(x, rel=1e-12)


def test_squared_exponent_lowers_the_barrier_more():
    p1 = switching_probability(10e-9, 60.0, 0.3, k=1)
    p2 = switching_probability(10e-9, 60.0, 0.3, k=2)
    # (1 - 0.3)^2 < (1 - 0.3): lower effective barrier -> larger P
    assert p2 > p1
    assert p2 == pytest.approx(10.0 * math.exp(-60.0 * 0.49), rel=1e-9)


def test_probability_monotone_in_current_and_time():
    x = np.linspace(0.0, 0.95, 20)
    p = switching_probability(10e-9, 40.0, x)
    assert np.all(np.diff(p) > 0)
    t = np.logspace(-9, 3, 13)
    pt = switching_probability(t, 40.0, 0.5)
    assert np.all(np.diff(pt) >= 0) and np.all(np.diff(pt[:8]) > 0) and pt[-1] <= 1.0


def test_above_ic0_barrier_vanishes():
    p = switching_probability(1e-9, 60.0, 1.5)
    assert p == pytest.approx(-math.expm1(-1.0), rel=1e-12)


def test_retention_failure_matches_time_constant():
    tau = retention_time(30.0)
    assert retention_failure(tau, 30.0) == pytest.approx(1 - math.exp(-1), rel=1e-12)


def test_temperature_lowers_delta_and_raises_disturb():
    m = DisturbModel(delta=60.0, ic0=50e-6)
    T = np.array([300.15, 358.15, 398.15])
    d = m.delta_at(T)
    assert np.all(np.diff(d) < 0)
    assert d[0] == pytest.approx(60.0, rel=1e-12)
    p = m.disturb_probability(15e-6, T)
    assert np.all(np.diff(p) > 0)
    # Delta ~ 1/T when Ms is constant (t_curie -> large)
    assert delta_at(600.3, 60.0, t_curie=1e9) == pytest.approx(30.0, rel=1e-6)


def test_bloch_law_and_validation():
    assert bloch_magnetization(0.25 * 1000.0, 1000.0) == pytest.approx(1 - 0.125, rel=1e-12)
    with pytest.raises(ParameterError, match="k"):
        switching_probability(1e-9, 40.0, 0.1, k=3)
    with pytest.raises(ParameterError, match="delta"):
        switching_probability(1e-9, -1.0, 0.1)
    with pytest.raises(ParameterError, match="DisturbModel.ic0"):
        DisturbModel(ic0=0.0)
    with pytest.raises(ParameterError, match="disturbed_state"):
        DisturbModel(disturbed_state="X")
