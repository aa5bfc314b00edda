"""Unit tests of the closed forms in mramsim.physics.simmons (Simmons 1963, BDR 1970).

Published numbers are in tests/validation/test_barrier_transport.py; here:
shapes, symmetries, limits, internal consistency and input validation.
"""
import numpy as np
import pytest

from mramsim.constants import e, eV, h, hbar, m_e
from mramsim.errors import ParameterError
from mramsim.physics import simmons as s
from mramsim.physics import tunneling

PHI = 1.0 * eV
D = 1.0e-9


def _x(phi, d, mr=1.0):
    return 2 * d * np.sqrt(2 * mr * m_e * phi) / hbar


def test_reexported_from_tunneling():
    for name in s.__all__:
        if not name.isupper():
            assert getattr(tunneling, name) is getattr(s, name)
            assert name in tunneling.__all__


def test_decay_constant_value_and_mass_scaling():
    k = s.decay_constant(PHI)
    assert k == pytest.approx(np.sqrt(2 * m_e * eV) / hbar, rel=1e-14)
    assert s.decay_constant(4 * PHI, 0.25) == pytest.approx(k, rel=1e-14)  # sqrt(m phi)


def test_low_voltage_is_ohmic_and_odd():
    V = np.linspace(-0.2, 0.2, 9)
    J = s.simmons_low_voltage_current_density(V, PHI, PHI, D)
    g = s.simmons_low_voltage_conductance_density(PHI, PHI, D)
    np.testing.assert_allclose(J, g * V, rtol=1e-14)
    np.testing.assert_allclose(J, -J[::-1], rtol=1e-14)


def test_low_voltage_uses_mean_barrier():
    g_rect = s.simmons_low_voltage_conductance_density(PHI, PHI, D)
    g_trap = s.simmons_low_voltage_conductance_density(0.8 * PHI, 1.2 * PHI, D)
    assert g_trap == pytest.approx(g_rect, rel=1e-14)


def test_low_voltage_over_intermediate_limit_is_1p5_over_1_minus_2_over_x():
    # the two named Simmons forms differ at V -> 0 by exactly 1.5/(1 - 2/x)
    for d in (0.8e-9, 1e-9, 2e-9, 3e-9):
        x = _x(PHI, d)
        ratio = s.simmons_low_voltage_conductance_density(PHI, PHI, d) / \
            s.simmons_intermediate_conductance_density(0.0, PHI, PHI, d)
        assert ratio == pytest.approx(1.5 / (1 - 2 / x), rel=1e-12)
        assert 1.5 < ratio < 2.1


def test_intermediate_is_odd_and_monotone():
    V = np.linspace(-0.9, 0.9, 37)
    J = s.simmons_intermediate_current_density(V, PHI, PHI, D)
    np.testing.assert_allclose(J, -J[::-1], rtol=1e-13, atol=0)
    assert np.all(np.diff(J) > 0)
    assert s.simmons_intermediate_current_density(0.0, PHI, PHI, D) == 0.0


def test_intermediate_conductance_is_derivative_of_current():
    V = np.array([-0.6, -0.2, 0.05, 0.3, 0.7])
    hstep = 1e-5
    num = (s.simmons_intermediate_current_density(V + hstep, 0.9 * PHI, 1.1 * PHI, D)
           - s.simmons_intermediate_current_density(V - hstep, 0.9 * PHI, 1.1 * PHI, D)) / (2 * hstep)
    ana = s.simmons_intermediate_conductance_density(V, 0.9 * PHI, 1.1 * PHI, D)
    np.testing.assert_allclose(ana, num, rtol=1e-7)


def test_intermediate_zero_bias_conductance_closed_form():
    x = _x(PHI, D)
    g0 = s.simmons_intermediate_conductance_density(0.0, PHI, PHI, D)
    # e J0 (x/2 - 1) e^-x with J0 = e / (2 pi h d^2)
    assert g0 == pytest.approx(e * e / (2 * np.pi * h * D**2) * (x / 2 - 1) * np.exp(-x), rel=1e-12)


def test_intermediate_range_enforced():
    with pytest.raises(ParameterError, match=r"min\(phi1, phi2\)"):
        s.simmons_intermediate_current_density(1.0, PHI, PHI, D)
    with pytest.raises(ParameterError, match="V"):
        s.simmons_intermediate_current_density(np.array([0.1, -0.85]), 0.8 * PHI, 1.2 * PHI, D)
    # just inside is fine
    assert np.isfinite(s.simmons_intermediate_current_density(0.79, 0.8 * PHI, 1.2 * PHI, D))


def test_bdr_ratio_symmetric_barrier_is_even_parabola():
    V = np.linspace(-0.3, 0.3, 13)
    r = s.bdr_conductance_ratio(V, PHI, PHI, D)
    np.testing.assert_allclose(r, r[::-1], rtol=1e-14)
    assert s.bdr_conductance_ratio(0.0, PHI, PHI, D) == 1.0
    c = np.polyfit(V, r, 2)
    A0 = 4 * D * np.sqrt(2 * m_e) / (3 * hbar)
    assert c[0] == pytest.approx(9 / 128 * A0**2 / PHI * e**2, rel=1e-10)


def test_bdr_minimum_position_for_asymmetric_barrier():
    p1, p2 = 0.8 * PHI, 1.2 * PHI
    A0 = 4 * D * np.sqrt(2 * m_e) / (3 * hbar)
    v_min = 4 / 9 * (p2 - p1) / (A0 * np.sqrt(PHI)) / e
    V = v_min + np.array([-1e-3, 0.0, 1e-3])
    r = s.bdr_conductance_ratio(V, p1, p2, D)
    assert r[1] < r[0] and r[1] < r[2]
    assert v_min > 0
    # swapping the interfaces mirrors the curve
    Vs = np.linspace(-0.2, 0.2, 9)
    np.testing.assert_allclose(s.bdr_conductance_ratio(Vs, p1, p2, D),
                               s.bdr_conductance_ratio(-Vs, p2, p1, D), rtol=1e-14)


def test_bdr_density_g0_is_intermediate_leading_term():
    # BDR's G(0) = (e/h)^2 sqrt(2 m phi)/d e^-x: the intermediate form's zero-bias
    # conductance without its -2/x correction
    x = _x(PHI, D)
    g_bdr = s.bdr_conductance_density(0.0, PHI, PHI, D)
    g_int = s.simmons_intermediate_conductance_density(0.0, PHI, PHI, D)
    assert g_int / g_bdr == pytest.approx(1 - 2 / x, rel=1e-12)


def test_broadcasting_over_all_inputs():
    V = np.linspace(-0.2, 0.2, 5)[:, None, None]
    phi = np.array([0.8, 1.0, 1.5])[None, :, None] * eV
    d = np.array([1e-9, 2e-9])[None, None, :]
    for f in (s.simmons_low_voltage_current_density, s.simmons_intermediate_current_density,
              s.simmons_intermediate_conductance_density, s.bdr_conductance_ratio, s.bdr_conductance_density):
        out = f(V, phi, phi, d, 0.4)
        assert out.shape == (5, 3, 2), f.__name__
        assert np.all(np.isfinite(out))
    assert s.simmons_low_voltage_conductance_density(phi, phi, d).shape == (1, 3, 2)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(phi1=0.0), "phi1"),
        (dict(phi2=-1 * eV), "phi2"),
        (dict(phi1=1.0), "phi1"),  # 1 J: someone passed eV as J the wrong way round
        (dict(d=0.0), "d"),
        (dict(d=1.0), "d"),
        (dict(mass_ratio=0.0), "mass_ratio"),
        (dict(mass_ratio=np.nan), "mass_ratio"),
        (dict(V=1e3), "V"),
    ],
)
def test_invalid_inputs_name_the_field(kwargs, field):
    args = dict(V=0.1, phi1=PHI, phi2=PHI, d=D, mass_ratio=1.0)
    args.update(kwargs)
    for f in (s.simmons_low_voltage_current_density, s.bdr_conductance_ratio, s.bdr_conductance_density,
              s.simmons_intermediate_current_density):
        with pytest.raises(ParameterError, match=field) as info:
            f(**args)
        assert info.value.field == field
