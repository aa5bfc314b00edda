"""Coherent, symmetry-filtered tunnelling and disorder (mramsim.physics.coherent)."""
import numpy as np
import pytest
from scipy.integrate import quad

import mramsim as ms
from mramsim.constants import eV, m_e
from mramsim.physics.coherent import (
    broadened_k_transmission,
    channel_conductances,
    disorder_coherence,
    k_parallel_integral,
    spin_mix,
    spin_pair_conductances,
    window_per_volt,
)
from mramsim.physics.tunneling import wkb_exponent

ANNEAL = ms.Anneal(673.15, 3600.0, "Ta")


def test_k_parallel_integral_exact_for_rectangular_barrier():
    # two methods: closed form vs numerical 2-D integral of exp(-2 d sqrt(kappa^2 + k^2))
    for kappa, d in [(2.2e9, 1.0e-9), (4e9, 2.5e-9), (1e9, 0.8e-9)]:
        num, _ = quad(lambda k: k / (2 * np.pi) * np.exp(-2 * d * (np.sqrt(kappa**2 + k**2) - kappa)),
                      0, 50 * np.sqrt(kappa / d), limit=200)
        assert k_parallel_integral(kappa, d) == pytest.approx(num, rel=1e-7)


def test_channel_k_integral_matches_numerical_k_integration_of_wkb():
    # analytic transverse integral (mean kappa) vs explicit k_par2 integration of the WKB
    # exponent of the biased, asymmetric trapezoid: agreement within 3 %
    phi1, phi2, d, m = 0.5 * eV, 0.6 * eV, 1.2e-9, 0.35 * m_e
    for E, V in [(0.0, 0.0), (0.05 * eV, 0.3), (-0.1 * eV, -0.4)]:
        X0 = wkb_exponent(E, V, phi1, phi2, d, m)
        analytic = np.exp(-X0) * k_parallel_integral(X0 / (2 * d), d)
        kmax = 40 * np.sqrt(X0 / (2 * d) / d)
        num, _ = quad(lambda k: k / (2 * np.pi) * np.exp(-wkb_exponent(E, V, phi1, phi2, d, m, k * k)), 0, kmax,
                      limit=200)
        assert analytic == pytest.approx(num, rel=0.03)


def test_broadened_transmission_conserves_k_integral_and_drops_peak_by_eta():
    kappa, d, xi = 2.2e9, 1e-9, 1.2e-9
    eta = disorder_coherence(kappa, d, xi)
    assert 0 < eta < 1
    k = np.linspace(0, 60 * np.sqrt(kappa / d), 20001)
    sharp = broadened_k_transmission(k, kappa, d, np.inf)
    broad = broadened_k_transmission(k, kappa, d, xi)
    tot = lambda y: np.trapezoid(y * k / (2 * np.pi), k)  # noqa: E731
    assert tot(broad) == pytest.approx(tot(sharp), rel=1e-6)
    assert broad[0] / sharp[0] == pytest.approx(eta, rel=1e-12)
    # larger xi -> closer to 1, monotone
    etas = disorder_coherence(kappa, d, np.array([0.5e-9, 1e-9, 3e-9, 30e-9]))
    assert np.all(np.diff(etas) > 0) and etas[-1] > 0.99


def test_window_per_volt_zero_bias_limit_is_continuous():
    E = np.linspace(-0.2, 0.2, 41) * eV
    w0 = window_per_volt(E, 0.0, 300.0)
    w1 = window_per_volt(E, 1e-5, 300.0)
    np.testing.assert_allclose(w1, w0, rtol=1e-6, atol=1e-12 * w0.max())


def test_spin_mix_scales_polarization():
    nu, nd = spin_mix(0.7, 0.3, 0.1)
    assert (nu - nd) / (nu + nd) == pytest.approx(0.4 * (1 - 0.2), rel=1e-12)


def test_no_coherence_is_exactly_julliere_for_any_weights():
    rng = np.random.default_rng(3)
    tau = rng.uniform(0.1, 1.0, 4)
    wL, wR = rng.uniform(0, 1, (2, 4)), rng.uniform(0, 1, (2, 4))
    nL, nR = np.array([0.8, 0.2]), np.array([0.65, 0.35])
    G = spin_pair_conductances(tau, tau, 0.0, wL, wR, nL, nR)
    P1, P2 = 0.6, 0.3
    ratio = (G[0, 0] + G[1, 1]) / (G[0, 1] + G[1, 0])
    assert ratio == pytest.approx((1 + P1 * P2) / (1 - P1 * P2), rel=1e-12)


def test_coherent_ap_has_no_delta1_when_minority_lacks_it():
    tau = np.array([1.0, 0.0, 0.0, 0.0])  # only Delta1 transmits
    el = ms.Stack.preset("fe_mgo_fe").left
    w = el.channel_weights
    G = spin_pair_conductances(tau, tau, 1.0, w, w, np.array([0.7, 0.3]), np.array([0.7, 0.3]))
    assert G[0, 1] + G[1, 0] == 0.0
    assert G[0, 0] == pytest.approx(1.0)


def test_unpolarized_coherent_and_diffuse_carry_same_conductance():
    tau = np.array([1.0, 0.3, 0.1, 0.2])
    w = np.array([[0.5, 0.5, 0.2, 0.3], [0.5, 0.5, 0.2, 0.3]])
    n = np.array([0.5, 0.5])
    g1 = spin_pair_conductances(tau, tau, 1.0, w, w, n, n).sum()
    g0 = spin_pair_conductances(tau, tau, 0.0, w, w, n, n).sum()
    assert g1 == pytest.approx(g0, rel=1e-12)


def test_delta1_channel_decays_slowest_and_ra_grows_exponentially():
    b = ms.Stack.preset("cofeb_mgo").barrier
    d = np.array([1.0e-9, 1.5e-9, 2.0e-9])
    taus = np.array([channel_conductances(0.0, 300.0, b.phi1, b.phi2, di, b.mass_ratio, b.channel_offsets)[0]
                     for di in d])
    assert np.all(np.argmax(taus, axis=1) == 0)
    # tau ~ exp(-2 kappa d) / d (the k-parallel cone narrows as 1/d): slope of
    # ln(d tau_Delta1) is -2 kappa within 6 % (thermal smearing and the 1/d^2 term)
    kappa = np.sqrt(2 * b.mass_ratio * m_e * b.height) / ms.constants.hbar
    slope = np.polyfit(d, np.log(d * taus[:, 0]), 1)[0]
    assert slope == pytest.approx(-2 * kappa, rel=0.06)


def test_channel_conductances_vectorised_shape():
    b = ms.Stack.preset("cofeb_mgo").barrier
    V = np.linspace(-0.5, 0.5, 5)[:, None]
    T = np.array([250.0, 300.0, 350.0])[None, :]
    tau, te = channel_conductances(V, T, b.phi1, b.phi2, b.thickness, b.mass_ratio, b.channel_offsets, xi=2e-9)
    assert tau.shape == (5, 3, 4) and te.shape == (5, 3, 4)
    assert np.all(te < tau) and np.all(te > 0)


@pytest.mark.parametrize("field,values", [
    ("correlation_length", [50e-9, 5e-9, 3e-9, 2e-9, 1.5e-9, 1e-9, 0.5e-9, 0.2e-9]),
    ("diffuse_fraction", [0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0]),
])
def test_disorder_lowers_tmr_monotonically_towards_julliere(field, values):
    st = ms.Stack.preset("cofeb_mgo").replace(r_series=0.0)
    tmr = np.array([float(ms.MTJDevice(st.replace(**{field: v}), ANNEAL).tmr(0.0, 300.0)) for v in values])
    assert np.all(np.diff(tmr) < 0), tmr
    amorphous = float(ms.MTJDevice(st, None).tmr(0.0, 300.0))  # fully diffuse (Julliere-like)
    # the end points approach the diffuse value (1 % allows the 400 C anneal's slight
    # interdiffusion depolarization, delta ~ 2e-3)
    assert tmr[-1] < 1.15 * amorphous
    if field == "diffuse_fraction":
        assert tmr[-1] == pytest.approx(amorphous, rel=0.01)
