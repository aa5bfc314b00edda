"""Joule self-heating: T_j = T + R_th V^2 / R(V, T_j)."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.errors import ConvergenceError, ParameterError
from mramsim.physics.heating import heated_resistance, junction_temperature

ANNEAL = ms.Anneal(673.15, 3600.0, "Ta")
V = np.linspace(-0.5, 0.5, 11)


@pytest.fixture(scope="module")
def dev():
    return ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ANNEAL)


def test_zero_rth_bit_identical(dev):
    r, tj = heated_resistance(dev, "AP", V, 300.0, 0.0)
    ref = dev.resistance("AP", V, 300.0)
    assert np.array_equal(r, ref)
    assert np.array_equal(tj, np.full_like(V, 300.0))


def test_self_consistent_and_lowers_rap(dev):
    r0 = dev.resistance("AP", 0.4, 300.0)
    r_th = 50.0 / (0.4 ** 2 / r0)  # ~50 K rise at 0.4 V
    r, tj = heated_resistance(dev, "AP", V, 300.0, r_th)
    resid = tj - (300.0 + r_th * V**2 / dev.resistance("AP", V, tj))
    assert np.max(np.abs(resid)) < 1e-9
    assert np.all(tj[V != 0] > 300.0)
    assert tj[V == 0][0] == 300.0
    unheated = dev.resistance("AP", V, 300.0)
    assert np.all(r[np.abs(V) > 0.05] < unheated[np.abs(V) > 0.05])
    assert np.all(r <= unheated)


def test_runaway_raises(dev):
    with pytest.raises(ConvergenceError, match="runaway"):
        junction_temperature(dev, "P", 1.0, 300.0, 1e9)


def test_bad_rth(dev):
    with pytest.raises(ParameterError, match="R_th"):
        heated_resistance(dev, "P", 0.1, 300.0, -1.0)
