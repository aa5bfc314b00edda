r"""Physics parameters from measured data, each with its uncertainty.

Every fit returns a :class:`FitResult`: estimates, standard errors, the
correlation matrix (from the Jacobian at the optimum, :math:`C = s^2 (J^TJ)^{-1}`,
:math:`s^2 = \chi^2/(n-p)`), and warnings for parameters the data cannot
identify (:math:`|\rho| > 0.99` with another parameter, or relative SE > 1).
A residual bootstrap is available (``bootstrap=N``).

* :func:`fit_bdr` -- Brinkman, Dynes & Rowell, J. Appl. Phys. 41, 1915 (1970):
  the P-state conductance :math:`G(V) = G_0 (1 - aV + bV^2)` of a trapezoidal
  barrier, measured through a series resistance :math:`R_s`
  (:math:`V = V_j + R_s I_j(V_j)`). In BDR's shape thickness d and effective
  mass m* enter only as :math:`s = d\sqrt{m^*/m_e}` (through
  :math:`A_0 = 4 d\sqrt{2m^*}/3\hbar`), so the identifiable parameters are the
  mean height :math:`\bar\phi`, the asymmetry :math:`\Delta\phi = \phi_2-\phi_1`
  and s; G_0 is kept free (its prefactor depends on area and m* separately).
  d follows for an assumed m*: :math:`d = s/\sqrt{m^*/m_e}`.
* :func:`fit_shang` -- Shang et al., PRB 58, R2917 (1998):
  :math:`\mathrm{TMR}(T)` with :math:`P(T) = P_0(1-\alpha T^{3/2})` for two
  equal electrodes (:func:`mramsim.physics.spinflip.shang_tmr`).
* :func:`fit_vh` -- the half-TMR bias per polarity from
  :math:`\mathrm{TMR}(V) = \mathrm{TMR}_0/(1+V^2/V_h^2)`
  (:func:`mramsim.physics.spinflip.lorentzian_bias_factor`).
* :func:`fit_series_resistance` -- :math:`R = RA/A + R_s` across devices of
  different area (linear least squares).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from ..constants import eV
from ..errors import ConvergenceError, ParameterError
from ..physics.simmons import bdr_conductance_density, bdr_conductance_ratio
from ..physics.spinflip import lorentzian_bias_factor, shang_tmr

__all__ = ["FitResult", "fit_bdr", "bdr_current", "bdr_g0", "fit_shang", "fit_vh", "fit_series_resistance",
           "CORR_LIMIT", "REL_SE_LIMIT"]

#: |correlation| above which a pair of parameters is flagged as not separately identifiable.
CORR_LIMIT = 0.99
#: Relative standard error above which a parameter is flagged as not identifiable.
REL_SE_LIMIT = 1.0


@dataclass(frozen=True)
class FitResult:
    """Estimates with uncertainties of one fit.

    ``values`` and ``stderr`` map parameter names (with units in ``units``) to
    floats; ``corr`` is the correlation matrix in the order of ``names``.
    """

    method: str
    names: tuple
    values: dict
    stderr: dict
    corr: list
    units: dict
    n_points: int
    rms_residual: float
    warnings: tuple = ()
    bootstrap_stderr: dict = field(default_factory=dict)
    derived: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values[name]

    @property
    def identifiable(self) -> dict:
        """name -> False when a warning names it."""
        return {n: not any(f"'{n}'" in w for w in self.warnings) for n in self.names}

    def table(self) -> str:
        """Markdown table: parameter, value, standard error, unit."""
        lines = ["| parameter | value | std. error | unit |", "|---|---|---|---|"]
        for n in self.names:
            lines.append(f"| {n} | {self.values[n]:.6g} | {self.stderr[n]:.3g} | {self.units.get(n, '')} |")
        for n, (v, se, u) in self.derived.items():
            lines.append(f"| {n} (derived) | {v:.6g} | {se:.3g} | {u} |")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["names"], d["warnings"] = list(self.names), list(self.warnings)
        d["derived"] = {k: list(v) for k, v in self.derived.items()}
        return d

    def to_json(self, path=None) -> str:
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "FitResult":
        s = str(path_or_text)
        d = json.loads(s if s.lstrip().startswith("{") else Path(s).read_text())
        d["names"], d["warnings"] = tuple(d["names"]), tuple(d["warnings"])
        d["derived"] = {k: tuple(v) for k, v in d["derived"].items()}
        return cls(**d)


def _central_jacobian(fun, x, rel=1e-6):
    """d fun / d x by central differences (steps relative to |x|)."""
    cols = []
    for k in range(x.size):
        h = rel * max(abs(x[k]), 1e-12)
        e_ = np.zeros(x.size)
        e_[k] = h
        cols.append((fun(x + e_) - fun(x - e_)) / (2 * h))
    return np.column_stack(cols)


def _fit(method, fun, x0, names, units, lower, upper, n_boot=0, seed=0, scale=None):
    """Least squares with Jacobian covariance, identifiability warnings, optional residual bootstrap."""
    x0 = np.asarray(x0, float)
    scale = np.abs(x0) if scale is None else np.asarray(scale, float)
    scale = np.where(scale > 0, scale, 1.0)
    f = lambda u: fun(u * scale)  # noqa: E731
    sol = least_squares(f, x0 / scale, bounds=(np.asarray(lower) / scale, np.asarray(upper) / scale),
                        x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=2000)
    if not sol.success:
        raise ConvergenceError(f"{method}: the fit did not converge ({sol.message})")
    r = sol.fun
    n, p = r.size, x0.size
    if n <= p:
        raise ParameterError(method, f"{n} points", f"more points than the {p} parameters")
    s2 = float(r @ r) / (n - p)
    x = sol.x * scale
    J = _central_jacobian(fun, x)
    # covariance from the SVD of J; a (numerically) singular direction gets a huge
    # variance (never dropped as pinv would), so it shows up as not identifiable
    # (in the scaled variables, so that units do not look like degeneracy)
    _, sv, vt = np.linalg.svd(J * scale[None, :], full_matrices=False)
    sv = np.maximum(sv, sv[0] * 1e-12 if sv[0] > 0 else 1e-300)
    cov = s2 * np.outer(scale, scale) * ((vt.T / sv**2) @ vt)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / np.outer(se, se)
    corr = np.where(np.isfinite(corr), corr, 0.0)
    warns = []
    for i in range(p):
        for j in range(i + 1, p):
            if abs(corr[i, j]) > CORR_LIMIT:
                warns.append(f"'{names[i]}' and '{names[j]}' are not separately identifiable "
                             f"(correlation {corr[i, j]:+.4f})")
        if not (se[i] <= REL_SE_LIMIT * abs(x[i])):
            warns.append(f"'{names[i]}' is not identifiable from these data (relative SE > {REL_SE_LIMIT:g})")
    boot = {}
    if n_boot:
        rng = np.random.default_rng(seed)
        # residual bootstrap, linearised in the data: refit r(u) - r(x_hat) - r*_resampled
        f_hat = f(sol.x)
        samples = []
        for _ in range(int(n_boot)):
            rb = rng.choice(r, size=n, replace=True)
            sb = least_squares(lambda u, rb=rb: f(u) - f_hat - rb, sol.x, bounds=(np.asarray(lower) / scale,
                               np.asarray(upper) / scale), x_scale="jac", max_nfev=500)
            samples.append(sb.x * scale)
        if len(samples) > 2:
            boot = dict(zip(names, np.std(samples, axis=0, ddof=1).tolist()))
    return FitResult(method=method, names=tuple(names), values=dict(zip(names, x.tolist())),
                     stderr=dict(zip(names, se.tolist())), corr=corr.tolist(), units=dict(zip(names, units)),
                     n_points=int(n), rms_residual=float(np.sqrt(s2)), warnings=tuple(warns),
                     bootstrap_stderr=boot)


# -- BDR with series resistance ------------------------------------------------------------
def _bdr_ab(phibar_ev, dphi_ev, s_nm):
    """BDR coefficients a [1/V], b [1/V^2] of G/G0 = 1 - aV + bV^2 (exact: the ratio is quadratic in V)."""
    p1 = (phibar_ev - 0.5 * dphi_ev) * eV
    p2 = (phibar_ev + 0.5 * dphi_ev) * eV
    rp, rm = bdr_conductance_ratio(np.array([1.0, -1.0]), p1, p2, s_nm * 1e-9, 1.0)
    return 0.5 * (rm - rp), 0.5 * (rp + rm) - 1.0


def _series_current(V, g0, a, b, r_series):
    """I(V) of G_j = g0 (1 - a V_j + b V_j^2) behind r_series (Newton on V = V_j + R_s I_j)."""
    ij = lambda x: g0 * (x - 0.5 * a * x**2 + b * x**3 / 3.0)  # noqa: E731
    gj = lambda x: g0 * (1.0 - a * x + b * x**2)  # noqa: E731
    x = V / (1.0 + g0 * r_series)
    for _ in range(60):
        step = (x + r_series * ij(x) - V) / np.maximum(1.0 + r_series * gj(x), 1e-6)
        x = x - step
        if np.all(np.abs(step) < 1e-15 + 1e-13 * np.abs(V)):
            break
    return ij(x)


def bdr_current(V, g0, phibar_ev, dphi_ev, s_nm, r_series=0.0):
    r"""Current [A] of a BDR junction behind a series resistance, at applied bias V [V].

    Junction: :math:`I_j = G_0 (V_j - aV_j^2/2 + bV_j^3/3)` (the integral of the
    BDR conductance, a and b from :func:`mramsim.physics.simmons.bdr_conductance_ratio`);
    applied :math:`V = V_j + R_s I_j`, solved for V_j by Newton.

    Parameters
    ----------
    V : array_like
        Applied bias [V].
    g0 : float
        Zero-bias junction conductance [S].
    phibar_ev, dphi_ev : float
        Mean barrier height and asymmetry phi2 - phi1 [eV].
    s_nm : float
        d sqrt(m*/m_e) [nm].
    r_series : float
        Series resistance [ohm].
    """
    a, b = _bdr_ab(phibar_ev, dphi_ev, s_nm)
    return _series_current(np.asarray(V, float), g0, a, b, r_series)


def bdr_g0(area, phibar_ev, dphi_ev, s_nm, mass_ratio):
    """BDR zero-bias conductance [S] of a junction of ``area`` [m^2] (BDR Eq. (3), d = s/sqrt(m*/m_e))."""
    p1 = (phibar_ev - 0.5 * dphi_ev) * eV
    p2 = (phibar_ev + 0.5 * dphi_ev) * eV
    return float(area * bdr_conductance_density(0.0, p1, p2, s_nm * 1e-9 / np.sqrt(mass_ratio), mass_ratio))


def fit_bdr(V, I, *, area: float | None = None, mass_ratio: float = 1.0, r_series="fit", v_min: float = 1e-3,
            bootstrap: int = 0, seed: int = 0) -> FitResult:
    r"""Fit BDR and the series resistance to a P-state I(V) of one junction at one temperature.

    The shape G(V)/G(0) = 1 - aV + bV^2 fixes only two combinations,
    :math:`b \propto s^2/\bar\phi` and :math:`a \propto s\,\Delta\phi/\bar\phi^{3/2}`
    with :math:`s = d\sqrt{m^*/m_e}`. Hence:

    * with ``area`` [m^2]: G_0 is BDR's absolute zero-bias conductance
      (:func:`mramsim.physics.simmons.bdr_conductance_density` times the area,
      for the assumed ``mass_ratio``), which pins :math:`\bar\phi` and s
      separately; parameters ``phibar`` [eV], ``dphi`` [eV], ``s`` [nm];
      derived ``d`` = s/sqrt(m*/m_e) [nm].
    * without ``area``: parameters ``g0`` [S], ``a`` [1/V], ``b`` [1/V^2]
      (the identifiable shape coefficients).

    Either way ``r_series`` [ohm] is fitted when ``r_series='fit'``, and the derived
    BDR minimum ``V_min`` = a/2b [V] is reported. The series resistance is
    separated from G_0 only by the way it distorts the bias dependence: the
    result warns when the data cannot do it (then fix it, e.g. from
    :func:`fit_series_resistance`). Residuals are relative, :math:`I_{model}/I - 1`
    (|V| < ``v_min`` left out).

    Parameters
    ----------
    V, I : array_like
        Applied bias [V] and measured current [A].
    area : float, optional
        Junction area [m^2].
    mass_ratio : float
        Assumed m*/m_e (only used with ``area``).
    r_series : 'fit' or float
        Fit the series resistance jointly or fix it [ohm].
    v_min : float
        Smallest |V| used [V].
    bootstrap : int
        Residual-bootstrap replicas (0: none).
    """
    V = np.asarray(V, float).ravel()
    I = np.asarray(I, float).ravel()
    if V.size != I.size:
        raise ParameterError("I", I.size, f"{V.size} values (one per bias)")
    m = np.abs(V) >= v_min
    V, I = V[m], I[m]
    if V.size < 8:
        raise ParameterError("V", V.size, ">= 8 bias points with |V| >= v_min")
    if np.any(I * V <= 0):
        raise ParameterError("I", "sign", "the same sign as V (a positive resistance)")
    fit_rs = isinstance(r_series, str)
    if fit_rs and r_series != "fit":
        raise ParameterError("r_series", r_series, "'fit' or a resistance >= 0 ohm")
    rs_fixed = 0.0 if fit_rs else float(r_series)
    c = np.polyfit(V, I, 3)
    g_app = float(c[2]) if c[2] > 0 else float(np.median(I / V))
    rs_names = (["r_series"] if fit_rs else [])
    rs_x0 = [0.05 / g_app] if fit_rs else []
    if area is not None:
        from .._validation import check_positive

        check_positive("area", area, "m^2")
        # start: phibar from the zero-bias conductance at s = 1 nm
        grid = np.linspace(0.1, 5.0, 200)
        g = np.array([bdr_g0(area, p, 0.0, 1.0, mass_ratio) for p in grid])
        p0 = float(grid[np.argmin(np.abs(np.log(g / g_app)))])
        names = ["phibar", "dphi", "s"] + rs_names
        units = ["eV", "eV", "nm"] + (["ohm"] if fit_rs else [])
        x0 = [p0, 0.0, 1.0] + rs_x0
        lower = [0.02, -1.5, 0.05] + ([0.0] if fit_rs else [])
        upper = [10.0, 1.5, 20.0] + ([10.0 / g_app] if fit_rs else [])
        scale = [1.0, 1.0, 1.0] + ([1.0 / g_app] if fit_rs else [])

        def resid(x):
            dphi = np.clip(x[1], -1.9 * x[0], 1.9 * x[0])
            a, b = _bdr_ab(x[0], dphi, x[2])
            g0 = bdr_g0(area, x[0], dphi, x[2], mass_ratio)
            return _series_current(V, g0, a, b, x[3] if fit_rs else rs_fixed) / I - 1.0
    else:
        names = ["g0", "a", "b"] + rs_names
        units = ["S", "1/V", "1/V^2"] + (["ohm"] if fit_rs else [])
        x0 = [g_app, 0.0, 1.0] + rs_x0
        lower = [g_app * 1e-2, -50.0, -5.0] + ([0.0] if fit_rs else [])
        upper = [g_app * 1e2, 50.0, 100.0] + ([10.0 / g_app] if fit_rs else [])
        scale = [g_app, 1.0, 1.0] + ([1.0 / g_app] if fit_rs else [])

        def resid(x):
            return _series_current(V, x[0], x[1], x[2], x[3] if fit_rs else rs_fixed) / I - 1.0

    method = "BDR" + (" + series resistance" if fit_rs else "") + (" (absolute, area given)" if area else " (shape)")
    res = _fit(method, resid, x0, names, units, lower, upper, n_boot=bootstrap, seed=seed, scale=scale)
    derived = {}
    if area is not None:
        derived["d"] = (res["s"] / np.sqrt(mass_ratio), res.stderr["s"] / np.sqrt(mass_ratio), "nm")
        derived["g0"] = (bdr_g0(area, res["phibar"], res["dphi"], res["s"], mass_ratio), float("nan"), "S")
        ab = lambda y: _bdr_ab(y[0], y[1], y[2])  # noqa: E731
        keys = ("phibar", "dphi", "s")
    else:
        ab = lambda y: (y[0], y[1])  # noqa: E731
        keys = ("a", "b")
    derived["V_min"] = _propagate(res, keys, lambda y: (lambda t: t[0] / (2 * t[1]))(ab(y))) + ("V",)
    object.__setattr__(res, "derived", derived)
    return res


def _propagate(res, keys, f):
    """(f(x), SE) by linear propagation with the fit's covariance (numerical gradient)."""
    x = np.array([res[n] for n in keys])
    idx = [res.names.index(n) for n in keys]
    se = np.array([res.stderr[n] for n in keys])
    C = np.asarray(res.corr)[np.ix_(idx, idx)] * np.outer(se, se)
    g = np.zeros(x.size)
    for k in range(x.size):
        h = 1e-6 * max(abs(x[k]), 1e-3)
        e_ = np.zeros(x.size)
        e_[k] = h
        g[k] = (f(x + e_) - f(x - e_)) / (2 * h)
    return float(f(x)), float(np.sqrt(max(g @ C @ g, 0.0)))


# -- Shang TMR(T) ---------------------------------------------------------------------
def fit_shang(T, tmr, *, g_si: float = 0.0, rel_noise=None, bootstrap: int = 0, seed: int = 0) -> FitResult:
    r"""Fit P_0 and alpha of :math:`P(T) = P_0(1-\alpha T^{3/2})` (two equal electrodes) to TMR(T).

    Model: :func:`mramsim.physics.spinflip.shang_tmr` with P1 = P2 = P0,
    alpha1 = alpha2 = alpha. With one temperature alpha is not identifiable
    (P0 and alpha trade off): the result says so. alpha is fitted in units of
    1e-5 K^-1.5.

    Parameters
    ----------
    T : array_like
        Temperatures [K].
    tmr : array_like
        Low-bias TMR (R_AP - R_P)/R_P [-] at each T (repeats allowed).
    g_si : float
        Spin-independent conductance ratio (fixed) [-].
    """
    T = np.asarray(T, float).ravel()
    tmr = np.asarray(tmr, float).ravel()
    if T.size != tmr.size or T.size < 2:
        raise ParameterError("tmr", tmr.size, "one value per temperature, >= 2 points")
    if np.any(tmr <= 0):
        raise ParameterError("tmr", float(tmr.min()), "> 0 (Shang's model has a positive TMR)")
    p_guess = float(np.sqrt(np.max(tmr) / (2 + np.max(tmr))))

    def resid(x):
        a = x[1] * 1e-5
        if np.any(a * T**1.5 >= 1):
            return np.full(T.size, 1e3)
        return shang_tmr(x[0], x[0], a, a, T, g_si) / tmr - 1.0

    alpha_hi = 0.99e5 / float(np.max(T)) ** 1.5
    res = _fit("Shang P(T)", resid, [min(p_guess * 1.05, 0.98), 1.0], ["P0", "alpha"], ["-", "1e-5 K^-1.5"],
               [1e-3, 0.0], [0.999, alpha_hi], n_boot=bootstrap, seed=seed, scale=[1.0, 1.0])
    return res


# -- V_h ----------------------------------------------------------------------------
def fit_vh(V, tmr, *, bootstrap: int = 0, seed: int = 0) -> FitResult:
    r"""Fit TMR_0 and the half-TMR bias of each polarity, :math:`\mathrm{TMR}(V)=\mathrm{TMR}_0/(1+V^2/V_{h,\pm}^2)`.

    Parameters
    ----------
    V : array_like
        Bias [V], both polarities.
    tmr : array_like
        TMR at each bias [-].
    """
    V = np.asarray(V, float).ravel()
    tmr = np.asarray(tmr, float).ravel()
    if np.sum(V > 0) < 2 or np.sum(V < 0) < 2:
        raise ParameterError("V", "one polarity", ">= 2 points of each polarity")
    t0 = float(tmr[np.argmin(np.abs(V))])

    def resid(x):
        vh = np.where(V >= 0, x[1], x[2])
        return x[0] * lorentzian_bias_factor(V / vh, 1.0) / tmr - 1.0

    return _fit("TMR(V) Lorentzian", resid, [t0, 0.5, 0.5], ["tmr0", "v_h_pos", "v_h_neg"], ["-", "V", "V"],
                [1e-4, 1e-3, 1e-3], [1e3, 10.0, 10.0], n_boot=bootstrap, seed=seed, scale=[1, 1, 1])


# -- series resistance from an area series ------------------------------------------------
def fit_series_resistance(area, r) -> FitResult:
    r"""Fit :math:`R = RA/A + R_s` across devices of different area (linear least squares).

    Parameters
    ----------
    area : array_like
        Junction areas [m^2] (at least 3, not all equal).
    r : array_like
        Low-bias resistance of each device in one state [ohm].

    Returns
    -------
    FitResult
        ``RA`` [ohm um^2] and ``r_series`` [ohm].
    """
    A = np.asarray(area, float).ravel()
    r = np.asarray(r, float).ravel()
    if A.size != r.size or A.size < 3 or np.ptp(A) <= 0:
        raise ParameterError("area", A.tolist(), ">= 3 devices with different areas, one resistance each")
    x1 = 1e-12 / A
    ra0 = float(np.median(r / x1))

    def resid(x):
        return (x[0] * x1 + x[1]) / r - 1.0

    return _fit("R = RA/A + R_s", resid, [ra0, 1.0], ["RA", "r_series"], ["ohm um^2", "ohm"],
                [0.0, -np.inf], [np.inf, np.inf], scale=[ra0, float(np.min(r)) * 0.1])
