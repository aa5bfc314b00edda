r"""Spin-flip leakage and temperature dependence of tunnelling.

Three mechanisms, each a pure function:

* **Thermal magnons depolarize the interface** (Shang et al. 1998):
  :math:`P(T) = P_0(1 - \alpha T^{3/2})`, the Bloch :math:`T^{3/2}` law of the
  surface magnetization. In the device it acts as a spin-band mixing
  :math:`m = \alpha T^{3/2}/2` of DOS and channel weights
  (:func:`mramsim.physics.coherent.spin_mix`), so every polarization, including
  the coherent Delta1 filter, is reduced by the same factor.
* **Spin-independent channel** (Shang et al. 1998): two-step hopping through
  localized states in the barrier, :math:`G_{SI} \propto T^{\gamma}`,
  :math:`\gamma = 4/3` (measured 1.35 +- 0.15); added equally to P and AP.
* **Magnon-assisted tunnelling under bias** (Zhang, Levy, Marley, Parkin 1997):
  an electron emits a magnon and flips its spin; for a magnon density of
  states :math:`\rho(\omega) = \tfrac32 \omega^{1/2}/E_m^{3/2}` on
  :math:`[0, E_m]` the static (I/V) spin-flip conductance relative to the
  spin-conserving one is

  .. math::
      Q(V) = q_m\,s(|eV|/E_m),\qquad
      s(x) = \int_0^{\min(x,1)}\!\rho\,(1 - \omega/x)\,d\omega =
      \begin{cases} \tfrac25 x^{3/2} & x \le 1\\ 1 - \tfrac{3}{5x} & x > 1\end{cases}

  Spin flip swaps the spin pairing, so the assisted conductance in P is
  :math:`Q\,G^{el}_{AP}` and in AP :math:`Q\,G^{el}_{P}`: it mostly raises
  G_AP and makes TMR fall with |V|.

References
----------
C. H. Shang, J. Nowak, R. Jansen, J. S. Moodera, Phys. Rev. B 58, R2917 (1998).
doi:10.1103/PhysRevB.58.R2917
S. Zhang, P. M. Levy, A. C. Marley, S. S. P. Parkin, Phys. Rev. Lett. 79, 3744
(1997). doi:10.1103/PhysRevLett.79.3744
"""
from __future__ import annotations

import numpy as np

from .._validation import check_range, check_temperature
from ..constants import T_NOM, e, k_B
from ..errors import ParameterError

__all__ = [
    "shang_polarization",
    "shang_mixing",
    "shang_tmr",
    "si_conductance_factor",
    "magnon_emission_factor",
    "magnon_spinflip_ratio",
    "magnon_spinflip_ratio_thermal",
    "lorentzian_bias_factor",
]

#: Exponent of the spin-independent conductance, Shang et al. (1998): 1.35 +- 0.15.
SI_EXPONENT = 4.0 / 3.0


def _depolarization(alpha, T, field="alpha*T^1.5"):
    x = np.asarray(alpha, float) * np.asarray(T, float) ** 1.5
    if np.any(x >= 1.0):
        raise ParameterError(field, float(np.max(x)), "[0, 1): P(T) = P0 (1 - alpha T^1.5) must stay positive")
    return x


def shang_polarization(P0, alpha, T):
    r"""Shang et al. (1998) :math:`P(T) = P_0 (1 - \alpha T^{3/2})` [-].

    Parameters
    ----------
    P0 : array_like
        Polarization at T = 0 [-], in (-1, 1).
    alpha : array_like
        Spin-wave parameter [K^-1.5], alpha T^1.5 < 1.
    T : array_like
        Temperature [K], > 0.
    """
    check_range("P0", P0, -1.0, 1.0, lo_open=True, hi_open=True)
    check_temperature("T", T)
    return np.asarray(P0, float) * (1.0 - _depolarization(alpha, T))


def shang_mixing(alpha, T):
    r"""Spin-band mixing :math:`m = \alpha T^{3/2}/2` equivalent to Shang's P(T) [-].

    Mixing majority and minority by m (:func:`mramsim.physics.coherent.spin_mix`)
    multiplies every polarization by :math:`1 - 2m = 1 - \alpha T^{3/2}`.

    Parameters
    ----------
    alpha : array_like
        Spin-wave parameter [K^-1.5].
    T : array_like
        Temperature [K], > 0.
    """
    check_temperature("T", T)
    return 0.5 * _depolarization(alpha, T)


def si_conductance_factor(T, ratio, exponent=SI_EXPONENT, T_ref=T_NOM):
    r"""Spin-independent conductance relative to the unpolarized one [-].

    .. math::
        G_{SI}/G_0 = r\,(T/T_{ref})^{\gamma}

    Parameters
    ----------
    T : array_like
        Temperature [K], > 0.
    ratio : float
        r, the ratio at T_ref [-], >= 0.
    exponent : float
        gamma [-] (Shang et al. 1998: 1.35 +- 0.15; default 4/3).
    T_ref : float
        Reference temperature [K].
    """
    check_temperature("T", T)
    check_range("ratio", ratio, 0.0)
    return ratio * (np.asarray(T, float) / T_ref) ** exponent


def shang_tmr(P1, P2, alpha1, alpha2, T, g_si=0.0):
    r"""Julliere TMR with Shang's P(T) and a spin-independent channel [-].

    .. math::
        \mathrm{TMR}(T) = \frac{G_P - G_{AP}}{G_{AP}},\quad
        G_{P,AP} = 1 \pm P_1(T) P_2(T) + g_{SI}(T)

    with :math:`P_i(T) = P_{i}(1 - \alpha_i T^{3/2})` and the spin-independent
    conductance ``g_si`` in units of the unpolarized conductance.

    Parameters
    ----------
    P1, P2 : array_like
        T = 0 polarizations [-].
    alpha1, alpha2 : array_like
        Spin-wave parameters [K^-1.5].
    T : array_like
        Temperature [K].
    g_si : array_like
        Spin-independent conductance / unpolarized conductance [-].
    """
    pp = shang_polarization(P1, alpha1, T) * shang_polarization(P2, alpha2, T)
    g_si = np.asarray(g_si, float)
    return (1.0 + pp + g_si) / (1.0 - pp + g_si) - 1.0


def magnon_emission_factor(x):
    r"""Zhang et al. (1997) static spin-flip factor :math:`s(x)`, x = |eV|/E_m [-].

    .. math::
        s(x) = \tfrac25 x^{3/2}\ (x \le 1), \qquad 1 - \tfrac{3}{5x}\ (x > 1)

    the I/V weight of magnon emission for :math:`\rho(\omega) \propto \omega^{1/2}`
    cut off at E_m; continuous with its first derivative, 0 at x = 0, -> 1.

    Parameters
    ----------
    x : array_like
        Bias energy over the magnon cut-off, >= 0 [-].
    """
    x = np.abs(np.asarray(x, float))
    xs = np.where(x > 1.0, 1.0, x)
    xl = np.where(x > 1.0, x, 1.0)
    return np.where(x > 1.0, 1.0 - 0.6 / xl, 0.4 * xs**1.5)


def magnon_spinflip_ratio(V, coupling, cutoff):
    r"""Spin-flip to spin-conserving conductance ratio :math:`Q(V) = q_m s(|eV|/E_m)` [-].

    Parameters
    ----------
    V : array_like
        Junction bias [V].
    coupling : float
        q_m [-], >= 0.
    cutoff : float
        Magnon cut-off energy E_m [J], > 0.
    """
    return coupling * magnon_emission_factor(e * np.asarray(V, float) / cutoff)


def lorentzian_bias_factor(V, v_h):
    r"""Empirical bias roll-off of TMR, :math:`\mathrm{TMR}(V)/\mathrm{TMR}_0 = 1/(1 + V^2/V_h^2)` [-].

    The form used to quote V_h (the bias at which TMR halves) and by the
    compact model; the device model's own roll-off comes from
    :func:`magnon_spinflip_ratio` and the barrier.

    Parameters
    ----------
    V : array_like
        Bias [V].
    v_h : float
        Half-TMR bias [V], > 0.
    """
    from .._validation import check_positive

    check_positive("v_h", v_h, "V")
    V = np.asarray(V, float)
    return 1.0 / (1.0 + (V / v_h) ** 2)


#: Gauss-Legendre order per magnon-energy panel of :func:`magnon_spinflip_ratio_thermal`.
MAGNON_ORDER = 12


def _phi(z):
    """z / (1 - exp(-z)), the thermal transition kernel in units of kT (stable, phi(0) = 1)."""
    z = np.asarray(z, float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        den = -np.expm1(-z)
        out = np.where(np.abs(z) < 1e-8, 1.0 + 0.5 * z, z / np.where(z == 0.0, 1.0, den))
    return np.where(z < -700.0, 0.0, out)


def _dphi(z):
    """d/dz of z/(1 - e^-z) (stable; 1/2 at z = 0)."""
    z = np.asarray(z, float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        em = np.exp(-np.minimum(np.abs(z), 700.0))
        # for z > 0: (1 - e^-z - z e^-z)/(1 - e^-z)^2 ; for z < 0 use phi(z) = z + phi(-z): phi'(z) = 1 - phi'(-z)
        za = np.abs(z)
        pos = (1.0 - em - za * em) / np.where(za == 0.0, 1.0, (1.0 - em) ** 2)
        pos = np.where(za < 1e-4, 0.5 - za / 12.0, pos)
    return np.where(z >= 0.0, pos, 1.0 - pos)


def magnon_spinflip_ratio_thermal(V, T, coupling, cutoff, order=MAGNON_ORDER, subtract_equilibrium=True):
    r"""Magnon-assisted spin-flip ratio at finite temperature, Fermi and Bose occupations [-].

    Inelastic tunnelling with emission (:math:`1+n`) and absorption (:math:`n`)
    of a magnon of energy :math:`\omega` (Zhang et al. 1997; the general
    inelastic-tunnelling form of Lambe & Jaklevic, Phys. Rev. 165, 821 (1968)):

    .. math::
        Q(V, T) = \frac{q_m}{eV}\int_0^{E_m}\!d\omega\,\rho(\omega)\,
        \Big\{[1 + n(\omega)]\,[F(eV-\omega) - F(-eV-\omega)]
        + n(\omega)\,[F(eV+\omega) - F(-eV+\omega)]\Big\}

    with :math:`F(x) = \int dE\, f(E)[1 - f(E - x)] = x/(1 - e^{-x/k_BT})` the
    electron-hole phase space of a transition that releases x,
    :math:`n = 1/(e^{\omega/k_BT} - 1)` and
    :math:`\rho = \tfrac32\omega^{1/2}/E_m^{3/2}` on :math:`[0, E_m]`. As
    :math:`T \to 0` it is the closed form :func:`magnon_spinflip_ratio`,
    :math:`q_m s(|eV|/E_m)`; at T > 0 it is analytic in V (the :math:`|V|^{3/2}`
    cusp at V = 0 and the kink at :math:`|eV| = E_m` are smeared over a few kT).

    The equilibrium part :math:`Q(0, T)` (thermal magnons at zero bias) is the
    Bloch-law depolarization already carried by Shang's :math:`P(T)`
    (:func:`shang_mixing`); with ``subtract_equilibrium`` (default) the bias-driven
    excess :math:`Q(V,T) - Q(0,T)` is returned so it is not counted twice.

    The integral runs over :math:`u = (\omega/E_m)^{1/2}`
    (:math:`\rho\,d\omega = 3u^2du`) in Gauss-Legendre panels with borders at
    :math:`4k_BT, 12k_BT, |eV|, |eV| \pm 4k_BT, |eV| \pm 12 k_BT`.

    Parameters
    ----------
    V : array_like
        Junction bias [V].
    T : array_like
        Temperature [K], > 0.
    coupling : float
        q_m [-], >= 0.
    cutoff : float
        Magnon cut-off energy E_m [J], > 0.
    order : int
        Gauss-Legendre order per panel.
    subtract_equilibrium : bool
        Return :math:`Q(V,T) - Q(0,T)` (True) or :math:`Q(V,T)`.
    """
    check_temperature("T", T)
    V, T = np.broadcast_arrays(np.asarray(V, float), np.asarray(T, float))
    kT = k_B * T
    Em = float(cutoff)

    def nodes(x):
        xa = np.abs(x)
        b = np.stack([4 * kT, 12 * kT, xa - 12 * kT, xa - 4 * kT, xa, xa + 4 * kT, xa + 12 * kT], axis=-1)
        b = np.clip(b, 0.0, Em)
        bps = np.concatenate([np.zeros(x.shape + (1,)), np.sort(b, axis=-1), np.full(x.shape + (1,), Em)], axis=-1)
        ub = np.sqrt(bps / Em)
        g, wg = np.polynomial.legendre.leggauss(order)
        a, c = ub[..., :-1, None], ub[..., 1:, None]
        u = (0.5 * (c - a) * g + 0.5 * (c + a)).reshape(x.shape + (-1,))
        wu = (0.5 * (c - a) * wg).reshape(x.shape + (-1,))
        return u, 3.0 * u * u * wu  # rho d omega

    kTb = kT[..., None]

    def bose(om):
        with np.errstate(divide="ignore", over="ignore"):
            return 1.0 / np.expm1(np.maximum(om / kTb, 1e-300))

    x = e * V
    small = np.abs(x) < 1e-4 * kT
    xs = np.where(small, 1e-4 * kT, x)
    u, w = nodes(xs)
    om = Em * u * u
    n = bose(om)
    xb = xs[..., None]
    F = lambda y: kTb * _phi(y / kTb)  # noqa: E731
    J = (1.0 + n) * (F(xb - om) - F(-xb - om)) + n * (F(xb + om) - F(-xb + om))
    q = np.sum(w * J, axis=-1) / xs
    # equilibrium part Q(0, T): depends on T only, evaluated once per distinct T
    tu, inv = np.unique(T, return_inverse=True)
    kTu = k_B * tu
    zu = np.zeros_like(tu)
    b0 = np.clip(np.stack([4 * kTu, 12 * kTu], axis=-1), 0.0, Em)
    ub = np.sqrt(np.concatenate([zu[:, None], b0, np.full((tu.size, 1), Em)], axis=-1) / Em)
    g, wg = np.polynomial.legendre.leggauss(order)
    a, c = ub[:, :-1, None], ub[:, 1:, None]
    u0 = (0.5 * (c - a) * g + 0.5 * (c + a)).reshape(tu.size, -1)
    w0 = 3.0 * u0 * u0 * (0.5 * (c - a) * wg).reshape(tu.size, -1)
    om0 = Em * u0 * u0
    z0 = om0 / kTu[:, None]
    with np.errstate(divide="ignore", over="ignore"):
        n0 = 1.0 / np.expm1(np.maximum(z0, 1e-300))
    q0u = np.sum(w0 * 2.0 * ((1.0 + n0) * _dphi(-z0) + n0 * _dphi(z0)), axis=-1)
    q0 = q0u[inv.reshape(T.shape)]
    q = np.where(small, q0, q)
    if subtract_equilibrium:
        q = q - q0
    return coupling * q
