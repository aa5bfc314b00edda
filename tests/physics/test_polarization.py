"""Unit tests of mramsim.physics.polarization: TMR definitions, Julliere, Mazin."""
import numpy as np
import pytest

from mramsim.errors import MramsimError, ParameterError, UnknownNameError
from mramsim.materials import Electrode
from mramsim.physics import polarization as pol

RNG = np.random.default_rng(20240601)


# -- TMR definitions -------------------------------------------------------------
def test_resistance_and_conductance_definitions_agree_without_series_r():
    r_p = RNG.uniform(100, 5000, size=50)
    r_ap = r_p * RNG.uniform(1.01, 4.0, size=50)
    t_r = pol.tmr_resistance(r_p, r_ap)
    t_g = pol.tmr_conductance(1 / r_p, 1 / r_ap)
    np.testing.assert_allclose(t_g, t_r, rtol=1e-12)
    # and the series-free apparent TMR is the same number
    np.testing.assert_allclose(pol.apparent_tmr(r_p, r_ap, 0.0), t_r, rtol=1e-12)


def test_julliere_ratio_is_tmr_over_one_plus_tmr():
    r_p, r_ap = 1000.0, np.array([1000.0, 1500.0, 3000.0, 11000.0])
    tmr = pol.tmr_resistance(r_p, r_ap)
    tj = pol.tmr_julliere_ratio(1 / r_p, 1 / r_ap)
    np.testing.assert_allclose(tj, tmr / (1 + tmr), rtol=1e-12)
    assert np.all(tj < 1) and np.all(tj <= tmr)


def test_tmr_hand_value():
    # 1 kOhm -> 2.5 kOhm is 150 % by the resistance definition, 60 % by Julliere's
    assert pol.tmr_resistance(1000.0, 2500.0) == pytest.approx(1.5, rel=1e-14)
    assert pol.tmr_julliere_ratio(1e-3, 4e-4) == pytest.approx(0.6, rel=1e-14)


def test_apparent_tmr_falls_monotonically_with_series_resistance():
    r_s = np.linspace(0, 5000, 101)
    t = pol.apparent_tmr(1000.0, 2500.0, r_s)
    assert t[0] == pytest.approx(1.5)
    assert np.all(np.diff(t) < 0)
    # R_s = R_P halves it
    assert pol.apparent_tmr(1000.0, 2500.0, 1000.0) == pytest.approx(0.75)


def test_tmr_broadcasting_shapes():
    r_p = np.full((3, 1), 1000.0)
    r_ap = np.linspace(1100, 3000, 4)[None, :]
    assert pol.tmr_resistance(r_p, r_ap).shape == (3, 4)
    assert pol.apparent_tmr(r_p, r_ap, np.zeros((2, 1, 1))).shape == (2, 3, 4)
    assert np.ndim(pol.tmr_resistance(1.0, 2.0)) == 0


@pytest.mark.parametrize("func", [pol.tmr_resistance, pol.tmr_conductance, pol.tmr_julliere_ratio])
@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_tmr_rejects_nonpositive_or_nonfinite(func, bad):
    with pytest.raises(ParameterError):
        func(bad, 1.0)
    with pytest.raises(ParameterError):
        func(1.0, [1.0, bad])


def test_apparent_tmr_rejects_negative_series():
    with pytest.raises(ParameterError, match="r_series"):
        pol.apparent_tmr(1.0, 2.0, -0.1)


# -- static vs differential resistance ---------------------------------------------
def _cubic_iv(V, g0=1e-3, b=0.8):
    # I = G0 (V + b V^3): R_static = 1/(G0 (1 + b V^2)), R_diff = 1/(G0 (1 + 3 b V^2))
    return g0 * (V + b * V**3)


def test_static_and_differential_resistance_of_cubic_iv():
    V = np.linspace(-0.5, 0.5, 201)
    I = _cubic_iv(V)
    rs = pol.static_resistance(V, I, method="spline")
    rd_g = pol.differential_resistance(V, I, method="gradient")
    rd_s = pol.differential_resistance(V, I, method="spline")
    rs_exact = 1 / (1e-3 * (1 + 0.8 * V**2))
    rd_exact = 1 / (1e-3 * (1 + 3 * 0.8 * V**2))
    # static: exact away from 0, differential (spline) at V = 0
    np.testing.assert_allclose(rs, rs_exact, rtol=1e-9)
    # spline of a cubic is exact; second-order differences err by b h^2 G0 ~ 2e-5 rel
    np.testing.assert_allclose(rd_s, rd_exact, rtol=1e-9)
    np.testing.assert_allclose(rd_g, rd_exact, rtol=5e-5)
    # at finite bias the two differ, and they agree at V = 0
    i0 = np.argmin(np.abs(V))
    assert rs[i0] == pytest.approx(rd_s[i0], rel=1e-9)
    assert np.all(rd_s[np.abs(V) > 0.1] < rs[np.abs(V) > 0.1])


def test_static_differential_on_nonuniform_grid_and_axis():
    V = np.sort(np.concatenate([np.linspace(-0.4, 0.4, 41), [0.013, -0.027]]))
    I = np.stack([_cubic_iv(V, 1e-3), _cubic_iv(V, 0.5e-3, 0.2)])  # (2, n)
    rd = pol.differential_resistance(V, I, method="spline")
    assert rd.shape == (2, V.size)
    np.testing.assert_allclose(rd[1], 1 / (0.5e-3 * (1 + 0.6 * V**2)), rtol=1e-9)
    # same data with V along axis 0
    rd0 = pol.differential_resistance(V, I.T, method="spline", axis=0)
    np.testing.assert_allclose(rd0, rd.T, rtol=1e-12)
    rs0 = pol.static_resistance(V, I.T, axis=0)
    assert rs0.shape == (V.size, 2)


def test_tmr_static_vs_differential_differ_at_bias():
    # AP has a stronger cubic term (falls faster): TMR_diff < TMR_static at |V| > 0
    V = np.linspace(-0.6, 0.6, 61)
    i_p = _cubic_iv(V, 1e-3, 0.5)
    i_ap = _cubic_iv(V, 0.4e-3, 2.0)
    t_static = pol.tmr_resistance(pol.static_resistance(V, i_p, "spline"), pol.static_resistance(V, i_ap, "spline"))
    t_diff = pol.tmr_resistance(pol.differential_resistance(V, i_p, "spline"),
                                pol.differential_resistance(V, i_ap, "spline"))
    i0 = 30
    assert t_static[i0] == pytest.approx(1.5, rel=1e-9)
    assert t_diff[i0] == pytest.approx(1.5, rel=1e-9)
    assert np.all(t_diff[np.abs(V) > 0.05] < t_static[np.abs(V) > 0.05])


def test_resistance_input_errors():
    V = np.linspace(-1, 1, 5)
    with pytest.raises(ParameterError, match="strictly increasing"):
        pol.static_resistance(V[::-1], V[::-1])
    with pytest.raises(ParameterError, match="I"):
        pol.static_resistance(V, np.ones(4))
    with pytest.raises(ParameterError, match="at least 4"):
        pol.differential_resistance(V[:3], V[:3], method="spline")
    with pytest.raises(UnknownNameError, match="gradient"):
        pol.differential_resistance(V, V, method="finite")
    with pytest.raises(ParameterError, match="nonzero slope"):
        pol.differential_resistance(V, np.ones(5))
    with pytest.raises(ParameterError, match="nonzero current"):
        pol.static_resistance(V, np.where(V == 1.0, 0.0, V))
    with pytest.raises(ParameterError, match="axis"):
        pol.static_resistance(V, V, axis=3)
    with pytest.raises(ParameterError, match="finite"):
        pol.static_resistance(V, np.where(V > 0, np.nan, V))


# -- Julliere -----------------------------------------------------------------------
def test_julliere_definitions_and_broadcast():
    p = np.array([0.1, 0.4, 0.7])[:, None]
    q = np.array([0.2, 0.5])[None, :]
    t_r = pol.julliere_tmr(p, q)
    t_j = pol.julliere_tmr(p, q, definition="julliere")
    assert t_r.shape == (3, 2)
    np.testing.assert_allclose(pol.julliere_tmr(p, q, "conductance"), t_r)
    np.testing.assert_allclose(t_j, t_r / (1 + t_r), rtol=1e-12)


def test_julliere_sign_and_symmetry():
    assert pol.julliere_tmr(0.5, -0.5) < 0  # opposite polarizations: inverse TMR
    assert pol.julliere_tmr(0.0, 0.9) == 0.0
    assert pol.julliere_tmr(0.3, 0.6) == pytest.approx(pol.julliere_tmr(0.6, 0.3))


def test_julliere_from_dos_equals_conductance_products():
    n1u, n1d, n2u, n2d = 0.72, 0.28, 0.65, 0.35
    g_p = n1u * n2u + n1d * n2d
    g_ap = n1u * n2d + n1d * n2u
    assert pol.julliere_tmr_from_dos(n1u, n1d, n2u, n2d) == pytest.approx(g_p / g_ap - 1, rel=1e-12)
    assert pol.julliere_tmr_from_dos(n1u, n1d, n2u, n2d, "julliere") == pytest.approx(1 - g_ap / g_p, rel=1e-12)
    # scale invariance of each electrode's DOS
    assert pol.julliere_tmr_from_dos(7.2, 2.8, 0.065, 0.035) == pytest.approx(g_p / g_ap - 1, rel=1e-12)


def test_inverse_julliere_round_trip():
    P = np.linspace(0.0, 0.95, 20)
    for definition in ("resistance", "julliere"):
        t = pol.julliere_tmr(P, P, definition)
        np.testing.assert_allclose(pol.polarization_from_tmr(t, definition), P, rtol=1e-12, atol=1e-15)


def test_julliere_errors():
    with pytest.raises(ParameterError, match=r"p1 = 1\.0.*\(-1, 1\)"):
        pol.julliere_tmr(1.0, 0.5)
    with pytest.raises(UnknownNameError, match="'julliere'"):
        pol.julliere_tmr(0.5, 0.5, definition="optimistic")
    with pytest.raises(ParameterError, match="tmr"):
        pol.polarization_from_tmr(-0.1)
    with pytest.raises(ParameterError, match="tmr"):
        pol.polarization_from_tmr(1.0, "julliere")
    with pytest.raises(ParameterError, match="n1_down"):
        pol.julliere_tmr_from_dos(1.0, 0.0, 1.0, 0.5)
    # a DOS ratio so extreme that P rounds to 1 is refused, not returned as inf
    with pytest.raises(ParameterError, match="electrode 1"):
        pol.julliere_tmr_from_dos(1.0, 1e-300, 1.0, 1e-300)


# -- transport polarization ------------------------------------------------------------
def test_transport_polarization_hand_values():
    # N = 0.6/0.4, v = 1.0/0.5 (arbitrary units)
    nu, nd, vu, vd = 0.6, 0.4, 1.0e6, 0.5e6
    assert pol.transport_polarization(nu, nd, vu, vd, 0) == pytest.approx(0.2)
    assert pol.transport_polarization(nu, nd, vu, vd, 1) == pytest.approx((0.6 - 0.2) / (0.6 + 0.2))
    assert pol.transport_polarization(nu, nd, vu, vd, 2) == pytest.approx((0.6 - 0.1) / (0.6 + 0.1))


def test_transport_polarization_faster_majority_raises_P_with_n():
    p = [pol.transport_polarization(0.5, 0.5, 2e6, 1e6, n) for n in (0, 1, 2)]
    assert p[0] == 0.0 and 0 < p[1] < p[2]
    # and a slower majority band can reverse the sign (Mazin's point about Ni)
    assert pol.transport_polarization(0.6, 0.4, 0.5e6, 1e6, 2) < 0 < pol.transport_polarization(0.6, 0.4, 0.5e6, 1e6, 0)


def test_transport_polarization_half_metal_and_broadcast():
    assert pol.transport_polarization(1.0, 0.0, 1e6, 1e6, 2) == 1.0
    assert pol.transport_polarization(0.0, 1.0, 1e6, 1e6, 1) == -1.0
    out = pol.transport_polarization(np.array([0.5, 0.7])[:, None], 0.3, np.array([1e6, 2e6, 3e6]), 1e6)
    assert out.shape == (2, 3) and np.all(np.abs(out) < 1)


@pytest.mark.parametrize("n", [3, -1, 1.5, "2", None, True, np.array([1, 2])])
def test_transport_polarization_bad_power(n):
    with pytest.raises(ParameterError, match="Mazin"):
        pol.transport_polarization(0.6, 0.4, 1e6, 1e6, n)


def test_transport_polarization_bad_values():
    with pytest.raises(ParameterError, match="n_up \\+ n_down"):
        pol.transport_polarization(0.0, 0.0, 1e6, 1e6)
    with pytest.raises(ParameterError, match="v_down"):
        pol.transport_polarization(0.5, 0.5, 1e6, 0.0)
    with pytest.raises(ParameterError, match="n_down"):
        pol.transport_polarization(0.5, -0.1, 1e6, 1e6)


def test_electrode_polarization_matches_record():
    el = Electrode(name="x", dos_up=0.7, dos_down=0.3, velocity_up=0.9e6, velocity_down=0.45e6)
    assert pol.electrode_polarization(el, 0) == pytest.approx(el.polarization, rel=1e-12)
    assert pol.electrode_polarization(el, 2) == pytest.approx((0.7 * 4 - 0.3) / (0.7 * 4 + 0.3), rel=1e-12)
    with pytest.raises(ParameterError, match="Electrode"):
        pol.electrode_polarization("Fe", 0)


def test_errors_are_mramsim_errors():
    with pytest.raises(MramsimError):
        pol.tmr_resistance("a lot", 1.0)
