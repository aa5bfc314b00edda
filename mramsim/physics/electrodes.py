r"""Energy-dependent, spin- and symmetry-resolved electrodes inside the energy integral.

Each electrode's spin-resolved DOS and symmetry-channel weights are evaluated
at the electron energy measured from that electrode's own chemical potential:
with :math:`\mu_{L,R} = \pm eV/2`, a node E of the Landauer integral is
:math:`\epsilon_L = E - eV/2` in the left electrode and
:math:`\epsilon_R = E + eV/2` in the right one. The electrode model is

.. math::
    N_\sigma(\epsilon) = N_\sigma(0)\,e^{\beta_\sigma\epsilon},\qquad
    w_{\sigma s}(\epsilon) = \max\Big(0,\ w_{\sigma s}
        + \sum_{edges}\Delta w\,\sigma\big((\epsilon - E_{edge})/\delta\big)\Big)

(:class:`mramsim.materials.Electrode` fields ``dos_slope_*``, ``band_edges``,
``edge_width``; :math:`\sigma` the logistic function), e.g. the minority
:math:`\Delta_1` band of bcc Fe/CoFe that starts above :math:`E_F` (Butler et
al. 2001): hot electrons that reach it in the AP state find a
:math:`\Delta_1` partner and TMR falls. The spin-pair conductances of
:func:`mramsim.physics.coherent.spin_pair_conductances` become

.. math::
    G_{\sigma\sigma'} = \sum_{s,n} \mathrm{win}_n\,\mathrm{base}_{sn}\Big[
      a\eta_{sn}\,w^L_{\sigma s}(\epsilon_{L,n})\,w^R_{\sigma' s}(\epsilon_{R,n})
    + (1 - a\eta_{sn})\,4N^L_\sigma(\epsilon_{L,n})N^R_{\sigma'}(\epsilon_{R,n})
      \,\bar w^L_s(\epsilon_{L,n})\bar w^R_s(\epsilon_{R,n})\Big]

(N normalised to :math:`N_\uparrow(0) + N_\downarrow(0) = 1`). With energy
dependence the two interfaces are probed at different energies for +V and
-V, so an asymmetric stack (different electrodes, or an asymmetric barrier
that weights the energies differently) has :math:`V_h(+) \ne V_h(-)` and
:math:`\mathrm{TMR}(+V) \ne \mathrm{TMR}(-V)`; a mirror-symmetric stack
stays symmetric. Energy-independent electrodes reduce exactly to the
energy-integrated form.

References
----------
W. H. Butler, X.-G. Zhang, T. C. Schulthess, J. M. MacLaren, Phys. Rev. B 63,
054416 (2001). doi:10.1103/PhysRevB.63.054416
J. G. Simmons, J. Appl. Phys. 34, 1793 (1963) (energy window of the current).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from ..materials import CHANNELS

__all__ = ["electrode_profile", "spin_pair_conductances_resolved"]


def electrode_profile(el, eps):
    r"""DOS (normalised at E_F) and channel weights of ``el`` at energies eps.

    Parameters
    ----------
    el : mramsim.materials.Electrode
        The electrode.
    eps : array_like, shape S
        Energy from the electrode's own chemical potential [J].

    Returns
    -------
    n : ndarray, shape S + (2,)
        :math:`N_\sigma(\epsilon)/(N_\uparrow(0) + N_\downarrow(0))` [-].
    w : ndarray, shape S + (2, 4)
        :math:`w_{\sigma s}(\epsilon)` [-].
    """
    eps = np.asarray(eps, float)
    tot = el.dos_up + el.dos_down
    n = np.stack([el.dos_up / tot * np.exp(el.dos_slope_up * eps),
                  el.dos_down / tot * np.exp(el.dos_slope_down * eps)], axis=-1)
    w = np.broadcast_to(el.channel_weights, eps.shape + (2, 4)).copy()
    for spin, chan, energy, dw in el.band_edges:
        w[..., 0 if spin == "up" else 1, CHANNELS.index(chan)] += dw * expit((eps - energy) / el.edge_width)
    return n, np.maximum(w, 0.0)


def spin_pair_conductances_resolved(base, eta, win, a, wL, wR, nL, nR):
    r"""Energy-resolved spin-pair conductances :math:`G_{\sigma\sigma'}` [S/m^2].

    Parameters
    ----------
    base : ndarray, shape S + (4, n)
        Channel transmissions (:func:`mramsim.physics.coherent.channel_integrands`).
    eta : ndarray, shape S + (4, n), or None
        Disorder coherence factors (None: 1).
    win : ndarray, shape S + (n,)
        Window x weight x e/h.
    a : float
        Coherent fraction [-].
    wL, wR : ndarray, shape S + (n, 2, 4)
        Channel weights at the left / right energies (spin-mixed).
    nL, nR : ndarray, shape S + (n, 2)
        DOS at the left / right energies (spin-mixed).

    Returns
    -------
    ndarray, shape S + (2, 2)
    """
    c = base * win[..., None, :]  # S + (4, n)
    ce = a * (c if eta is None else c * eta)
    cd = c - ce
    coh = np.einsum("...sn,...nas,...nbs->...ab", ce, wL, wR, optimize=True)
    wbL = 0.5 * (wL[..., 0, :] + wL[..., 1, :])  # S + (n, 4)
    wbR = 0.5 * (wR[..., 0, :] + wR[..., 1, :])
    dn = np.einsum("...sn,...ns,...ns->...n", cd, wbL, wbR, optimize=True)  # S + (n,)
    diff = 4.0 * np.einsum("...n,...na,...nb->...ab", dn, nL, nR, optimize=True)
    return coh + diff
