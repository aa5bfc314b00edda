r"""Post-deposition annealing of CoFeB/MgO stacks: boron out-diffusion,
solid-phase crystallization (JMAK) and cap interdiffusion.

An anneal at temperature T for a time t, next to a cap (boron sink), gives an
:class:`AnnealState` that sets the transport model's coherent fraction,
disorder and spin mixing.

**Boron out-diffusion** to the cap/sink: Fickian emptying of the CoFeB layer
(plane sheet, Crank 1975) towards a cap-dependent residual :math:`b_\infty`
(the sink's capacity: Ta absorbs boron, Pt hardly):

.. math::
    b(t) = b_\infty + (b_0 - b_\infty)\,F(\tau),\qquad
    \tau = s_{cap}\,\nu_B\,e^{-E_B/k_BT}\,t

**Crystallization** of CoFe on MgO(001) (solid-phase epitaxy) with
Johnson-Mehl-Avrami-Kolmogorov kinetics, gated by the residual boron
(crystallization needs :math:`b \lesssim` 5-6 %):

.. math::
    X = 1 - (1 - X_0)\exp\big[-(k\,t_{eff})^n\big],\quad
    k = k_0 e^{-E_c/k_BT},\quad
    t_{eff} = \int_0^t g(b(t'))\,dt',\quad
    g(b) = \big[1 + e^{(b - b_c)/\Delta b}\big]^{-1}

with :math:`E_c` = 2.5 eV and n = 1.75 (Simmons et al. 2014: 2.4-2.7 eV,
n = 1.5-2.0) and :math:`b_c` = 5.5 %.

**Cap interdiffusion** (cap atoms reach the barrier interface):

.. math::
    \delta = 1 - e^{-t/\tau_I},\qquad
    \tau_I = t_{ref}\,\exp\Big[\frac{E_I}{k_B}\Big(\frac1T - \frac1{T_{on}}\Big)\Big]

so :math:`\delta = 1 - 1/e` after :math:`t_{ref}` = 1 h at the cap's onset
temperature :math:`T_{on}` (Pt intermixes with CoFe from ~350-400 C; Ta,
Mo and W are stable to higher temperatures).

**Disorder healing** (grain growth at the interface): the correlation length
of the freshly crystallized interface, :math:`0.2\,\xi`, grows towards the
stack's :math:`\xi` as :math:`\xi\sqrt{r + (1-r)g}`, :math:`g = 1 - e^{-t/\tau_g}`,
:math:`\tau_g = \tau_{g0}e^{E_g/k_BT}`, :math:`E_g` = 1.2 eV.

**Transport.** coherent fraction :math:`a = X e^{-b/b_s}(1 - \delta)` (boron
left at the interface scatters diffusely, :math:`b_s` = 7 %); correlation length
:math:`\xi\sqrt{r + (1-r)g}\,(1 - 0.9\delta)`; extra spin mixing :math:`m_I = 0.25\,\delta`
(a magnetically dead, intermixed interface layer).

The cap numbers (sink strength, residual boron, onset temperature) are
calibrated to the shapes in Kim et al. (2023): the Pt cap peaks near 95 % at
350 C then falls, the Ta cap is still rising at 400 C (~250 %).

References
----------
W. A. Johnson, R. F. Mehl, Trans. AIME 135, 416 (1939); M. Avrami, J. Chem.
Phys. 7, 1103 (1939). doi:10.1063/1.1750380
S. Ikeda et al., Appl. Phys. Lett. 93, 082508 (2008). doi:10.1063/1.2976435
S. Yuasa, D. D. Djayaprawira, J. Phys. D 40, R337 (2007). doi:10.1088/0022-3727/40/21/R01
CoFeB crystallization kinetics, J. Appl. Phys. 116 (2014) (Simmons et al.)
Kim et al., Nanomaterials 13, 2591 (2023)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .._validation import check_range
from ..constants import eV, k_B

__all__ = [
    "CAP_PROPERTIES",
    "AnnealState",
    "residual_boron",
    "layer_retention",
    "boron_gate",
    "crystalline_fraction",
    "crystalline_fraction_spread",
    "interdiffusion",
    "disorder_healing",
    "anneal_state",
]

#: Boron diffusion activation E_B [J] and rate prefactor nu_B = D0/L^2 [1/s].
E_BORON = 0.8 * eV
NU_BORON0 = 2.0e3
#: JMAK activation energy E_c [J], rate prefactor k0 [1/s], Avrami exponent n.
E_CRYST = 2.5 * eV
K_CRYST0 = 2.0e17
AVRAMI_N = 1.75
#: Boron gate: threshold b_c and width Delta b [-].
BORON_CRITICAL = 0.055
BORON_WIDTH = 0.004
#: Boron left at the interface destroys coherence: factor exp(-b/b_s) [-].
BORON_COHERENCE = 0.07
#: Interface-disorder healing (grain growth) activation E_g [J] and attempt time [s];
#: freshly crystallized interfaces start at a correlation length XI_INITIAL_RATIO
#: times the stack's.
E_HEAL = 1.2 * eV
TAU_HEAL0 = 2.7e-6
XI_INITIAL_RATIO = 0.2
#: Interdiffusion activation E_I [J] and reference time t_ref [s].
E_INTERDIFF = 2.0 * eV
T_REF_INTERDIFF = 3600.0
#: Transport mapping constants (see module docstring).
XI_LOSS = 0.9
INTERDIFF_MIXING = 0.25

#: Cap / sink layers: sink strength s_cap [-], residual boron b_inf [-],
#: interdiffusion onset temperature T_on [K].
CAP_PROPERTIES = {
    "Ta": {"sink": 1.0, "boron_residual": 0.010, "onset": 823.15},
    "W": {"sink": 0.4, "boron_residual": 0.025, "onset": 853.15},
    "Mo": {"sink": 0.5, "boron_residual": 0.020, "onset": 833.15},
    "Pt": {"sink": 0.8, "boron_residual": 0.042, "onset": 673.15},
}


def layer_retention(tau):
    r"""Fraction left in a layer that empties by diffusion into a perfect sink [-].

    Plane sheet of thickness L, sink at one face, no flux through the other
    (Crank, *The Mathematics of Diffusion*, 1975, eq. 4.18):

    .. math::
        F(\tau) = \sum_{j\ge0} \frac{8}{(2j+1)^2\pi^2}
        \exp\!\Big[-\frac{(2j+1)^2\pi^2}{4}\tau\Big],\qquad \tau = Dt/L^2

    evaluated as :math:`1 - 2\sqrt{\tau/\pi}` for :math:`\tau < 10^{-3}`.

    Parameters
    ----------
    tau : array_like
        Reduced time D t / L^2 [-], >= 0.
    """
    tau = np.asarray(tau, float)
    j = np.arange(40)
    c = (2 * j + 1) ** 2 * np.pi**2
    series = np.sum(8.0 / c * np.exp(-0.25 * c * tau[..., None]), axis=-1)
    return np.where(tau < 1e-3, 1.0 - 2.0 * np.sqrt(np.maximum(tau, 0.0) / np.pi), series)


def _cap(cap):
    from ..stack import CAPS
    from .._validation import check_choice

    check_choice("Anneal.cap", cap, CAPS)
    return CAP_PROPERTIES[cap]


def residual_boron(T, t, b0, cap, sink_scale=1.0):
    r"""Boron fraction left in the CoFeB after an anneal [-].

    .. math::
        b(t) = b_\infty + (b_0 - b_\infty) F(s_{cap}\,\nu_B e^{-E_B/k_BT} t)

    with F = :func:`layer_retention` (never above b0: a boron-free electrode
    stays boron-free).

    Parameters
    ----------
    T : array_like
        Anneal temperature [K].
    t : array_like
        Anneal time [s].
    b0 : float
        As-deposited boron fraction [-].
    cap : str
        Cap layer, a key of :data:`CAP_PROPERTIES`.
    sink_scale : float
        Factor on the cap's sink strength s_cap (a stack-specific sink layer) [-].
    """
    p = _cap(cap)
    T = np.asarray(T, float)
    b_inf = min(p["boron_residual"], b0)
    rate = sink_scale * p["sink"] * NU_BORON0 * np.exp(-E_BORON / (k_B * T))
    return b_inf + (b0 - b_inf) * layer_retention(rate * np.asarray(t, float))


def boron_gate(b):
    r"""Crystallization gate :math:`g(b) = 1/(1 + e^{(b - b_c)/\Delta b})` [-].

    Parameters
    ----------
    b : array_like
        Boron fraction [-].
    """
    return expit((BORON_CRITICAL - np.asarray(b, float)) / BORON_WIDTH)


def _effective_time(T, t, b0, cap, n_nodes=96, sink_scale=1.0):
    """t_eff = int_0^t g(b(t')) dt' by the trapezoid rule in ln t' [s]."""
    T = np.asarray(T, float)
    t = np.asarray(t, float)
    T, t = np.broadcast_arrays(T, t)
    s = np.linspace(np.log(1e-9), 0.0, n_nodes)  # t' = t * exp(s)
    tp = t[..., None] * np.exp(s)
    g = boron_gate(residual_boron(T[..., None], tp, b0, cap, sink_scale))
    y = g * tp
    head = g[..., 0] * tp[..., 0]  # [0, t*1e-9]: gate ~ constant
    return head + np.sum(0.5 * (y[..., 1:] + y[..., :-1]) * np.diff(s), axis=-1)


def crystalline_fraction(T, t, b0, cap, x0=0.0, sink_scale=1.0):
    r"""JMAK crystalline fraction of the CoFe(B)/MgO interfaces after an anneal [-].

    .. math::
        X = 1 - (1 - X_0)\exp[-(k_0 e^{-E_c/k_BT} t_{eff})^n]

    Parameters
    ----------
    T : array_like
        Anneal temperature [K].
    t : array_like
        Anneal time [s].
    b0 : float
        As-deposited boron fraction [-].
    cap : str
        Cap layer.
    x0 : float
        Crystalline fraction before the anneal [-].
    sink_scale : float
        Factor on the cap's boron sink strength [-].
    """
    T = np.asarray(T, float)
    k = K_CRYST0 * np.exp(-E_CRYST / (k_B * T))
    teff = _effective_time(T, t, b0, cap, sink_scale=sink_scale)
    return 1.0 - (1.0 - x0) * np.exp(-((k * teff) ** AVRAMI_N))


#: Nodes of the local-crystallization-temperature average (uniform in [-4.5, 4.5] sigma).
SPREAD_NODES = 73


def crystalline_fraction_spread(T, t, b0, cap, x0=0.0, spread=0.0, sink_scale=1.0):
    r"""Crystalline fraction averaged over a distribution of local crystallization temperatures [-].

    Grains crystallize at different local temperatures (boron content,
    strain, texture of the MgO seed vary from grain to grain); with a normal
    distribution of local offsets :math:`\Delta` of width :math:`\sigma_T`
    (``spread``),

    .. math::
        \bar X(T, t) = \int d\Delta\,\frac{e^{-\Delta^2/2\sigma_T^2}}{\sqrt{2\pi}\sigma_T}\,
        X_{JMAK}(T + \Delta, t)

    (normal weights on :data:`SPREAD_NODES` uniform nodes in :math:`\pm 4.5\sigma_T`,
    spacing 0.125 sigma, finer than the ~10-20 K over which one JMAK
    temperature switches, so the average has no steps), so the onset of
    crystallization (and of the TMR rise) is smooth instead of a step
    (the single-temperature JMAK with the boron gate switches over ~10-20 K).
    ``spread = 0`` is :func:`crystalline_fraction`.

    Parameters
    ----------
    T, t, b0, cap, x0
        As :func:`crystalline_fraction`.
    spread : float
        sigma_T [K], >= 0.
    sink_scale : float
        Factor on the cap's boron sink strength (stack-specific sink layers).
    """
    if spread <= 0.0:
        return crystalline_fraction(T, t, b0, cap, x0, sink_scale)
    z = np.linspace(-4.5, 4.5, SPREAD_NODES)
    w = np.exp(-0.5 * z * z)
    w = w / w.sum()
    Tl = np.clip(np.asarray(T, float)[..., None] + spread * z, 200.0, 2000.0)
    return np.sum(w * crystalline_fraction(Tl, np.asarray(t, float)[..., None], b0, cap, x0, sink_scale), axis=-1)


def disorder_healing(T, t, h0=0.0):
    r"""Healed fraction of the interface roughness (grain growth) [-].

    .. math::
        g = 1 - (1 - g_0)\,e^{-t/\tau_g},\qquad \tau_g = \tau_{g0} e^{E_g/k_BT}

    The correlation length then is :math:`\xi\sqrt{r + (1 - r) g}` with
    :math:`r` = ``XI_INITIAL_RATIO``^2 (grain area grows linearly in time,
    parabolic grain growth).

    Parameters
    ----------
    T : array_like
        Anneal temperature [K].
    t : array_like
        Anneal time [s].
    h0 : float
        Healed fraction before the anneal (1 for epitaxial stacks) [-].
    """
    tau = TAU_HEAL0 * np.exp(E_HEAL / (k_B * np.asarray(T, float)))
    return 1.0 - (1.0 - h0) * np.exp(-np.asarray(t, float) / tau)


def interdiffusion(T, t, cap, onset_shift=0.0):
    r"""Interdiffused fraction of the barrier interface, :math:`1 - e^{-t/\tau_I}` [-].

    Parameters
    ----------
    T : array_like
        Anneal temperature [K].
    t : array_like
        Anneal time [s].
    cap : str
        Cap layer.
    onset_shift : float
        Shift of the cap's onset temperature T_on [K] by the stack (a diffusion
        barrier between cap and CoFeB, e.g. the Ta-diffusion-suppressed
        pseudo-spin-valve of Ikeda et al. 2008, raises it).
    """
    p = _cap(cap)
    T = np.asarray(T, float)
    tau = T_REF_INTERDIFF * np.exp(E_INTERDIFF / k_B * (1.0 / T - 1.0 / (p["onset"] + onset_shift)))
    return -np.expm1(-np.asarray(t, float) / tau)


@dataclass(frozen=True)
class AnnealState:
    """Microstructure after an anneal and what it does to transport.

    Parameters
    ----------
    crystalline_fraction : float
        bcc(001) crystallized fraction X of the electrode/barrier interfaces [-].
    residual_boron : float
        Boron fraction left in the CoFeB [-].
    interdiffusion : float
        Cap-interdiffused fraction delta of the interface [-].
    healing : float
        Healed fraction g of the interface roughness [-] (1: the stack's
        correlation length; 0: XI_INITIAL_RATIO of it).
    """

    crystalline_fraction: float
    residual_boron: float
    interdiffusion: float
    healing: float = 1.0

    def __post_init__(self):
        check_range("AnnealState.crystalline_fraction", self.crystalline_fraction, 0.0, 1.0)
        check_range("AnnealState.residual_boron", self.residual_boron, 0.0, 0.5)
        check_range("AnnealState.interdiffusion", self.interdiffusion, 0.0, 1.0)
        check_range("AnnealState.healing", self.healing, 0.0, 1.0)

    @property
    def coherent_fraction(self) -> float:
        """Fraction of the interface able to tunnel coherently, X exp(-b/b_s) (1 - delta) [-]."""
        return self.crystalline_fraction * np.exp(-self.residual_boron / BORON_COHERENCE) * (1.0 - self.interdiffusion)

    @property
    def correlation_scale(self) -> float:
        """Factor on the disorder correlation length, sqrt(r + (1-r) g) (1 - 0.9 delta) [-]."""
        r = XI_INITIAL_RATIO**2
        return float(np.sqrt(r + (1.0 - r) * self.healing)) * (1.0 - XI_LOSS * self.interdiffusion)

    @property
    def spin_mixing(self) -> float:
        """Extra spin-band mixing from the intermixed layer, 0.25 delta [-]."""
        return INTERDIFF_MIXING * self.interdiffusion

    def to_dict(self) -> dict:
        return {
            "crystalline_fraction": self.crystalline_fraction,
            "residual_boron": self.residual_boron,
            "interdiffusion": self.interdiffusion,
            "healing": self.healing,
        }


def anneal_state(stack, anneal=None) -> AnnealState:
    """The :class:`AnnealState` of ``stack`` after ``anneal`` (None: as grown).

    Parameters
    ----------
    stack : mramsim.Stack
        The stack (its electrodes' ``boron_fraction`` and
        ``crystalline_as_grown`` are used).
    anneal : mramsim.Anneal or None
        The anneal; None keeps the as-grown state.
    """
    b0 = 0.5 * (stack.left.boron_fraction + stack.right.boron_fraction)
    x0 = stack.crystalline_as_grown
    h0 = x0  # epitaxial (as-grown crystalline) interfaces are already healed
    if anneal is None:
        return AnnealState(x0, b0, 0.0, h0)
    T, t, cap = anneal.temperature, anneal.time, anneal.cap
    sink = stack.boron_sink_scale
    x = float(crystalline_fraction_spread(T, t, b0, cap, x0, stack.crystallization_spread, sink))
    b = float(residual_boron(T, t, b0, cap, sink))
    d = float(interdiffusion(T, t, cap, stack.cap_onset_shift))
    g = float(disorder_healing(T, t, h0))
    return AnnealState(min(max(x, 0.0), 1.0), b, min(max(d, 0.0), 1.0), min(max(g, 0.0), 1.0))
