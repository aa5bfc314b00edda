r"""Fit a :class:`CompactMTJ` to an :class:`RVTable`: identifiable, reproducible, with error bars.

The fit works on logarithmic residuals
:math:`[\ln R_P^{model} - \ln R_P,\ \ln R_{AP}^{model} - \ln R_{AP}]` (the
relative error of R, equally weighted in P and AP) over every table point
with :math:`|V| \le` ``v_fit`` (default: the whole table) and T in
``t_window``, in *scaled* variables of order one (logarithms of r_p0, tmr0,
V_h, v_mag; temperature coefficients per 100 K; the magnon coupling as the
share :math:`m = Q(V_{ref})(3 + \mathrm{TMR}_0) \in [0, 1)` of the half-TMR
budget it uses, :math:`V_{ref} = (V_{h+}^8 + V_{h-}^8)^{1/8}`, so the
model's closed-form V_h constraint holds everywhere in the box).

The elastic TMR factor is first fitted falling (``tmr_g`` = 0, fixed and
reported). Where that misses :data:`WINDOW_TARGET` in the window, the fit is
repeated with ``tmr_g`` free -- the elastic TMR may then rise with bias while the
magnon term alone would halve TMR before V_h (epitaxial Fe/MgO/Fe) -- and the
one with the smaller window error is kept. In that fit the share is
:math:`m = Q(V_{ref})(1 + \mathrm{TMR}_0/2) \in [0, 0.9]` and ``tmr_g`` enters
through the *elastic excess* :math:`x_h - x_{lo} > 0` at :math:`+V_{h}`
(log scale): :math:`x_{lo}` is the falling root of the g = 0 model (0 where the
magnon term uses more than the half-TMR budget), and
:math:`g = ((1 + x_h + q x_h^2)/d_h - 1)/x_h \ge 0` makes the elastic factor
:math:`1/d_h` there.

1. the named parameters are *constraints*, not fitted: r_p0, tmr0 and
   their temperature slopes tc_rp, tc_tmr are the table's values at V = 0,
   t_nom (a quadratic in T through the three temperatures nearest t_nom),
   vh_pos/vh_neg its half-TMR crossings at t_nom (linear interpolation in V,
   a quadratic extrapolation when the crossing lies beyond the table). Since
   the model's own V = 0 values, slopes and half-TMR biases are exactly
   these parameters (closed forms in :mod:`mramsim.compact.model`), the
   model meets them exactly and the remaining shape parameters are fitted;
   start values in closed form: ln R_P is *linear* in the elastic
   coefficients (linear least squares);
2. :func:`scipy.optimize.least_squares` (trust-region reflective, exact
   sub-solver, tolerances 1e-13, so the solution does not depend on where the
   iterations stop; BLAS limited to one thread while it runs);
3. identifiability: the covariance :math:`s^2 (J^TJ)^{-1}` of the scaled
   variables at the solution gives standard errors and correlations; a
   parameter pinned at a bound is fixed there, and of a pair with
   :math:`|\rho| > 0.99` the one first in :data:`FIX_ORDER` is fixed at its
   physically meaningful value (0 for the higher-order terms, the Julliere
   polarization :math:`\sqrt{\mathrm{TMR}_0/(2 + \mathrm{TMR}_0)}` for
   ``p_nom``, ``n_mag`` = 1); then the fit is repeated. :class:`FitReport`
   lists what was fixed and why.

Both TMR temperature laws ('exp', 'shang') are fitted with ``'auto'`` and the
one with the smaller max error is kept.

References: see :mod:`mramsim.compact.model` for the model equations;
Branch, Coleman, Li, SIAM J. Sci. Comput. 21, 1 (1999),
doi:10.1137/S1064827595289108 (trust-region reflective); Bates, Watts,
*Nonlinear Regression Analysis and Its Applications* (Wiley, 1988), ch. 2
(linearised covariance of least-squares estimates).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from .._validation import check_positive, check_range
from ..constants import T_NOM
from ..errors import ConvergenceError, ParameterError
from .model import SENSITIVITY_KEYS, CompactMTJ

__all__ = ["FitReport", "fit_compact", "fit_errors", "FIX_ORDER", "MAX_CORRELATION"]

#: Target of the fit: max relative error in the window (DESIGN.md).
TARGET_MAX_REL_ERROR = 0.02
#: Window error above which the fit also tries the elastic TMR factor with tmr_g > 0 (issue 13: 1.5 %).
WINDOW_TARGET = 0.015
@dataclass(frozen=True)
class FitReport:
    """Accuracy and identifiability of a compact-model fit.

    Attributes
    ----------
    max_rel_error, rms_rel_error : float
        Max and RMS |R_model/R_table - 1| over the window, both states [-].
    table_max_rel_error, table_rms_rel_error : float
        The same over the whole table [-].
    per_state : dict
        ``{"P": {...}, "AP": {...}}`` each with ``max``, ``rms`` (window) and
        ``table_max``, ``table_rms`` [-].
    window_v : float
        Report window |V| <= window_v [V].
    window_t : tuple of float
        Window temperatures [K].
    n_points : int
        Table points (V, T) inside the window.
    fit_time : float
        Wall time of the fit [s].
    tmr_temperature : str
        Temperature law used for TMR ('exp' or 'shang').
    target : float
        Max relative error aimed at [-].
    message : str
        Optimiser message of the final stage.
    free : tuple of str
        Fitted model parameters (``magnon_share`` stands for q_mag, ``elastic_excess`` for
        tmr_g, whose standard error is then in :attr:`std_errors` by the delta method).
    std_errors : dict
        Standard error of each free parameter, in its own unit.
    correlation : list of list
        Correlation matrix of the free parameters (order of :attr:`free`).
    fixed : dict
        Parameter -> [value, reason] for those fixed by the identifiability rules.
    v_fit : float
        Points with |V| <= v_fit entered the fit [V].
    """

    max_rel_error: float
    rms_rel_error: float
    table_max_rel_error: float
    table_rms_rel_error: float
    per_state: dict = field(default_factory=dict)
    window_v: float = 0.5
    window_t: tuple = (233.15, 398.15)
    n_points: int = 0
    fit_time: float = 0.0
    tmr_temperature: str = "exp"
    target: float = TARGET_MAX_REL_ERROR
    message: str = ""
    free: tuple = ()
    std_errors: dict = field(default_factory=dict)
    correlation: list = field(default_factory=list)
    fixed: dict = field(default_factory=dict)
    v_fit: float = float("inf")

    def __post_init__(self):
        # one canonical form, so a report read back from JSON equals (and hashes as) the original
        object.__setattr__(self, "window_t", tuple(float(t) for t in self.window_t))
        object.__setattr__(self, "free", tuple(self.free))
        object.__setattr__(self, "fixed", {k: [float(v[0]), str(v[1])] for k, v in dict(self.fixed).items()})

    @property
    def meets_target(self) -> bool:
        """Whether the window max error is below :attr:`target`."""
        return self.max_rel_error < self.target

    @property
    def worst_correlation(self) -> tuple:
        """(name_a, name_b, rho) of the free pair with the largest |correlation| (rho = 0 if < 2 free)."""
        c = np.abs(np.asarray(self.correlation, float))
        if c.ndim != 2 or c.shape[0] < 2:
            return ("", "", 0.0)
        c = c - np.eye(c.shape[0])
        i, j = np.unravel_index(int(np.argmax(c)), c.shape)
        return (self.free[min(i, j)], self.free[max(i, j)], float(np.asarray(self.correlation)[i][j]))

    def to_dict(self) -> dict:
        return {
            "max_rel_error": self.max_rel_error, "rms_rel_error": self.rms_rel_error,
            "table_max_rel_error": self.table_max_rel_error, "table_rms_rel_error": self.table_rms_rel_error,
            "per_state": self.per_state, "window_v": self.window_v, "window_t": list(self.window_t),
            "n_points": self.n_points, "fit_time": self.fit_time, "tmr_temperature": self.tmr_temperature,
            "target": self.target, "message": self.message, "free": list(self.free),
            "std_errors": dict(self.std_errors), "correlation": [list(r) for r in self.correlation],
            "fixed": {k: list(v) for k, v in self.fixed.items()}, "v_fit": self.v_fit,
        }

    def __str__(self):
        ps = self.per_state
        a, b, rho = self.worst_correlation
        return (
            f"fit: window |V|<={self.window_v:g} V, {self.window_t[0]:g}-{self.window_t[1]:g} K: "
            f"max {100 * self.max_rel_error:.3f}% rms {100 * self.rms_rel_error:.3f}% "
            f"(P max {100 * ps['P']['max']:.3f}%, AP max {100 * ps['AP']['max']:.3f}%); "
            f"whole table max {100 * self.table_max_rel_error:.3f}% rms {100 * self.table_rms_rel_error:.3f}%; "
            f"law {self.tmr_temperature}; {len(self.free)} free, worst correlation {rho:+.3f} ({a}, {b}); "
            f"fixed {', '.join(self.fixed) or 'none'}; {self.fit_time:.3f} s"
        )


def fit_errors(cm: CompactMTJ, table, v_window: float = 0.5, t_window=(233.15, 398.15)) -> dict:
    """Relative errors of ``cm`` against ``table`` (window and whole table, per state).

    Parameters
    ----------
    cm : CompactMTJ
        Model (evaluated at its own area, r_scale = tmr_scale = 1).
    table : RVTable
        Reference resistances.
    v_window : float
        Window |V| <= v_window [V].
    t_window : (float, float)
        Window temperatures [K].

    Returns
    -------
    dict
        ``max``, ``rms``, ``table_max``, ``table_rms`` and ``P``/``AP``
        sub-dicts with the same keys [-].
    """
    V = table.V[:, None]
    T = table.T[None, :]
    win = (np.abs(V) <= v_window + 1e-12) & (T >= t_window[0] - 1e-9) & (T <= t_window[1] + 1e-9)
    out = {}
    allw, allt = [], []
    for st, ref in (("P", table.r_p), ("AP", table.r_ap)):
        err = np.abs(cm.resistance(st, V, T) / ref - 1.0)
        w = err[win]
        out[st] = {"max": float(w.max()) if w.size else float("nan"),
                   "rms": float(np.sqrt(np.mean(w**2))) if w.size else float("nan"),
                   "table_max": float(err.max()), "table_rms": float(np.sqrt(np.mean(err**2)))}
        allw.append(w)
        allt.append(err.ravel())
    w = np.concatenate(allw)
    t = np.concatenate(allt)
    out.update({"max": float(w.max()) if w.size else float("nan"),
                "rms": float(np.sqrt(np.mean(w**2))) if w.size else float("nan"),
                "table_max": float(t.max()), "table_rms": float(np.sqrt(np.mean(t**2)))})
    return out


from ._fitvars import FIX_ORDER, MAX_CORRELATION, FitProblem  # noqa: E402,F401  (re-exported)


def _one_blas_thread():
    """Limit BLAS to one thread during the fit (its small SVDs run ~100x slower oversubscribed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional speed-up
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def fit_compact(rv_table, *, v_window: float = 0.5, t_window=(233.15, 398.15), v_c: float = 1.5,
                v_w: float = 0.02, t_nom: float = T_NOM, tmr_temperature: str = "auto", name: str = "mtj",
                area: float | None = None, provenance: dict | None = None, magnon: bool = True,
                v_fit: float | None = None, max_nfev: int = 600, vh_beyond: dict | None = None,
                one_temperature: bool = False) -> CompactMTJ:
    """Fit a :class:`CompactMTJ` to an :class:`RVTable`.

    Parameters
    ----------
    rv_table : RVTable
        R_P and R_AP on a (V, T) grid.
    v_window : float
        Report window |V| <= v_window [V] (:attr:`FitReport.max_rel_error`).
    t_window : (float, float)
        Fit and report points with t_window[0] <= T <= t_window[1] [K].
    v_c : float
        Soft-clip voltage of the R_P bias series (fixed, not fitted) [V].
    v_w : float
        Polarity switch width of the TMR bias scale (fixed) [V].
    t_nom : float
        Reference temperature of the model [K].
    tmr_temperature : {'auto', 'exp', 'shang'}
        TMR temperature law, or 'auto' (both, keep the smaller max error).
    name : str
        Subcircuit name of the model.
    area : float, optional
        Junction area [m^2]; default the table's (required if the table has none).
    provenance : dict, optional
        Extra provenance entries (merged over the table's).
    magnon : bool
        Fit the magnon spin-flip mixing; False fixes q_mag = 0.
    v_fit : float, optional
        Fit points with |V| <= v_fit [V]; default the whole table.
    max_nfev : int
        Limit on model evaluations per least-squares run.
    vh_beyond : dict, optional
        ``{"vh_pos": V, "vh_neg": V}`` [V]: half-TMR biases to use where the table
        has no crossing (its bias range stops short of V_h), e.g. the physics'
        :meth:`mramsim.MTJDevice.half_tmr_bias`; ignored where the table crosses.
    one_temperature : bool
        One-temperature mode: the table has exactly one temperature in ``t_window``;
        every temperature parameter (tc_rp, tc2_rp, tc_rp_bias, tc_tmr, tc2_tmr,
        tc_vbias) is fixed at 0 and reported in :attr:`FitReport.fixed` with the
        reason 'one temperature in the data'; the TMR law is 'exp' (p_nom fixed).
        Without it the fit needs >= 3 temperatures.

    Returns
    -------
    CompactMTJ
        With ``fit_report`` (:class:`FitReport`), ``sensitivities`` from the
        table and ``provenance``.

    Raises
    ------
    ParameterError
        Bad options, or too few table points in the window.
    ConvergenceError
        The optimiser failed.
    """
    t0 = time.perf_counter()
    from ..physics.rvtable import RVTable

    if not isinstance(rv_table, RVTable):
        raise ParameterError("rv_table", type(rv_table).__name__, "an RVTable (MTJDevice.rv_table, RVTable.from_csv)")
    if isinstance(max_nfev, (bool, np.bool_)) or not isinstance(max_nfev, (int, np.integer)) or max_nfev < 1:
        raise ParameterError("max_nfev", max_nfev, "an integer >= 1")
    check_positive("v_window", v_window, "V")
    check_positive("v_c", v_c, "V")
    check_positive("v_w", v_w, "V")
    check_positive("t_nom", t_nom, "K")
    try:
        t_lo, t_hi = (float(x) for x in t_window)
    except (TypeError, ValueError):
        raise ParameterError("t_window", t_window, "(T_low, T_high) in K") from None
    check_positive("t_window[0]", t_lo, "K")
    check_range("t_window[1]", t_hi, t_lo, lo_open=True, unit="K")
    if tmr_temperature not in ("auto", "exp", "shang"):
        from ..errors import UnknownNameError

        raise UnknownNameError("tmr_temperature", tmr_temperature, ("auto", "exp", "shang"))
    if area is None:
        area = float(rv_table.area)
        if not np.isfinite(area):
            raise ParameterError("area", area, "> 0 m^2", hint="the table has no area; pass area=")
    check_positive("area", area, "m^2")
    V, T = rv_table.V, rv_table.T
    if v_fit is None:
        v_fit = float(np.max(np.abs(V)))
    check_positive("v_fit", v_fit, "V")
    iv = np.abs(V) <= v_fit + 1e-12
    it = (T >= t_lo - 1e-9) & (T <= t_hi + 1e-9)
    nwin = int(np.sum(np.abs(V) <= v_window + 1e-12))
    if not isinstance(one_temperature, (bool, np.bool_)):
        raise ParameterError("one_temperature", one_temperature, "True or False")
    if one_temperature:
        if it.sum() != 1:
            raise ParameterError("one_temperature", f"True with {it.sum()} temperatures in the window",
                                 "exactly one temperature inside t_window (else one_temperature=False)")
        if tmr_temperature == "shang":
            raise ParameterError("tmr_temperature", tmr_temperature,
                                 "'auto' or 'exp' with one_temperature=True (no TMR(T) to fit a law to)")
        tmr_temperature = "exp"
    n_t_min = 1 if one_temperature else 3
    if nwin < 5 or it.sum() < n_t_min or iv.sum() < 5:
        raise ParameterError("rv_table", f"{nwin} biases x {it.sum()} temperatures in the window",
                             f">= 5 biases and >= {n_t_min} temperatures inside the fitting window")
    fixed_model = dict(area=area, v_c=v_c, v_w=v_w, t_nom=t_nom, name=name)
    if vh_beyond is not None:
        vh_beyond = {k: check_positive(f"vh_beyond[{k!r}]", float(vh_beyond[k]), "V") for k in ("vh_pos", "vh_neg") if k in vh_beyond}
    data = (V[iv], T[it], rv_table.r_p[np.ix_(iv, it)], rv_table.r_ap[np.ix_(iv, it)])

    laws = ["exp", "shang"] if tmr_temperature == "auto" else [tmr_temperature]

    def best(rise):
        candidates = []
        for law in laws:
            prob = FitProblem(data, fixed_model, law, magnon, vh_beyond, one_temperature=bool(one_temperature),
                              elastic_rise=rise)
            try:
                out = prob.solve(max_nfev)
                cm = CompactMTJ(**fixed_model, **out["params"])
            except (ParameterError, FloatingPointError, np.linalg.LinAlgError):
                continue
            candidates.append((out["max_abs_res"], law, out, fit_errors(cm, rv_table, v_window, (t_lo, t_hi))))
        candidates.sort(key=lambda c: c[0])
        return candidates[0] if candidates else None

    with _one_blas_thread():
        # the falling elastic factor (tmr_g = 0) unless it misses the window target and tmr_g does better
        chosen = best(False)
        if chosen is None or chosen[3]["max"] > WINDOW_TARGET:
            rising = best(True)
            if rising is not None and (chosen is None or rising[3]["max"] < chosen[3]["max"]):
                chosen = rising
    if chosen is None:
        raise ConvergenceError("compact-model fit failed: no finite fit")
    _, law, out, _ = chosen

    sens = {k: v for k, v in rv_table.sensitivities.items() if k in SENSITIVITY_KEYS}
    prov = dict(rv_table.provenance)
    prov.update(provenance or {})
    cm = CompactMTJ(sensitivities=sens, provenance=prov, **fixed_model, **out["params"])
    errs = fit_errors(cm, rv_table, v_window, (t_lo, t_hi))
    report = FitReport(
        max_rel_error=errs["max"], rms_rel_error=errs["rms"],
        table_max_rel_error=errs["table_max"], table_rms_rel_error=errs["table_rms"],
        per_state={"P": errs["P"], "AP": errs["AP"]}, window_v=float(v_window), window_t=(t_lo, t_hi),
        n_points=int(nwin * it.sum()), fit_time=time.perf_counter() - t0, tmr_temperature=law,
        message=str(out["message"]), free=tuple(out["free"]), std_errors=out["std_errors"],
        correlation=out["correlation"], fixed=out["fixed"], v_fit=float(v_fit),
    )
    return cm.replace(fit_report=report)

