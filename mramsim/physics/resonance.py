r"""Interfacial resonant states: Breit-Wigner levels inside the Fermi window.

A localized interface state at energy :math:`E_r` couples to the electrode on
its own side with width :math:`\Gamma_1` and, through the barrier, to the band
of the same (absolute) spin in the other electrode with width :math:`\Gamma_2`.
Each site transmits (Breit & Wigner 1936)

.. math::
    T_{BW}(E) = \frac{\Gamma_1\Gamma_2}{(E - E_r(V))^2 + (\Gamma_1 + \Gamma_2)^2/4}

and a density :math:`n_r` of such sites adds the Landauer conductance per area

.. math::
    G_r = n_r\,\frac{e}{h}\int dE\,\frac{f(E-\mu_L) - f(E-\mu_R)}{V}\,T_{BW}(E) .

:math:`\Gamma_2` is proportional to the DOS of the band it reaches in the far
electrode: :math:`\Gamma_2 = \Gamma_2^0\,N_{\sigma'}/\tfrac12`. A minority
interface state (Fe(001)) reaches the far minority band in P but the far
*majority* band in AP, so it feeds AP, lowers TMR and can invert it
(Tsymbal, Sokolov, Sabirianov, Doudin, PRL 90, 186602, 2003). The level is
pinned to the chemical potential of its own electrode,
:math:`E_r(V) = E_r^0 \pm eV/2` (left: +, right: -), so bias moves it into or
out of the window differently for the two polarities: asymmetric in V.

References
----------
G. Breit, E. Wigner, Phys. Rev. 49, 519 (1936). doi:10.1103/PhysRev.49.519
E. Y. Tsymbal, A. Sokolov, I. F. Sabirianov, B. Doudin, Phys. Rev. Lett. 90,
186602 (2003). doi:10.1103/PhysRevLett.90.186602
O. Wunnicke et al., Phys. Rev. B 65, 064425 (2002). doi:10.1103/PhysRevB.65.064425
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_positive, check_range
from ..constants import e, eV, h, k_B
from .coherent import window_per_volt
from .tunneling import energy_nodes

__all__ = ["Resonance", "breit_wigner", "resonant_conductances"]

SPINS = ("up", "down")
INTERFACES = ("left", "right")


@dataclass(frozen=True)
class Resonance:
    """An interfacial resonant level.

    Parameters
    ----------
    energy : float
        Level energy above E_F at zero bias, E_r^0 [J]; allowed [-2, 2] eV.
    gamma_near : float
        Coupling width to the electrode on the level's own side, Gamma_1 [J], > 0.
    gamma_far : float
        Coupling width through the barrier to the far electrode for a far band
        DOS of 1/2, Gamma_2^0 [J], > 0.
    density : float
        Areal density of resonant sites n_r [1/m^2], > 0.
    spin : str
        Spin of the level relative to its own electrode's magnetization:
        'up' (majority) or 'down' (minority).
    interface : str
        'left' or 'right': where the level sits (and to which chemical
        potential it is pinned).
    """

    energy: float
    gamma_near: float = 0.02 * eV
    gamma_far: float = 0.02 * eV
    density: float = 1e16
    spin: str = "down"
    interface: str = "left"

    def __post_init__(self):
        check_range("Resonance.energy", self.energy, -2 * eV, 2 * eV, unit="J")
        check_range("Resonance.gamma_near", self.gamma_near, 0.0, 1 * eV, lo_open=True, unit="J")
        check_range("Resonance.gamma_far", self.gamma_far, 0.0, 1 * eV, lo_open=True, unit="J")
        check_positive("Resonance.density", self.density, "1/m^2")
        check_choice("Resonance.spin", self.spin, SPINS)
        check_choice("Resonance.interface", self.interface, INTERFACES)


def breit_wigner(E, E_r, gamma1, gamma2):
    r"""Breit-Wigner transmission :math:`\Gamma_1\Gamma_2/((E-E_r)^2 + (\Gamma_1+\Gamma_2)^2/4)` [-].

    Peaks at :math:`4\Gamma_1\Gamma_2/(\Gamma_1+\Gamma_2)^2 \le 1` (1 when symmetric).

    Parameters
    ----------
    E : array_like
        Energy [J].
    E_r : array_like
        Level energy [J].
    gamma1, gamma2 : array_like
        Coupling widths [J].
    """
    E = np.asarray(E, float)
    g = 0.5 * (np.asarray(gamma1, float) + np.asarray(gamma2, float))
    return gamma1 * gamma2 / ((E - E_r) ** 2 + g * g)


def resonant_conductances(V, T, resonances, dos_left, dos_right, order=24):
    r"""Resonant conductance per area in P and AP [S/m^2].

    Parameters
    ----------
    V, T : array_like
        Junction bias [V] and temperature [K]; broadcast to shape S.
    resonances : sequence of Resonance
        The levels (empty: zeros).
    dos_left, dos_right : ndarray, shape S' + (2,)
        Spin DOS (majority, minority) of each electrode, normalised to sum 1 [-].
    order : int
        Gauss-Legendre order per energy panel.

    Returns
    -------
    g_p, g_ap : ndarray, shape S
    """
    V, T = np.broadcast_arrays(np.asarray(V, float), np.asarray(T, float))
    g_p = np.zeros(V.shape)
    g_ap = np.zeros(V.shape)
    if not resonances:
        return g_p, g_ap
    kT = k_B * T
    e_low = -0.5 * e * np.abs(V) - 36.0 * kT
    dl = np.asarray(dos_left, float)
    dr = np.asarray(dos_right, float)
    for r in resonances:
        sign = 1.0 if r.interface == "left" else -1.0
        E_r = r.energy + sign * 0.5 * e * V
        # put the level's centre and +-Gamma on panel borders
        # (energy_nodes adds +-eV/2 to its two edge energies, so subtract it here)
        span = r.gamma_near + r.gamma_far
        E, w = energy_nodes(V, T, E_r - span - 0.5 * e * V, E_r + span + 0.5 * e * V, e_low, order=order)
        win = window_per_volt(E, V[..., None], T[..., None]) * w
        s = 0 if r.spin == "up" else 1
        far = dr if r.interface == "left" else dl
        for state, out in ((0, g_p), (1, g_ap)):
            # P: far band of the same label; AP: the far band with the other label
            idx = s if state == 0 else 1 - s
            g2 = r.gamma_far * far[..., idx] / 0.5
            t = breit_wigner(E, E_r[..., None], r.gamma_near, np.asarray(g2)[..., None])
            out += r.density * (e / h) * np.sum(win * t, axis=-1)
    return g_p, g_ap
