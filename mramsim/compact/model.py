r"""``CompactMTJ``: a smooth closed-form R(V, T, state) that SPICE converges on.

.. math::
    R_P(V,T) = R_{P0}\,\exp\big(b_1 u + b_2 u^2 + c_1 (T - T_0)\big),\qquad
    u = v_c \tanh(V/v_c)

    \mathrm{TMR}(V,T) = \frac{\mathrm{TMR}_0\, e^{c_{tmr}(T-T_0)}}{1 + V^2/V_h(V)^2},\qquad
    R_{AP} = R_P\,(1 + \mathrm{TMR})

with :math:`V_h` blended smoothly between the two polarities. The bounded
``tanh`` keeps the exponent finite for any bias, so R never reaches 0 or
infinity and there is no division that can hit zero.

This is the stand-in form; ``compact/fit.py`` extends it where the physics asks.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import check_positive, check_range, parse_state
from ..constants import T_NOM

__all__ = ["CompactMTJ"]


@dataclass(frozen=True, eq=False)
class CompactMTJ:
    """Closed-form MTJ resistance model.

    Parameters
    ----------
    r_p0 : float
        P-state resistance at V = 0, T = t_nom [ohm].
    tmr0 : float
        TMR at V = 0, T = t_nom [-].
    area : float
        Junction area [m^2].
    vh_pos, vh_neg : float
        Bias at which TMR halves, for V > 0 and V < 0 [V].
    b1, b2 : float
        Bias coefficients of ln R_P [1/V, 1/V^2].
    tc_rp, tc_tmr : float
        Temperature coefficients of ln R_P and ln TMR [1/K].
    v_c : float
        Soft-clip voltage of the bias polynomial [V].
    t_nom : float
        Reference temperature [K].
    name : str
        Subcircuit name used by the exporters.
    """

    r_p0: float
    tmr0: float
    area: float = 2.8274e-15
    vh_pos: float = 0.5
    vh_neg: float = 0.5
    b1: float = 0.0
    b2: float = 0.0
    tc_rp: float = 0.0
    tc_tmr: float = 0.0
    v_c: float = 1.0
    t_nom: float = T_NOM
    name: str = "mtj"
    sensitivities: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    fit_report: object = None

    def __post_init__(self):
        check_positive("CompactMTJ.r_p0", self.r_p0, "ohm")
        check_range("CompactMTJ.tmr0", self.tmr0, -0.99, 100.0)
        check_positive("CompactMTJ.area", self.area, "m^2")
        check_positive("CompactMTJ.vh_pos", self.vh_pos, "V")
        check_positive("CompactMTJ.vh_neg", self.vh_neg, "V")
        check_positive("CompactMTJ.v_c", self.v_c, "V")
        check_positive("CompactMTJ.t_nom", self.t_nom, "K")

    # -- evaluation --------------------------------------------------------
    def r_parallel(self, V, T):
        """R_P(V, T) [ohm]."""
        V = np.asarray(V, float)
        dT = np.asarray(T, float) - self.t_nom
        u = self.v_c * np.tanh(V / self.v_c)
        return self.r_p0 * np.exp(self.b1 * u + self.b2 * u * u + self.tc_rp * dT)

    def tmr(self, V, T):
        """TMR(V, T) [-]."""
        V = np.asarray(V, float)
        dT = np.asarray(T, float) - self.t_nom
        w = 0.5 * (1.0 + np.tanh(V / 0.02))
        inv_vh2 = w / self.vh_pos**2 + (1.0 - w) / self.vh_neg**2
        return self.tmr0 * np.exp(self.tc_tmr * dT) / (1.0 + V * V * inv_vh2)

    def resistance(self, state, V, T, *, r_scale=1.0, tmr_scale=1.0):
        """Static resistance V/I [ohm].

        Parameters
        ----------
        state : {'P', 'AP', 0, 1} or int array
            Magnetic state (0 = P, 1 = AP); broadcasts with V and T.
        V : array_like
            Bias across the junction [V].
        T : array_like
            Temperature [K].
        r_scale : array_like
            Multiplier on R_P (variation of RA, area) [-].
        tmr_scale : array_like
            Multiplier on TMR (variation of TMR) [-].
        """
        s = parse_state(state)
        rp = self.r_parallel(V, T) * r_scale
        return rp * (1.0 + s * tmr_scale * self.tmr(V, T))

    def current(self, state, V, T, **scales):
        """Current V/R [A]."""
        return np.asarray(V, float) / self.resistance(state, V, T, **scales)

    def didv(self, state, V, T, dv=1e-6, **scales):
        """Differential conductance dI/dV [S] (central difference)."""
        V = np.asarray(V, float)
        return (self.current(state, V + dv, T, **scales) - self.current(state, V - dv, T, **scales)) / (2 * dv)

    def replace(self, **changes) -> "CompactMTJ":
        """Copy with parameters changed."""
        return replace(self, **changes)
