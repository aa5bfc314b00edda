"""Thermal smearing of the magnon-assisted spin-flip channel (Zhang et al., PRL 79, 3744 (1997)
with Fermi and Bose occupations). Checks: the T -> 0 limit is the closed form s(x) (derived,
analytic); at 300 K R(V) is C2 on a 0.5 mV grid; the zero-bias anomaly width scales with kT."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import eV
from mramsim.physics.spinflip import magnon_spinflip_ratio, magnon_spinflip_ratio_thermal

EM = 0.3 * eV


@pytest.mark.parametrize("T", [0.5, 1.0])
def test_low_temperature_limit_is_closed_form(T):
    V = np.concatenate([-np.linspace(0.05, 0.6, 12), np.linspace(0.05, 0.6, 12)])
    a = magnon_spinflip_ratio_thermal(V, T, 0.4, EM)
    b = magnon_spinflip_ratio(V, 0.4, EM)
    np.testing.assert_allclose(a, b, rtol=1e-3)


def test_thermal_correction_vanishes_as_t_to_zero():
    V = np.linspace(0.05, 0.6, 12)
    b = magnon_spinflip_ratio(V, 0.4, EM)
    err = [np.max(np.abs(magnon_spinflip_ratio_thermal(V, T, 0.4, EM) - b) / b) for T in (0.5, 2.0, 8.0)]
    assert err[0] < err[1] < err[2]


def test_even_in_bias_and_zero_excess_at_zero_bias():
    V = np.linspace(0.0, 0.5, 11)
    a = magnon_spinflip_ratio_thermal(V, 300.0, 0.4, EM)
    np.testing.assert_allclose(a, magnon_spinflip_ratio_thermal(-V, 300.0, 0.4, EM), rtol=1e-12, atol=1e-15)
    assert abs(a[0]) < 1e-12 and np.all(np.diff(a) > 0)


def test_zero_bias_anomaly_width_scales_with_kT():
    def width(T):
        v = np.linspace(0.0, 0.15, 3001)
        q = magnon_spinflip_ratio_thermal(v, T, 0.4, EM)
        d2 = np.gradient(np.gradient(q, v), v)
        return v[np.argmax(d2 < 0.5 * d2[3])]

    w25, w50, w100 = width(25.0), width(50.0), width(100.0)
    assert w50 / w25 == pytest.approx(2.0, rel=0.05)
    assert w100 / w50 == pytest.approx(2.0, rel=0.05)


@pytest.mark.parametrize("state", ["P", "AP"])
def test_rv_is_c2_at_room_temperature(state):
    dev = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), ms.Anneal(673.15, 3600.0, "Ta"))
    h = 0.5e-3
    V = np.arange(-0.6, 0.6 + h / 2, h)
    R = dev.resistance(state, V, 300.0)
    d2 = np.diff(R, 2) / h**2
    scale = np.max(np.abs(d2))
    assert np.all(np.isfinite(d2))
    # continuity: no jump between neighbouring 0.5 mV points (the T = 0 cusp at 0 V and the kink
    # at the magnon cut-off gave jumps of the order of the whole curvature)
    assert np.max(np.abs(np.diff(d2))) < 0.02 * scale
    # no divergence at zero bias: the curvature at 0 V is of the size found elsewhere
    i0 = np.argmin(np.abs(V[1:-1]))
    assert abs(d2[i0]) < 1.5 * np.max(np.abs(d2[np.abs(V[1:-1]) > 0.05]))
