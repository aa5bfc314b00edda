r"""``CompactMTJ``: a smooth closed-form R(V, T, state) that SPICE converges on.

The static resistance :math:`R = V/I` of a magnetic tunnel junction in state
:math:`s` (0 = P, 1 = AP) is written as

.. math::
    R(s, V, T) = k_R\, R_P(V, T)\,\big(1 + s\, k_\tau\, \mathrm{TMR}(V, T)\big)

with the multipliers :math:`k_R` (``r_scale``) and :math:`k_\tau`
(``tmr_scale``) used by Monte Carlo and the instance parameters of the
exported cards.

**Parallel state.** A bias series in the soft-clipped bias
:math:`u = v_c\tanh(V/v_c)` plus temperature terms,

.. math::
    \ln\frac{R_P}{R_{P0}} = b_1 u + b_2 u^2 + b_3 u^3 + b_4 u^4
        + c_1\,\Delta T + c_2\,\Delta T^2 + c_{12}\, u^2\,\Delta T,
    \qquad \Delta T = T - T_{nom}.

For a trapezoidal barrier the Brinkman-Dynes-Rowell conductance
:math:`G(V)/G(0) = 1 - a_1 V + a_2 V^2` (Brinkman, Dynes, Rowell,
J. Appl. Phys. 41, 1915 (1970), doi:10.1063/1.1659141) gives to lowest order
:math:`b_1 = a_1` (barrier asymmetry) and :math:`b_2 = a_1^2/2 - a_2`; the
Stratton thermal smearing :math:`G(T)/G(0) = \pi c k_BT/\sin(\pi c k_BT)`
(Stratton, J. Phys. Chem. Solids 23, 1177 (1962),
doi:10.1016/0022-3697(62)90165-8) is what :math:`c_1, c_2` and the
bias-temperature cross term :math:`c_{12}` (thermal smearing matters less once
:math:`eV \gg k_BT`) absorb. ``tanh`` bounds :math:`u` by :math:`v_c`, so
:math:`R_P` stays finite and positive for any bias.

**TMR.** A Lorentzian in bias with a separate half-bias per polarity, blended
smoothly (width :math:`v_w`), times a temperature factor:

.. math::
    \mathrm{TMR}(V, T) = \frac{\mathrm{TMR}_0\, F(T)}{1 + x + q\, x^2},\qquad
    x = V^2\Big(\frac{w}{V_{h+}^2} + \frac{1-w}{V_{h-}^2}\Big) e^{-2 c_h \Delta T},
    \qquad w = \tfrac12\big(1 + \tanh(V/v_w)\big)

.. math::
    F(T) = e^{t_1\Delta T + t_2\Delta T^2}\;
        \frac{J(P(T))}{J(P(T_{nom}))},\qquad J(P) = \frac{2P^2}{1 - P^2},\qquad
    P(T) = P_0\,(1 - \alpha T^{3/2})

**Magnon-assisted spin flip.** Inelastic magnon emission mixes the two
spin channels under bias (Zhang, Levy, Payne, Butler, PRL 79, 3744 (1997),
doi:10.1103/PhysRevLett.79.3744): :math:`G_P = G^{el}_P + Q\,G^{el}_{AP}`,
:math:`G_{AP} = G^{el}_{AP} + Q\,G^{el}_P` with the elastic parts above
(:math:`R^{el}_P` the exponential series, :math:`1 + \mathrm{TMR}_{el}` the
Lorentzian), so with :math:`o = 1 + \mathrm{TMR}_{el}`

.. math::
    R_P = R^{el}_P\,\frac{o}{o + Q},\qquad 1 + \mathrm{TMR} = \frac{o + Q}{1 + Q\,o},
    \qquad Q = q_m\,[F(z) - F(\epsilon)],\quad
    z = \sqrt{(V/v_m)^2 + \epsilon^2},\quad \epsilon = \frac{n_m k_B T}{e\, v_m}

with :math:`F(z) = z^{3/2}/(5/2 + \tfrac35 z^{1/2} + z^{3/2})`, a smooth
form of Zhang's emission factor (:math:`\tfrac25 x^{3/2}` below the magnon
cut-off :math:`e v_m`, :math:`1 - \tfrac{3}{5x}` above; same limits), rounded
at zero bias over the thermal width :math:`n_m k_BT/e`. :math:`F` is
increasing and :math:`z \ge \epsilon > 0`, so :math:`Q \ge 0` and every
denominator stays positive.

The Lorentzian is the standard phenomenological bias dependence (TMR halves
at :math:`V_h`; e.g. Parkin et al., Nat. Mater. 3, 862 (2004),
doi:10.1038/nmat1256); the :math:`T^{3/2}` polarization is the spin-wave
law of Shang, Nowak, Jansen, Moodera, PRB 58, R2917 (1998),
doi:10.1103/PhysRevB.58.R2917, inserted in Julliere's formula (Phys. Lett.
54A, 225 (1975)); the Shang factor is used when ``p0 > 0`` (otherwise
:math:`J` ratio = 1). The denominator is :math:`\ge 1` (``q >= 0``), so no
division can reach zero.

**Statistical sensitivities** come from the physics
(:attr:`CompactMTJ.sensitivities`, keys ``dlnRP_dthickness`` [1/m],
``dlnTMR_dthickness`` [1/m], ``dlnRP_danneal`` [1/K], ``dlnTMR_danneal``
[1/K]) and :meth:`CompactMTJ.variation_scales` turns a thickness, area and
anneal change into ``(r_scale, tmr_scale)``: for tunnelling through a
barrier of thickness d, :math:`R \propto e^{2\kappa d}/A` (Simmons, J. Appl.
Phys. 34, 1793 (1963), doi:10.1063/1.1702682).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from .._validation import check_finite, check_nonnegative, check_positive, check_range, parse_state
from ..constants import T_NOM, e, k_B
from ..errors import ParameterError

__all__ = ["CompactMTJ", "SENSITIVITY_KEYS", "PARAMETER_UNITS"]

#: Keys of :attr:`CompactMTJ.sensitivities` used by :meth:`CompactMTJ.variation_scales`.
SENSITIVITY_KEYS = ("dlnRP_dthickness", "dlnTMR_dthickness", "dlnRP_danneal", "dlnTMR_danneal")

#: Units of the numeric parameters (for reports and card headers).
PARAMETER_UNITS = {
    "r_p0": "ohm", "tmr0": "-", "area": "m^2", "vh_pos": "V", "vh_neg": "V", "b1": "1/V",
    "b2": "1/V^2", "b3": "1/V^3", "b4": "1/V^4", "tc_rp": "1/K", "tc2_rp": "1/K^2",
    "tc_rp_bias": "1/(V^2 K)", "tc_tmr": "1/K", "tc2_tmr": "1/K^2", "tc_vh": "1/K", "tmr_q": "-",
    "p0": "-", "alpha_sp": "K^-1.5", "q_mag": "-", "v_mag": "V", "n_mag": "-", "v_c": "V", "v_w": "V",
    "t_nom": "K",
}

#: Numeric model parameters, in the order the exporters write them.
NUMERIC_PARAMETERS = tuple(PARAMETER_UNITS)


@dataclass(frozen=True, eq=False)
class CompactMTJ:
    """Closed-form MTJ resistance model (see the module docstring for the equations).

    Parameters
    ----------
    r_p0 : float
        P-state resistance at V = 0, T = t_nom, area = ``area`` [ohm].
    tmr0 : float
        TMR at V = 0, T = t_nom [-].
    area : float
        Junction area the model was fitted for [m^2].
    vh_pos, vh_neg : float
        Bias at which the Lorentzian TMR halves (q = 0), for V > 0 and V < 0 [V].
    b1, b2, b3, b4 : float
        Bias coefficients of ln R_P in u [1/V, 1/V^2, 1/V^3, 1/V^4].
    tc_rp, tc2_rp : float
        Linear and quadratic temperature coefficients of ln R_P [1/K, 1/K^2].
    tc_rp_bias : float
        Bias-temperature cross coefficient of ln R_P (multiplies u^2 dT) [1/(V^2 K)].
    tc_tmr, tc2_tmr : float
        Linear and quadratic temperature coefficients of ln TMR [1/K, 1/K^2].
    tc_vh : float
        Temperature coefficient of ln V_h [1/K].
    tmr_q : float
        Quartic term of the TMR bias denominator, >= 0 [-].
    p0 : float
        Low-temperature spin polarization for the Shang P(T) factor, in [0, 1);
        0 switches the factor off [-].
    alpha_sp : float
        Spin-wave coefficient alpha of P(T) = p0 (1 - alpha T^1.5) [K^-1.5].
    q_mag : float
        Magnon spin-flip coupling q_m, >= 0 (0 switches it off) [-].
    v_mag : float
        Magnon cut-off energy over e, E_m/e [V].
    n_mag : float
        Zero-bias rounding of the magnon term in units of k_B T/e, > 0 [-].
    v_c : float
        Soft-clip voltage of the ln R_P bias series [V].
    v_w : float
        Width of the smooth switch between the two V_h polarities [V].
    t_nom : float
        Reference temperature [K].
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
    tc_vh: float = 0.0
    tmr_q: float = 0.0
    p0: float = 0.0
    alpha_sp: float = 0.0
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
            value = getattr(self, f)
            if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
                raise ParameterError(f"CompactMTJ.{f}", value, "a real scalar")
            check_finite(f"CompactMTJ.{f}", value)
            object.__setattr__(self, f, float(value))
        check_positive("CompactMTJ.r_p0", self.r_p0, "ohm")
        check_range("CompactMTJ.tmr0", self.tmr0, -0.99, 100.0)
        check_positive("CompactMTJ.area", self.area, "m^2")
        check_positive("CompactMTJ.vh_pos", self.vh_pos, "V")
        check_positive("CompactMTJ.vh_neg", self.vh_neg, "V")
        check_positive("CompactMTJ.v_c", self.v_c, "V")
        check_positive("CompactMTJ.v_w", self.v_w, "V")
        check_positive("CompactMTJ.t_nom", self.t_nom, "K")
        check_nonnegative("CompactMTJ.tmr_q", self.tmr_q)
        check_nonnegative("CompactMTJ.q_mag", self.q_mag)
        check_positive("CompactMTJ.v_mag", self.v_mag, "V")
        check_positive("CompactMTJ.n_mag", self.n_mag)
        check_range("CompactMTJ.p0", self.p0, 0.0, 0.999)
        # P(T) must stay in (0, 1) up to 1000 K so J(P) has no pole or sign change
        check_range("CompactMTJ.alpha_sp", self.alpha_sp, 0.0, 1000.0**-1.5, hi_open=True, unit="K^-1.5")
        from .export import check_name

        check_name("CompactMTJ.name", self.name)
        sens = {}
        for k, v in dict(self.sensitivities).items():
            if k not in SENSITIVITY_KEYS:
                raise ParameterError("CompactMTJ.sensitivities", k, "keys " + ", ".join(SENSITIVITY_KEYS))
            check_finite(f"CompactMTJ.sensitivities[{k!r}]", v)
            sens[k] = float(v)
        object.__setattr__(self, "sensitivities", sens)
        object.__setattr__(self, "provenance", dict(self.provenance))

    # -- derived ---------------------------------------------------------------
    @property
    def ra(self) -> float:
        """Resistance-area product R_P0 * area [ohm m^2]."""
        return self.r_p0 * self.area

    def parameters(self) -> dict:
        """The numeric parameters as a dict (name -> float)."""
        return {f: getattr(self, f) for f in NUMERIC_PARAMETERS}

    # -- pieces ------------------------------------------------------------------
    def _u(self, V):
        return self.v_c * np.tanh(V / self.v_c)

    def _ln_rp(self, V, dT):
        u = self._u(V)
        u2 = u * u
        return (np.log(self.r_p0) + u * (self.b1 + u * (self.b2 + u * (self.b3 + u * self.b4)))
                + dT * (self.tc_rp + self.tc2_rp * dT) + self.tc_rp_bias * u2 * dT)

    def _julliere_ratio(self, T):
        if self.p0 == 0.0:
            return np.ones(np.shape(T))
        def j(t):
            p = self.p0 * (1.0 - self.alpha_sp * t * np.sqrt(t))
            p2 = p * p
            return p2 / (1.0 - p2)
        return j(T) / j(self.t_nom)

    def _tmr_t(self, T, dT):
        return self.tmr0 * np.exp(dT * (self.tc_tmr + self.tc2_tmr * dT)) * self._julliere_ratio(T)

    def _x(self, V, dT):
        w = 0.5 * (1.0 + np.tanh(V / self.v_w))
        inv_vh2 = (w / self.vh_pos**2 + (1.0 - w) / self.vh_neg**2) * np.exp(-2.0 * self.tc_vh * dT)
        return V * V * inv_vh2, w, inv_vh2

    @staticmethod
    def _prep(V, T):
        V = np.asarray(check_finite("V", V), float)
        T = np.asarray(T, float)
        check_range("T", T, 0.0, lo_open=True, unit="K")
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
        V, T = self._prep(V, T)
        dT = T - self.t_nom
        rp = np.exp(self._ln_rp(V, dT))
        if self.q_mag == 0.0:
            return rp
        one = 1.0 + self._tmr_el(V, T, dT)
        return rp * one / (one + self._q(V, T)[0])

    def tmr(self, V, T):
        """TMR(V, T) = (R_AP - R_P)/R_P [-].

        Parameters
        ----------
        V : array_like
            Bias [V].
        T : array_like
            Temperature [K].
        """
        V, T = self._prep(V, T)
        dT = T - self.t_nom
        tmr_el = self._tmr_el(V, T, dT)
        if self.q_mag == 0.0:
            return tmr_el
        one = 1.0 + tmr_el
        q = self._q(V, T)[0]
        return (one + q) / (1.0 + q * one) - 1.0

    def _tmr_el(self, V, T, dT):
        x = self._x(V, dT)[0]
        return self._tmr_t(T, dT) / (1.0 + x * (1.0 + self.tmr_q * x))

    @staticmethod
    def _F(z):
        s = np.sqrt(z)
        z15 = z * s
        den = 2.5 + 0.6 * s + z15
        return z15 / den, (1.5 * 2.5 * s + 0.6 * z) / (den * den)

    def _q(self, V, T):
        """(Q, dQ/dV) of the magnon spin-flip mixing."""
        eps = self.n_mag * k_B * T / (e * self.v_mag)
        x = V / self.v_mag
        z = np.sqrt(x * x + eps * eps)
        fz, dfz = self._F(z)
        fe = self._F(eps)[0]
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
        check_positive("r_scale", r_scale)
        check_nonnegative("tmr_scale", tmr_scale)
        rp, tmr = self._eval(V, T)
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
        dinv = dw * (1.0 / self.vh_pos**2 - 1.0 / self.vh_neg**2) * np.exp(-2.0 * self.tc_vh * dT)
        dx = 2.0 * V * inv_vh2 + V * V * dinv
        den = 1.0 + x * (1.0 + self.tmr_q * x)
        tmr_t = self._tmr_t(T, dT)
        tmr = tmr_t / den
        dtmr = -tmr_t * (1.0 + 2.0 * self.tmr_q * x) * dx / (den * den)
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
    def variation_scales(self, d_thickness=0.0, d_area_rel=0.0, d_anneal=0.0):
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
        dd = np.asarray(check_finite("d_thickness", d_thickness), float)
        da = np.asarray(check_range("d_area_rel", d_area_rel, -1.0, lo_open=True), float)
        dta = np.asarray(check_finite("d_anneal", d_anneal), float)
        r_scale, tmr_scale = self._variation_scales_fast(dd, da, dta)
        shape = np.broadcast_shapes(dd.shape, da.shape, dta.shape)
        return np.broadcast_to(r_scale, shape).copy(), np.broadcast_to(tmr_scale, shape).copy()

    def _variation_scales_fast(self, dd, da, dta):
        """:meth:`variation_scales` without input checks or broadcasting (same equations).

        For internally generated, finite inputs (``da > -1``) [m, -, K];
        returns ``(r_scale, tmr_scale)`` as computed (a scalar where the
        inputs allow).
        """

        def sens(key, delta, what):
            if key in self.sensitivities:
                return self.sensitivities[key] * delta
            if np.any(delta != 0):
                raise ParameterError(
                    f"CompactMTJ.sensitivities[{key!r}]", None,
                    "a physics sensitivity (fit from an RVTable that carries it)",
                    hint=f"needed for a non-zero {what}")
            return np.zeros(np.shape(delta))

        ln_r = sens("dlnRP_dthickness", dd, "d_thickness") + sens("dlnRP_danneal", dta, "d_anneal")
        ln_t = sens("dlnTMR_dthickness", dd, "d_thickness") + sens("dlnTMR_danneal", dta, "d_anneal")
        r_scale = np.exp(ln_r) / (1.0 + da)
        tmr_scale = np.exp(ln_t)
        return r_scale, tmr_scale

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
        from .export import render

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
