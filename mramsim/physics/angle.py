r"""Angular dependence of the tunnelling conductance (non-collinear magnetizations).

For spin-conserving tunnelling between two ferromagnets whose magnetizations
make an angle :math:`\theta`, the spinor overlap of the two quantization axes
gives (Slonczewski 1989)

.. math::
    G(\theta) = \bar G\,\big(1 + P_{eff}^2\cos\theta\big),\qquad
    \bar G = \frac{G_P + G_{AP}}{2},\qquad
    P_{eff}^2 = \frac{G_P - G_{AP}}{G_P + G_{AP}},

so :math:`G(0) = G_P`, :math:`G(\pi) = G_{AP}` and G is linear in
:math:`\cos\theta`; the resistance :math:`1/G(\theta)` is not. At a finite bias
the static conductances :math:`G_P(V)`, :math:`G_{AP}(V)` are used, so
:math:`P_{eff}` is the one at that bias. With the Slonczewski form the
conductance TMR is :math:`(G_P - G_{AP})/G_{AP} = 2P_{eff}^2/(1 - P_{eff}^2)`
(Julliere's form with :math:`P_1P_2 = P_{eff}^2`).

References
----------
J. C. Slonczewski, Phys. Rev. B 39, 6995 (1989). doi:10.1103/PhysRevB.39.6995
T. Miyazaki, N. Tezuka, J. Magn. Magn. Mater. 139, L231 (1995) (cos-law check).
"""
from __future__ import annotations

import numpy as np

from .._validation import check_positive

__all__ = ["effective_polarization_sq", "slonczewski_conductance", "tmr_from_cosine_amplitude"]


def effective_polarization_sq(g_p, g_ap):
    r""":math:`P_{eff}^2 = (G_P - G_{AP})/(G_P + G_{AP})` [-].

    Parameters
    ----------
    g_p, g_ap : array_like
        Conductances in P and AP (any common unit), > 0.
    """
    check_positive("g_p", g_p)
    check_positive("g_ap", g_ap)
    g_p = np.asarray(g_p, float)
    g_ap = np.asarray(g_ap, float)
    return (g_p - g_ap) / (g_p + g_ap)


def slonczewski_conductance(g_p, g_ap, theta):
    r""":math:`G(\theta) = \tfrac12(G_P + G_{AP}) + \tfrac12(G_P - G_{AP})\cos\theta`.

    Identical to :math:`\bar G(1 + P_{eff}^2\cos\theta)`.

    Parameters
    ----------
    g_p, g_ap : array_like
        Conductances in P and AP, > 0 (broadcast with theta).
    theta : array_like
        Angle between the two magnetizations [rad].
    """
    g_p = np.asarray(g_p, float)
    g_ap = np.asarray(g_ap, float)
    return 0.5 * (g_p + g_ap) + 0.5 * (g_p - g_ap) * np.cos(np.asarray(theta, float))


def tmr_from_cosine_amplitude(p2):
    r"""Conductance TMR :math:`(G_P - G_{AP})/G_{AP} = 2p/(1 - p)` of :math:`G_0(1 + p\cos\theta)` [-].

    Parameters
    ----------
    p2 : array_like
        Cosine amplitude :math:`p = P_{eff}^2` in [0, 1).
    """
    p2 = np.asarray(p2, float)
    return 2.0 * p2 / (1.0 - p2)
