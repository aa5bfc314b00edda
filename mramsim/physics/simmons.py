r"""Closed-form tunnel-barrier transport: Simmons (two named forms) and BDR.

These are the classic analytic approximations to the same free-electron WKB
problem that :func:`mramsim.physics.tunneling.tsu_esaki_current_density`
integrates numerically. They are kept *named* because they are not the same
formula and do not agree with each other:

* :func:`simmons_low_voltage_current_density` -- Simmons (1963) Eq. (25), the
  rectangular-barrier ohmic limit, with its factor 3/2;
* :func:`simmons_intermediate_current_density` -- Simmons (1963) Eq. (20) with
  the mean barrier of a trapezoid (Simmons 1963b for dissimilar electrodes),
  valid for :math:`e|V| < \min(\phi_1, \phi_2)`.

At V -> 0 the intermediate form tends to
:math:`(e/h)^2\sqrt{2m\phi}/d\,(1 - 2/x)\,e^{-x}` with :math:`x = 2d\sqrt{2m\phi}/\hbar`,
the low-voltage form to :math:`\tfrac32 (e/h)^2\sqrt{2m\phi}/d\,e^{-x}`: they
differ by :math:`1.5/(1-2/x)`, 1.5-1.9 for realistic barriers. The exact WKB
zero-bias conductance of a rectangular barrier (what the numerical engine
gives) is :math:`e^2 (1+x) e^{-x}/(4\pi h d^2)`, i.e. the intermediate form
times :math:`(1+1/x)/(1-2/x)`; Simmons' Eq. (20) keeps only the leading term in
1/x of the energy integral (see ``docs/physics_transport.md``).

* :func:`bdr_conductance_ratio` -- Brinkman, Dynes & Rowell (1970) Eq. (4):
  the parabolic G(V)/G(0) of a trapezoidal barrier, with its linear
  asymmetry term.

All functions are vectorised (numpy broadcasting), SI inside: V [V], barrier
heights [J], thickness [m]. Effective mass enters as ``mass_ratio`` = m*/m_e
in both the exponent and the prefactor (as in the numerical engine).

Sign convention (same as the numerical engine): a positive bias V raises the
left electrode's chemical potential by eV relative to the right one; ``phi1``
is the barrier height at the left interface, ``phi2`` at the right one.

References
----------
J. G. Simmons, "Generalized formula for the electric tunnel effect between
similar electrodes separated by a thin insulating film", J. Appl. Phys. 34,
1793 (1963). doi:10.1063/1.1702682
J. G. Simmons, "Electric tunnel effect between dissimilar electrodes separated
by a thin insulating film", J. Appl. Phys. 34, 2581 (1963).
doi:10.1063/1.1729774
W. F. Brinkman, R. C. Dynes, J. M. Rowell, "Tunneling conductance of
asymmetrical barriers", J. Appl. Phys. 41, 1915 (1970). doi:10.1063/1.1659141
"""
from __future__ import annotations

import numpy as np

from .._validation import check_range
from ..constants import e, eV, h, hbar, m_e
from ..errors import ParameterError

__all__ = [
    "decay_constant",
    "simmons_low_voltage_conductance_density",
    "simmons_low_voltage_current_density",
    "simmons_intermediate_current_density",
    "simmons_intermediate_conductance_density",
    "bdr_conductance_ratio",
    "bdr_conductance_density",
    "BARRIER_HEIGHT_RANGE",
    "THICKNESS_RANGE",
    "MASS_RATIO_RANGE",
    "BIAS_RANGE",
]

#: Allowed barrier heights of the closed forms [J]: 1 meV to 20 eV.
BARRIER_HEIGHT_RANGE = (1e-3 * eV, 20.0 * eV)
#: Allowed barrier thickness [m]: 0.01 nm to 100 nm.
THICKNESS_RANGE = (1e-11, 1e-7)
#: Allowed effective-mass ratio m*/m_e [-] (as materials.Barrier).
MASS_RATIO_RANGE = (0.01, 10.0)
#: Allowed |bias| [V].
BIAS_RANGE = 100.0


# -- validation helpers --------------------------------------------------------
def _check_phi(field, phi):
    check_range(field, phi, *BARRIER_HEIGHT_RANGE, unit="J")
    return np.asarray(phi, dtype=float)


def _check_d(d):
    check_range("d", d, *THICKNESS_RANGE, unit="m")
    return np.asarray(d, dtype=float)


def _check_mass(mass_ratio):
    check_range("mass_ratio", mass_ratio, *MASS_RATIO_RANGE)
    return np.asarray(mass_ratio, dtype=float)


def _check_V(V):
    check_range("V", V, -BIAS_RANGE, BIAS_RANGE, unit="V")
    return np.asarray(V, dtype=float)


def _barrier(phi1, phi2, d, mass_ratio):
    p1 = _check_phi("phi1", phi1)
    p2 = _check_phi("phi2", phi2)
    return p1, p2, _check_d(d), _check_mass(mass_ratio) * m_e


# -- decay constant --------------------------------------------------------------
def decay_constant(phi, mass_ratio=1.0):
    r"""Evanescent decay constant :math:`\kappa = \sqrt{2 m^* \phi}/\hbar` [1/m].

    The WKB transmission of a rectangular barrier at the Fermi level is
    :math:`e^{-2\kappa d}`, so ln(RA) grows as :math:`2\kappa d` (plus a slowly
    varying prefactor, see :func:`simmons_low_voltage_conductance_density`).

    Parameters
    ----------
    phi : array_like
        Barrier height above E_F [J], in :data:`BARRIER_HEIGHT_RANGE`.
    mass_ratio : array_like
        m*/m_e [-], in :data:`MASS_RATIO_RANGE`.

    Returns
    -------
    ndarray
        kappa [1/m].
    """
    phi = _check_phi("phi", phi)
    m = _check_mass(mass_ratio) * m_e
    return np.sqrt(2.0 * m * phi) / hbar


# -- Simmons low-voltage form ---------------------------------------------------
def simmons_low_voltage_conductance_density(phi1, phi2, d, mass_ratio=1.0):
    r"""Simmons (1963) low-voltage form: conductance per area J/V [S/m^2].

    Simmons (1963) Eq. (25) (rectangular barrier, :math:`V \approx 0`):

    .. math::
        \frac{J}{V} = \frac{3\sqrt{2 m^* \bar\phi}}{2 d}\left(\frac{e}{h}\right)^2
        \exp\!\left(-\frac{2 d}{\hbar}\sqrt{2 m^* \bar\phi}\right),
        \qquad \bar\phi = (\phi_1 + \phi_2)/2 .

    Note the factor 3/2: this form is *not* the V -> 0 limit of the
    intermediate form (:func:`simmons_intermediate_current_density`), which is
    smaller by :math:`(1 - 2/x)/1.5` with :math:`x = 2d\sqrt{2m^*\bar\phi}/\hbar`.
    ln(RA) = ln(1/G) then has slope exactly :math:`2\kappa + 1/d` in d.

    Parameters
    ----------
    phi1, phi2 : array_like
        Barrier heights above E_F at the left and right interfaces [J]; the
        mean :math:`\bar\phi` is used (rectangular-barrier formula).
    d : array_like
        Barrier thickness [m].
    mass_ratio : array_like
        m*/m_e [-].

    Returns
    -------
    ndarray
        Zero-bias conductance per area [S/m^2] (1/RA).

    References
    ----------
    J. G. Simmons, J. Appl. Phys. 34, 1793 (1963). doi:10.1063/1.1702682
    """
    p1, p2, d, m = _barrier(phi1, phi2, d, mass_ratio)
    phi = 0.5 * (p1 + p2)
    p = np.sqrt(2.0 * m * phi)
    return 1.5 * p / d * (e / h) ** 2 * np.exp(-2.0 * d * p / hbar)


def simmons_low_voltage_current_density(V, phi1, phi2, d, mass_ratio=1.0):
    r"""Simmons (1963) low-voltage form J = (J/V) V [A/m^2].

    See :func:`simmons_low_voltage_conductance_density` for the equation; the
    current is ohmic in V by construction (valid for :math:`e|V| \ll \bar\phi`).

    Parameters
    ----------
    V : array_like
        Bias [V], :math:`|V| \le` :data:`BIAS_RANGE`.
    phi1, phi2 : array_like
        Interface barrier heights [J].
    d : array_like
        Thickness [m].
    mass_ratio : array_like
        m*/m_e [-].

    Returns
    -------
    ndarray
        Current density [A/m^2], broadcast over all inputs.
    """
    V = _check_V(V)
    return V * simmons_low_voltage_conductance_density(phi1, phi2, d, mass_ratio)


# -- Simmons intermediate form --------------------------------------------------
def _simmons_terms(V, phi1, phi2, d, mass_ratio):
    V = _check_V(V)
    p1, p2, d, m = _barrier(phi1, phi2, d, mass_ratio)
    eV_abs = e * np.abs(V)
    lim = np.minimum(p1, p2)
    bad = eV_abs >= lim
    if np.any(bad):
        Vb = np.broadcast_to(V, np.broadcast(V, lim).shape)[np.broadcast_to(bad, np.broadcast(V, lim).shape)]
        raise ParameterError(
            "V", float(Vb.ravel()[0]), "|V| < min(phi1, phi2)/e (Simmons intermediate range; "
            "use the numerical tsu_esaki_current_density beyond it)"
        )
    phibar = 0.5 * (p1 + p2) - 0.5 * eV_abs  # mean barrier above the emitter's E_F
    A = 2.0 * d * np.sqrt(2.0 * m) / hbar  # [J^-1/2]
    J0 = e / (2.0 * np.pi * h * d**2)  # [A/(m^2 J)]
    return V, eV_abs, phibar, A, J0


def simmons_intermediate_current_density(V, phi1, phi2, d, mass_ratio=1.0):
    r"""Simmons (1963) intermediate-voltage form J(V) [A/m^2].

    Simmons (1963) Eq. (20) with :math:`\beta = 1` and the mean barrier of the
    biased trapezoid (Simmons 1963b):

    .. math::
        J = J_0\left[\bar\phi\, e^{-A\sqrt{\bar\phi}}
            - (\bar\phi + e|V|)\, e^{-A\sqrt{\bar\phi + e|V|}}\right]\operatorname{sign}V,

    .. math::
        J_0 = \frac{e}{2\pi h d^2},\quad A = \frac{2d\sqrt{2m^*}}{\hbar},\quad
        \bar\phi = \frac{\phi_1 + \phi_2 - e|V|}{2},

    valid for :math:`0 \le e|V| < \min(\phi_1, \phi_2)`. In this mean-barrier
    approximation J is odd in V even for an asymmetric barrier (asymmetry
    enters at the next order; see :func:`bdr_conductance_ratio`).

    Parameters
    ----------
    V : array_like
        Bias [V]; must satisfy :math:`e|V| < \min(\phi_1,\phi_2)`.
    phi1, phi2 : array_like
        Zero-bias barrier heights above E_F at the two interfaces [J].
    d : array_like
        Thickness [m].
    mass_ratio : array_like
        m*/m_e [-].

    Returns
    -------
    ndarray
        Current density [A/m^2].

    Raises
    ------
    ParameterError
        If a bias lies outside the intermediate range.

    References
    ----------
    J. G. Simmons, J. Appl. Phys. 34, 1793 (1963). doi:10.1063/1.1702682;
    J. Appl. Phys. 34, 2581 (1963). doi:10.1063/1.1729774
    """
    V, eVa, phibar, A, J0 = _simmons_terms(V, phi1, phi2, d, mass_ratio)
    hi = phibar + eVa
    return np.sign(V) * J0 * (phibar * np.exp(-A * np.sqrt(phibar)) - hi * np.exp(-A * np.sqrt(hi)))


def simmons_intermediate_conductance_density(V, phi1, phi2, d, mass_ratio=1.0):
    r"""Differential conductance dJ/dV [S/m^2] of the Simmons intermediate form.

    Differentiating :func:`simmons_intermediate_current_density`
    (:math:`d\bar\phi/d|V| = -e/2`, :math:`d(\bar\phi+e|V|)/d|V| = e/2`):

    .. math::
        \frac{dJ}{dV} = -\frac{e J_0}{2}\left[f'(\bar\phi) + f'(\bar\phi + e|V|)\right],
        \quad f'(\phi) = \left(1 - \tfrac{A}{2}\sqrt{\phi}\right) e^{-A\sqrt\phi}.

    At V = 0 this is :math:`e J_0 (A\sqrt\phi/2 - 1) e^{-A\sqrt\phi}`.

    Parameters
    ----------
    V, phi1, phi2, d, mass_ratio
        As :func:`simmons_intermediate_current_density`.

    Returns
    -------
    ndarray
        dJ/dV [S/m^2] (even in V).
    """
    V, eVa, phibar, A, J0 = _simmons_terms(V, phi1, phi2, d, mass_ratio)

    def fprime(phi):
        s = np.sqrt(phi)
        return (1.0 - 0.5 * A * s) * np.exp(-A * s)

    return -0.5 * e * J0 * (fprime(phibar) + fprime(phibar + eVa))


# -- Brinkman-Dynes-Rowell --------------------------------------------------------
def bdr_conductance_ratio(V, phi1, phi2, d, mass_ratio=1.0):
    r"""Brinkman-Dynes-Rowell parabola G(V)/G(0) [-] of a trapezoidal barrier.

    Brinkman, Dynes & Rowell (1970) Eq. (4), with
    :math:`\bar\phi = (\phi_1+\phi_2)/2`, :math:`\Delta\phi = \phi_2 - \phi_1`:

    .. math::
        \frac{G(V)}{G(0)} = 1 - \frac{A_0\,\Delta\phi}{16\,\bar\phi^{3/2}}\,eV
            + \frac{9}{128}\frac{A_0^2}{\bar\phi}(eV)^2,\qquad
        A_0 = \frac{4 d\sqrt{2m^*}}{3\hbar},

    energies in J. G is the *differential* conductance dJ/dV. Valid for
    :math:`\Delta\phi/\bar\phi < 1` and :math:`e|V| \lesssim \bar\phi/3`
    (BDR); outside it the parabola is still finite but no longer accurate.
    With this package's convention (positive V raises the left electrode,
    ``phi1`` at the left) the conductance minimum lies at
    :math:`eV_{min} = \tfrac{4}{9}\,\Delta\phi/(A_0\sqrt{\bar\phi})`,
    i.e. at positive V when the right interface is higher.

    Parameters
    ----------
    V : array_like
        Bias [V].
    phi1, phi2 : array_like
        Zero-bias barrier heights at the left / right interface [J].
    d : array_like
        Thickness [m].
    mass_ratio : array_like
        m*/m_e [-].

    Returns
    -------
    ndarray
        G(V)/G(0) [-].

    References
    ----------
    W. F. Brinkman, R. C. Dynes, J. M. Rowell, J. Appl. Phys. 41, 1915 (1970).
    doi:10.1063/1.1659141
    """
    V = _check_V(V)
    p1, p2, d, m = _barrier(phi1, phi2, d, mass_ratio)
    phibar = 0.5 * (p1 + p2)
    dphi = p2 - p1
    A0 = 4.0 * d * np.sqrt(2.0 * m) / (3.0 * hbar)
    x = e * V
    return 1.0 - A0 * dphi / (16.0 * phibar**1.5) * x + (9.0 / 128.0) * A0**2 / phibar * x**2


def bdr_conductance_density(V, phi1, phi2, d, mass_ratio=1.0):
    r"""BDR differential conductance per area G(V) [S/m^2].

    :math:`G(V) = G(0)\,` :func:`bdr_conductance_ratio`, with BDR's zero-bias
    conductance (their Eq. (3), the leading term of Simmons' result):

    .. math::
        G(0) = \left(\frac{e}{h}\right)^2 \frac{\sqrt{2m^*\bar\phi}}{d}
               \exp\!\left(-\frac{2d}{\hbar}\sqrt{2m^*\bar\phi}\right),

    which for m* = m_e is BDR's :math:`3.16\times10^{10}\sqrt{\bar\phi}/d\,
    e^{-1.025 d\sqrt{\bar\phi}}` [S/cm^2] with d in angstrom and phi in volts.

    Parameters
    ----------
    V, phi1, phi2, d, mass_ratio
        As :func:`bdr_conductance_ratio`.

    Returns
    -------
    ndarray
        dJ/dV [S/m^2].
    """
    ratio = bdr_conductance_ratio(V, phi1, phi2, d, mass_ratio)
    p1, p2, d, m = _barrier(phi1, phi2, d, mass_ratio)
    p = np.sqrt(2.0 * m * 0.5 * (p1 + p2))
    g0 = (e / h) ** 2 * p / d * np.exp(-2.0 * d * p / hbar)
    return g0 * ratio
