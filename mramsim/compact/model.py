r"""``CompactMTJ``: a smooth closed-form R(V, T, state) that SPICE converges on.

The static resistance :math:`R = V/I` of a magnetic tunnel junction in state
:math:`s` (0 = P, 1 = AP) is written as

.. math::
    R(s, V, T) = k_R\, R_P(V, T)\,\big(1 + s\, k_\tau\, \mathrm{TMR}(V, T)\big)

with the multipliers :math:`k_R` (``r_scale``) and :math:`k_\tau`
(``tmr_scale``) used by Monte Carlo and the instance parameters of the
exported cards. Every named parameter means what its name says *of the model
itself*: ``r_p0`` and ``tmr0`` are R_P and TMR at V = 0, T = t_nom;
``tc_rp`` and ``tc_tmr`` are :math:`d\ln R_P/dT` and :math:`d\ln\mathrm{TMR}/dT`
there; ``vh_pos``/``vh_neg`` are the biases at which the model's TMR (all
terms included) is half of ``tmr0`` at t_nom. The internal shape constants
that make this so are solved in closed form (below), so a card can be read
back from its parameter list alone.

**Parallel state (elastic).** A bias series in the soft-clipped bias
:math:`u = v_c\tanh(V/v_c)` plus temperature terms,

.. math::
    \ln\frac{R^{el}_P}{R_{P0}} = b_1 u + b_2 u^2 + b_3 u^3 + b_4 u^4
        + c_1\,\Delta T + c_2\,\Delta T^2 + c_{12}\, u^2\,\Delta T,
    \qquad \Delta T = T - T_{nom}.

For a trapezoidal barrier the Brinkman-Dynes-Rowell conductance
:math:`G(V)/G(0) = 1 - a_1 V + a_2 V^2` (Brinkman, Dynes, Rowell,
J. Appl. Phys. 41, 1915 (1970), doi:10.1063/1.1659141) gives to lowest order
:math:`b_1 = a_1` (barrier asymmetry) and :math:`b_2 = a_1^2/2 - a_2`; the
Stratton thermal smearing (Stratton, J. Phys. Chem. Solids 23, 1177 (1962),
doi:10.1016/0022-3697(62)90165-8) is what :math:`c_1` (``tc_rp``),
:math:`c_2` (``tc2_rp``) and the cross term :math:`c_{12}` (``tc_rp_bias``)
absorb. ``tanh`` bounds :math:`u` by :math:`v_c`, so :math:`R_P` stays finite.

**TMR (elastic).** A rational bias shape with a scale per polarity,
blended smoothly (width :math:`v_w`), times a temperature factor:

.. math::
    \mathrm{TMR}_{el}(V, T) = \mathrm{TMR}_0\, G(T)\,\frac{1 + g\, x}{1 + x + q\, x^2},\qquad
    x = V^2\big(w\,k_+ + (1-w)\,k_-\big)\, e^{-2 c_v \Delta T},
    \qquad w = \tfrac12\big(1 + \tanh(V/v_w)\big)

(:math:`q` = ``tmr_q`` >= 0, :math:`g` = ``tmr_g`` >= 0, :math:`c_v` = ``tc_vbias``).
With :math:`g = 0` the factor falls with bias (a Lorentzian); with :math:`g > 1`
it rises (towards :math:`g` for :math:`q = 0`, then falls for :math:`q > 0`), as the
coherent elastic TMR of epitaxial Fe/MgO/Fe does under bias while the magnon term
below takes TMR down (Butler, Zhang, Schulthess, MacLaren, PRB 63, 054416 (2001),
doi:10.1103/PhysRevB.63.054416; Yuasa et al., Nat. Mater. 3, 868 (2004)).
Numerator and denominator are >= 1 for :math:`x \ge 0`, so the factor is smooth and
bounded by :math:`\max(1, g)`. Temperature law
``exp`` (``p_nom`` = 0): :math:`G = e^{t_1\Delta T + t_2\Delta T^2}`;
law ``shang`` (``p_nom`` > 0): the spin-wave polarization
:math:`P(T) = P_0(1 - \alpha T^{3/2})` (Shang, Nowak, Jansen, Moodera, PRB
58, R2917 (1998), doi:10.1103/PhysRevB.58.R2917) in Julliere's
:math:`J(P) = 2P^2/(1-P^2)` (Phys. Lett. 54A, 225 (1975)), written with the
polarization at t_nom, :math:`P_n` (``p_nom``):

.. math::
    G = \frac{J(P(T))}{J(P_n)}\,e^{t_2\Delta T^2},\qquad
    P(T) = P_n\big(1 - \beta\,[(T/T_{nom})^{3/2} - 1]\big),\qquad
    \beta = -\frac{t_1 T_{nom}(1 - P_n^2)}{3}

so that in both laws :math:`t_1` (``tc_tmr``) is exactly
:math:`d\ln\mathrm{TMR}/dT` at V = 0, t_nom (:math:`P_0 = P_n(1+\beta)`,
:math:`\alpha = \beta/((1+\beta)T_{nom}^{3/2})`).

**Magnon-assisted spin flip.** Inelastic magnon emission mixes the two
spin channels under bias (Zhang, Levy, Marley, Parkin, PRL 79, 3744 (1997),
doi:10.1103/PhysRevLett.79.3744): :math:`G_P = G^{el}_P + Q\,G^{el}_{AP}`,
:math:`G_{AP} = G^{el}_{AP} + Q\,G^{el}_P`, so with :math:`o = 1 + \mathrm{TMR}_{el}`

.. math::
    R_P = R^{el}_P\,\frac{o}{o + Q},\qquad 1 + \mathrm{TMR} = \frac{o + Q}{1 + Q\,o},
    \qquad Q = q_m\,[F(z) - F(\epsilon)],\quad
    z = \sqrt{(V/v_m)^2 + \epsilon^2},\quad \epsilon = \frac{n_m k_B T}{e\, v_m}

with :math:`F` the smooth rational form of Zhang's emission factor in
:func:`magnon_F` (:math:`\tfrac25 x^{3/2}` below the magnon
cut-off :math:`e v_m`, :math:`1 - \tfrac{3}{5x}` above). :math:`Q(0) = 0`,
so R_P and TMR at V = 0 are the elastic ones.

**Half-TMR biases in closed form.** At t_nom and :math:`V = \pm V_{h\pm}`
the model's TMR is :math:`\mathrm{TMR}_0/2` when, with
:math:`h = 1 + \mathrm{TMR}_0/2` and :math:`Q_h = Q(V_{h\pm}, T_{nom})`,

.. math::
    d_h = \frac{2(1 - h Q_h)}{1 + Q_h},\qquad
    x_h = \frac{2(d_h - 1)}{b + \mathrm{sgn}(d_h - 1)\sqrt{b^2 + 4q(d_h - 1)}},\quad
    b = 1 - d_h g,\qquad
    k_\pm = x_h / V_{h\pm}^2,

the root of :math:`q x^2 + b x + 1 - d_h = 0` where the elastic factor is
:math:`1/d_h` (the smaller positive one where there are two). For :math:`g = 0`
this needs :math:`Q_h < 1/(3 + \mathrm{TMR}_0)` (the magnon term alone must not
halve TMR before :math:`V_h`); for :math:`g > 0` a real root of the right sign
(checked) and, since the factor is then not monotone, :math:`V_h` must be the
model's *first* half-TMR bias (checked on a grid of 255 biases). Every denominator of the model
is >= 1 or a sum of positive terms, so no division can reach zero.

**Statistical sensitivities** come from the physics
(:attr:`CompactMTJ.sensitivities`, keys ``dlnRP_dthickness`` [1/m],
``dlnTMR_dthickness`` [1/m], ``dlnRP_danneal`` [1/K], ``dlnTMR_danneal``
[1/K]) and :meth:`CompactMTJ.variation_scales` turns a thickness, area and
anneal change into ``(r_scale, tmr_scale)``: for tunnelling through a
barrier of thickness d, :math:`R \propto e^{2\kappa d}/A` (Simmons, J. Appl.
Phys. 34, 1793 (1963), doi:10.1063/1.1702682).

Parameters (name, unit, meaning; ``fit_compact`` takes r_p0, tmr0, vh_pos,
vh_neg, tc_rp and tc_tmr from the table as exact constraints):

============  =========  ======================================================
r_p0          ohm        R_P at V = 0, T = t_nom, area = ``area``
tmr0          -          TMR at V = 0, T = t_nom
area          m^2        junction area of the fit
vh_pos        V          bias V > 0 where the model's TMR = tmr0/2 at t_nom
vh_neg        V          bias V < 0 (magnitude) where TMR = tmr0/2 at t_nom
b1..b4        1/V^k      bias series of ln R_P^el in u
tc_rp         1/K        d ln R_P/dT at V = 0, t_nom
tc2_rp        1/K^2      curvature of ln R_P in T
tc_rp_bias    1/(V^2 K)  u^2 dT cross term of ln R_P^el
tc_tmr        1/K        d ln TMR/dT at V = 0, t_nom
tc2_tmr       1/K^2      curvature of ln TMR in T (beyond the Shang factor)
p_nom         -          polarization at t_nom of the Shang law; 0 = exp law
tc_vbias      1/K        temperature coefficient of the elastic bias scale
tmr_q         -          quartic term of the elastic TMR bias denominator
tmr_g         -          numerator term of the elastic TMR bias factor (0 = falling)
q_mag         -          magnon spin-flip coupling q_m (0 = off)
v_mag         V          magnon cut-off energy over e
n_mag         -          zero-bias rounding of the magnon term [k_B T/e]
v_c           V          soft-clip voltage of the ln R_P bias series
v_w           V          width of the polarity switch of the TMR bias scale
t_nom         K          reference temperature
============  =========  ======================================================
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from .._validation import (check_broadcast, check_finite, check_nonnegative, check_positive, check_range,
                           check_scalar, parse_state)
from ..constants import T_NOM, e, k_B
from ..errors import ParameterError
from ..physics.device import T_RANGE, V_MAX
from ._shape import (  # noqa: F401  (re-exported)
    MAGNON_C, NUMERIC_PARAMETERS, PARAMETER_UNITS, SENSITIVITY_KEYS, magnon_F, variation_multipliers,
)

__all__ = ["CompactMTJ", "SENSITIVITY_KEYS", "PARAMETER_UNITS"]

#: Allowed V_h [V]: from 1 mV (below it the junction has no TMR at any usable bias) to 100 V.
VH_RANGE = (1e-3, 100.0)
#: Largest r_scale / tmr_scale multiplier [-] (a variation sample 1e6 times the nominal is an error).
SCALE_MAX = 1e6

#: Highest temperature at which the Shang polarization must stay in (0, 1) [K].
T_MAX_SHANG = 1000.0


@dataclass(frozen=True, eq=False)
class CompactMTJ:
    """Closed-form MTJ resistance model (equations and parameter table in the module docstring).

    Parameters
    ----------
    r_p0, tmr0, area, vh_pos, vh_neg, b1..b4, tc_rp, tc2_rp, tc_rp_bias, tc_tmr, tc2_tmr, p_nom,
    tc_vbias, tmr_q, tmr_g, q_mag, v_mag, n_mag, v_c, v_w, t_nom : float
        The numeric parameters: unit and meaning in the module's parameter table
        (:data:`PARAMETER_UNITS`). Constraints: r_p0, tmr0, area, vh_pos, vh_neg,
        v_mag, n_mag, v_c, v_w, t_nom > 0; tmr_q, tmr_g, q_mag >= 0; 0 <= p_nom < 1; the
        magnon term alone must not halve TMR below vh_pos/vh_neg.
    name : str
        Subcircuit name used by the exporters.
    sensitivities : dict
        Physics sensitivities (keys :data:`SENSITIVITY_KEYS`).
    provenance : dict
        Where the model came from (preset, anneal, fit error, ...).
    fit_report : FitReport or None
        Set by :func:`mramsim.compact.fit.fit_compact`.
    """

    r_p0: float
    tmr0: float
    area: float = 2.8274e-15
    vh_pos: float = 0.5
    vh_neg: float = 0.5
    b1: float = 0.0
    b2: float = 0.0
    b3: float = 0.0
    b4: float = 0.0
    tc_rp: float = 0.0
    tc2_rp: float = 0.0
    tc_rp_bias: float = 0.0
    tc_tmr: float = 0.0
    tc2_tmr: float = 0.0
    p_nom: float = 0.0
    tc_vbias: float = 0.0
    tmr_q: float = 0.0
    tmr_g: float = 0.0
    q_mag: float = 0.0
    v_mag: float = 0.1
    n_mag: float = 1.0
    v_c: float = 1.0
    v_w: float = 0.02
    t_nom: float = T_NOM
    name: str = "mtj"
    sensitivities: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    fit_report: object = None

    def __post_init__(self):
        for f in NUMERIC_PARAMETERS:
            object.__setattr__(self, f, check_scalar(f"CompactMTJ.{f}", getattr(self, f), "a real scalar"))
        check_positive("CompactMTJ.r_p0", self.r_p0, "ohm")
        check_range("CompactMTJ.tmr0", self.tmr0, 0.0, 100.0, lo_open=True)
        check_positive("CompactMTJ.area", self.area, "m^2")
        # V_h below 1 mV would be a junction without TMR at any bias a circuit uses (and 1/V_h^2 overflows)
        check_range("CompactMTJ.vh_pos", self.vh_pos, VH_RANGE[0], VH_RANGE[1], unit="V")
        check_range("CompactMTJ.vh_neg", self.vh_neg, VH_RANGE[0], VH_RANGE[1], unit="V")
        check_positive("CompactMTJ.v_c", self.v_c, "V")
        check_positive("CompactMTJ.v_w", self.v_w, "V")
        check_positive("CompactMTJ.t_nom", self.t_nom, "K")
        check_nonnegative("CompactMTJ.tmr_q", self.tmr_q)
        check_nonnegative("CompactMTJ.tmr_g", self.tmr_g)
        check_nonnegative("CompactMTJ.q_mag", self.q_mag)
        check_positive("CompactMTJ.v_mag", self.v_mag, "V")
        check_positive("CompactMTJ.n_mag", self.n_mag)
        check_range("CompactMTJ.p_nom", self.p_nom, 0.0, 0.999)
        if self.p_nom > 0.0:
            beta = self.shang_beta
            # P(T) in (0, 1) for 0 < T <= T_MAX_SHANG (no pole or sign change of J(P))
            lo = 1.0 - beta * ((T_MAX_SHANG / self.t_nom) ** 1.5 - 1.0)
            hi = 1.0 + beta
            if not (min(lo, hi) > 0.0 and self.p_nom * max(lo, hi) < 1.0):
                raise ParameterError("CompactMTJ.tc_tmr", self.tc_tmr,
                                     f"a slope for which P(T) stays in (0, 1) up to {T_MAX_SHANG:g} K",
                                     hint=f"p_nom = {self.p_nom}")
        from .._text import check_name

        check_name("CompactMTJ.name", self.name)
        sens = {}
        for k, v in dict(self.sensitivities).items():
            if k not in SENSITIVITY_KEYS:
                raise ParameterError("CompactMTJ.sensitivities", k, "keys " + ", ".join(SENSITIVITY_KEYS))
            check_finite(f"CompactMTJ.sensitivities[{k!r}]", v)
            sens[k] = float(v)
        object.__setattr__(self, "sensitivities", sens)
        object.__setattr__(self, "provenance", dict(self.provenance))
        object.__setattr__(self, "_k", (self._bias_scale(self.vh_pos, "vh_pos"),
                                        self._bias_scale(self.vh_neg, "vh_neg")))
        if self.tmr_g > 0.0:
            self._check_first_crossing()

    # -- derived ---------------------------------------------------------------
    @property
    def ra(self) -> float:
        """Resistance-area product R_P0 * area [ohm m^2]."""
        return self.r_p0 * self.area

    @property
    def shang_beta(self) -> float:
        """beta of the Shang law, -tc_tmr t_nom (1 - p_nom^2)/3 [-] (0 for the exp law)."""
        return -self.tc_tmr * self.t_nom * (1.0 - self.p_nom**2) / 3.0 if self.p_nom > 0 else 0.0

    @property
    def shang_p0_alpha(self) -> tuple:
        """(P_0 [-], alpha [K^-1.5]) of P(T) = P_0 (1 - alpha T^1.5) for the Shang law."""
        b = self.shang_beta
        return self.p_nom * (1.0 + b), b / ((1.0 + b) * self.t_nom**1.5)

    @property
    def bias_scales(self) -> tuple:
        """(k_+, k_-): the internal elastic TMR bias scales solved from vh_pos, vh_neg [1/V^2]."""
        return self._k

    def magnon_q(self, V, T):
        """Magnon spin-flip ratio Q(V, T) [-] (0 at V = 0)."""
        return self._q(np.asarray(V, float), np.asarray(T, float))[0]

    def _bias_scale(self, vh, field):
        qh = float(self._q(np.asarray(vh), np.asarray(self.t_nom))[0]) if self.q_mag else 0.0
        h = 1.0 + 0.5 * self.tmr0
        d = 2.0 * (1.0 - h * qh) / (1.0 + qh)       # the elastic factor must be 1/d at V_h
        dm1 = d - 1.0
        b = 1.0 - d * self.tmr_g
        disc = b * b + 4.0 * self.tmr_q * dm1
        den = b + np.copysign(np.sqrt(max(disc, 0.0)), dm1)
        if not (d > 0.0 and dm1 != 0.0 and disc >= 0.0 and den * dm1 > 0.0):
            raise ParameterError(f"CompactMTJ.{field}", vh, "a bias at which the elastic TMR factor (1 + tmr_g x)/"
                                 "(1 + x + tmr_q x^2) can make up for the magnon term (TMR = tmr0/2)",
                                 hint=f"Q(V_h) = {qh:.4g}, d = {d:.4g}, tmr_g, q = {self.tmr_g:.4g}, {self.tmr_q:.4g}")
        return float(2.0 * dm1 / den / vh**2)

    def _check_first_crossing(self):  # tmr_g > 0: the elastic factor is not monotone
        T = np.asarray(self.t_nom)
        for vh, sgn, field in ((self.vh_pos, 1.0, "vh_pos"), (self.vh_neg, -1.0, "vh_neg")):
            V = sgn * vh * np.linspace(0.0, 1.0, 257)[1:-1]
            one, q = 1.0 + self._tmr_el(V, T, 0.0), (self._q(V, T)[0] if self.q_mag else 0.0)
            low = (one + q) / (1.0 + q * one) - 1.0 <= 0.5 * self.tmr0
            if np.any(low):
                raise ParameterError(f"CompactMTJ.{field}", vh, "the first bias where TMR = tmr0/2",
                                     hint=f"TMR halves already near {abs(float(V[np.argmax(low)])):.4g} V")

    def parameters(self) -> dict:
        """The numeric parameters as a dict (name -> float)."""
        return {f: getattr(self, f) for f in NUMERIC_PARAMETERS}

    @classmethod
    def from_card(cls, path) -> "CompactMTJ":
        """Read a model card of any dialect back into a :class:`CompactMTJ`.

        Parameters
        ----------
        path : path-like
            Card written by :meth:`write` / ``mramsim export``.
        """
        from pathlib import Path

        from .export.reader import parse_card

        return cls(**parse_card(Path(path).read_text()))

    # -- pieces ------------------------------------------------------------------
    def _u(self, V):
        return self.v_c * np.tanh(V / self.v_c)

    def _ln_rp(self, V, dT):
        u = self._u(V)
        u2 = u * u
        return (np.log(self.r_p0) + u * (self.b1 + u * (self.b2 + u * (self.b3 + u * self.b4)))
                + dT * (self.tc_rp + self.tc2_rp * dT) + self.tc_rp_bias * u2 * dT)

    def _tmr_t(self, T, dT):
        """TMR(0, T) [-]: tmr0 G(T)."""
        if self.p_nom == 0.0:
            return self.tmr0 * np.exp(dT * (self.tc_tmr + self.tc2_tmr * dT))
        b = self.shang_beta
        t = T / self.t_nom
        p = self.p_nom * (1.0 - b * (t * np.sqrt(t) - 1.0))
        pn2 = self.p_nom**2
        ratio = (p * p / (1.0 - p * p)) * ((1.0 - pn2) / pn2)
        return self.tmr0 * ratio * np.exp(self.tc2_tmr * dT * dT)

    def _x(self, V, dT):
        w = 0.5 * (1.0 + np.tanh(V / self.v_w))
        kp, kn = self._k
        k = (kn + (kp - kn) * w) * np.exp(-2.0 * self.tc_vbias * dT)
        return V * V * k, w, k

    @staticmethod
    def _prep(V, T):
        # the model's range is the physics' range it is fitted from (mramsim.physics.device V_MAX, T_RANGE);
        # beyond it the closed forms extrapolate into nonsense (R(1e5 K) = 1e-224 ohm)
        V = np.asarray(check_range("V", check_finite("V", V), -V_MAX, V_MAX, unit="V"), float)
        T = np.asarray(check_range("T", check_finite("T", T), *T_RANGE, unit="K"), float)
        check_broadcast(("V", "T"), V, T)
        return V, T

    # -- evaluation ----------------------------------------------------------------
    def r_parallel(self, V, T):
        """R_P(V, T) [ohm].

        Parameters
        ----------
        V : array_like
            Bias [V].
        T : array_like
            Temperature [K].
        """
        return self._eval(V, T)[0]

    def tmr(self, V, T):
        """TMR(V, T) = (R_AP - R_P)/R_P [-].

        Parameters
        ----------
        V : array_like
            Bias [V].
        T : array_like
            Temperature [K].
        """
        return self._eval(V, T)[1]

    def _tmr_el(self, V, T, dT):
        x = self._x(V, dT)[0]
        return self._tmr_t(T, dT) * (1.0 + self.tmr_g * x) / (1.0 + x * (1.0 + self.tmr_q * x))

    def _q(self, V, T):
        """(Q, dQ/dV) of the magnon spin-flip mixing."""
        eps = self.n_mag * k_B * T / (e * self.v_mag)
        x = V / self.v_mag
        z = np.sqrt(x * x + eps * eps)
        fz, dfz = magnon_F(z)
        fe = magnon_F(eps)[0]
        return self.q_mag * (fz - fe), self.q_mag * dfz * x / (z * self.v_mag)

    def _eval(self, V, T):
        """(R_P, TMR) in one pass (validated inputs)."""
        V, T = self._prep(V, T)
        dT = T - self.t_nom
        rp = np.exp(self._ln_rp(V, dT))
        tmr_el = self._tmr_el(V, T, dT)
        if self.q_mag == 0.0:
            return rp, tmr_el
        one = 1.0 + tmr_el
        q = self._q(V, T)[0]
        return rp * one / (one + q), (one + q) / (1.0 + q * one) - 1.0

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
            Multiplier on R_P (variation of RA, area, thickness) [-], > 0.
        tmr_scale : array_like
            Multiplier on TMR (variation of TMR) [-], >= 0.
        """
        s = parse_state(state)
        check_range("r_scale", check_finite("r_scale", r_scale), 0.0, SCALE_MAX, lo_open=True)
        check_range("tmr_scale", check_finite("tmr_scale", tmr_scale), 0.0, SCALE_MAX)
        rp, tmr = self._eval(V, T)
        check_broadcast(("state", "r_scale", "tmr_scale", "V x T"), s, r_scale, tmr_scale, rp)
        factor = 1.0 + s * np.asarray(tmr_scale, float) * tmr
        if np.any(factor <= 0):
            raise ParameterError("tmr_scale", tmr_scale, "small enough that 1 + tmr_scale*TMR > 0 (TMR < 0 here)")
        return rp * np.asarray(r_scale, float) * factor

    def current(self, state, V, T, **scales):
        """Current I = V/R [A] (positive from ``te`` to ``be`` for V > 0).

        Parameters
        ----------
        state, V, T, **scales
            As in :meth:`resistance`.
        """
        return np.asarray(V, float) / self.resistance(state, V, T, **scales)

    def didv(self, state, V, T, *, r_scale=1.0, tmr_scale=1.0):
        r"""Differential conductance dI/dV [S], analytic.

        .. math::
            \frac{dI}{dV} = \frac{1 - V\, d\ln R/dV}{R},\qquad
            \frac{d\ln R}{dV} = \frac{d\ln R_P}{dV}
              + \frac{s k_\tau\, d\mathrm{TMR}/dV}{1 + s k_\tau \mathrm{TMR}}

        Parameters
        ----------
        state, V, T, r_scale, tmr_scale
            As in :meth:`resistance`.
        """
        s = parse_state(state)
        R = self.resistance(s, V, T, r_scale=r_scale, tmr_scale=tmr_scale)
        V, T = self._prep(V, T)
        dT = T - self.t_nom
        th = np.tanh(V / self.v_c)
        u = self.v_c * th
        du = 1.0 - th * th
        dlnrp = (self.b1 + u * (2 * self.b2 + u * (3 * self.b3 + u * 4 * self.b4))
                 + 2.0 * self.tc_rp_bias * u * dT) * du
        x, w, inv_vh2 = self._x(V, dT)
        tv = np.tanh(V / self.v_w)
        dw = 0.5 * (1.0 - tv * tv) / self.v_w
        dinv = dw * (self._k[0] - self._k[1]) * np.exp(-2.0 * self.tc_vbias * dT)
        dx = 2.0 * V * inv_vh2 + V * V * dinv
        den = 1.0 + x * (1.0 + self.tmr_q * x)
        tmr_t = self._tmr_t(T, dT)
        nm = 1.0 + self.tmr_g * x
        tmr = tmr_t * nm / den
        dtmr = tmr_t * (self.tmr_g * den - nm * (1.0 + 2.0 * self.tmr_q * x)) * dx / (den * den)
        if self.q_mag != 0.0:
            q, dq = self._q(V, T)
            one = 1.0 + tmr
            done = dtmr
            dlnrp = dlnrp + done / one - (done + dq) / (one + q)
            qq = 1.0 + q * one
            tmr = (one + q) / qq - 1.0
            dtmr = ((done + dq) * qq - (one + q) * (dq * one + q * done)) / (qq * qq)
        k = s * np.asarray(tmr_scale, float)
        dlnr = dlnrp + k * dtmr / (1.0 + k * tmr)
        return (1.0 - V * dlnr) / R

    # -- statistics ------------------------------------------------------------------
    def variation_scales(self, d_thickness=0.0, d_area_rel=0.0, d_anneal=0.0, *, check=True):
        r"""R_P and TMR multipliers for thickness, area and anneal changes (vectorised).

        .. math::
            k_R = \frac{\exp(S_{R,d}\,\delta d + S_{R,a}\,\delta T_a)}{1 + \delta A/A},\qquad
            k_\tau = \exp(S_{\tau,d}\,\delta d + S_{\tau,a}\,\delta T_a)

        with the physics sensitivities :math:`S` from :attr:`sensitivities`
        (``dlnRP_dthickness`` etc.). R_P scales as 1/area at constant RA.

        Parameters
        ----------
        d_thickness : array_like
            Barrier thickness change [m].
        d_area_rel : array_like
            Relative area change dA/A [-], > -1.
        d_anneal : array_like
            Anneal temperature change [K].
        check : bool
            Validate and broadcast the inputs (default). ``False`` is for
            internally generated, finite inputs (``d_area_rel > -1``): no checks,
            no broadcasting, and the multipliers as computed (a scalar where the
            inputs allow); same equations.

        Returns
        -------
        r_scale, tmr_scale : ndarray
            Broadcast multipliers on R_P and TMR [-].

        Raises
        ------
        ParameterError
            A non-zero change is asked for whose sensitivity the model does not
            carry (fit from a table without it).
        """
        if not check:
            return self._scales(d_thickness, d_area_rel, d_anneal)
        dd = np.asarray(check_finite("d_thickness", d_thickness), float)
        da = np.asarray(check_range("d_area_rel", d_area_rel, -1.0, lo_open=True), float)
        dta = np.asarray(check_finite("d_anneal", d_anneal), float)
        r_scale, tmr_scale = self._scales(dd, da, dta)
        shape = np.broadcast_shapes(dd.shape, da.shape, dta.shape)
        return np.broadcast_to(r_scale, shape).copy(), np.broadcast_to(tmr_scale, shape).copy()

    def _scales(self, dd, da, dta):
        """The equations of :meth:`variation_scales` (no checks) [m, -, K] -> (r_scale, tmr_scale)."""
        return variation_multipliers(self.sensitivities, dd, da, dta)

    # -- export --------------------------------------------------------------------
    def to_netlist(self, dialect: str = "ngspice", name: str | None = None, statistical: bool = False,
                   **options) -> str:
        """Model card text for a simulator dialect.

        Parameters
        ----------
        dialect : str
            ``"ngspice"``, ``"hspice"``, ``"spectre"``, ``"xyce"`` or ``"verilog-a"``.
        name : str, optional
            Subcircuit / module name (default :attr:`name`).
        statistical : bool
            Add Monte Carlo variation driven by the physics sensitivities.
        **options
            Dialect options, e.g. ``sigma_thickness`` [m], ``sigma_area_rel`` [-],
            ``sigma_anneal`` [K] for the statistical variant.
        """
        from .export.registry import render

        return render(self, dialect, name=name, statistical=statistical, **options)

    def write(self, path, dialect: str = "ngspice", name: str | None = None, statistical: bool = False,
              **options) -> str:
        """Write :meth:`to_netlist` to ``path``; return the text.

        Parameters
        ----------
        path : path-like
            Output file.
        dialect, name, statistical, **options
            As in :meth:`to_netlist`.
        """
        from pathlib import Path

        text = self.to_netlist(dialect, name=name, statistical=statistical, **options)
        Path(path).write_text(text)
        return text

    def pyspice_subcircuit(self, name: str | None = None):
        """A PySpice ``SubCircuitFactory`` subclass for this model (PySpice imported lazily).

        Parameters
        ----------
        name : str, optional
            Subcircuit name (default :attr:`name`).
        """
        from .pyspice import pyspice_subcircuit

        return pyspice_subcircuit(self, name=name)

    def replace(self, **changes) -> "CompactMTJ":
        """Copy with parameters changed."""
        return replace(self, **changes)

    def __repr__(self):
        parts = [f"{f}={getattr(self, f)!r}" for f in NUMERIC_PARAMETERS
                 if f in ("r_p0", "tmr0", "area") or getattr(self, f) != _DEFAULTS.get(f)]
        return f"CompactMTJ({', '.join(parts)}, name={self.name!r})"


_DEFAULTS = {f.name: f.default for f in fields(CompactMTJ) if f.name in NUMERIC_PARAMETERS}
