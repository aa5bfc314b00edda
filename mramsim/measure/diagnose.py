r"""Diagnosis of measured junctions: pinholes, series resistance, asymmetry, magnon share.

Pinholes follow the Rowell criteria for tunnelling, as weighed by Akerman et al.,
"Criteria for ferromagnetic-insulator-ferromagnetic tunneling", APL 79, 3104
(2001), doi:10.1063/1.1416473: (1) an exponential dependence of RA on barrier
thickness, (2) a parabolic G(V) fitted by BDR with sensible barrier parameters,
(3) a weak, *insulating-like* temperature dependence of R_P. Akerman et al.
showed that (1) and (2) are also met by pinhole-shunted junctions; only (3),
the sign of dR_P/dT, separates them: a metallic shunt gives dR/dT > 0. So the
pinhole flag is raised by a significantly positive dR_P/dT; the other two are
reported as information.

A series resistance R_s (leads, electrodes) adds to both states and lowers the
apparent TMR (:func:`mramsim.physics.polarization.apparent_tmr`):
:math:`\mathrm{TMR}_{int} = (R_{AP}-R_P)/(R_P - R_s)` with the measured R's.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..constants import eV, hbar, m_e
from ..errors import ParameterError
from .extract import FitResult, fit_bdr, fit_shang, fit_vh

__all__ = ["Diagnosis", "low_bias_resistance", "temperature_slope", "ra_thickness_check", "intrinsic_tmr",
           "magnon_share", "diagnose", "PINHOLE_SIGMAS", "PINHOLE_SLOPE"]

#: dR_P/dT must exceed this many standard errors above zero to flag a pinhole.
PINHOLE_SIGMAS = 3.0
#: ... and this relative slope dlnR_P/dT [1/K]: about 1/8 of a metal's TCR (Cu 3.9e-3 /K).
#: Coherent CoFeB/MgO junctions can show a *small* positive dR_P/dT (thermal spin mixing
#: lowers the majority-Delta1 P conductance; mramsim's own device model gives ~1e-4 /K),
#: so the sign alone would flag clean high-TMR junctions.
PINHOLE_SLOPE = 5e-4


def low_bias_resistance(V, R, v_max: float = 0.1):
    """Zero-bias static resistance [ohm]: intercept of R = c0 + c1 V + c2|V| + c3 V^2 over |V| <= v_max [V]."""
    V = np.asarray(V, float)
    R = np.asarray(R, float)
    ok = np.isfinite(R)
    V, R = V[ok], R[ok]
    m = np.abs(V) <= v_max
    if m.sum() < 6:
        m = np.argsort(np.abs(V))[:6]
    if np.size(V[m]) < 6:
        raise ParameterError("V", V.size, ">= 6 points to find the low-bias resistance")
    v = V[m]
    # R = c0 + c1 V + c2 |V| + c3 V^2: the |V| term takes the zero-bias (magnon) cusp of R_AP
    X = np.column_stack([np.ones_like(v), v, np.abs(v), v**2])
    # weights: an absolute current noise makes V/I noisy as 1/|V| near 0 V (v_noise = 5 mV)
    w = 1.0 / np.sqrt(1.0 + (5e-3 / np.maximum(np.abs(v), 1e-9)) ** 2)
    c, *_ = np.linalg.lstsq(X * w[:, None], R[m] * w, rcond=None)
    return float(c[0])


def temperature_slope(T, R):
    """Fit ln R = c0 + c1 (T - <T>); return (c1 [1/K], SE(c1) [1/K]) -- the relative dR/dT."""
    T = np.asarray(T, float)
    y = np.log(np.asarray(R, float))
    if T.size < 2 or np.ptp(T) <= 0:
        raise ParameterError("T", T.tolist(), ">= 2 different temperatures")
    x = T - T.mean()
    c1 = float(x @ (y - y.mean()) / (x @ x))
    if T.size < 3:
        return c1, float("inf")
    res = y - y.mean() - c1 * x
    se = float(np.sqrt(res @ res / (T.size - 2) / (x @ x)))
    return c1, se


def ra_thickness_check(thickness, ra, mass_ratio: float = 1.0, outlier_sigmas: float = 3.0) -> dict:
    r"""Rowell criterion (1): :math:`\ln RA = c + 2\kappa d` across devices.

    Parameters
    ----------
    thickness : array_like
        Barrier thickness [m] per device.
    ra : array_like
        RA [ohm m^2] per device.
    mass_ratio : float
        m*/m_e used to convert the slope to a barrier height
        :math:`\phi = (\hbar\kappa)^2/(2m^*)`.

    Returns
    -------
    dict
        ``kappa`` [1/m], ``kappa_se``, ``barrier_height_eV``, ``exponential`` (slope > 0 by
        3 SE), ``low_outliers`` (indices of devices far *below* the line: pinhole candidates).
    """
    d = np.asarray(thickness, float)
    y = np.log(np.asarray(ra, float))
    if d.size < 3 or np.ptp(d) <= 0:
        raise ParameterError("thickness", d.tolist(), ">= 3 devices with different thicknesses")
    c = np.polyfit(d, y, 1)
    res = y - np.polyval(c, d)
    mad = 1.4826 * np.median(np.abs(res - np.median(res)))
    s = float(np.sqrt(res @ res / (d.size - 2)))
    se = s / np.sqrt(np.sum((d - d.mean()) ** 2))
    kappa = 0.5 * float(c[0])
    return {"kappa": kappa, "kappa_se": 0.5 * se,
            "barrier_height_eV": float((hbar * kappa) ** 2 / (2 * mass_ratio * m_e) / eV) if kappa > 0 else float("nan"),
            "exponential": bool(c[0] > 3 * se),
            "low_outliers": [int(i) for i in np.flatnonzero(res < -outlier_sigmas * max(mad, 1e-12))]}


def intrinsic_tmr(r_p, r_ap, r_series):
    r"""Intrinsic TMR [-] from measured R_P, R_AP [ohm] and a known series resistance [ohm].

    :math:`\mathrm{TMR}_{int} = (R_{AP}^{meas}-R_P^{meas})/(R_P^{meas}-R_s)`; the inverse of
    :func:`mramsim.physics.polarization.apparent_tmr`.
    """
    r_p = np.asarray(r_p, float)
    r_ap = np.asarray(r_ap, float)
    if np.any(r_p - r_series <= 0):
        raise ParameterError("r_series", r_series, f"< the measured R_P ({float(np.min(r_p)):g} ohm)")
    return (r_ap - r_p) / (r_p - r_series)


def magnon_share(T, r_p, r_ap):
    r"""Share of the AP conductance above its lowest-temperature (elastic) value [-].

    With R_P nearly flat in T, the rise of :math:`G_{AP}(T)` over its value at the
    lowest measured T is the magnon-assisted / spin-independent (inelastic) part
    (Shang et al. 1998; Zhang et al. PRL 79, 3744 (1997)):
    :math:`s(T) = 1 - G_{AP}(T_{min})/G_{AP}(T)`; the elastic share is 1 - s.
    Returns (T, share) sorted by T.
    """
    T = np.asarray(T, float)
    g = 1.0 / np.asarray(r_ap, float)
    i = np.argsort(T)
    return T[i], 1.0 - g[i][0] / g[i]


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` found; ``flags`` are short human-readable findings."""

    temperatures: list
    r_p: list
    r_ap: list
    tmr_apparent: list
    tmr_intrinsic: list
    r_series: float
    dlnrp_dt: float
    dlnrp_dt_se: float
    pinhole: bool
    flags: tuple
    bdr: dict | None = None
    shang: dict | None = None
    vh: dict | None = None
    magnon_share: list = field(default_factory=list)

    def to_json(self, path=None) -> str:
        d = asdict(self)
        d["flags"] = list(self.flags)
        text = json.dumps(d, indent=1, default=float)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "Diagnosis":
        s = str(path_or_text)
        d = json.loads(s if s.lstrip().startswith("{") else Path(s).read_text())
        d["flags"] = tuple(d["flags"])
        return cls(**d)


def diagnose(ms, *, area: float | None = None, mass_ratio: float = 1.0, r_series=None, t_ref: float = 300.0,
             v_max: float | None = None, device=None) -> Diagnosis:
    """Diagnose one junction of a :class:`~mramsim.measure.io.MeasurementSet`.

    Parameters
    ----------
    ms : MeasurementSet
        P and AP data (one or more temperatures; missing T are taken as ``t_ref``).
    area : float, optional
        Area [m^2] (default: the file's); enables BDR's absolute barrier height.
    mass_ratio : float
        Assumed m*/m_e for the BDR thickness.
    r_series : float, optional
        Known series resistance [ohm]; default: fitted jointly with BDR when the
        data identify it, else 0 (flagged).
    t_ref : float
        Temperature [K] of the BDR and V_h fits (the nearest measured one).
    v_max : float, optional
        Largest |V| used in the BDR fit [V] (default all).
    """
    if device is not None:
        ms = ms.select(device=device)
    T_all = np.where(np.isfinite(ms.T), ms.T, t_ref)
    temps = np.unique(np.round(T_all, 6))
    if area is None and np.any(np.isfinite(ms.area)):
        area = float(np.nanmedian(ms.area))
    flags = []
    rp, rap = [], []
    for t in temps:
        sel = np.abs(T_all - t) <= 0.5
        rp.append(low_bias_resistance(ms.V[sel & (ms.state == "P")], ms.R[sel & (ms.state == "P")]))
        rap.append(low_bias_resistance(ms.V[sel & (ms.state == "AP")], ms.R[sel & (ms.state == "AP")]))
    rp, rap = np.array(rp), np.array(rap)
    # BDR on the P state at t_ref
    t0 = float(temps[np.argmin(np.abs(temps - t_ref))])
    selp = (np.abs(T_all - t0) <= 0.5) & (ms.state == "P") & np.isfinite(ms.I)
    Vp, Ip = ms.V[selp], ms.I[selp]
    if v_max is not None:
        Vp, Ip = Vp[np.abs(Vp) <= v_max], Ip[np.abs(Vp) <= v_max]
    bdr = None
    rs = 0.0 if r_series is None else float(r_series)
    try:
        bdr = fit_bdr(Vp, Ip, area=area, mass_ratio=mass_ratio, r_series="fit" if r_series is None else rs)
        if r_series is None:
            if bdr.identifiable.get("r_series", False):
                rs = bdr["r_series"]
            else:
                flags.append("series resistance not identifiable from G(V): assumed 0 (give r_series)")
                bdr = fit_bdr(Vp, Ip, area=area, mass_ratio=mass_ratio, r_series=0.0)
        for w in bdr.warnings:
            flags.append("BDR: " + w)
        if "phibar" in bdr.values and not (0.2 <= bdr["phibar"] <= 5.0):
            flags.append(f"BDR barrier height {bdr['phibar']:.3g} eV outside 0.2-5 eV (Rowell criterion 2)")
    except (ParameterError, ArithmeticError) as exc:
        flags.append(f"BDR fit not possible: {exc}")
    tmr_app = (rap - rp) / rp
    tmr_int = intrinsic_tmr(rp, rap, rs) if rs > 0 else tmr_app
    if rs > 0:
        k = int(np.argmin(np.abs(temps - t0)))
        flags.append(f"series resistance {rs:.4g} ohm ({100 * rs / rp[k]:.3g} % of R_P): apparent TMR "
                     f"{100 * tmr_app[k]:.4g} %, intrinsic {100 * tmr_int[k]:.4g} %")
    # Rowell criterion 3: dR_P/dT
    slope, se = (float("nan"), float("nan"))
    pinhole = False
    if temps.size >= 2:
        slope, se = temperature_slope(temps, rp)
        pinhole = bool(slope > PINHOLE_SIGMAS * se and slope > PINHOLE_SLOPE)
        if pinhole:
            flags.append(f"PINHOLE: dlnR_P/dT = {slope:.3g} +- {se:.2g} /K > {PINHOLE_SLOPE:g} /K "
                         "(metallic shunt; Rowell criterion 3, Akerman et al. 2001)")
        elif slope > PINHOLE_SIGMAS * se:
            flags.append(f"R_P rises weakly with T (dlnR_P/dT = {slope:.3g} +- {se:.2g} /K, below the metallic "
                         f"threshold {PINHOLE_SLOPE:g} /K): consistent with thermal spin mixing, not flagged")
    else:
        flags.append("one temperature: the pinhole criterion dR_P/dT cannot be applied")
    shang = None
    if temps.size >= 3 and np.all(tmr_int > 0):
        shang = fit_shang(temps, tmr_int)
        flags.extend("Shang: " + w for w in shang.warnings)
    vh = None
    try:
        selap = (np.abs(T_all - t0) <= 0.5)
        vs = np.unique(ms.V[selap & np.isfinite(ms.R)])
        vs = vs[np.abs(vs) > 1e-3]
        tab_rp = np.interp(vs, *_avg(ms.V[selap & (ms.state == "P")], ms.R[selap & (ms.state == "P")]))
        tab_rap = np.interp(vs, *_avg(ms.V[selap & (ms.state == "AP")], ms.R[selap & (ms.state == "AP")]))
        tm = (tab_rap - tab_rp) / (tab_rp - rs)
        if np.all(tm > 0):
            vh = fit_vh(vs, tm)
    except ParameterError:
        pass
    share = magnon_share(temps, rp - rs, rap - rs)[1].tolist() if temps.size >= 2 else []
    return Diagnosis(temperatures=temps.tolist(), r_p=rp.tolist(), r_ap=rap.tolist(), tmr_apparent=tmr_app.tolist(),
                     tmr_intrinsic=np.asarray(tmr_int).tolist(), r_series=rs, dlnrp_dt=slope, dlnrp_dt_se=se,
                     pinhole=pinhole, flags=tuple(flags), bdr=bdr.to_dict() if bdr else None,
                     shang=shang.to_dict() if shang else None, vh=vh.to_dict() if vh else None, magnon_share=share)


def _avg(v, r):
    ok = np.isfinite(r)
    uv, inv = np.unique(v[ok], return_inverse=True)
    return uv, np.bincount(inv, weights=r[ok]) / np.bincount(inv)
