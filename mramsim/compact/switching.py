r"""Switching compact model: the read model plus an internal magnetization state that STT-switches.

Reduced-order model (one state variable per cell), fitted from the macrospin physics of
:mod:`mramsim.physics.switching`:

* State ``x`` in [0, 1]: 0 = P, 1 = AP; the free-layer angle is ``theta = pi x``. Conductance
  (Slonczewski/Julliere angular form, ``G(theta) = G_mean (1 + P^2 cos theta)`` written with the
  two end conductances):

  .. math:: G(x, V) = \tfrac{1 + \cos\pi x}{2} G_P(V) + \tfrac{1 - \cos\pi x}{2} G_{AP}(V),

  ``G_P = 1/R_P(V)``, ``G_AP = 1/R_AP(V)`` of the read compact model (:class:`CompactMTJ`,
  through its public :meth:`~CompactMTJ.resistance` only) at the fit temperature, carried as
  least-squares fits over ``|V| <= v_max``:
  ``ln R = sum_k a_k V^k + sum_{j=1..4} b_j s^{j+1/2}``, ``s = sqrt(V^2 + eps_v^2)`` (the
  half-integer powers follow the magnon ``|V|^{3/2}`` cusp of the read model at zero bias);
  beyond ``|V| > v_max`` the bias in ``R`` is clipped to ``+-v_max``.
* Switching progress (the cell crosses the equator ``x = 1/2`` at the switching time):

  .. math:: \frac{dx}{dt} = \tfrac12\big[r(i_{up}) W(1 - x) - r(i_{dn}) W(x)\big]
            - k_{relax}\, x (1 - x)(1 - 2x),

  ``i_up = I / I_c0^{P->AP}`` (current ``te -> be`` positive writes AP), ``i_dn = -I / I_c0^{AP->P}``,
  ``W(u) = tanh(u / x_w)`` (stops the progress at the end states), and the rate ``r = 1/t_sw``
  blends Sun's precessional law above ``I_c0`` (Sun, PRB 62, 570 (2000)) with the Néel-Brown
  thermally activated law below (Koch et al., PRL 92, 088302 (2004), barrier ``Delta (1 - i)^2``):

  .. math:: r(i) = \frac{s_w(i - 1)}{\tau_D L} + \frac{e^{-\Delta_{eff} s_w(1 - i)^2}}{\tau_{0}},
            \qquad s_w(z) = w \ln(1 + e^{z/w}).

  For ``i - 1 >> w`` the first term is exactly Sun's ``t_sw = tau_D L / (i - 1)``, with
  ``L = ln(pi / (2 theta0))``, ``theta0 = 1/sqrt(2 Delta)``. ``L``, ``tau0`` and ``Delta_eff``
  are fitted (least squares in ``ln t``) to the Fokker-Planck mean switching time
  (:func:`~mramsim.physics.switching.fokker_planck.switching_time_stats`) over
  ``i = 0.8 .. 4``; ``tau_D``, ``I_c0`` per direction and ``Delta`` come from :class:`FreeLayer`.
  The FP reduction with constant efficiency is the same in both directions (only ``I_c0``
  differs), so one fit serves both.

At constant current the state crosses ``x = 1/2`` at ``t = 1/r(i)``
(:meth:`SwitchingMTJ.switching_time`). The small ``k_relax`` term makes ``x = 0`` and ``x = 1``
the stable zero-current states (a DC operating point exists and a partial write relaxes back).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .._text import check_name
from .._validation import check_nonnegative, check_positive, check_range, check_temperature
from ..errors import ParameterError
from ..parallel.jsonio import dump_json, load_json

__all__ = ["SwitchingMTJ", "fit_switching", "fp_mean_times", "softplus"]


#: Number of half-integer power terms ``s^{j+1/2}`` in the ``ln R`` fits.
N_S = 4


def _basis(V, degree, eps_v, v_max=np.inf):
    V = np.clip(np.asarray(V, float), -v_max, v_max)
    s = np.sqrt(V * V + eps_v * eps_v)
    return np.stack([V**k for k in range(degree + 1)] + [s ** (j + 0.5) for j in range(1, N_S + 1)], axis=-1)


def softplus(z, w):
    """``w ln(1 + exp(z/w))`` [-], overflow-safe."""
    z = np.asarray(z, float)
    return np.maximum(z, 0.0) + w * np.log1p(np.exp(-np.abs(z) / w))


@dataclass(frozen=True)
class SwitchingMTJ:
    """Fitted switching compact model (see the module docstring for the equations).

    Parameters
    ----------
    ln_rp, ln_rap : tuple of float
        Coefficients of ``ln R_P(V)``, ``ln R_AP(V)``: ``a_0 .. a_n`` of ``V^k`` then ``b_1 .. b_4`` of
        ``s^{j+1/2}`` [ln ohm per V^k].
    v_max : float
        Bias range of the fits [V].
    eps_v : float
        Smoothing voltage of ``s`` [V].
    temperature : float
        Temperature of the fit [K].
    ic0_p, ic0_ap : float
        Critical currents P->AP (``te -> be`` positive) and AP->P (negative) [A].
    delta : float
        Thermal stability of the free layer [-] (physics value, for WER).
    delta_eff : float
        Barrier factor of the thermal term of the rate [-] (fitted).
    tau_d : float
        Relaxation time [s].
    tau0 : float
        Prefactor of the thermal term [s] (fitted).
    log_factor : float
        ``L`` of the precessional term [-] (fitted; Sun: ``ln(pi/(2 theta0))``).
    width : float
        Softplus width ``w`` of the regime blend [-].
    x_w : float
        Width of the end-state window [-].
    k_relax : float
        Relaxation rate towards the nearest end state [1/s].
    name : str
        Module / subcircuit name.
    fit_info : dict
        Fit diagnostics (max and rms relative error of the rate law and of ``ln R``).
    """

    ln_rp: tuple
    ln_rap: tuple
    v_max: float
    eps_v: float
    temperature: float
    ic0_p: float
    ic0_ap: float
    delta: float
    delta_eff: float
    tau_d: float
    tau0: float
    log_factor: float
    width: float = 0.02
    x_w: float = 0.01
    k_relax: float = 1e3
    name: str = "mtj_sw"
    fit_info: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "ln_rp", tuple(float(c) for c in self.ln_rp))
        object.__setattr__(self, "ln_rap", tuple(float(c) for c in self.ln_rap))
        for f in ("ln_rp", "ln_rap"):
            c = getattr(self, f)
            if len(c) < N_S + 1 or not np.all(np.isfinite(c)):
                raise ParameterError(f"SwitchingMTJ.{f}", c, f"at least {N_S + 1} finite coefficients")
        if len(self.ln_rp) != len(self.ln_rap):
            raise ParameterError("SwitchingMTJ.ln_rap", self.ln_rap, f"{len(self.ln_rp)} coefficients like ln_rp")
        check_range("SwitchingMTJ.eps_v", self.eps_v, 0.0, 1.0, lo_open=True, unit="V")
        check_positive("SwitchingMTJ.v_max", self.v_max, "V")
        check_temperature("SwitchingMTJ.temperature", self.temperature)
        for f, u in (("ic0_p", "A"), ("ic0_ap", "A"), ("tau_d", "s"), ("tau0", "s")):
            check_positive(f"SwitchingMTJ.{f}", getattr(self, f), u)
        check_range("SwitchingMTJ.delta", self.delta, 1.0, 500.0)
        check_range("SwitchingMTJ.delta_eff", self.delta_eff, 0.0, 500.0)
        check_range("SwitchingMTJ.log_factor", self.log_factor, 0.0, 100.0, lo_open=True)
        check_range("SwitchingMTJ.width", self.width, 1e-4, 0.5)
        check_range("SwitchingMTJ.x_w", self.x_w, 1e-4, 0.1)
        check_nonnegative("SwitchingMTJ.k_relax", self.k_relax, "1/s")
        check_name("SwitchingMTJ.name", self.name)

    @property
    def n_half_powers(self) -> int:
        """Number of ``s^{j+1/2}`` terms at the end of ``ln_rp``/``ln_rap`` [-]."""
        return N_S

    # -- read path -------------------------------------------------------------------
    def resistance_ends(self, V):
        """(R_P(V), R_AP(V)) [ohm] of the fitted ``ln R`` forms."""
        A = _basis(V, len(self.ln_rp) - N_S - 1, self.eps_v, self.v_max)
        return np.exp(A @ np.asarray(self.ln_rp)), np.exp(A @ np.asarray(self.ln_rap))

    def conductance(self, x, V):
        """``G(x, V)`` [S] (x = 0 P, 1 AP)."""
        rp, rap = self.resistance_ends(V)
        c = np.cos(np.pi * np.asarray(x, float))
        return 0.5 * (1.0 + c) / rp + 0.5 * (1.0 - c) / rap

    def current(self, x, V):
        """MTJ current ``te -> be`` [A] at state ``x`` and bias ``V`` [V]."""
        return self.conductance(x, V) * np.asarray(V, float)

    # -- write path ------------------------------------------------------------------
    def rate(self, i_over_ic0):
        """Switching rate ``r(i) = 1/t_sw`` [1/s] at reduced current ``i`` (any sign)."""
        i = np.asarray(i_over_ic0, float)
        prec = softplus(i - 1.0, self.width) / (self.tau_d * self.log_factor)
        therm = np.exp(-self.delta_eff * softplus(1.0 - i, self.width) ** 2) / self.tau0
        return prec + therm

    def switching_time(self, current):
        """Time to cross the equator at constant ``current`` [s]: > 0 writes AP, < 0 writes P [A]."""
        current = np.asarray(current, float)
        i = np.where(current >= 0, current / self.ic0_p, -current / self.ic0_ap)
        return 1.0 / self.rate(i)

    def dxdt(self, x, current):
        """Right-hand side of the state equation [1/s]."""
        x = np.asarray(x, float)
        current = np.asarray(current, float)
        up = self.rate(current / self.ic0_p) * np.tanh((1.0 - x) / self.x_w)
        dn = self.rate(-current / self.ic0_ap) * np.tanh(x / self.x_w)
        return 0.5 * (up - dn) - self.k_relax * x * (1.0 - x) * (1.0 - 2.0 * x)

    def simulate(self, current_fn, t_end, x0=0.0, *, max_step=None):
        """Integrate ``x(t)`` for a current waveform ``current_fn(t)`` [A] up to ``t_end`` [s].

        Returns ``(t, x)`` (scipy ``solve_ivp``, LSODA, rtol 1e-9).
        """
        from scipy.integrate import solve_ivp

        check_positive("t_end", t_end, "s")
        check_range("x0", x0, 0.0, 1.0)
        ms = max_step if max_step is not None else t_end / 2000.0
        sol = solve_ivp(lambda t, y: [float(self.dxdt(y[0], current_fn(t)))], (0.0, float(t_end)), [float(x0)],
                        method="LSODA", rtol=1e-9, atol=1e-12, max_step=ms)
        return sol.t, sol.y[0]

    # -- netlists ----------------------------------------------------------------------
    def to_verilog_a(self, name: str | None = None) -> str:
        """Verilog-A module text (:mod:`mramsim.compact.export.switching_va`)."""
        from .export.switching_va import render_switching_va

        return render_switching_va(self, name)

    def to_ngspice(self, name: str | None = None) -> str:
        """ngspice behavioural subcircuit text (:mod:`mramsim.compact.export.switching_ngspice`)."""
        from .export.switching_ngspice import render_switching_ngspice

        return render_switching_ngspice(self, name)

    # -- I/O -----------------------------------------------------------------------------
    def to_dict(self):
        d = asdict(self)
        d["ln_rp"], d["ln_rap"] = list(self.ln_rp), list(self.ln_rap)
        return d

    def to_json(self, path):
        """Write to ``path`` (versioned, hashed JSON)."""
        return dump_json(path, self.to_dict(), fmt="mramsim.SwitchingMTJ")

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        return cls(**load_json(path, fmt="mramsim.SwitchingMTJ"))


def fp_mean_times(i_values, delta, *, n_cells=400, n_steps=600):
    """Fokker-Planck mean switching time [tau_D] at each reduced current (constant efficiency).

    The window starts at 8x the larger of Sun's time and the Néel-Brown time (Brown's ``tau0``)
    and doubles until WER < 1e-6 at its end.
    """
    from ..physics.switching.fokker_planck import fp_wer, switching_time_stats
    from ..physics.switching.macrospin import brown_tau0

    out = []
    for i in np.atleast_1d(np.asarray(i_values, float)):
        sun = np.log(np.pi * np.sqrt(2.0 * delta) / 2.0) / (i - 1.0) if i > 1.05 else 0.0
        nb = brown_tau0(delta, 1.0) * np.exp(delta * max(1.0 - i, 0.0) ** 2)
        win = 8.0 * max(sun, nb, 10.0)
        for _ in range(12):
            sol = fp_wer(win, float(i), float(delta), n_cells=n_cells, n_steps=n_steps, richardson=False)
            if sol.wer[-1] < 1e-6:
                break
            win *= 2.0
        out.append(switching_time_stats(sol)[0])
    return np.asarray(out)


def fit_switching(model, layer, T=None, *, v_max: float = 1.0, degree: int = 8, eps_v: float = 0.05,
                  name: str = "mtj_sw", i_fit=None, k_relax: float = 1e3) -> SwitchingMTJ:
    """Fit a :class:`SwitchingMTJ` from a read compact model and a macrospin free layer.

    Parameters
    ----------
    model : CompactMTJ
        Read model; only ``model.resistance(state, V, T)`` is used.
    layer : FreeLayer
        Free layer (``I_c0`` per direction, ``Delta``, ``tau_D`` at ``T``).
    T : float, optional
        Temperature [K] (default ``layer.t_ref``).
    v_max : float
        Bias range of the ``ln R`` polynomials [V].
    degree : int
        Polynomial degree of the ``ln R`` fits.
    eps_v : float
        Smoothing voltage of the half-integer powers [V].
    name : str
        Module name.
    i_fit : array_like, optional
        Reduced currents of the rate fit (default 0.8 .. 4).
    k_relax : float
        Relaxation rate [1/s].
    """
    from scipy.optimize import least_squares

    T = float(layer.t_ref if T is None else check_temperature("T", T))
    check_range("v_max", v_max, 0.0, 5.0, lo_open=True, unit="V")
    if int(degree) != degree or not 2 <= degree <= 14:
        raise ParameterError("degree", degree, "an integer in [2, 14]")
    check_name("name", name)
    check_range("eps_v", eps_v, 0.0, 1.0, lo_open=True, unit="V")
    V = np.linspace(-v_max, v_max, 801)
    A = _basis(V, int(degree), eps_v)
    coefs, errs = [], []
    for st in ("P", "AP"):
        lnr = np.log(model.resistance(st, V, T))
        c = np.linalg.lstsq(A, lnr, rcond=None)[0]
        coefs.append(tuple(c))
        errs.append(float(np.max(np.abs(np.expm1(A @ c - lnr)))))
    delta = float(layer.delta(T))
    tau_d = float(layer.tau_d(T))
    i_fit = np.array([0.8, 0.85, 0.9, 0.95, 1.0, 1.1, 1.2, 1.4, 1.7, 2.0, 2.5, 3.0, 4.0]) if i_fit is None \
        else np.asarray(i_fit, float)
    t_fp = fp_mean_times(i_fit, delta)  # [tau_D]
    w = 0.02

    def model_t(p):
        lf, ln_tau0, deff = p
        prec = softplus(i_fit - 1.0, w) / lf
        therm = np.exp(-deff * softplus(1.0 - i_fit, w) ** 2 - ln_tau0)
        return 1.0 / (prec + therm)

    lf0 = np.log(np.pi * np.sqrt(2.0 * delta) / 2.0)
    res = least_squares(lambda p: np.log(model_t(p)) - np.log(t_fp), [lf0, np.log(10.0), delta],
                        bounds=([0.1, np.log(1e-3), 0.0], [50.0, np.log(1e4), 10.0 * delta]))
    lf, ln_tau0, deff = res.x
    rel = np.abs(model_t(res.x) / t_fp - 1.0)
    info = {"max_rel_err_ln_r": max(errs), "rate_max_rel_err": float(rel.max()),
            "rate_rms_rel_err": float(np.sqrt(np.mean(rel**2))), "i_fit": i_fit.tolist(),
            "t_fp_over_tau_d": t_fp.tolist()}
    return SwitchingMTJ(coefs[0], coefs[1], float(v_max), float(eps_v), T, float(layer.ic0(T, "P")), float(layer.ic0(T, "AP")),
                        delta, float(deff), tau_d, float(np.exp(ln_tau0)) * tau_d, float(lf), w, 0.01,
                        float(k_relax), name, info)

