r"""Spin polarization from superconducting tunnelling spectroscopy (Meservey-Tedrow).

A ferromagnet / insulator / thin-Al junction in an in-plane field B: the Al
quasiparticle density of states splits by the Zeeman energy
:math:`h = \mu_B B` into spin-up and spin-down BCS densities, and the
ferromagnet's tunnelling spin polarization P weights them
(Meservey & Tedrow, Phys. Rep. 238, 173 (1994), doi:10.1016/0370-1573(94)90105-8):

.. math::
    \frac{G(V)}{G_n} = \sum_{\sigma=\pm1} \frac{1+\sigma P}{2}
        \int dE\, N_{BCS}(E + \sigma h)\,\left(-\frac{\partial f(E + eV)}{\partial E}\right),
    \qquad
    N_{BCS}(E) = \mathrm{Re}\frac{E + i\Gamma}{\sqrt{(E+i\Gamma)^2 - \Delta^2}}

with the Dynes broadening :math:`\Gamma` (Dynes, Narayanamurti, Garno, PRL 41,
1509 (1978)) in place of Maki's orbital depairing / spin-orbit theory (not
implemented: Maki's self-consistent DOS is a further step). Positive V here
probes the quasiparticle states at E = -eV; P > 0 makes the conductance peaks
at negative and positive bias unequal, which is what fixes P.
"""
from __future__ import annotations

import numpy as np

from scipy.constants import physical_constants

from ..constants import e, k_B
from ..errors import ParameterError
from .extract import FitResult, _fit

__all__ = ["bcs_dos", "zeeman_conductance", "fit_meservey_tedrow"]

MEV = 1e-3 * e  # J per meV
mu_B = physical_constants["Bohr magneton"][0]  # J/T


def bcs_dos(E_mev, delta_mev, gamma_mev=1e-3):
    """Dynes-broadened BCS density of states N(E)/N(0) [-]; energies in meV."""
    z = np.asarray(E_mev, float) + 1j * gamma_mev
    return np.real(z / np.sqrt(z * z - delta_mev**2 + 0j) * np.sign(np.real(z) + 1e-300))


def zeeman_conductance(V, P, delta_mev, T, B, gamma_mev=1e-3, g_n=1.0):
    """Normalised conductance G(V) of a F/I/Al junction in field B [T] at temperature T [K].

    Parameters
    ----------
    V : array_like
        Bias [V] (a few mV).
    P : float
        Tunnelling spin polarization of the ferromagnet [-], (-1, 1).
    delta_mev : float
        Superconducting gap [meV].
    T : float
        Temperature [K].
    B : float
        In-plane field [T].
    gamma_mev : float
        Dynes broadening [meV].
    g_n : float
        Normal-state conductance (scale).
    """
    if not -1 < P < 1:
        raise ParameterError("P", P, "(-1, 1)")
    if T <= 0 or delta_mev <= 0:
        raise ParameterError("T, delta", (T, delta_mev), "> 0")
    V = np.asarray(V, float)
    kt = k_B * T / MEV
    h = mu_B * B / MEV
    span = max(4 * delta_mev + 2 * h + 30 * kt, 1.5 * np.max(np.abs(V)) / 1e-3 + 30 * kt)
    E = np.linspace(-span, span, 6001)
    dE = E[1] - E[0]
    x = (E[None, :] + 1e3 * V.ravel()[:, None]) / kt
    kernel = 0.25 / kt / np.cosh(np.clip(0.5 * x, -300, 300)) ** 2
    out = 0.0
    for sigma in (1.0, -1.0):
        out = out + 0.5 * (1 + sigma * P) * (kernel @ bcs_dos(E + sigma * h, delta_mev, gamma_mev)) * dE
    return g_n * out.reshape(V.shape)


def fit_meservey_tedrow(V, G, *, T: float, B: float, bootstrap: int = 0, seed: int = 0) -> FitResult:
    """Fit P, the gap, the Dynes broadening and G_n to a measured G(V) at known T [K] and B [T].

    Returns
    -------
    FitResult
        ``P`` [-], ``delta`` [meV], ``gamma`` [meV], ``g_n`` [same unit as G].
    """
    V = np.asarray(V, float).ravel()
    G = np.asarray(G, float).ravel()
    if V.size != G.size or V.size < 10:
        raise ParameterError("G", G.size, ">= 10 points, one per bias")
    gn = float(np.median(G[np.argsort(np.abs(V))[-max(3, V.size // 10):]]))

    def resid(x):
        return zeeman_conductance(V, x[0], x[1], T, B, x[2], x[3]) / G - 1.0

    return _fit("Meservey-Tedrow Zeeman-split BCS", resid, [0.2, 0.4, 0.01, gn], ["P", "delta", "gamma", "g_n"],
                ["-", "meV", "meV", ""], [-0.95, 0.05, 1e-4, 0.5 * gn], [0.95, 3.0, 0.2, 2 * gn],
                n_boot=bootstrap, seed=seed, scale=[1.0, 1.0, 0.01, gn])
