"""Tests of the Tsu-Esaki / WKB engine in mramsim.physics.tunneling.

Each numerical piece is checked against an independent method: the Fermi
window against its analytic integral and widths, the supply function against
a numerical transverse-energy integral, the WKB exponent against adaptive
quadrature of kappa(x), and the energy integral against the closed-form
zero-bias conductance of a rectangular barrier.
"""
import numpy as np
import pytest
from scipy.integrate import quad

from mramsim.constants import e, eV, h, hbar, k_B, m_e
from mramsim.errors import ParameterError
from mramsim.physics import tunneling as tn

PHI = 1.0 * eV
D = 1.0e-9


# -- Fermi function and window ------------------------------------------------------
def test_fermi_dirac_basic_identities_and_extremes():
    T = 300.0
    E = np.linspace(-0.5, 0.5, 101) * eV
    f = tn.fermi_dirac(E, T)
    assert tn.fermi_dirac(0.0, T) == 0.5
    np.testing.assert_allclose(f + f[::-1], 1.0, rtol=1e-14)
    ext = tn.fermi_dirac(np.array([-1e5, 1e5]) * k_B * T, T)
    assert np.all(np.isfinite(ext)) and ext[0] == 1.0 and ext[1] == 0.0


@pytest.mark.parametrize("V, T", [(1e-4, 300.0), (0.02, 300.0), (0.3, 4.2), (-0.2, 77.0), (0.5, 400.0)])
def test_fermi_window_integrates_to_eV(V, T):
    lo = -abs(e * V) / 2 - 40 * k_B * T
    val, _ = quad(lambda E: float(tn.fermi_window(E, V, T)), lo, -lo, points=[-e * V / 2, e * V / 2],
                  limit=200, epsabs=0, epsrel=1e-10)
    assert val == pytest.approx(e * V, rel=1e-8)


def _fwhm(E, w):
    w = np.abs(w)
    above = E[w >= 0.5 * w.max()]
    return above.max() - above.min()


def test_thermal_window_width_is_kT_at_low_bias():
    # |eV| << kT: window -> -eV df/dE, FWHM = 2 ln(3 + 2 sqrt 2) kT = 3.5255 kT
    T = 300.0
    kT = k_B * T
    E = np.linspace(-15, 15, 300001) * kT
    w = tn.fermi_window(E, 1e-3 * kT / e, T)
    assert _fwhm(E, w) / kT == pytest.approx(2 * np.log(3 + 2 * np.sqrt(2)), rel=1e-3)


def test_bias_window_width_is_eV_at_low_temperature():
    # kT << |eV|: a box between the chemical potentials, width |eV| up to O(kT)
    T = 4.2
    kT = k_B * T
    for V in (0.05, 0.2):
        E = np.linspace(-0.2, 0.2, 400001) * eV
        w = tn.fermi_window(E, V, T)
        width = _fwhm(E, w)
        assert abs(width - e * V) < 2 * kT + 2 * (E[1] - E[0])
        # flat top: inside the window the occupation difference is 1
        inside = np.abs(E) < e * V / 2 - 20 * kT
        np.testing.assert_allclose(w[inside], 1.0, atol=1e-8)


def test_window_crossover_width_grows_from_kT_to_eV():
    T = 300.0
    kT = k_B * T
    E = np.linspace(-1.0, 1.0, 200001) * eV
    widths = [_fwhm(E, tn.fermi_window(E, V, T)) for V in (1e-4, 0.05, 0.2, 0.8)]
    assert np.all(np.diff(widths) > 0)
    assert widths[0] == pytest.approx(3.5255 * kT, rel=2e-3)
    assert widths[-1] == pytest.approx(0.8 * eV, rel=0.01)


# -- supply function --------------------------------------------------------------------
@pytest.mark.parametrize("E_x_ev, V, T", [(-0.05, 0.1, 300.0), (0.0, 0.01, 77.0), (0.1, -0.3, 400.0), (-2.0, 0.2, 300.0)])
def test_supply_function_equals_transverse_integral(E_x_ev, V, T):
    # N(E_x) = int_0^inf dE_t [f(E_x + E_t - mu_L) - f(E_x + E_t - mu_R)]
    E_x = E_x_ev * eV
    top = abs(E_x) + abs(e * V) + 60 * k_B * T
    pts = [p for p in (-E_x + e * V / 2, -E_x - e * V / 2) if 0 < p < top]
    num, _ = quad(lambda Et: float(tn.fermi_window(E_x + Et, V, T)), 0.0, top, points=pts or None,
                  limit=200, epsabs=0, epsrel=1e-11)
    assert tn.supply_function(E_x, V, T) * V == pytest.approx(num, rel=1e-8)


def test_supply_function_small_bias_branch_is_continuous():
    T = 300.0
    E = np.linspace(-0.2, 0.2, 41) * eV
    kT = k_B * T
    lim = tn.supply_function(E, 1e-9 * kT / e, T)  # limit branch
    full = tn.supply_function(E, 2e-4 * kT / e, T)  # full formula
    np.testing.assert_allclose(lim, full, rtol=1e-6, atol=1e-12 * e)
    # V = 0 exactly is finite
    assert np.all(np.isfinite(tn.supply_function(E, 0.0, T)))


# -- WKB exponent --------------------------------------------------------------------------
def _kappa_quad(E_x, V, p1, p2, d, m, kpar2=0.0):
    def kappa(x):
        U = p1 + e * V / 2 + (p2 - p1 - e * V) * x / d
        arg = 2 * m * (U - E_x) / hbar**2 + kpar2
        return np.sqrt(max(arg, 0.0))

    val, _ = quad(kappa, 0, d, limit=200, epsabs=0, epsrel=1e-12)
    return 2 * val


@pytest.mark.parametrize(
    "E_x_ev, V, p1, p2",
    [
        (0.0, 0.0, 1.0, 1.0),  # rectangular
        (-0.1, 0.3, 0.8, 1.2),  # trapezoid, fully forbidden
        (0.0, 1.5, 1.0, 1.0),  # Fowler-Nordheim: part of the barrier is classically allowed
        (0.6, -0.4, 1.0, 0.5),  # allowed at the left end under reverse bias
    ],
)
def test_wkb_exponent_matches_quadrature(E_x_ev, V, p1, p2):
    m = 0.4 * m_e
    ana = tn.wkb_exponent(E_x_ev * eV, V, p1 * eV, p2 * eV, D, m)
    num = _kappa_quad(E_x_ev * eV, V, p1 * eV, p2 * eV, D, m)
    assert ana == pytest.approx(num, rel=1e-8)


def test_wkb_exponent_with_transverse_momentum():
    m = 0.35 * m_e
    kpar2 = (2e9) ** 2
    ana = tn.wkb_exponent(-0.05 * eV, 0.2, 0.55 * eV, 0.6 * eV, 1.2e-9, m, k_par2=kpar2)
    num = _kappa_quad(-0.05 * eV, 0.2, 0.55 * eV, 0.6 * eV, 1.2e-9, m, kpar2)
    assert ana == pytest.approx(num, rel=1e-8)
    assert tn.wkb_transmission(0.0, 0.0, PHI, PHI, D, m_e) == pytest.approx(
        np.exp(-2 * D * np.sqrt(2 * m_e * PHI) / hbar), rel=1e-12)


def test_wkb_above_barrier_is_transparent():
    assert tn.wkb_exponent(2.0 * eV, 0.0, PHI, PHI, D, m_e) == 0.0


# -- energy integral --------------------------------------------------------------------
def _g_exact_rect(phi, d, mr=1.0, e_fermi=10 * eV):
    # Zero-bias, T -> 0 conductance of the free-electron WKB integral for a
    # rectangular barrier, integrated from the band bottom -E_F (the engine's
    # default lower limit is -10 eV):
    #   G = e^2 (4 pi m/h^3) int_{-E_F}^0 dE int_{-E_F}^{E} dE' exp(-A sqrt(phi - E'))
    # with A = 2 d sqrt(2m)/hbar; int exp(-A sqrt u) du = -(2/A^2)(1 + A sqrt u) e^{-A sqrt u}, so
    #   G = e^2 [(1 + x) e^-x - (1 + x_F) e^-x_F] / (4 pi h d^2),  x = A sqrt(phi), x_F = A sqrt(phi + E_F)
    # (the (E - E') weight of the supply function at T = 0 is handled by the inner integral).
    A = 2 * d * np.sqrt(2 * mr * m_e) / hbar
    x, xf = A * np.sqrt(phi), A * np.sqrt(phi + e_fermi)
    return e**2 * ((1 + x) * np.exp(-x) - (1 + xf) * np.exp(-xf)) / (4 * np.pi * h * d**2)


@pytest.mark.parametrize("d, mr, phi_ev", [(1e-9, 1.0, 1.0), (2e-9, 0.4, 0.6), (0.8e-9, 0.35, 0.55)])
def test_zero_bias_conductance_matches_closed_form(d, mr, phi_ev):
    # At 1 K the thermal correction (pi c kT)^2/6, c = x/(2 phi), is < 1e-6.
    g = tn.tsu_esaki_conductance_density(0.0, 1.0, phi_ev * eV, phi_ev * eV, d, mass_ratio=mr)
    assert g == pytest.approx(_g_exact_rect(phi_ev * eV, d, mr), rel=2e-6)
    g3 = tn.tsu_esaki_conductance_density(0.0, 1.0, phi_ev * eV, phi_ev * eV, d, mass_ratio=mr,
                                          fermi_energy=3 * eV)
    assert g3 == pytest.approx(_g_exact_rect(phi_ev * eV, d, mr, 3 * eV), rel=2e-6)


def test_thermal_smearing_matches_sommerfeld_expansion():
    # Zero-bias G(T) = int dE (-df/dE) F(E), F = transverse-integrated transmission
    # = (2/A^2)(1 + u) e^-u, u = A sqrt(phi - E). Sommerfeld:
    # G(T)/G(0) - 1 = (pi kT)^2/6 F''/F = (pi c kT)^2/6 * x/(1 + x), c = A/(2 sqrt(phi)),
    # i.e. Stratton's (pi c kT)^2/6 reduced by x/(1+x) because F, not T, is averaged.
    # The next Sommerfeld term is ~(7 pi^2/60)(c kT)^2 ~ 2e-3 relative to this one at 100 K.
    A = 2 * D * np.sqrt(2 * m_e) / hbar
    x = A * np.sqrt(PHI)
    c = A / (2 * np.sqrt(PHI))
    g0 = tn.tsu_esaki_conductance_density(0.0, 1.0, PHI, PHI, D)
    for T in (25.0, 50.0, 100.0):
        pred = (np.pi * c * k_B * T) ** 2 / 6 * x / (1 + x)
        g = tn.tsu_esaki_conductance_density(0.0, T, PHI, PHI, D)
        assert (g / g0 - 1) == pytest.approx(pred, rel=5e-3)
    # monotone rise with T
    gT = tn.tsu_esaki_conductance_density(0.0, np.array([4.0, 100.0, 233.0, 300.0, 398.0]), PHI, PHI, D)
    assert np.all(np.diff(gT) > 0)


def test_current_is_odd_for_symmetric_barrier_and_mirrors_for_asymmetric():
    V = np.linspace(-0.6, 0.6, 25)
    J = tn.tsu_esaki_current_density(V, 300.0, PHI, PHI, D)
    np.testing.assert_allclose(J, -J[::-1], rtol=1e-10)
    assert np.all(np.sign(J) == np.sign(V))
    Ja = tn.tsu_esaki_current_density(V, 300.0, 0.8 * PHI, 1.2 * PHI, D)
    Jb = tn.tsu_esaki_current_density(-V, 300.0, 1.2 * PHI, 0.8 * PHI, D)
    np.testing.assert_allclose(Ja, -Jb, rtol=1e-10)
    # and the asymmetric barrier rectifies
    assert not np.allclose(Ja, -Ja[::-1], rtol=1e-3)


def test_grid_broadcasting_and_current_is_V_times_G():
    V = np.linspace(-0.5, 0.5, 11)[:, None]
    T = np.array([233.15, 300.0, 398.15])[None, :]
    G = tn.tsu_esaki_conductance_density(V, T, 0.55 * eV, 0.6 * eV, D, 0.35)
    J = tn.tsu_esaki_current_density(V, T, 0.55 * eV, 0.6 * eV, D, 0.35)
    assert G.shape == J.shape == (11, 3)
    np.testing.assert_allclose(J, V * G, rtol=1e-14)
    assert np.ndim(tn.tsu_esaki_current_density(0.1, 300.0, PHI, PHI, D)) == 0


def test_energy_integral_converges_with_order():
    V = np.linspace(-0.6, 0.6, 7)
    ref = tn.tsu_esaki_conductance_density(V, 300.0, 0.55 * eV, 0.6 * eV, D, 0.35, order=64)
    g = tn.tsu_esaki_conductance_density(V, 300.0, 0.55 * eV, 0.6 * eV, D, 0.35)
    np.testing.assert_allclose(g, ref, rtol=1e-5)
    coarse = tn.tsu_esaki_conductance_density(V, 300.0, 0.55 * eV, 0.6 * eV, D, 0.35, order=4)
    assert np.max(np.abs(coarse / ref - 1)) > np.max(np.abs(g / ref - 1))


def test_fermi_energy_cutoff_only_matters_when_shallow():
    deep = tn.tsu_esaki_conductance_density(0.1, 300.0, PHI, PHI, D, fermi_energy=5 * eV)
    default = tn.tsu_esaki_conductance_density(0.1, 300.0, PHI, PHI, D)
    shallow = tn.tsu_esaki_conductance_density(0.1, 300.0, PHI, PHI, D, fermi_energy=0.05 * eV)
    # states 5-10 eV below E_F add exp(-A (sqrt(6 eV) - sqrt(1 eV))) ~ 1e-6 relative
    assert deep == pytest.approx(default, rel=1e-5)
    assert deep < default
    assert shallow < 0.9 * default


def test_energy_nodes_shape_and_weights():
    V = np.linspace(-0.5, 0.5, 5)[:, None]
    T = np.array([300.0, 400.0])
    E, w = tn.energy_nodes(V, T, PHI, PHI, -10 * eV, order=8)
    assert E.shape == w.shape == (5, 2, 7 * 8)
    # weights sum to the integration interval; nodes are sorted within it
    span = E.max(axis=-1) - E.min(axis=-1)
    assert np.all(w.sum(axis=-1) >= span)
    assert np.all(w >= 0)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(T=0.0), "T"),
        (dict(T=-5.0), "T"),
        (dict(T=np.array([300.0, np.nan])), "T"),
        (dict(d=0.0), "d"),
        (dict(phi1=-0.1 * eV), "phi1"),
        (dict(phi2=0.0), "phi2"),
        (dict(mass_ratio=-1.0), "mass_ratio"),
        (dict(V=np.inf), "V"),
        (dict(fermi_energy=0.0), "fermi_energy"),
        (dict(order=0), "order"),
        (dict(order=2.5), "order"),
    ],
)
def test_engine_rejects_invalid_input(kwargs, field):
    args = dict(V=0.1, T=300.0, phi1=PHI, phi2=PHI, d=D)
    args.update(kwargs)
    for f in (tn.tsu_esaki_conductance_density, tn.tsu_esaki_current_density):
        with pytest.raises(ParameterError) as info:
            f(**args)
        assert info.value.field == field
