r"""Barrier transport engine: Fermi window, WKB transmission, Tsu-Esaki current.

Energies are measured from the mean chemical potential; a bias V puts the left
electrode at :math:`\mu_L = +eV/2` and the right at :math:`\mu_R = -eV/2`, so
positive V drives electrons left to right and gives positive current.
The barrier is trapezoidal: :math:`U(0) = \phi_1 + eV/2`,
:math:`U(d) = \phi_2 - eV/2`, linear in between.

The closed forms (Simmons, Brinkman-Dynes-Rowell) live in
:mod:`mramsim.physics.simmons` and are re-exported here.

References
----------
R. Tsu, L. Esaki, Appl. Phys. Lett. 22, 562 (1973). doi:10.1063/1.1654509
J. G. Simmons, J. Appl. Phys. 34, 1793 (1963). doi:10.1063/1.1702682
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from ..constants import e, eV, h, hbar, k_B, m_e

__all__ = [
    "fermi_dirac",
    "fermi_window",
    "supply_function",
    "wkb_exponent",
    "wkb_transmission",
    "energy_nodes",
    "tsu_esaki_current_density",
    "tsu_esaki_conductance_density",
    "ENGINE_TEMPERATURE_RANGE",
    # closed forms, re-exported from mramsim.physics.simmons (appended below)
    "decay_constant",
    "simmons_low_voltage_conductance_density",
    "simmons_low_voltage_current_density",
    "simmons_intermediate_current_density",
    "simmons_intermediate_conductance_density",
    "bdr_conductance_ratio",
    "bdr_conductance_density",
]

#: Gauss-Legendre order per energy panel (see energy_nodes).
DEFAULT_ORDER = 24


def fermi_dirac(E, T):
    r"""Fermi-Dirac occupation :math:`f(E) = 1/(1 + e^{E/k_BT})`.

    Parameters
    ----------
    E : array_like
        Energy relative to the chemical potential [J].
    T : array_like
        Temperature [K], > 0.

    Returns
    -------
    ndarray
        Occupation [-], computed stably for any E/kT.
    """
    return expit(-np.asarray(E, dtype=float) / (k_B * np.asarray(T, dtype=float)))


def fermi_window(E, V, T):
    r"""Bias window :math:`f(E-\mu_L) - f(E-\mu_R)` with :math:`\mu_{L,R} = \pm eV/2`.

    At :math:`|eV| \ll k_BT` it is :math:`\approx -eV\,\partial f/\partial E`,
    a peak of width ~3.5 kT (FWHM); at :math:`k_BT \ll |eV|` it is a box of width
    :math:`|eV|` between the two chemical potentials.

    Parameters
    ----------
    E : array_like
        Energy [J] relative to the mean chemical potential.
    V : array_like
        Bias [V].
    T : array_like
        Temperature [K].
    """
    E = np.asarray(E, dtype=float)
    half = 0.5 * e * np.asarray(V, dtype=float)
    return fermi_dirac(E - half, T) - fermi_dirac(E + half, T)


def _softplus(x):
    return np.logaddexp(0.0, x)


def supply_function(E_x, V, T):
    r"""Free-electron supply function per unit bias, :math:`N(E_x)/V` [J/V].

    .. math::
        N(E_x) = k_BT \ln\frac{1 + e^{(\mu_L - E_x)/k_BT}}{1 + e^{(\mu_R - E_x)/k_BT}}

    (transverse states integrated analytically; Tsu & Esaki 1973). Returned
    divided by V so that V -> 0 is finite: the limit is
    :math:`e [f(E_x-\mu_L) + f(E_x-\mu_R)]/2`, used when :math:`|eV| < 10^{-4} k_BT`.
    """
    E_x = np.asarray(E_x, dtype=float)
    V = np.asarray(V, dtype=float)
    kT = k_B * np.asarray(T, dtype=float)
    half = 0.5 * e * V
    a = (half - E_x) / kT
    b = (-half - E_x) / kT
    small = np.abs(e * V) < 1e-4 * kT
    Vsafe = np.where(small, 1.0, V)
    full = kT * (_softplus(a) - _softplus(b)) / Vsafe
    lim = 0.5 * e * (fermi_dirac(E_x - half, kT / k_B) + fermi_dirac(E_x + half, kT / k_B))
    return np.where(small, lim, full)


def wkb_exponent(E_x, V, phi1, phi2, d, m_eff, k_par2=0.0):
    r"""WKB exponent :math:`2\int_0^d \kappa(x)\,dx` of a trapezoidal barrier.

    .. math::
        \kappa(x) = \sqrt{2 m^* \max(U(x) - E_x, 0)/\hbar^2 + k_\parallel^2},\quad
        U(x) = \phi_1 + eV/2 + (\phi_2 - \phi_1 - eV)\,x/d

    For :math:`k_\parallel = 0` the integral is closed-form,
    :math:`\int_0^d\sqrt{u}\,dx = \tfrac{2d}{3}(u_d^{3/2} - u_0^{3/2})/(u_d - u_0)`
    with u clipped at 0 (classically allowed parts contribute nothing), written
    in the cancellation-free form :math:`\tfrac{2d}{3}(u_0 + \sqrt{u_0u_d} + u_d)/(\sqrt{u_0}+\sqrt{u_d})`
    when both ends are forbidden. A transverse momentum enters as an extra
    longitudinal energy :math:`\hbar^2k_\parallel^2/2m^*` added to U.

    Parameters
    ----------
    E_x : array_like
        Longitudinal energy [J].
    V : array_like
        Bias [V].
    phi1, phi2 : array_like
        Barrier heights above E_F at the left and right interfaces, at zero bias [J].
    d : array_like
        Thickness [m].
    m_eff : array_like
        Effective mass in the barrier [kg].
    k_par2 : array_like
        Squared transverse wave vector [1/m^2].

    Returns
    -------
    ndarray
        The exponent [-] (transmission is ``exp(-result)``).
    """
    E_x = np.asarray(E_x, dtype=float)
    V = np.asarray(V, dtype=float)
    m_eff = np.asarray(m_eff, dtype=float)
    shift = hbar**2 * np.asarray(k_par2, dtype=float) / (2.0 * m_eff)
    half = 0.5 * e * V
    u0 = phi1 + half + shift - E_x
    ud = phi2 - half + shift - E_x
    a = np.maximum(u0, 0.0)
    b = np.maximum(ud, 0.0)
    sa, sb = np.sqrt(a), np.sqrt(b)
    both = (u0 > 0) & (ud > 0)
    denom_both = np.where(both, sa + sb, 1.0)
    integ_both = (2.0 / 3.0) * (a + sa * sb + b) / denom_both
    du = ud - u0
    du_safe = np.where(both | (du == 0), 1.0, du)
    integ_mixed = (2.0 / 3.0) * (b * sb - a * sa) / du_safe
    integ = np.where(both, integ_both, np.where(du == 0, 0.0, integ_mixed))
    return 2.0 * d * np.sqrt(2.0 * m_eff) / hbar * integ


def wkb_transmission(E_x, V, phi1, phi2, d, m_eff, k_par2=0.0):
    """WKB transmission ``exp(-wkb_exponent(...))`` [-]; see :func:`wkb_exponent`."""
    return np.exp(-wkb_exponent(E_x, V, phi1, phi2, d, m_eff, k_par2))


def energy_nodes(V, T, phi1, phi2, e_low, order=DEFAULT_ORDER, tail_kT=36.0, inner_kT=None):
    r"""Panelled Gauss-Legendre nodes and weights for the energy integral.

    Breakpoints (sorted per bias point) are the lower limit ``e_low``, the two
    chemical potentials :math:`\pm eV/2` widened by :math:`\pm 12 k_BT`, the
    barrier-edge energies (where the WKB transmission has a kink) and the upper
    limit :math:`\max\mu + ` ``tail_kT`` kT. Each of the 7 panels gets ``order``
    nodes, so the integrand's kinks and Fermi edges fall on panel borders.
    With ``inner_kT`` (e.g. 4) the Fermi edges get four more borders at
    :math:`\pm eV/2 \pm` ``inner_kT`` kT (11 panels): the thermal window
    :math:`f(1-f)` has poles at :math:`\pm i\pi k_BT`, so a +-12 kT panel
    converges only as ~1.3^(-2 order) (3e-6 at order 24), while +-4 kT panels
    reach ~2^(-2 order); the device model needs this so that R(V) has no
    quadrature jitter on a sub-mV grid.

    Parameters
    ----------
    V, T : array_like
        Bias [V] and temperature [K]; broadcast together to shape S.
    phi1, phi2 : float
        Zero-bias barrier heights [J].
    e_low : array_like
        Lower limit of the integral [J] (band bottom or where the integrand is
        negligible).
    order : int
        Gauss-Legendre order per panel.

    Returns
    -------
    E, w : ndarray, shape S + (7*order,) (11*order with ``inner_kT``)
        Nodes [J] and weights [J].
    """
    V, T = np.broadcast_arrays(np.asarray(V, float), np.asarray(T, float))
    kT = k_B * T
    half = 0.5 * e * np.abs(V)
    top = half + tail_kT * kT
    low = np.minimum(np.broadcast_to(np.asarray(e_low, float), V.shape), -half - 12 * kT)
    edges_b = np.stack(
        [
            -half - 12 * kT,
            -half + 12 * kT,
            half - 12 * kT,
            half + 12 * kT,
            np.clip(phi1 + 0.5 * e * V, low, top),
            np.clip(phi2 - 0.5 * e * V, low, top),
        ]
        + ([] if inner_kT is None else [-half - inner_kT * kT, -half + inner_kT * kT,
                                        half - inner_kT * kT, half + inner_kT * kT]),
        axis=-1,
    )
    edges_b = np.clip(edges_b, low[..., None], top[..., None])
    bps = np.concatenate([low[..., None], np.sort(edges_b, axis=-1), top[..., None]], axis=-1)
    x, wx = np.polynomial.legendre.leggauss(order)
    a = bps[..., :-1, None]
    b = bps[..., 1:, None]
    E = 0.5 * (b - a) * x + 0.5 * (b + a)
    w = 0.5 * (b - a) * wx
    shape = V.shape + (-1,)
    return E.reshape(shape), w.reshape(shape)


def _prefactor(m_eff):
    # 4 pi m e / h^3 [A / (m^2 J^2)] -- Tsu-Esaki free-electron supply.
    return 4.0 * np.pi * m_eff * e / h**3


#: Temperatures the energy-integral engine accepts [K] (below 1 mK k_BT underflows
#: the Fermi-window arithmetic; above 1e4 K a tunnel junction is meaningless).
ENGINE_TEMPERATURE_RANGE = (1e-3, 1e4)


def _check_engine_inputs(V, T, phi1, phi2, d, mass_ratio, fermi_energy, order):
    """Validate the public engine entry points (ranges as in mramsim.physics.simmons)."""
    from .._validation import check_range
    from ..errors import ParameterError
    from .simmons import BARRIER_HEIGHT_RANGE, BIAS_RANGE, MASS_RATIO_RANGE, THICKNESS_RANGE

    check_range("V", V, -BIAS_RANGE, BIAS_RANGE, unit="V")
    check_range("T", T, *ENGINE_TEMPERATURE_RANGE, unit="K")
    check_range("phi1", phi1, *BARRIER_HEIGHT_RANGE, unit="J")
    check_range("phi2", phi2, *BARRIER_HEIGHT_RANGE, unit="J")
    check_range("d", d, *THICKNESS_RANGE, unit="m")
    check_range("mass_ratio", mass_ratio, *MASS_RATIO_RANGE)
    if fermi_energy is not None:
        check_range("fermi_energy", fermi_energy, 0.01 * eV, 100.0 * eV, unit="J")
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 1 <= order <= 200:
        raise ParameterError("order", order, "an integer in [1, 200] (Gauss-Legendre nodes per panel)")


def tsu_esaki_conductance_density(V, T, phi1, phi2, d, mass_ratio=1.0, fermi_energy=None,
                                  order=DEFAULT_ORDER):
    r"""Static conductance per area :math:`J/V` [S/m^2] from the Tsu-Esaki integral.

    .. math::
        J(V,T) = \frac{4\pi m^* e}{h^3}\int dE_x\, T_{WKB}(E_x, V)\, N(E_x, V, T)

    evaluated as :math:`J/V` with :func:`supply_function` so that V = 0 gives the
    zero-bias conductance exactly. Vectorised: V and T broadcast.

    Parameters
    ----------
    V : array_like
        Bias [V].
    T : array_like
        Temperature [K], in :data:`ENGINE_TEMPERATURE_RANGE`.
    phi1, phi2 : float
        Zero-bias barrier heights above E_F at the two interfaces [J].
    d : float
        Barrier thickness [m].
    mass_ratio : float
        m*/m_e in the barrier (used in the supply prefactor too, as in Simmons 1963).
    fermi_energy : float, optional
        Electrode Fermi energy above the band bottom [J]; the integral starts at
        :math:`-E_F`. Default: 10 eV below E_F (the integrand is
        negligible there for any realistic barrier).
    order : int
        Gauss-Legendre order per panel (24 converges to < 1e-6 relative).

    Raises
    ------
    ParameterError
        If an input is outside its allowed range: |V| <= 100 V, T in
        :data:`ENGINE_TEMPERATURE_RANGE`, phi in 1 meV-20 eV, d in
        0.01-100 nm, m*/m_e in 0.01-10 (see :mod:`mramsim.physics.simmons`).
    """
    _check_engine_inputs(V, T, phi1, phi2, d, mass_ratio, fermi_energy, order)
    m_eff = mass_ratio * m_e
    e_low = -fermi_energy if fermi_energy is not None else -10.0 * eV
    E, w = energy_nodes(V, T, phi1, phi2, e_low, order=order)
    Vb = np.asarray(V, float)[..., None]
    Tb = np.asarray(T, float)[..., None]
    integrand = wkb_transmission(E, Vb, phi1, phi2, d, m_eff) * supply_function(E, Vb, Tb)
    return _prefactor(m_eff) * np.sum(integrand * w, axis=-1)


def tsu_esaki_current_density(V, T, phi1, phi2, d, mass_ratio=1.0, fermi_energy=None,
                              order=DEFAULT_ORDER):
    r"""Tsu-Esaki current density J(V, T) [A/m^2]; see :func:`tsu_esaki_conductance_density`."""
    return np.asarray(V, float) * tsu_esaki_conductance_density(
        V, T, phi1, phi2, d, mass_ratio, fermi_energy, order
    )


# -- closed forms (Simmons 1963, Brinkman-Dynes-Rowell 1970), defined in simmons.py --
from .simmons import (  # noqa: E402
    bdr_conductance_density,
    bdr_conductance_ratio,
    decay_constant,
    simmons_intermediate_conductance_density,
    simmons_intermediate_current_density,
    simmons_low_voltage_conductance_density,
    simmons_low_voltage_current_density,
)
