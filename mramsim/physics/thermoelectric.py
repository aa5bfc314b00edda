r"""Tunnelling magneto-Seebeck effect from the energy-resolved transmission.

In linear response the charge current through the junction under a bias V and
a temperature difference :math:`\Delta T` is :math:`I = G V + G S \Delta T`,
with the Onsager moments of the energy-resolved conductance
:math:`G(E)` (:func:`mramsim.physics.device.junction_conductances` with
``moment``):

.. math::
    L_k = \int dE\,(E - \mu)^k\,G(E)\,\Big(-\frac{\partial f}{\partial E}\Big),\qquad
    G = L_0,\qquad S = -\frac{1}{eT}\frac{L_1}{L_0}

(electrons, charge -e; Sommerfeld: :math:`S \approx -\frac{\pi^2 k_B^2 T}{3e}
\partial_E \ln G`). In P and AP different channels carry the current
(Delta1 in P, the faster-decaying Delta5/Delta2 in AP) and, with
energy-dependent electrodes, different spin DOS, so
:math:`S_P \ne S_{AP}`. The tunnelling magneto-Seebeck ratio is

.. math::
    \mathrm{TMS} = \frac{S_P - S_{AP}}{\min(|S_P|, |S_{AP}|)}

(Walter et al. 2011 define it with the smaller magnitude in the denominator).

References
----------
M. Walter et al., Nat. Mater. 10, 742 (2011). doi:10.1038/nmat3076
L. Onsager, Phys. Rev. 37, 405 (1931); U. Sivan, Y. Imry, Phys. Rev. B 33, 551 (1986).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .._validation import check_temperature
from ..constants import e

__all__ = ["SeebeckResult", "seebeck"]


@dataclass(frozen=True)
class SeebeckResult:
    """Seebeck coefficients of a junction at one temperature.

    Parameters
    ----------
    T : float
        Temperature [K].
    s_p, s_ap : float
        Seebeck coefficients in P and AP [V/K].
    tms : float
        (S_P - S_AP)/min(|S_P|, |S_AP|) [-].
    """

    T: float
    s_p: float
    s_ap: float
    tms: float

    def to_json(self) -> str:
        import json

        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "SeebeckResult":
        import json

        return cls(**json.loads(text))


def seebeck(device, T) -> SeebeckResult:
    r"""S_P, S_AP and the TMS ratio of an :class:`~mramsim.physics.device.MTJDevice` [V/K].

    .. math:: S = -L_1/(e T L_0)

    Elastic channels only (the magnon excess vanishes at V = 0; resonances are
    not included).

    Parameters
    ----------
    device : MTJDevice
        The junction.
    T : float
        Temperature [K].
    """
    from .device import junction_conductances

    check_temperature("T", T)
    T = float(T)
    g0 = junction_conductances(device.stack, 0.0, T, device.state, moment=0)
    g1 = junction_conductances(device.stack, 0.0, T, device.state, moment=1)
    s_p = float(-g1[0] / (e * T * g0[0]))
    s_ap = float(-g1[1] / (e * T * g0[1]))
    tms = (s_p - s_ap) / min(abs(s_p), abs(s_ap))
    return SeebeckResult(T=T, s_p=s_p, s_ap=s_ap, tms=float(tms))
