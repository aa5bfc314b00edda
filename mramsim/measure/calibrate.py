"""Calibrate from measurements: diagnosis report (markdown + figures) and model cards.

:func:`calibrate` reads a measurement file, diagnoses it
(:func:`mramsim.measure.diagnose.diagnose`), removes the series resistance
(V_j = V - I R_s, R_j = V_j / I), resamples the junction onto a (V, T) grid
(:meth:`~mramsim.measure.io.MeasurementSet.to_rvtable`), fits the compact model
with :func:`mramsim.compact.fit.fit_compact` and writes cards with
:func:`mramsim.compact.export.write_cards`.

One temperature: ``fit_compact(..., one_temperature=True)`` fixes every
temperature parameter at 0 (reason 'one temperature in the data' in the fit
report): they are *fixed, not measured*, and the report says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._text import check_name
from .diagnose import Diagnosis, diagnose
from .io import MeasurementSet, read_measurements

__all__ = ["CalibrationResult", "calibrate", "junction_only"]

#: Half-width of the fitting temperature window around a single measured temperature [K].
ONE_T_WINDOW = 1.0


@dataclass(frozen=True)
class CalibrationResult:
    report_path: Path
    card_paths: list
    diagnosis: Diagnosis
    fit_report: str
    one_temperature: bool


def junction_only(ms: MeasurementSet, r_series: float) -> MeasurementSet:
    """The junction behind a series resistance [ohm]: V_j = V - I R_s, R_j = V_j / I."""
    if r_series <= 0:
        return ms
    ok = np.isfinite(ms.I)
    vj = np.where(ok, ms.V - ms.I * r_series, ms.V)
    with np.errstate(divide="ignore", invalid="ignore"):
        rj = np.where(ok & (vj != 0), vj / ms.I, np.nan)
    return MeasurementSet(vj, ms.I, rj, ms.state, ms.T, ms.device, ms.area,
                          dict(ms.provenance, series_resistance_removed=float(r_series)))


def _name_from(path):
    stem = re.sub(r"[^A-Za-z0-9_]", "_", Path(path).stem) or "mtj"
    if not stem[0].isalpha():
        stem = "m_" + stem
    return check_name("name", stem[:60])


def calibrate(path, out, *, dialect: str = "ngspice", r_series=None, area=None, mass_ratio: float = 1.0,
              t_ref: float = 300.0, v_window: float = 0.5, name: str | None = None,
              figures: bool = True) -> CalibrationResult:
    """Diagnose a measurement file and write ``report.md``, ``diagnosis.json``, figures and cards into ``out``.

    Parameters
    ----------
    path : path
        Measurement file (see :mod:`mramsim.measure.io`).
    out : path
        Output folder (created).
    dialect : str
        Card dialect for :func:`mramsim.compact.export.write_cards` (or ``"all"``).
    r_series : float, optional
        Known series resistance [ohm] (default: from the BDR fit if identifiable, else 0).
    area : float, optional
        Junction area [m^2] (default: the file's).
    mass_ratio : float
        Assumed m*/m_e for the BDR thickness.
    """
    from ..compact.export import write_cards
    from ..compact.fit import fit_compact

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    name = check_name("name", name) if name else _name_from(path)
    ms = read_measurements(path)
    diag = diagnose(ms, area=area, mass_ratio=mass_ratio, r_series=r_series, t_ref=t_ref)
    diag.to_json(out / "diagnosis.json")
    junction = junction_only(ms, diag.r_series)
    temps = np.asarray(diag.temperatures)
    table = junction.to_rvtable(default_T=t_ref)
    if area is not None:
        from ..physics.rvtable import RVTable

        table = RVTable(V=table.V, T=table.T, r_p=table.r_p, r_ap=table.r_ap, area=float(area),
                        provenance=table.provenance)
    one_t = table.T.size == 1
    fit_table = table
    if one_t:
        t0 = float(table.T[0])
        t_window, t_nom = (t0 - ONE_T_WINDOW, t0 + ONE_T_WINDOW), t0
    else:
        t_window = (float(table.T[0]), float(table.T[-1]))
        t_nom = float(table.T[np.argmin(np.abs(table.T - t_ref))])
    area_cm = None if np.isfinite(fit_table.area) else 1e-14
    cm = fit_compact(fit_table, v_window=min(v_window, float(np.max(np.abs(table.V)))), t_window=t_window,
                     t_nom=t_nom, name=name, area=area_cm, one_temperature=one_t,
                     provenance={"source": str(path), "synthetic": bool(ms.provenance.get("synthetic")),
                                 "calibrated_from": "measurement", "series_resistance_removed": diag.r_series})
    cards = write_cards(cm, name, dialect, out)
    figs = _figures(ms, junction, diag, table, cm, out) if figures else []
    report = _report(path, ms, diag, cm, cards, figs, one_t, area_cm)
    (out / "report.md").write_text(report)
    return CalibrationResult(out / "report.md", cards, diag, str(cm.fit_report), one_t)


def _fit_table(d):
    if not d:
        return ""
    lines = ["| parameter | value | std. error | unit |", "|---|---|---|---|"]
    for n in d["names"]:
        lines.append(f"| {n} | {d['values'][n]:.6g} | {d['stderr'][n]:.3g} | {d['units'].get(n, '')} |")
    for n, (v, se, u) in d.get("derived", {}).items():
        lines.append(f"| {n} (derived) | {v:.6g} | {se:.3g} | {u} |")
    return "\n".join(lines)


def _report(path, ms, diag, cm, cards, figs, one_t, area_default):
    syn = " (SYNTHETIC data)" if ms.provenance.get("synthetic") else ""
    L = [f"# Calibration of `{Path(path).name}`{syn}", ""]
    for h in ms.provenance.get("header", []):
        L.append(f"> {h}")
    L += ["", "## Flags", ""]
    L += [f"- {f}" for f in diag.flags] or ["- none"]
    L += ["", "## Low-bias resistances", "", "| T [K] | R_P [ohm] | R_AP [ohm] | TMR apparent [%] | TMR intrinsic [%] |",
          "|---|---|---|---|---|"]
    for row in zip(diag.temperatures, diag.r_p, diag.r_ap, diag.tmr_apparent, diag.tmr_intrinsic):
        L.append("| {:g} | {:.5g} | {:.5g} | {:.4g} | {:.4g} |".format(row[0], row[1], row[2], 100 * row[3], 100 * row[4]))
    L += ["", f"Series resistance used: {diag.r_series:.5g} ohm. dlnR_P/dT = {diag.dlnrp_dt:.3g} +- "
          f"{diag.dlnrp_dt_se:.2g} /K (pinhole: {'YES' if diag.pinhole else 'no'}).", ""]
    for title, d in (("BDR fit of the P state (Brinkman, Dynes, Rowell 1970)", diag.bdr),
                     ("Shang P(T) fit of TMR(T) (Shang et al. 1998)", diag.shang),
                     ("TMR(V) half-bias fit", diag.vh)):
        if d:
            L += [f"## {title}", "", f"method: {d['method']}, {d['n_points']} points, rms relative residual "
                  f"{d['rms_residual']:.3g}", "", _fit_table(d), ""]
            if d["warnings"]:
                L += [f"- warning: {w}" for w in d["warnings"]] + [""]
    L += ["## Compact model", "", f"fit_compact: {cm.fit_report}", ""]
    if one_t:
        fx = [n for n, (_, why) in cm.fit_report.fixed.items() if why == "one temperature in the data"]
        L += ["One measured temperature: fit_compact ran in its one-temperature mode. The temperature "
              "parameters are therefore FIXED at 0 (no temperature dependence), not measured: "
              + ", ".join(f"`{n}`" for n in fx) + " (reason: 'one temperature in the data').", ""]
    if area_default:
        L += ["The file gives no area: the cards use 1e-14 m^2 (only the R's are calibrated).", ""]
    L += ["Cards: " + ", ".join(f"`{Path(c).name}`" for c in cards), ""]
    if figs:
        L += ["## Figures", ""] + [f"![{Path(f).stem}]({Path(f).name})" for f in figs]
    return "\n".join(L) + "\n"


def _figures(ms, junction, diag, table, cm, out):
    from ..plotting._mpl import pyplot
    from .extract import _series_current

    plt = pyplot()
    paths = []
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for k, t in enumerate(table.T):
        for st, mk in (("P", "o"), ("AP", "s")):
            sel = (junction.state == st) & (np.abs(np.where(np.isfinite(junction.T), junction.T, t) - t) <= 0.5)
            axes[0].plot(junction.V[sel], junction.R[sel], mk, ms=2, color=f"C{k}")
            axes[0].plot(table.V, cm.resistance(st, table.V, t), "-", lw=1, color=f"C{k}")
            rel = junction.R[sel] / cm.resistance(st, junction.V[sel], t) - 1
            axes[1].plot(junction.V[sel], 100 * rel, mk, ms=2, color=f"C{k}")
    axes[0].set(xlabel="junction bias [V]", ylabel="R [ohm]", title="data (points) vs compact model (lines)")
    axes[1].set(xlabel="junction bias [V]", ylabel="residual [%]", title="compact-model residuals")
    fig.tight_layout()
    paths.append(out / "data_vs_model.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    if diag.bdr:
        d = diag.bdr
        t0 = diag.temperatures[int(np.argmin(np.abs(np.asarray(diag.temperatures) - 300.0)))]
        sel = (ms.state == "P") & np.isfinite(ms.I) & (np.abs(np.where(np.isfinite(ms.T), ms.T, t0) - t0) <= 0.5)
        sel &= np.abs(ms.V) > 1e-3
        v, i = ms.V[sel], ms.I[sel]
        x = d["values"]
        rs = x.get("r_series", diag.r_series)
        if "g0" in x:
            model = _series_current(v, x["g0"], x["a"], x["b"], rs)
        else:
            from .extract import _bdr_ab

            a, b = _bdr_ab(x["phibar"], x["dphi"], x["s"])
            model = _series_current(v, d["derived"]["g0"][0], a, b, rs)
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        o = np.argsort(v)
        axes[0].plot(v, i / v, "o", ms=2, label="data")
        axes[0].plot(v[o], (model / v)[o], "-", label="BDR fit")
        axes[0].set(xlabel="bias [V]", ylabel="I/V [S]", title="P state: data vs BDR")
        axes[0].legend()
        axes[1].plot(v, 100 * (i / model - 1), "o", ms=2)
        axes[1].set(xlabel="bias [V]", ylabel="residual [%]", title="BDR residuals")
        fig.tight_layout()
        paths.append(out / "bdr_fit.png")
        fig.savefig(paths[-1], dpi=100)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(diag.temperatures, 100 * np.asarray(diag.tmr_apparent), "o", label="apparent")
    ax.plot(diag.temperatures, 100 * np.asarray(diag.tmr_intrinsic), "s", label="intrinsic")
    if diag.shang:
        from ..physics.spinflip import shang_tmr

        tt = np.linspace(min(diag.temperatures), max(diag.temperatures), 100)
        p0, al = diag.shang["values"]["P0"], diag.shang["values"]["alpha"] * 1e-5
        ax.plot(tt, 100 * shang_tmr(p0, p0, al, al, tt), "-", label="Shang fit")
    ax.set(xlabel="T [K]", ylabel="TMR [%]", title="low-bias TMR")
    ax.legend()
    fig.tight_layout()
    paths.append(out / "tmr_temperature.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths
