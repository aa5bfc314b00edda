r"""``MTJDevice``: R_P and R_AP(V, T) of a stack after its anneal.

The junction conductance per area in state P or AP is

.. math::
    G_{P} = G^{el}_{P} + Q(V,T)\,G^{el}_{AP} + G_{SI} + G^{res}_{P},\qquad
    G_{AP} = G^{el}_{AP} + Q(V,T)\,G^{el}_{P} + G_{SI} + G^{res}_{AP}

* :math:`G^{el}` -- coherent + diffuse spin-conserving tunnelling
  (:mod:`mramsim.physics.coherent`; the coherent Delta1 part carries the
  thickness interference factor :func:`mramsim.physics.coherent.delta1_interference`;
  with energy-dependent electrodes the
  spin/symmetry weights sit inside the energy integral,
  :mod:`mramsim.physics.electrodes`), with the electrodes' DOS and channel
  weights spin-mixed by thermal magnons (Shang 1998, :math:`m = \alpha T^{3/2}/2`)
  and by cap interdiffusion, coherent fraction and disorder from the anneal
  (:mod:`mramsim.physics.annealing`);
* :math:`Q(V, T)` -- magnon-assisted spin flip under bias (Zhang 1997) with
  the Fermi and Bose occupations, so R(V) is smooth (analytic) at T > 0
  (:func:`mramsim.physics.spinflip.magnon_spinflip_ratio_thermal`);
* :math:`G_{SI}` -- spin-independent hopping :math:`\propto T^{4/3}` (Shang 1998);
* :math:`G^{res}` -- interfacial resonances (:mod:`mramsim.physics.resonance`).

Resistances are static, :math:`R = V/I` at the terminals, with the stack's
series resistance: the junction bias :math:`V_j` solves
:math:`V_j = V\,R_j(V_j)/(R_j(V_j) + R_s)` (three fixed-point evaluations,
contraction ~ :math:`R_s/R_j \cdot |d\ln R_j/d\ln V|`), and
:math:`R = R_j(V_j) + R_s`. At V = 0 this is the zero-bias limit.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_broadcast, check_finite, check_memory, check_range, check_scalar, parse_state
from ..constants import T_NOM, e, eV
from ..errors import ParameterError
from .angle import slonczewski_conductance
from .annealing import AnnealState, anneal_state
from .coherent import (
    DEVICE_ORDER,
    channel_conductances,
    channel_integrands,
    delta1_interference,
    spin_mix,
    spin_pair_conductances,
)
from .electrodes import electrode_profile, spin_pair_conductances_resolved
from .resonance import Resonance, resonant_conductances
from .rvtable import RVTable
from .spinflip import magnon_spinflip_ratio_thermal, shang_mixing, si_conductance_factor

__all__ = ["MTJDevice", "RVTable", "junction_conductances"]

#: Bias range accepted by the device model [V].
V_MAX = 2.0
#: Temperature range accepted [K].
T_RANGE = (1.0, 800.0)
#: peak working memory of :meth:`MTJDevice.rv_table` per (V, T) point [bytes]
#: (tracemalloc: 78.2 kB per point for 61x8 to 241x24 grids of the presets, rounded up)
RV_TABLE_BYTES_PER_POINT = 80_000
#: Finite-difference steps of the sensitivities: thickness [m], anneal temperature [K].
H_THICKNESS = 0.01e-9
H_ANNEAL = 2.0
#: Barrier thickness range of :class:`mramsim.materials.Barrier` [m].
D_RANGE = (0.2e-9, 10e-9)


def _electrode_arrays(el):
    n = np.array([el.dos_up, el.dos_down], float)
    return n / n.sum(), el.channel_weights


def junction_conductances(stack, V, T, state: AnnealState, resonances=(), order=DEVICE_ORDER, moment=0):
    r"""Junction conductance per area in P and AP [S/m^2] at junction bias V.

    Parameters
    ----------
    stack : mramsim.Stack
        The stack.
    V : array_like
        Junction bias [V] (series resistance not included).
    T : array_like
        Temperature [K]; broadcast with V to shape S.
    state : AnnealState
        Microstructure after the anneal.
    resonances : sequence of Resonance
        Interfacial resonant levels.
    order : int
        Gauss-Legendre order per energy panel.
    moment : int
        0: conductances; k > 0: the elastic Onsager moments
        :math:`\int E^k G(E)(-\partial f/\partial E)dE` [S J^k/m^2] (only at V = 0;
        the magnon excess and resonances are left out).

    Returns
    -------
    g_p, g_ap : ndarray, shape S
    """
    V, T = np.broadcast_arrays(np.asarray(V, float), np.asarray(T, float))
    b = stack.barrier
    xi = stack.correlation_length * state.correlation_scale
    a = state.coherent_fraction * (1.0 - stack.diffuse_fraction) if stack.coherent_barrier else 0.0
    resolved = stack.left.energy_dependent or stack.right.energy_dependent
    if resolved:
        E, base, eta, win = channel_integrands(V, T, b.phi1, b.phi2, b.thickness, b.mass_ratio,
                                               b.channel_offsets, xi=xi, order=order, moment=moment)
        tau = np.einsum("...sn,...n->...s", base, win)
    else:
        tau, tau_eta = channel_conductances(V, T, b.phi1, b.phi2, b.thickness, b.mass_ratio,
                                            b.channel_offsets, xi=xi, order=order, moment=moment)

    mixed = []
    for el in (stack.left, stack.right):
        n, w = _electrode_arrays(el)
        ms = shang_mixing(el.spin_wave_alpha, T)
        # compose thermal and interdiffusion mixing: (1 - 2m) = (1 - 2m_T)(1 - 2m_I)
        m = 0.5 * (1.0 - (1.0 - 2.0 * ms) * (1.0 - 2.0 * state.spin_mixing))
        mm = m[..., None]
        nu, nd = spin_mix(n[0], n[1], m)
        wu, wd = spin_mix(w[0], w[1], mm)
        mixed.append((np.stack([nu, nd], axis=-1), np.stack([wu, wd], axis=-2), m))
    (nL, wL, mL), (nR, wR, mR) = mixed
    osc = 1.0
    if b.interference_amplitude > 0.0:
        osc = float(delta1_interference(b.thickness, b.interference_amplitude, b.interference_period,
                                        b.interference_phase, b.thickness_roughness))
    if osc != 1.0:  # coherent Delta1 only: scale its coherent part
        if resolved:
            eta = (np.ones_like(base) if eta is None else eta.copy())
            eta[..., 0, :] *= osc
        else:
            tau_eta = tau_eta.copy()
            tau_eta[..., 0] *= osc
    if resolved:
        res = []
        for el, eps, m in ((stack.left, E - 0.5 * e * V[..., None], mL), (stack.right, E + 0.5 * e * V[..., None], mR)):
            ne, we = electrode_profile(el, eps)  # S+(n,2), S+(n,2,4)
            mn = m[..., None]
            nu, nd = spin_mix(ne[..., 0], ne[..., 1], mn)
            wu, wd = spin_mix(we[..., 0, :], we[..., 1, :], mn[..., None])
            res.append((np.stack([nu, nd], axis=-1), np.stack([wu, wd], axis=-2)))
        G = spin_pair_conductances_resolved(base, eta, win, a, res[0][1], res[1][1], res[0][0], res[1][0])
    else:
        G = spin_pair_conductances(tau, tau_eta, a, wL, wR, nL, nR)
    g_p_el = G[..., 0, 0] + G[..., 1, 1]
    g_ap_el = G[..., 0, 1] + G[..., 1, 0]

    cutoff = 0.5 * (stack.left.magnon_cutoff + stack.right.magnon_cutoff)
    q = 0.0 if moment else magnon_spinflip_ratio_thermal(V, T, stack.magnon_coupling, cutoff)
    g_p = g_p_el + q * g_ap_el
    g_ap = g_ap_el + q * g_p_el

    if stack.si_ratio > 0:
        wbar = 0.25 * (w_sum(stack.left) * w_sum(stack.right))
        g0 = 2.0 * np.sum(tau * wbar, axis=-1)  # unpolarized direct conductance
        g_si = si_conductance_factor(T, stack.si_ratio) * g0
        g_p = g_p + g_si
        g_ap = g_ap + g_si
    if resonances and not moment:
        r_p, r_ap = resonant_conductances(V, T, resonances, nL, nR)
        g_p = g_p + r_p
        g_ap = g_ap + r_ap
    return g_p, g_ap


def w_sum(el):
    """Sum of the two spin bands' channel weights, shape (4,) [-]."""
    w = el.channel_weights
    return w[0] + w[1]


class MTJDevice:
    """A magnetic tunnel junction: stack + anneal (+ interfacial resonances).

    Parameters
    ----------
    stack : mramsim.Stack
        The stack (``Stack.preset(name)`` or your own).
    anneal : mramsim.Anneal or None
        Post-deposition anneal; None means as grown.
    resonances : sequence of Resonance
        Interfacial resonant levels (none by default).

    Examples
    --------
    >>> import numpy as np, mramsim as ms
    >>> dev = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ms.Anneal(673.15, 3600.0, "Ta"))
    >>> r = dev.resistance("AP", np.linspace(-0.5, 0.5, 11), 300.0)
    """

    def __init__(self, stack, anneal=None, resonances=()):
        from ..stack import Anneal, Stack

        if not isinstance(stack, Stack):
            raise ParameterError("MTJDevice.stack", stack, "a mramsim.Stack")
        if anneal is not None and not isinstance(anneal, Anneal):
            raise ParameterError("MTJDevice.anneal", anneal, "None or a mramsim.Anneal")
        if isinstance(resonances, Resonance):
            resonances = (resonances,)
        try:
            resonances = tuple(resonances)
        except TypeError:
            raise ParameterError("MTJDevice.resonances", resonances, "a sequence of Resonance") from None
        for r in resonances:
            if not isinstance(r, Resonance):
                raise ParameterError("MTJDevice.resonances", r, "a sequence of Resonance")
        self.stack = stack
        self.anneal = anneal
        self.resonances = resonances
        self.state = anneal_state(stack, anneal)

    def __repr__(self):
        return f"MTJDevice(stack={self.stack.name!r}, anneal={self.anneal!r}, resonances={len(self.resonances)})"

    # -- geometry ---------------------------------------------------------------
    @property
    def area(self) -> float:
        """Junction area [m^2]."""
        return self.stack.area

    @property
    def thickness(self) -> float:
        """Barrier thickness [m]."""
        return self.stack.thickness

    # -- evaluation ----------------------------------------------------------------
    @staticmethod
    def _check(V, T):
        V = np.asarray(check_range("V", V, -V_MAX, V_MAX, unit="V"), float)
        T = np.asarray(check_range("T", T, *T_RANGE, unit="K"), float)
        if V.size == 0 or T.size == 0:
            raise ParameterError("V/T", (V.tolist(), T.tolist()), "non-empty arrays")
        return check_broadcast(("V", "T"), V, T)

    def junction_resistances(self, V, T):
        """Tunnel resistances R_P, R_AP at junction bias V, without series R [ohm]."""
        V, T = self._check(V, T)
        g_p, g_ap = junction_conductances(self.stack, V, T, self.state, self.resonances)
        return 1.0 / (g_p * self.area), 1.0 / (g_ap * self.area)

    def _both(self, V, T):
        V, T = self._check(V, T)
        rs = self.stack.r_series
        rp, rap = self.junction_resistances(V, T)
        if rs == 0.0:
            return rp, rap
        out = []
        for idx in (0, 1):
            r = (rp, rap)[idx]
            for _ in range(2):
                vj = V * r / (r + rs)
                r = self.junction_resistances(vj, T)[idx]
            out.append(r + rs)
        return out[0], out[1]

    def resistances(self, V, T):
        """(R_P, R_AP) static terminal resistances V/I incl. series R [ohm]."""
        return self._both(V, T)

    def resistance(self, state, V, T):
        """Static terminal resistance V/I of ``state`` ('P'/'AP'/0/1 or an int array) [ohm].

        Parameters
        ----------
        state : str, int or ndarray of int
            Magnetic state; arrays broadcast with V and T.
        V : array_like
            Terminal bias [V], |V| <= 2 V.
        T : array_like
            Temperature [K], 1-800 K.
        """
        s = parse_state(state)
        rp, rap = self._both(V, T)
        check_broadcast(("state", "V x T"), s, rp)
        return np.where(np.asarray(s) == 1, rap, rp)

    def junction_conductance_angle(self, theta, V, T):
        r"""Tunnel conductance at angle theta, junction bias V, no series R [S].

        .. math:: G(\theta) = \tfrac12(G_P + G_{AP}) + \tfrac12(G_P - G_{AP})\cos\theta

        (Slonczewski, PRB 39, 6995 (1989); :mod:`mramsim.physics.angle`), with the
        static :math:`G_{P,AP}(V, T)` at that bias, so :math:`P_{eff}^2 =
        (G_P - G_{AP})/(G_P + G_{AP})` is the one at V.
        """
        theta = np.asarray(theta, float)
        V, T = self._check(V, T)
        rp, rap = self.junction_resistances(V, T)
        return slonczewski_conductance(1.0 / rp, 1.0 / rap, theta)

    def resistance_angle(self, theta, V, T):
        """Static terminal resistance V/I at magnetization angle theta [rad], incl. series R [ohm].

        theta = 0 equals ``resistance('P', V, T)``, theta = pi ``resistance('AP', V, T)``;
        theta, V and T broadcast. The junction bias solves V_j = V R_j/(R_j + R_s) as in
        :meth:`resistance`.
        """
        theta = np.asarray(theta, float)
        V, T = self._check(V, T)
        rs = self.stack.r_series
        r = 1.0 / self.junction_conductance_angle(theta, V, T)
        if rs == 0.0:
            return r
        for _ in range(2):
            vj = V * r / (r + rs)
            r = 1.0 / self.junction_conductance_angle(theta, vj, T)
        return r + rs

    def conductance(self, V, T, theta=0.0):
        """Static terminal conductance I/V at angle theta [rad] [S] (1/:meth:`resistance_angle`)."""
        return 1.0 / self.resistance_angle(theta, V, T)

    def current(self, state, V, T):
        """Terminal current I = V/R [A]."""
        r = self.resistance(state, V, T)  # validates V and T first
        return np.asarray(V, float) / r

    def tmr(self, V, T):
        """(R_AP - R_P)/R_P at the terminals [-]."""
        rp, rap = self._both(V, T)
        return (rap - rp) / rp

    def half_tmr_bias(self, T=T_NOM, polarity=1, v_max=V_MAX):
        """Bias V_h [V] (> 0) at which TMR(V) falls to TMR(0)/2, for V of sign ``polarity``.

        Returns ``inf`` when TMR stays above half up to ``v_max``.
        """
        from scipy.optimize import brentq

        v_max = check_scalar("half_tmr_bias.v_max", v_max, f"a bias in (0, {V_MAX}] V")
        check_range("half_tmr_bias.v_max", v_max, 0.0, V_MAX, lo_open=True, unit="V")
        if check_scalar("half_tmr_bias.polarity", polarity, "+1 or -1") not in (1.0, -1.0):
            raise ParameterError("half_tmr_bias.polarity", polarity, "+1 or -1")
        check_scalar("half_tmr_bias.T", T, f"one temperature in [{T_RANGE[0]:g}, {T_RANGE[1]:g}] K")
        sgn = 1.0 if polarity >= 0 else -1.0
        t0 = float(self.tmr(0.0, T))
        grid = np.linspace(0.0, v_max, 81)
        f = np.asarray(self.tmr(sgn * grid, T)) - 0.5 * t0
        idx = np.flatnonzero(f < 0)
        if idx.size == 0:
            return float("inf")
        i = idx[0]
        return float(brentq(lambda v: float(self.tmr(sgn * v, T)) - 0.5 * t0, grid[i - 1], grid[i], xtol=1e-6))

    # -- derived objects --------------------------------------------------------------
    def _low_bias(self, stack=None, anneal="same", T=T_NOM):
        stk = self.stack if stack is None else stack
        ann = self.anneal if anneal == "same" else anneal
        dev = self if (stack is None and anneal == "same") else MTJDevice(stk, ann, self.resonances)
        rp, rap = dev.resistances(0.0, T)
        return float(rp), float((rap - rp) / rp)

    def sensitivities(self, T=T_NOM) -> dict:
        r"""Physics sensitivities at V = 0 and T by central differences.

        Returns ``dlnRP_dthickness`` [1/m], ``dlnTMR_dthickness`` [1/m],
        ``dlnRP_danneal`` [1/K], ``dlnTMR_danneal`` [1/K] (the anneal ones are
        0 without an anneal: the state then does not depend on one).
        """
        from ..stack import Anneal

        d = self.stack.thickness
        # one-sided at the documented edges 0.2 / 10 nm (as the anneal step below)
        d_up, d_dn = min(d + H_THICKNESS, D_RANGE[1]), max(d - H_THICKNESS, D_RANGE[0])
        rp1, t1 = self._low_bias(stack=self.stack.with_thickness(d_up), T=T)
        rp0, t0 = self._low_bias(stack=self.stack.with_thickness(d_dn), T=T)
        hd = d_up - d_dn
        out = {
            "dlnRP_dthickness": (np.log(rp1) - np.log(rp0)) / hd,
            "dlnTMR_dthickness": (np.log(t1) - np.log(t0)) / hd if t1 > 0 and t0 > 0 else 0.0,
            "dlnRP_danneal": 0.0,
            "dlnTMR_danneal": 0.0,
        }
        a = self.anneal
        if a is not None:
            up = Anneal(min(a.temperature + H_ANNEAL, 1100.0), a.time, a.cap)
            dn = Anneal(max(a.temperature - H_ANNEAL, 250.0), a.time, a.cap)
            h = up.temperature - dn.temperature
            rp1, t1 = self._low_bias(anneal=up, T=T)
            rp0, t0 = self._low_bias(anneal=dn, T=T)
            out["dlnRP_danneal"] = (np.log(rp1) - np.log(rp0)) / h
            out["dlnTMR_danneal"] = (np.log(t1) - np.log(t0)) / h if t1 > 0 and t0 > 0 else 0.0
        return {k: float(v) for k, v in out.items()}

    def provenance(self) -> dict:
        """Preset, anneal and package version."""
        from .._version import __version__

        a = self.anneal
        return {
            "preset": self.stack.name,
            "anneal": None if a is None else {"temperature": a.temperature, "time": a.time, "cap": a.cap},
            "mramsim_version": __version__,
        }

    def rv_table(self, V=None, T=None) -> RVTable:
        """R_P and R_AP on the grid V x T as an :class:`RVTable`.

        Parameters
        ----------
        V : array_like, shape (nV,)
            Terminal bias [V], strictly increasing (default -0.6..0.6 V, 121 points).
        T : array_like, shape (nT,)
            Temperature [K], strictly increasing (default 233.15..398.15 K, 12 points).
        """
        V = np.linspace(-0.6, 0.6, 121) if V is None else check_finite("rv_table.V", V).ravel()
        T = np.linspace(233.15, 398.15, 12) if T is None else check_finite("rv_table.T", T).ravel()
        if V.size == 0 or T.size == 0:
            raise ParameterError("rv_table.V/T", (V.tolist(), T.tolist()), "non-empty grids")
        check_memory("rv_table V x T", V.size * T.size * RV_TABLE_BYTES_PER_POINT, what=f"{V.size} x {T.size} points")
        rp, rap = self._both(V[:, None], T[None, :])
        return RVTable(V=V, T=T, r_p=rp, r_ap=rap, area=self.area, thickness=self.thickness,
                       sensitivities=self.sensitivities(), provenance=self.provenance())
