r"""Fit a :class:`CompactMTJ` to an :class:`RVTable` with :mod:`scipy.optimize`.

Two stages, on logarithmic residuals (so the error measure is the relative
error of R, equally weighted in P and AP):

1. start values: ln R_P is *linear* in the elastic coefficients
   (:math:`\ln R_{P0}, b_1..b_4, c_1, c_2, c_{12}` for fixed :math:`v_c`),
   solved by linear least squares (:func:`numpy.linalg.lstsq`); TMR_0, V_h
   and the TMR temperature slope from the data near V = 0 and T_nom;
2. all parameters jointly by :func:`scipy.optimize.least_squares`
   (trust-region reflective with the LSMR sub-solver; bounds keep
   :math:`V_h > 0`, :math:`q, q_m \ge 0`, :math:`0 \le \alpha T^{1.5} < 1`)
   on :math:`[\ln R_P^{model} - \ln R_P, \ln R_{AP}^{model} - \ln R_{AP}]`,
   for each TMR temperature law ('exp', 'shang'); the law with the smaller
   max error is kept.

Only points inside the fitting window (|V| <= ``v_window``, ``t_window``)
enter the fit; :class:`FitReport` gives the max and RMS relative error both
in the window and over the whole table, per state.

References: see :mod:`mramsim.compact.model` for the model equations;
Branch, Coleman, Li, SIAM J. Sci. Comput. 21, 1 (1999),
doi:10.1137/S1064827595289108 (the trust-region reflective algorithm).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from .._validation import check_positive, check_range
from ..constants import T_NOM, e, k_B
from ..errors import ConvergenceError, ParameterError
from .model import SENSITIVITY_KEYS, CompactMTJ

__all__ = ["FitReport", "fit_compact", "fit_errors"]

#: Target of the fit: max relative error in the window (DESIGN.md).
TARGET_MAX_REL_ERROR = 0.02


@dataclass(frozen=True)
class FitReport:
    """Accuracy of a compact-model fit.

    Attributes
    ----------
    max_rel_error, rms_rel_error : float
        Max and RMS |R_model/R_table - 1| over the fitting window, both states [-].
    table_max_rel_error, table_rms_rel_error : float
        The same over the whole table [-].
    per_state : dict
        ``{"P": {...}, "AP": {...}}`` each with ``max``, ``rms`` (window) and
        ``table_max``, ``table_rms`` [-].
    window_v : float
        Fitting window |V| <= window_v [V].
    window_t : tuple of float
        Fitting window temperatures [K].
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

    @property
    def meets_target(self) -> bool:
        """Whether the window max error is below :attr:`target`."""
        return self.max_rel_error < self.target

    def to_dict(self) -> dict:
        return {
            "max_rel_error": self.max_rel_error, "rms_rel_error": self.rms_rel_error,
            "table_max_rel_error": self.table_max_rel_error, "table_rms_rel_error": self.table_rms_rel_error,
            "per_state": self.per_state, "window_v": self.window_v, "window_t": list(self.window_t),
            "n_points": self.n_points, "fit_time": self.fit_time, "tmr_temperature": self.tmr_temperature,
            "target": self.target, "message": self.message,
        }

    def __str__(self):
        ps = self.per_state
        return (
            f"fit: window |V|<={self.window_v:g} V, {self.window_t[0]:g}-{self.window_t[1]:g} K: "
            f"max {100 * self.max_rel_error:.3f}% rms {100 * self.rms_rel_error:.3f}% "
            f"(P max {100 * ps['P']['max']:.3f}%, AP max {100 * ps['AP']['max']:.3f}%); "
            f"whole table max {100 * self.table_max_rel_error:.3f}% rms {100 * self.table_rms_rel_error:.3f}%; "
            f"{self.fit_time:.3f} s"
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


# -- stage 1: ln R_P, linear ---------------------------------------------------------
_RP_TERMS = ("ln_r_p0", "b1", "b2", "b3", "b4", "tc_rp", "tc2_rp", "tc_rp_bias")


def _rp_basis(V, dT, v_c):
    u = v_c * np.tanh(V / v_c)
    return np.stack([np.ones_like(u * dT), u + 0 * dT, u**2 + 0 * dT, u**3 + 0 * dT, u**4 + 0 * dT,
                     dT + 0 * u, dT**2 + 0 * u, u**2 * dT], axis=-1)


def _fit_rp(V, T, r_p, v_c, t_nom):
    A = _rp_basis(V, T - t_nom, v_c).reshape(-1, len(_RP_TERMS))
    y = np.log(r_p).ravel()
    # scale the columns for conditioning (dT^2 ~ 1e4)
    s = np.maximum(np.abs(A).max(axis=0), 1e-300)
    coef, *_ = np.linalg.lstsq(A / s, y, rcond=None)
    coef = coef / s
    return dict(zip(_RP_TERMS, coef))


# -- stage 2/3: TMR and joint ----------------------------------------------------------
_TMR_EXP = ("tmr0", "vh_pos", "vh_neg", "tc_tmr", "tc2_tmr", "tc_vh", "tmr_q", "q_mag", "v_mag", "n_mag")
_TMR_SHANG = ("tmr0", "vh_pos", "vh_neg", "p0", "alpha_sp", "tc_vh", "tmr_q", "q_mag", "v_mag", "n_mag")
_N_MAG = 3


def _pack_bounds(names, t_hi):
    lo, hi = [], []
    for n in names:
        if n == "tmr0":
            lo.append(-0.99), hi.append(100.0)
        elif n in ("vh_pos", "vh_neg"):
            lo.append(0.02), hi.append(50.0)
        elif n == "tmr_q":
            lo.append(0.0), hi.append(100.0)
        elif n == "q_mag":
            lo.append(0.0), hi.append(10.0)
        elif n == "v_mag":
            lo.append(0.005), hi.append(2.0)
        elif n == "n_mag":
            lo.append(0.01), hi.append(50.0)
        elif n == "p0":
            lo.append(0.05), hi.append(0.99)
        elif n == "alpha_sp":
            lo.append(0.0), hi.append(0.9 / max(t_hi, 1000.0) ** 1.5)
        elif n in ("tc_tmr", "tc_vh"):
            lo.append(-0.05), hi.append(0.05)
        elif n == "tc2_tmr":
            lo.append(-1e-3), hi.append(1e-3)
        else:
            lo.append(-np.inf), hi.append(np.inf)
    return np.array(lo), np.array(hi)


def fit_compact(rv_table, *, v_window: float = 0.5, t_window=(233.15, 398.15), v_c: float = 1.5,
                v_w: float = 0.02, t_nom: float = T_NOM, tmr_temperature: str = "auto", name: str = "mtj",
                area: float | None = None, provenance: dict | None = None, magnon: bool = True,
                max_nfev: int = 400) -> CompactMTJ:
    """Fit a :class:`CompactMTJ` to an :class:`RVTable`.

    Parameters
    ----------
    rv_table : RVTable
        R_P and R_AP on a (V, T) grid.
    v_window : float
        Fit points with |V| <= v_window [V].
    t_window : (float, float)
        Fit points with t_window[0] <= T <= t_window[1] [K].
    v_c : float
        Soft-clip voltage of the R_P bias series (fixed, not fitted) [V].
    v_w : float
        V_h polarity switch width (fixed) [V].
    t_nom : float
        Reference temperature of the model [K].
    tmr_temperature : {'auto', 'exp', 'shang'}
        TMR temperature law: exp(t1 dT + t2 dT^2), the Shang P(T) = p0 (1 - alpha
        T^1.5) Julliere factor, or 'auto' (both, keep the better).
    name : str
        Subcircuit name of the model.
    area : float, optional
        Junction area [m^2]; default the table's (required if the table has none).
    provenance : dict, optional
        Extra provenance entries (merged over the table's).
    magnon : bool
        Fit the magnon spin-flip mixing (q_mag, v_mag, n_mag); False fixes q_mag = 0.
    max_nfev : int
        Limit on model evaluations per temperature law.

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

    V = rv_table.V
    T = rv_table.T
    iv = np.abs(V) <= v_window + 1e-12
    it = (T >= t_lo - 1e-9) & (T <= t_hi + 1e-9)
    if iv.sum() < 5 or it.sum() < 3:
        raise ParameterError("rv_table", f"{iv.sum()} biases x {it.sum()} temperatures in the window",
                             ">= 5 biases and >= 3 temperatures inside the fitting window")
    Vw = V[iv][:, None]
    Tw = T[it][None, :]
    rp = rv_table.r_p[np.ix_(iv, it)]
    rap = rv_table.r_ap[np.ix_(iv, it)]
    tmr_data = rap / rp - 1.0
    dT = Tw - t_nom

    # stage 1 -----------------------------------------------------------------
    rp_par = _fit_rp(Vw, Tw, rp, v_c, t_nom)
    base = dict(r_p0=float(np.exp(rp_par["ln_r_p0"])), **{k: float(rp_par[k]) for k in _RP_TERMS[1:]})

    # stage 2: initial guesses from the data ----------------------------------
    i0 = int(np.argmin(np.abs(Vw[:, 0])))
    j0 = int(np.argmin(np.abs(Tw[0] - t_nom)))
    tmr0_guess = float(tmr_data[i0, j0])
    if not tmr0_guess > -0.99:
        tmr0_guess = 0.5

    def vh_guess(sign):
        col = tmr_data[:, j0]
        sel = (np.sign(Vw[:, 0]) == sign) & (np.abs(Vw[:, 0]) > 0)
        if not np.any(sel) or tmr0_guess == 0:
            return 0.5
        ratio = np.clip(col[sel] / tmr0_guess, 1e-3, 0.999)
        # Lorentzian: 1/ratio - 1 = V^2/Vh^2 -> least squares through the origin
        y = 1.0 / ratio - 1.0
        x = Vw[sel, 0] ** 2
        slope = float(np.sum(x * y) / np.sum(x * x))
        return float(np.clip(1.0 / np.sqrt(slope), 0.05, 20.0)) if slope > 0 else 5.0

    lnt = np.log(np.abs(tmr_data[i0, :]) + 1e-12)
    tc_guess = float(np.polyfit(Tw[0] - t_nom, lnt, 1)[0]) if Tw.size > 1 else 0.0

    def build(kw):
        return CompactMTJ(area=area, v_c=v_c, v_w=v_w, t_nom=t_nom, name=name, **kw)

    ln_rap_data = np.log(rap)
    ln_rp_data = np.log(rp)
    rp_names = ("r_p0",) + _RP_TERMS[1:]

    def fit_law(names, x0, extra):
        """Joint fit of ln R_P and ln R_AP over the R_P series and the TMR parameters ``names``."""
        lo_t, hi_t = _pack_bounds(names, t_hi)
        x0 = np.clip(np.asarray(x0, float), lo_t + 1e-9 * (np.abs(lo_t) + 1), hi_t - 1e-9 * (np.abs(hi_t) + 1))
        xa = np.concatenate([[np.log(base["r_p0"])], [base[k] for k in rp_names[1:]], x0])
        lo = np.concatenate([np.full(len(rp_names), -np.inf), lo_t])
        hi = np.concatenate([np.full(len(rp_names), np.inf), hi_t])
        all_names = rp_names + tuple(names)

        def kw_of(x):
            kw = dict(extra)
            kw.update(zip(all_names, (float(v) for v in x)))
            kw["r_p0"] = float(np.exp(x[0]))
            return kw

        def res(x):
            try:
                cmx = build(kw_of(x))
                lrp = np.log(cmx.r_parallel(Vw, Tw))
                l1t = np.log1p(np.maximum(cmx.tmr(Vw, Tw), -0.999))
            except (ParameterError, FloatingPointError):
                return np.full(2 * Vw.size * Tw.size, 1e3)
            return np.concatenate([(lrp - ln_rp_data).ravel(), (lrp + l1t - ln_rap_data).ravel()])

        sol = least_squares(res, xa, bounds=(lo, hi), x_scale="jac", method="trf", max_nfev=max_nfev,
                            tr_solver="lsmr")
        return sol, res, kw_of(sol.x)

    laws = ["exp", "shang"] if tmr_temperature == "auto" else [tmr_temperature]
    starts = [(law, 0.1) for law in laws]
    candidates = []
    for law, vm in starts:
        if law == "exp":
            names = _TMR_EXP
            x0 = [tmr0_guess, vh_guess(1), vh_guess(-1), tc_guess, 0.0, 0.0, 0.0, 0.2, vm, 0.5]
            extra = {"p0": 0.0, "alpha_sp": 0.0}
        else:
            names = _TMR_SHANG
            x0 = [tmr0_guess, vh_guess(1), vh_guess(-1), 0.6, 1e-5, 0.0, 0.0, 0.2, vm, 0.5]
            extra = {"tc_tmr": 0.0, "tc2_tmr": 0.0}
        if not magnon:
            names = names[:-_N_MAG]
            x0 = x0[:-_N_MAG]
            extra.update(q_mag=0.0)
        sol, res, kw = fit_law(names, x0, extra)
        if not np.all(np.isfinite(sol.x)):
            continue
        err = float(np.max(np.abs(res(sol.x))))
        candidates.append((err, law, kw, sol.message))
    if not candidates:
        raise ConvergenceError("compact-model fit failed: no finite TMR fit")
    candidates.sort(key=lambda c: c[0])
    _, law, kw, message = candidates[0]

    sens = {k: v for k, v in rv_table.sensitivities.items() if k in SENSITIVITY_KEYS}
    prov = dict(rv_table.provenance)
    prov.update(provenance or {})
    cm = CompactMTJ(area=area, v_c=v_c, v_w=v_w, t_nom=t_nom, name=name, sensitivities=sens,
                    provenance=prov, **kw)
    errs = fit_errors(cm, rv_table, v_window, (t_lo, t_hi))
    report = FitReport(
        max_rel_error=errs["max"], rms_rel_error=errs["rms"],
        table_max_rel_error=errs["table_max"], table_rms_rel_error=errs["table_rms"],
        per_state={"P": errs["P"], "AP": errs["AP"]}, window_v=float(v_window), window_t=(t_lo, t_hi),
        n_points=int(iv.sum() * it.sum()), fit_time=time.perf_counter() - t0, tmr_temperature=law,
        message=str(message),
    )
    return cm.replace(fit_report=report)
