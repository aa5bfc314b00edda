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
from ..constants import T_NOM, e
from ..errors import ParameterError

__all__ = [
    "shang_polarization",
    "shang_mixing",
    "shang_tmr",
    "si_conductance_factor",
    "magnon_emission_factor",
    "magnon_spinflip_ratio",
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
