r"""Macrospin spin-transfer switching of an MTJ free layer: parameters and closed forms.

Units: SI inside (A/m, m, s, K, A). ``m = cos(theta)`` is the free-layer
magnetization along the easy axis; the write current pushes it from ``m = +1``
(the starting state) towards ``m = -1``.

Equations (all used by :mod:`.fokker_planck` and :mod:`.llgs` through the same
reduced units):

* Thermal stability (perpendicular, uniaxial effective anisotropy field ``H_k``):
  ``Delta = mu0 Ms H_k V / (2 k_B T)``.
* Slonczewski efficiency (Slonczewski, JMMM 159, L1 (1996), Eq. (14)):
  ``g(theta, P) = [-4 + (1 + P)^3 (3 + cos theta) / (4 P^{3/2})]^{-1}``.
* Critical current (Sun, PRB 62, 570 (2000)), perpendicular free layer:
  ``I_c0 = (2 e alpha / (hbar eta)) mu0 Ms H_k V = 4 e alpha Delta k_B T / (hbar eta)``;
  in-plane free layer (easy axis in the plane, demagnetising field ``Ms``):
  ``I_c0 = (2 e alpha / (hbar eta)) mu0 Ms V (H_k + Ms / 2)``.
  ``eta = g(theta_start, P)``: ``theta_start = 0`` starting from P, ``pi`` from AP.
* Relaxation time ``tau_D = (1 + alpha^2) / (alpha gamma mu0 H_k)``; the
  Fokker-Planck and LLGS solvers use ``tau = t / tau_D``.
* Regimes: thermally activated (Néel-Brown / Koch et al., PRL 92, 088302 (2004))
  ``P_sw = 1 - exp(-(t/tau0) exp(-Delta (1 - I/I_c0)^k))``; precessional (Sun 2000)
  ``t_sw = tau_D ln(pi / (2 theta0)) / (I/I_c0 - 1)`` with ``theta0 = 1/sqrt(2 Delta)``;
  the exact zero-temperature switching time (Butler et al., IEEE Trans. Magn. 48,
  4684 (2012)) from ``dm/dtau = (1 - m^2)(m - i)`` integrated to the equator.
* Brown's attempt time (W. F. Brown, Phys. Rev. 130, 1677 (1963), high-barrier
  limit of the axially symmetric Fokker-Planck equation): a well is left at the rate
  ``1/(tau0 exp(Delta))`` with ``tau0 = tau_D sqrt(pi / Delta)`` (:func:`brown_tau0`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import constants as _c

from ..._validation import (check_choice, check_nonnegative, check_positive, check_range, check_scalar,
                            check_temperature)
from ...constants import T_NOM
from ...errors import ParameterError

__all__ = [
    "GAMMA",
    "MU0",
    "FreeLayer",
    "slonczewski_g",
    "slonczewski_g_integral",
    "thermal_switching_probability",
    "retention_time",
    "retention_failure",
    "bloch_magnetization",
    "brown_tau0",
    "precessional_switching_time",
    "zero_temperature_switching_time",
    "critical_angle",
    "closed_form_wer",
    "switching_regime",
]

#: Gyromagnetic ratio of the electron |gamma_e| [rad/(s T)] (scipy.constants, CODATA).
GAMMA = _c.physical_constants["electron gyromag. ratio"][0]
#: Vacuum permeability [T m/A].
MU0 = _c.mu_0


def slonczewski_g(cos_theta, polarization):
    r"""Slonczewski's spin-transfer efficiency ``g(theta, P)`` [-].

    .. math:: g = \Big[-4 + \frac{(1+P)^3 (3 + \cos\theta)}{4 P^{3/2}}\Big]^{-1}

    (Slonczewski, JMMM 159, L1 (1996), Eq. (14)).

    Parameters
    ----------
    cos_theta : array_like
        Cosine of the angle between free- and reference-layer magnetizations [-].
    polarization : float
        Spin polarization ``P`` of the current [-], in (0, 1).
    """
    check_range("polarization", polarization, 0.0, 1.0, lo_open=True, hi_open=True)
    c = (1.0 + polarization) ** 3 / (4.0 * polarization**1.5)
    return 1.0 / (-4.0 + c * (3.0 + np.asarray(cos_theta, float)))


def slonczewski_g_integral(m, polarization, m_start):
    r"""``int_0^m g(m') / g(m_start) dm'`` [-] (closed form, used for the STT potential).

    ``int dm / (c (3 + m) - 4) = ln(c (3 + m) - 4) / c``.
    """
    c = (1.0 + polarization) ** 3 / (4.0 * polarization**1.5)
    g0 = slonczewski_g(m_start, polarization)
    m = np.asarray(m, float)
    return (np.log(c * (3.0 + m) - 4.0) - np.log(3.0 * c - 4.0)) / (c * g0)


#: Largest thermal stability factor accepted where exp(Delta) is formed [-].
DELTA_MAX = 700.0


def _check_k(k):
    """The barrier-reduction exponent: the number 1 or 2."""
    try:
        ok = np.ndim(k) == 0 and not isinstance(k, (str, bytes, bool, np.bool_)) and k in (1, 2)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError("k", k, "1 or 2")


def bloch_magnetization(T, t_curie):
    r"""Reduced magnetization ``m(T) = 1 - (T/T_c)^{3/2}`` (Bloch's law) [-].

    Parameters
    ----------
    T : array_like
        Temperature [K], below ``t_curie``.
    t_curie : float
        Curie temperature [K].
    """
    t_curie = check_scalar("t_curie", t_curie, "a Curie temperature > 0 K")
    check_positive("t_curie", t_curie, "K")
    check_temperature("T", T)
    check_range("T", T, 0.0, t_curie, hi_open=True, unit="K")
    return 1.0 - (np.asarray(T, float) / t_curie) ** 1.5


def thermal_switching_probability(t, delta, i_over_ic0=0.0, *, tau0=1e-9, k=1):
    r"""Thermally activated switching probability (Néel-Brown; Koch et al. 2004).

    .. math:: P = -\mathrm{expm1}\big(-\tfrac{t}{\tau_0}\,e^{-\Delta (1 - I/I_{c0})_+^{k}}\big)

    Same equation and argument conventions as ``mramsim.array.disturb.switching_probability``
    (which should import this one): at and above ``I_c0`` the barrier term is taken as
    zero, a lower bound (precessional regime: :func:`precessional_switching_time`).

    Parameters
    ----------
    t : array_like
        Pulse duration [s], >= 0.
    delta : array_like
        Thermal stability factor [-], > 0.
    i_over_ic0 : array_like
        Current over the critical current in the switching direction [-], >= 0.
    tau0 : float
        Attempt time [s].
    k : {1, 2}
        Barrier-reduction exponent (2 is exact for the axially symmetric perpendicular macrospin).
    """
    _check_k(k)
    t = np.asarray(check_nonnegative("t", t, "s"), float)
    delta = np.asarray(check_positive("delta", delta), float)
    x = np.asarray(check_nonnegative("i_over_ic0", i_over_ic0), float)
    check_positive("tau0", tau0, "s")
    red = np.clip(1.0 - x, 0.0, None) ** k
    with np.errstate(divide="ignore"):
        log_rate = np.log(t / tau0) - delta * red
    return -np.expm1(-np.exp(log_rate))


def retention_time(delta, tau0=1e-9):
    r"""Mean retention time ``tau = tau0 exp(Delta)`` [s] (Néel-Brown).

    Parameters
    ----------
    delta : array_like
        Thermal stability factor [-].
    tau0 : float
        Attempt time [s].
    """
    # exp(Delta) overflows a double above ~709; no magnet of interest comes near DELTA_MAX
    check_range("delta", check_positive("delta", delta), 0.0, DELTA_MAX, lo_open=True)
    check_positive("tau0", check_scalar("tau0", tau0, "an attempt time > 0 s"), "s")
    return tau0 * np.exp(np.asarray(delta, float))


def retention_failure(t, delta, tau0=1e-9):
    r"""Probability of a flip within storage time ``t`` [s] without current: ``-expm1(-t/tau)`` [-]."""
    return thermal_switching_probability(t, delta, 0.0, tau0=tau0, k=1)


def brown_tau0(delta, tau_d):
    r"""Néel-Brown attempt time of the uniaxial macrospin in Brown's high-barrier limit [s].

    Brown (Phys. Rev. 130, 1677 (1963)): the smallest non-zero eigenvalue of the
    axially symmetric Fokker-Planck operator is
    ``lambda_1 tau_N = (2/sqrt(pi)) Delta^{3/2} exp(-Delta)`` with
    ``tau_N = Delta tau_D``; a well is left at half that rate, so
    ``tau = tau0 exp(Delta)`` with ``tau0 = tau_D sqrt(pi) / sqrt(Delta)``.
    Relative error O(1/Delta).

    Parameters
    ----------
    delta : array_like
        Thermal stability factor [-].
    tau_d : float
        Relaxation time ``(1 + alpha^2) / (alpha gamma mu0 H_k)`` [s].
    """
    check_positive("delta", delta)
    check_positive("tau_d", tau_d, "s")
    return tau_d * np.sqrt(np.pi / np.asarray(delta, float))


def precessional_switching_time(i_over_ic0, delta, tau_d):
    r"""Sun's precessional switching time ``tau_D ln(pi/(2 theta0)) / (i - 1)`` [s].

    Sun, PRB 62, 570 (2000); ``theta0 = 1/sqrt(2 Delta)`` (r.m.s. thermal angle
    per transverse component). ``inf`` for ``i <= 1``.

    Parameters
    ----------
    i_over_ic0 : array_like
        Current over I_c0 [-].
    delta : float
        Thermal stability factor [-].
    tau_d : float
        Relaxation time [s].
    """
    i = np.asarray(check_nonnegative("i_over_ic0", i_over_ic0), float)
    check_positive("delta", delta)
    theta0 = 1.0 / np.sqrt(2.0 * delta)
    with np.errstate(divide="ignore"):
        return np.where(i > 1.0, tau_d * np.log(np.pi / (2.0 * theta0)) / np.where(i > 1, i - 1.0, 1.0),
                        np.inf)


def zero_temperature_switching_time(m0, i_over_ic0):
    r"""Exact zero-temperature time to reach the equator from ``m0 = cos(theta0)`` [tau_D].

    Integrates ``dm/dtau = (1 - m^2)(m - i)`` (constant efficiency; Butler et al.
    2012) from ``m0`` to 0 in closed form, for ``i > 1``:

    .. math:: \tau = -\frac{\ln(1-m_0)}{2(i-1)} + \frac{\ln(1+m_0)}{2(i+1)}
              - \frac{\ln(i/(i-m_0))}{i^2-1}

    Parameters
    ----------
    m0 : array_like
        Initial cos(theta), in (0, 1) [-].
    i_over_ic0 : array_like
        Current over I_c0 [-], > 1.
    """
    check_range("m0", m0, 0.0, 1.0, hi_open=True)
    check_range("i_over_ic0", i_over_ic0, 1.0, lo_open=True)
    m0 = np.asarray(m0, float)
    i = np.asarray(i_over_ic0, float)
    return (-np.log1p(-m0) / (2.0 * (i - 1.0)) + np.log1p(m0) / (2.0 * (i + 1.0))
            - np.log(i / (i - m0)) / (i * i - 1.0))


def critical_angle(tau, i_over_ic0):
    r"""``1 - m_c`` where ``m_c`` starts a zero-temperature trajectory that reaches the equator at ``tau``.

    Solved by bisection in log(1 - m) on :func:`zero_temperature_switching_time`
    (monotone), to full double precision. Returns ``1 - m_c`` [-] (kept apart so
    values near 1e-30 are not rounded away).
    """
    tau = np.asarray(check_nonnegative("tau", tau), float)
    i = float(check_range("i_over_ic0", i_over_ic0, 1.0, lo_open=True))
    lo = np.full(tau.shape, -745.0)  # log(1 - m): small -> near the pole -> long time
    hi = np.zeros(tau.shape)         # m = 0 -> time 0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        u = np.exp(mid)
        t_mid = (-mid / (2.0 * (i - 1.0)) + np.log(2.0 - u) / (2.0 * (i + 1.0))
                 - np.log(i / (i - 1.0 + u)) / (i * i - 1.0))
        slower = t_mid > tau
        lo = np.where(slower, mid, lo)
        hi = np.where(slower, hi, mid)
    return np.exp(0.5 * (lo + hi))


def closed_form_wer(tau, i_over_ic0, delta):
    r"""Large-current write error rate, deterministic dynamics from a thermal start [-].

    Butler et al., IEEE Trans. Magn. 48, 4684 (2012), Sec. III: at large current
    the thermal field matters only through the initial distribution, so the bit is
    still unswitched at ``tau`` iff it started closer to the pole than the
    critical angle ``m_c(tau)`` of :func:`critical_angle`. With the Boltzmann
    start ``rho ∝ exp(Delta m^2)`` on the starting hemisphere,
    ``WER = int_{m_c}^1 e^{Delta m^2} dm / int_0^1 e^{Delta m^2} dm``,
    evaluated with Dawson's function. For ``1 - m_c`` small and the linearised
    trajectory ``theta_c = (pi/2) exp(-(i-1) tau)`` this is
    ``WER ≈ 1 - exp(-(pi^2 Delta / 4) exp(-2 (i - 1) tau))`` (the asymptotic form).

    Parameters
    ----------
    tau : array_like
        Pulse width over tau_D [-].
    i_over_ic0 : float
        Current over I_c0 [-], > 1.
    delta : float
        Thermal stability factor [-].
    """
    from scipy.special import dawsn

    check_positive("delta", delta)
    u = critical_angle(tau, i_over_ic0)  # 1 - m_c
    s = np.sqrt(delta)
    # int_{m_c}^1 e^{Delta(m^2-1)} dm = [D(s) - e^{Delta(m_c^2-1)} D(s m_c)] / s, D = Dawson
    mc = 1.0 - u
    e = np.exp(-delta * u * (2.0 - u))
    num = dawsn(s) - e * dawsn(s * mc)
    # Delta u < 1e-6: the difference cancels; int_{1-u}^1 e^{Delta(m^2-1)} dm = u (1 - Delta u) + O(u^2)
    small = delta * u < 1e-6
    num = np.where(small, s * u * (1.0 - delta * u), num)
    return np.clip(num / dawsn(s), 0.0, 1.0)


def switching_regime(i_over_ic0, *, i_precessional=2.0):
    """Regime name per current: ``'thermal'`` (i < 1), ``'crossover'`` (1 <= i < i_precessional), ``'precessional'``."""
    i = np.asarray(check_nonnegative("i_over_ic0", i_over_ic0), float)
    check_range("i_precessional", i_precessional, 1.0, lo_open=True)
    return np.where(i < 1.0, "thermal", np.where(i < i_precessional, "crossover", "precessional"))


_GEOMETRIES = ("perpendicular", "in_plane")


@dataclass(frozen=True)
class FreeLayer:
    """Macrospin free layer of an MTJ (values at ``t_ref``).

    Parameters
    ----------
    ms : float
        Saturation magnetization at ``t_ref`` [A/m].
    hk : float
        Effective uniaxial anisotropy field at ``t_ref`` [A/m] (perpendicular: net of the
        demagnetising field; in-plane: the in-plane shape/crystal anisotropy).
    thickness : float
        Free-layer thickness [m].
    diameter : float
        Pillar diameter (circular) [m].
    alpha : float
        Gilbert damping [-].
    polarization : float
        Spin polarization P [-] (Slonczewski efficiency).
    geometry : {'perpendicular', 'in_plane'}
        Easy-axis orientation.
    t_ref : float
        Temperature of ``ms`` and ``hk`` [K].
    t_curie : float
        Curie temperature [K] (Bloch's law ``Ms(T)``).
    n : float
        ``E_b ∝ Ms^n`` (``n = 2`` for interfacial anisotropy: ``H_k ∝ Ms``) [-].
    """

    ms: float = 1.0e6
    hk: float = 1.6e5
    thickness: float = 1.3e-9
    diameter: float = 40e-9
    alpha: float = 0.01
    polarization: float = 0.6
    geometry: str = "perpendicular"
    t_ref: float = T_NOM
    t_curie: float = 1000.0
    n: float = 2.0

    def __post_init__(self):
        check_range("FreeLayer.ms", self.ms, 1e3, 1e7, unit="A/m")
        check_range("FreeLayer.hk", self.hk, 0.0, 1e8, lo_open=True, unit="A/m")
        check_range("FreeLayer.thickness", self.thickness, 0.0, 1e-6, lo_open=True, unit="m")
        check_range("FreeLayer.diameter", self.diameter, 0.0, 1e-5, lo_open=True, unit="m")
        check_range("FreeLayer.alpha", self.alpha, 0.0, 1.0, lo_open=True)
        check_range("FreeLayer.polarization", self.polarization, 0.0, 1.0, lo_open=True, hi_open=True)
        check_choice("FreeLayer.geometry", self.geometry, _GEOMETRIES)
        check_temperature("FreeLayer.t_ref", self.t_ref)
        check_range("FreeLayer.t_curie", self.t_curie, self.t_ref, lo_open=True, unit="K")
        check_range("FreeLayer.n", self.n, 1.0, 4.0)

    @property
    def volume(self) -> float:
        """Free-layer volume ``pi d^2 t / 4`` [m^3]."""
        return np.pi * self.diameter**2 * self.thickness / 4.0

    def _mred(self, T):
        return bloch_magnetization(T, self.t_curie) / bloch_magnetization(self.t_ref, self.t_curie)

    def ms_at(self, T):
        """Ms(T) by Bloch's law [A/m]."""
        return self.ms * self._mred(T)

    def hk_at(self, T):
        """H_k(T) = H_k(t_ref) (m(T)/m(t_ref))^(n-1) [A/m] (so that E_b ∝ Ms^n)."""
        return self.hk * self._mred(T) ** (self.n - 1.0)

    def barrier(self, T=None):
        """Energy barrier ``E_b = mu0 Ms H_k V / 2`` [J]."""
        T = self.t_ref if T is None else T
        return MU0 * self.ms_at(T) * self.hk_at(T) * self.volume / 2.0

    def delta(self, T=None):
        """Thermal stability ``Delta(T) = mu0 Ms(T) H_k(T) V / (2 k_B T)`` [-]."""
        T = self.t_ref if T is None else T
        return self.barrier(T) / (_c.k * np.asarray(T, float))

    def eta(self, start: str = "P"):
        """Slonczewski efficiency at the starting state: ``g(0, P)`` from P, ``g(pi, P)`` from AP [-]."""
        if start not in ("P", "AP"):
            raise ParameterError("start", start, "'P' or 'AP'")
        return float(slonczewski_g(1.0 if start == "P" else -1.0, self.polarization))

    def ic0(self, T=None, start: str = "P"):
        """Critical current [A] (Sun 2000; see the module docstring for both geometries)."""
        T = self.t_ref if T is None else T
        pref = 2.0 * _c.e * self.alpha / (_c.hbar * self.eta(start)) * MU0 * self.ms_at(T) * self.volume
        if self.geometry == "perpendicular":
            return pref * self.hk_at(T)
        return pref * (self.hk_at(T) + self.ms_at(T) / 2.0)

    def tau_d(self, T=None):
        """Relaxation time ``(1 + alpha^2) / (alpha gamma mu0 H_k)`` [s]."""
        T = self.t_ref if T is None else T
        return (1.0 + self.alpha**2) / (self.alpha * GAMMA * MU0 * self.hk_at(T))

    def to_dict(self):
        return asdict(self)
