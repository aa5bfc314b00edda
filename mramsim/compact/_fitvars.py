"""Scaled fit variables of :func:`mramsim.compact.fit.fit_compact` and the identifiability loop.

Each fitted model parameter is a variable of order one: logarithms for the
positive scales (r_p0, tmr0, vh_pos, vh_neg, v_mag), temperature
coefficients per 100 K, and the magnon coupling as its share of the half-TMR
budget (see :mod:`mramsim.compact.fit`).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares
from scipy.optimize._numdiff import approx_derivative

from ..constants import e, k_B
from ..errors import ParameterError
from .model import CompactMTJ, magnon_F

#: Largest magnon share Q(V_ref)(1 + tmr0/2) [-] (1 would leave no TMR at V_h whatever the elastic factor).
SHARE_MAX = 0.9
#: Largest magnon share Q(V_ref)(3 + tmr0) with the falling elastic factor (tmr_g = 0) [-].
SHARE_MAX_FALLING = 0.9999
#: Lower bound of the elastic excess x_h - x_lo [-] (keeps tmr_g finite).
EXCESS_MIN = 1e-9

#: variable -> (model parameter, forward map var -> value, inverse, lower bound, upper bound) in var space
_LN = (np.exp, np.log)
_LIN = (lambda v: v, lambda p: p)


def _per(k):
    return (lambda v: v / k, lambda p: p * k)


VARS = {
    "r_p0": _LN + (-np.inf, np.inf),
    "b1": _LIN + (-np.inf, np.inf),
    "b2": _LIN + (-np.inf, np.inf),
    "b3": _LIN + (-np.inf, np.inf),
    "b4": _LIN + (-np.inf, np.inf),
    "tc_rp": _per(1e2) + (-np.inf, np.inf),
    "tc2_rp": _per(1e4) + (-np.inf, np.inf),
    "tc_rp_bias": _per(1e2) + (-np.inf, np.inf),
    "tmr0": _LN + (np.log(1e-4), np.log(100.0)),
    "vh_pos": _LN + (np.log(0.02), np.log(50.0)),
    "vh_neg": _LN + (np.log(0.02), np.log(50.0)),
    "tc_tmr": _per(1e2) + (-5.0, 5.0),
    "tc2_tmr": _per(1e4) + (-10.0, 10.0),
    "p_nom": _LIN + (0.05, 0.95),
    "tc_vbias": _per(1e2) + (-5.0, 5.0),
    "tmr_q": _LIN + (0.0, 100.0),
    "elastic_excess": _LN + (np.log(EXCESS_MIN), np.log(1e3)),
    "magnon_share": _LIN + (0.0, SHARE_MAX),
    "v_mag": _LN + (np.log(0.005), np.log(2.0)),
    "n_mag": _LIN + (0.05, 20.0),
}

#: Temperature parameters fixed at 0 in the one-temperature mode, and the reason recorded.
TEMPERATURE_PARAMS = ("tc_rp", "tc2_rp", "tc_rp_bias", "tc_tmr", "tc2_tmr", "tc_vbias")
ONE_TEMPERATURE = "one temperature in the data"

#: Reason recorded for the named parameters taken from the table (:func:`table_anchors`).
CONSTRAINT = "constraint: the table's value at V = 0 (V_h: half-TMR crossing), t_nom"

_RP_BASIS = ("r_p0", "b1", "b2", "b3", "b4", "tc_rp", "tc2_rp", "tc_rp_bias")


def julliere_polarization(tmr0: float) -> float:
    """P with Julliere's TMR = 2P^2/(1 - P^2) equal to tmr0 [-]."""
    return float(np.sqrt(tmr0 / (2.0 + tmr0)))


def table_anchors(V, T, rp, rap, t_nom, vh_beyond=None) -> dict:
    """Named quantities measured on the table at V = 0 (or the nearest bias), T = t_nom.

    ln R_P, ln TMR and their T slopes from a quadratic in T through the three
    temperatures nearest t_nom; V_h per polarity from the first crossing of
    TMR(V, t_nom)/TMR(0, t_nom) = 1/2 (linear interpolation in V); where the table
    has no crossing, ``vh_beyond[key]`` (a known half-TMR bias, e.g. from the physics
    the table came from) if given, else a quadratic extrapolation.
    """
    k = np.argsort(np.abs(T - t_nom))[:3] if T.size >= 3 else np.arange(T.size)
    deg = min(2, k.size - 1)
    tau = rap / rp - 1.0
    i0 = int(np.argmin(np.abs(V)))

    def at_tnom(y):          # y[..., T] -> (value, slope) at t_nom, per leading index
        c = np.polyfit(T[k] - t_nom, np.moveaxis(y[..., k], -1, 0), deg)
        return c[-1], (c[-2] if deg >= 1 else 0.0 * c[-1])

    lrp, drp = at_tnom(np.log(rp[i0]))
    ltau, dtau = at_tnom(np.log(np.maximum(tau, 1e-12)))
    ratio = np.exp(ltau - ltau[i0])
    out = {"ln_r_p0": float(lrp), "tc_rp": float(drp), "ln_tmr0": float(ltau[i0]), "tc_tmr": float(dtau[i0])}
    for key, sgn in (("vh_pos", 1.0), ("vh_neg", -1.0)):
        sel = np.flatnonzero(sgn * V >= 0)
        order = sel[np.argsort(np.abs(V[sel]))]
        v, r = np.abs(V[order]), ratio[order]
        below = np.flatnonzero(r < 0.5)
        if below.size and below[0] > 0:
            j = below[0]
            vh = v[j - 1] + (v[j] - v[j - 1]) * (r[j - 1] - 0.5) / (r[j - 1] - r[j])
        elif vh_beyond and vh_beyond.get(key) is not None:
            vh = float(vh_beyond[key])      # the table stops short of V_h: the source knows it
        else:
            # no crossing in the table: quadratic through the last three points, solved beyond them
            c = np.polyfit(v[-3:], r[-3:], 2)
            roots = np.roots(c - np.array([0.0, 0.0, 0.5]))
            roots = roots[np.isreal(roots)].real
            roots = roots[(roots > v[-1]) & (roots < 2.0 * v[-1])]
            if roots.size == 0:
                continue                      # no anchor: V_h is left to the fit
            vh = float(roots.min())
        out["ln_" + key] = float(np.log(vh))
    return out


class FitProblem:
    """One TMR temperature law: start values, residuals, the fix-and-refit loop."""

    def __init__(self, data, fixed_model: dict, law: str, magnon: bool, vh_beyond: dict | None = None,
                 one_temperature: bool = False, elastic_rise: bool = False):
        self.V, self.T, rp, rap = data
        self.rise = bool(elastic_rise)
        self.bounds = {n: (v[2], v[3]) for n, v in VARS.items()}
        if not self.rise:      # the falling elastic factor 1/(1 + x + tmr_q x^2): the magnon term's share < 1
            self.bounds["magnon_share"] = (0.0, SHARE_MAX_FALLING)
        self.Vg = self.V[:, None]
        self.Tg = self.T[None, :]
        self.base = dict(fixed_model)
        self.y = np.concatenate([np.log(rp).ravel(), np.log(rap).ravel()])
        self.law = law
        self.start = self._start(rp, rap)
        self.anchors = table_anchors(self.V, self.T, rp, rap, self.base["t_nom"], vh_beyond)
        names = list(VARS)
        self.fixed = {}
        a = self.anchors
        for n, key, f in (("r_p0", "ln_r_p0", np.exp), ("tmr0", "ln_tmr0", np.exp), ("vh_pos", "ln_vh_pos", np.exp),
                          ("vh_neg", "ln_vh_neg", np.exp), ("tc_rp", "tc_rp", float), ("tc_tmr", "tc_tmr", float)):
            if key in a:          # exact constraint: the named parameter is the table's value
                self.fixed[n] = [float(f(a[key])), CONSTRAINT]
        if law == "exp":
            self.fixed["p_nom"] = [0.0, "exp temperature law"]
        else:
            self.fixed["tc2_tmr"] = [0.0, "shang temperature law (curvature from p_nom)"]
        if one_temperature:   # no temperature dependence can be measured: fixed at 0, said so
            for n in TEMPERATURE_PARAMS:
                self.fixed[n] = [0.0, ONE_TEMPERATURE]
        if not self.rise:
            self.fixed["elastic_excess"] = [EXCESS_MIN, "tmr_g = 0: falling elastic bias factor (fits the window)"]
        if not magnon:
            self.fixed["magnon_share"] = [0.0, "magnon term off (magnon=False)"]
        self.free = [n for n in names if n not in self.fixed]
        self._magnon_off_if_needed()

    # -- start values in closed form --------------------------------------------
    def _start(self, rp, rap):
        t_nom, v_c = self.base["t_nom"], self.base["v_c"]
        dT = (self.Tg - t_nom) / 100.0
        u = v_c * np.tanh(self.Vg / v_c)
        one = np.ones_like(u * dT)
        A = np.stack([one, u * one, u**2 * one, u**3 * one, u**4 * one, dT * one, dT**2 * one, u**2 * dT],
                     axis=-1).reshape(-1, 8)
        coef = np.linalg.lstsq(A, np.log(rp).ravel(), rcond=None)[0]
        st = dict(zip(_RP_BASIS, coef))      # already the scaled variables (ln r_p0, per-100-K units)
        tau = rap / rp - 1.0
        i0 = int(np.argmin(np.abs(self.V)))
        lt = np.log(np.maximum(tau[i0], 1e-6))
        c = np.polyfit((self.T - t_nom) / 100.0, lt, min(2, self.T.size - 1))[::-1]
        c = np.pad(c, (0, 3 - c.size))          # one temperature: no slope, no curvature
        st["tmr0"] = float(np.clip(c[0], np.log(1e-3), np.log(50.0)))
        st["tc_tmr"] = float(np.clip(c[1], -4.0, 4.0))
        st["tc2_tmr"] = float(np.clip(c[2], -9.0, 9.0)) if self.law == "exp" and c.size > 2 else 0.0
        st["p_nom"] = float(np.clip(julliere_polarization(np.exp(st["tmr0"])), 0.06, 0.94))
        j = int(np.argmin(np.abs(self.T - t_nom)))
        ratio = tau[:, j] / tau[i0, j]
        for key, sgn in (("vh_pos", 1.0), ("vh_neg", -1.0)):
            sel = np.flatnonzero(sgn * self.V >= 0)
            order = sel[np.argsort(np.abs(self.V[sel]))]
            v, r = np.abs(self.V[order]), ratio[order]
            below = np.flatnonzero(r < 0.5)
            if below.size and below[0] > 0:
                k = below[0]
                vh = v[k - 1] + (v[k] - v[k - 1]) * (r[k - 1] - 0.5) / (r[k - 1] - r[k])
            else:
                vh = 2.0 * max(v.max(), 0.05)
            st[key] = float(np.log(np.clip(vh, 0.03, 40.0)))
        st.update(tc_vbias=0.0, tmr_q=0.1, elastic_excess=float(np.log(0.05)), magnon_share=0.3,
                  v_mag=float(np.log(0.1)), n_mag=1.0)
        return st

    def _magnon_off_if_needed(self):
        if "magnon_share" in self.fixed and self.fixed["magnon_share"][0] == 0.0:
            for n in ("v_mag", "n_mag"):
                if n not in self.fixed:
                    self.fixed[n] = [float(VARS[n][0](self.start[n])), "magnon term off"]
            self.free = [n for n in self.free if n not in self.fixed]

    # -- variables -> model ------------------------------------------------------------
    def value(self, name, var):
        return float(VARS[name][0](var))

    def params(self, x) -> dict:
        """Model keyword parameters from the free variables ``x``."""
        v = {n: (self.fixed[n][0] if n in self.fixed else None) for n in VARS}
        for n, xi in zip(self.free, x):
            v[n] = self.value(n, xi)
        share = v.pop("magnon_share")
        excess = v.pop("elastic_excess")
        kw = dict(v)
        h = 1.0 + 0.5 * v["tmr0"]
        q_h = 0.0
        if share > 0.0:
            vref = (v["vh_pos"] ** 8 + v["vh_neg"] ** 8) ** 0.125
            eps = v["n_mag"] * k_B * self.base["t_nom"] / (e * v["v_mag"])
            f_eps = float(magnon_F(eps)[0])
            z = np.sqrt((vref / v["v_mag"]) ** 2 + eps * eps)
            # share of the half-TMR budget: Q(V_ref) (3 + tmr0) (falling), Q(V_ref) h (rising elastic factor)
            kw["q_mag"] = share / ((h if self.rise else 3.0 + v["tmr0"]) * float(magnon_F(z)[0] - f_eps))
            z_h = np.sqrt((v["vh_pos"] / v["v_mag"]) ** 2 + eps * eps)
            q_h = kw["q_mag"] * float(magnon_F(z_h)[0] - f_eps)
        else:
            kw["q_mag"] = 0.0
        kw["tmr_g"] = self._tmr_g(excess, q_h, h, v["tmr_q"]) if self.rise else 0.0
        return kw

    @staticmethod
    def _tmr_g(excess, q_h, h, q):
        """tmr_g from the elastic excess x_h - x_lo at +V_h (see :mod:`mramsim.compact.fit`)."""
        d = 2.0 * (1.0 - h * q_h) / (1.0 + q_h)
        x_lo = 2.0 * (d - 1.0) / (1.0 + np.sqrt(1.0 + 4.0 * q * (d - 1.0))) if d > 1.0 else 0.0
        x_h = x_lo + excess
        return float(max(((1.0 + x_h * (1.0 + q * x_h)) / d - 1.0) / x_h, 0.0))

    def model(self, x) -> CompactMTJ:
        return CompactMTJ(**self.base, **self.params(x))

    def residuals(self, x):
        """ln R_model - ln R_table for P then AP (a constant vector where the parameters are invalid)."""
        try:
            rp, tmr = self.model(x)._eval(self.Vg, self.Tg)
            lrp = np.log(rp)
            return np.concatenate([lrp.ravel(), (lrp + np.log1p(tmr)).ravel()]) - self.y
        except (ParameterError, FloatingPointError):
            return np.full(self.y.size, 1.0)

    # -- solve with the identifiability rules --------------------------------------------
    def _x0(self, current: dict):
        lo = np.array([self.bounds[n][0] for n in self.free])
        hi = np.array([self.bounds[n][1] for n in self.free])
        x0 = np.array([current[n] for n in self.free], float)
        span = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
        return np.clip(x0, lo + 1e-6 * span, hi - 1e-6 * span), lo, hi

    def solve(self, max_nfev: int) -> dict:
        current = dict(self.start)
        for _ in range(len(VARS)):
            x0, lo, hi = self._x0(current)
            sol = least_squares(self.residuals, x0, bounds=(lo, hi), method="trf", x_scale=1.0,
                                ftol=1e-13, xtol=1e-13, gtol=1e-13, max_nfev=max_nfev, tr_solver="exact")
            current.update(zip(self.free, sol.x))
            span = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
            pinned = {n: (a if xi - a < b - xi else b) for n, xi, a, b, s in zip(self.free, sol.x, lo, hi, span)
                      if min(xi - a, b - xi) < 1e-5 * s}
            if pinned:
                for n, bound in pinned.items():          # fixed exactly at the bound
                    current[n] = bound
                    self.fixed[n] = [self.value(n, bound), "pinned at a bound of the fit"]
                self.free = [n for n in self.free if n not in self.fixed]
                self._magnon_off_if_needed()
                if "magnon_share" in pinned and self.fixed["magnon_share"][0] > 0.5:
                    # elastic TMR bias-independent: its bias-shape parameters have no effect
                    for n in ("tmr_q", "tc_vbias"):
                        if n in self.free:
                            self.fixed[n] = [0.0, "no effect (magnon share at its bound)"]
                    self.free = [n for n in self.free if n not in self.fixed]
                continue
            corr, se = self._covariance(sol)
            c = np.abs(corr) - np.eye(len(self.free))
            if c.size and c.max() > MAX_CORRELATION:
                i, j = np.unravel_index(int(np.argmax(c)), c.shape)
                a, b = self.free[i], self.free[j]
                drop = min((a, b), key=lambda n: _FIX_RANK.get(n, len(_FIX_RANK)))
                other = b if drop == a else a
                self.fixed[drop] = [self._meaningful(drop, current),
                                    f"correlation {corr[i, j]:+.4f} with {other}"]
                if drop == "p_nom" or drop in ("tmr_q", "n_mag", "tc_vbias", "magnon_share"):
                    pass
                self.free = [n for n in self.free if n != drop]
                self._magnon_off_if_needed()
                continue
            break
        else:  # pragma: no cover - the loop removes one parameter per pass
            raise ParameterError("fit", "identifiability loop", "converged")
        x = self._polish(sol.x, lo, hi)
        params = self.params(x)
        res = self.residuals(x)
        std = {}
        for n, s_var, xi in zip(self.free, se, x):
            # d value / d var: exp for logs, 1/k for per-unit scales
            h = 1e-6
            std[n] = float(abs(self.value(n, xi + h) - self.value(n, xi - h)) / (2 * h) * s_var)
        fixed = dict(self.fixed)
        if self.rise:     # tmr_g is derived: its standard error by the delta method over the free variables
            grad = np.ravel(approx_derivative(lambda y: np.array([self.params(y)["tmr_g"]]), x, method="3-point"))
            std["tmr_g"] = float(np.sqrt(max(grad @ (corr * np.outer(se, se)) @ grad, 0.0)))
        else:             # reported under the model's parameter name
            fixed["tmr_g"] = [0.0, fixed.pop("elastic_excess")[1]]
        return {"params": params, "max_abs_res": float(np.max(np.abs(res))), "message": sol.message,
                "free": list(self.free), "std_errors": std,
                "correlation": [[float(v) for v in row] for row in corr], "fixed": fixed}

    def _polish(self, x, lo, hi, steps: int = 4):
        """Gauss-Newton steps from the optimiser's interior solution (central-difference Jacobian).

        The trust-region iterations stop at a cost tolerance; these steps take
        the solution to the stationary point itself, so a refit of a table
        perturbed at the 1e-9 level moves the parameters by no more than the
        perturbation calls for (each step halved up to 6 times until it lowers the cost inside the
        box; the polish stops at the first step that cannot).
        """
        r = self.residuals(x)
        for _ in range(steps):
            J = approx_derivative(self.residuals, x, method="3-point", f0=r)
            dx = np.linalg.lstsq(J, -r, rcond=None)[0]
            for _ in range(6):                       # halve the step until it lowers the cost
                xn = x + dx
                if np.all(xn > lo) and np.all(xn < hi):
                    rn = self.residuals(xn)
                    if rn @ rn < r @ r:
                        break
                dx = 0.5 * dx
            else:
                break
            x, r = xn, rn
        return x

    def _covariance(self, sol):
        J = sol.jac
        n, p = J.shape
        s2 = float(sol.fun @ sol.fun) / max(n - p, 1)
        norms = np.linalg.norm(J, axis=0)
        norms[norms == 0] = 1.0
        Js = J / norms
        cov_s = np.linalg.pinv(Js.T @ Js)
        d = np.sqrt(np.maximum(np.diag(cov_s), 1e-300))
        corr = cov_s / np.outer(d, d)
        se = np.sqrt(s2) * d / norms
        return corr, se

    def _meaningful(self, name, current):
        if name == "p_nom":
            return julliere_polarization(self.value("tmr0", current["tmr0"]))
        if name == "n_mag":
            return 1.0
        if name == "elastic_excess":
            return EXCESS_MIN          # the lower bound
        if name in ("tmr_q", "tc_vbias", "tc2_tmr", "tc_rp_bias", "tc2_rp", "b4", "b3", "magnon_share"):
            return 0.0
        return self.value(name, current[name])


#: Largest |correlation| left between two free parameters.
MAX_CORRELATION = 0.99
#: Which parameter of a too-correlated pair is fixed first (earliest in this order).
FIX_ORDER = ("tmr_q", "elastic_excess", "tc_vbias", "n_mag", "tc2_tmr", "p_nom", "tc_rp_bias", "tc2_rp", "b4", "b3",
             "v_mag", "magnon_share")

_FIX_RANK = {n: i for i, n in enumerate(FIX_ORDER)}
