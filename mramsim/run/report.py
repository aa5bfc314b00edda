"""The flow's report: ``report.md``; its figures are drawn by :mod:`mramsim.plotting.report`.

The plot functions are re-exported here under their old names.
"""
from __future__ import annotations

import math
from pathlib import Path

from ..constants import T0_CELSIUS
from ..plotting.report import SWEEP_LABEL as _SWEEP_LABEL
from ..plotting.report import plot_fit, plot_rv, plot_sweep, plot_tmr

__all__ = ["plot_rv", "plot_tmr", "plot_fit", "plot_sweep", "write_report"]


# -- report.md ------------------------------------------------------------------------------------
def _fmt(x, spec=".4g"):
    if x is None:
        return "n/a"
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "yes" if x else "no"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(f):
        return str(f)
    return format(f, spec)


def _rel(path, base: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


#: Model constants set by the fit's options, not fitted.
_OPTION_PARAMS = ("area", "v_c", "v_w", "t_nom")


def _param_status(name: str, se: dict, fixed: dict) -> str:
    """The standard error of a parameter, or 'fixed: <reason>' (or how it is otherwise set)."""
    if name in se:
        return _fmt(se[name], ".3g")
    if name in fixed:
        return f"fixed: {fixed[name][1]}"
    if name == "q_mag":   # fitted through its share of the half-TMR budget
        if "magnon_share" in se:
            return f"derived from magnon_share (s.e. of the share {_fmt(se['magnon_share'], '.3g')})"
        if "magnon_share" in fixed:
            return f"fixed: {fixed['magnon_share'][1]} (magnon_share = {_fmt(fixed['magnon_share'][0])})"
    if name in _OPTION_PARAMS:
        return "fixed: option of the fit, not fitted"
    return "n/a"


def _compact_parameters(cmp_: dict, phys_vh) -> list:
    """Parameter table (value, standard error or 'fixed: <reason>'), the card's V_h against the
    physics' half-TMR bias, and the worst correlation of the free parameters."""
    se, fixed = cmp_.get("std_errors") or {}, cmp_.get("fixed") or {}
    params = cmp_.get("parameters") or {}
    L = ["| parameter | value | standard error |", "|---|---|---|"]
    L += [f"| {k} | {_fmt(v)} | {_param_status(k, se, fixed)} |" for k, v in params.items()]
    L += [f"| {k} (fit variable) | {_fmt(v[0])} | fixed: {v[1]} |" for k, v in fixed.items() if k not in params]
    L.append("")
    if phys_vh:
        parts = []
        for pol, key in (("+", "vh_pos"), ("-", "vh_neg")):
            card, phys = params.get(key), phys_vh.get(key + "_V")
            diff = (f" ({_fmt(100 * (card / phys - 1), '+.2f')} %)"
                    if isinstance(card, (int, float)) and isinstance(phys, (int, float)) and phys else "")
            parts.append(f"V_h{pol}: card {_fmt(card)} V vs physics {_fmt(phys)} V{diff}")
        L.append(f"Half-TMR bias at {_fmt(phys_vh.get('t_K'), '.2f')} K (card vs physics "
                 f"MTJDevice.half_tmr_bias): " + "; ".join(parts) + ".")
    else:
        L.append("Half-TMR bias: card V_h+ " + _fmt(params.get("vh_pos")) + " V, V_h- "
                 + _fmt(params.get("vh_neg")) + " V (no physics V_h: the table comes from a measurement).")
    wc = cmp_.get("worst_correlation")
    if wc and wc[0]:
        L.append(f"Worst correlation of the free parameters: {_fmt(wc[2], '+.3f')} ({wc[0]}, {wc[1]}).")
    else:
        L.append("Worst correlation of the free parameters: n/a (fewer than two free).")
    return L


def write_report(path, results: dict, cfg) -> Path:
    """Write ``report.md``: key numbers per stage, figures, stage status and provenance.

    Parameters
    ----------
    path : str or Path
        Output file.
    results : dict
        The content of ``results.json``.
    cfg : FlowConfig
        The study's config.
    """
    path = Path(path)
    base = path.parent
    st = results.get("status", {})
    L = [f"# {results.get('name', 'mramsim study')}", ""]
    an = cfg.anneal
    an_txt = "as deposited" if an is None else (
        f"{an.temperature - T0_CELSIUS:.0f} C, {an.time:.0f} s, {an.cap} cap")
    L += [
        f"Stack **{cfg.stack.label}**, anneal {an_txt}; array {cfg.array.rows} x {cfg.array.cols} "
        f"(yield for {cfg.array.bits} bits); read {cfg.read.v_read * 1e3:.0f} mV at "
        f"{cfg.read.temperature - T0_CELSIUS:.0f} C, {cfg.read.reference} reference; "
        f"{cfg.montecarlo.n_samples} Monte Carlo samples, seed {cfg.montecarlo.seed}.",
        "",
        "## Stages",
        "",
        "| stage | status |",
        "|---|---|",
    ]
    L += [f"| {k} | {v} |" for k, v in st.items()]
    L.append("")

    dev = results.get("physics") or {}
    if dev:
        r, rd = dev.get("at_room", {}), dev.get("at_read", {})
        L += [
            "## Device (physics)",
            "",
            "| quantity | low bias, near 27 C | at read bias and temperature |",
            "|---|---|---|",
            f"| bias [V] | {_fmt(r.get('V'))} | {_fmt(rd.get('V'))} |",
            f"| temperature [C] | {_fmt(r.get('T_K', float('nan')) - T0_CELSIUS, '.1f')} | "
            f"{_fmt(rd.get('T_K', float('nan')) - T0_CELSIUS, '.1f')} |",
            f"| R_P [ohm] | {_fmt(r.get('r_p_ohm'))} | {_fmt(rd.get('r_p_ohm'))} |",
            f"| R_AP [ohm] | {_fmt(r.get('r_ap_ohm'))} | {_fmt(rd.get('r_ap_ohm'))} |",
            f"| TMR [%] | {_fmt(100 * r.get('tmr', float('nan')), '.1f')} | "
            f"{_fmt(100 * rd.get('tmr', float('nan')), '.1f')} |",
            f"| RA_P [ohm um^2] | {_fmt(r.get('ra_p_ohm_um2'))} | |",
            "",
        ]
        L += [f"![{Path(f).stem}]({_rel(f, base)})" for f in dev.get("figures", [])] + [""]

    cmp_ = results.get("compact") or {}
    if cmp_:
        L += [
            "## Compact model",
            "",
            f"Max relative error of R_P and R_AP in the fit window"
            f"{' |V| <= ' + _fmt(cmp_['window_v']) + ' V' if cmp_.get('window_v') is not None else ''}: "
            f"**{_fmt(cmp_.get('max_rel_error'))}** (target {_fmt(cmp_.get('target_max_rel_error'))}: "
            f"{_fmt(cmp_.get('meets_target'))}); RMS {_fmt(cmp_.get('rms_rel_error'))}"
            + (f"; over the whole table {_fmt(cmp_['table_max_rel_error'])}"
               if cmp_.get("table_max_rel_error") is not None else "") + ".",
            "",
        ]
        L += _compact_parameters(cmp_, dev.get("half_tmr_bias"))
        L.append("")
        L += [f"![{Path(f).stem}]({_rel(f, base)})" for f in cmp_.get("figures", [])] + [""]
    exp = results.get("export") or {}
    if exp.get("files"):
        L += ["Model cards: " + ", ".join(f"[{d}]({_rel(p, base)})" for d, p in exp["files"].items()), ""]
    net = results.get("netlist") or {}
    if net.get("file"):
        L += [f"Array netlist ({net['rows']} x {net['cols']}, row {net['selected_row']} read, "
              f"{net.get('pattern', '')} data): [{Path(net['file']).name}]({_rel(net['file'], base)})", ""]

    sc = results.get("spice_check") or {}
    if sc.get("max_rel_error") is not None:
        L += [
            "## Solver vs ngspice",
            "",
            f"{sc['rows']} x {sc['cols']} array: max relative difference in cell current "
            f"**{_fmt(sc.get('max_rel_error'))}** (tolerance {_fmt(sc.get('tolerance'))}: "
            f"{'pass' if sc.get('passed') else 'FAIL'}).",
            "",
        ]

    mg = results.get("margin") or {}
    if mg:
        ci = mg.get("ber_ci") or [None, None]
        L += [
            "## Read margin",
            "",
            "| quantity | value |",
            "|---|---|",
            f"| bit error rate | {_fmt(mg.get('ber'))} ({_fmt(mg.get('method'))}) |",
            f"| 95% CI | [{_fmt(ci[0])}, {_fmt(ci[1])}] |",
            f"| BER of P / AP reads | {_fmt(mg.get('ber_p'))} / {_fmt(mg.get('ber_ap'))} |",
            f"| BER-equivalent margin -Phi^-1(BER) [sigma] | {_fmt(mg.get('margin_sigma'))} |",
            f"| margin mean/std [-] | {_fmt(mg.get('margin_mean_over_std'))} |",
            f"| array-average BER (closed-form row ratio) | {_fmt(mg.get('array_ber'))} |",
        ]
        rows = mg.get("rows") or {}
        if rows.get("worst_row") is not None:
            L += [f"| worst row (closed form) | row {rows['worst_row']}: {_fmt(rows.get('worst_row_ber_form'))}"
                  f" (array average {_fmt(rows.get('array_ber_form'))}) |"]
        L += [f"| yield of {mg.get('array_bits', cfg.array.bits)} independent bits (no ECC) | "
              f"{_fmt(mg.get('yield'))} |", ""]
        for st, dis in (mg.get("disagreements") or {}).items():
            L += [f"**Monte Carlo and tail estimate disagree for {st.upper()} reads**: Monte Carlo "
                  f"{_fmt(dis['mc_p'])} ({dis['mc_fails']} failures, CI {_fmt(dis['mc_ci'][0])} - "
                  f"{_fmt(dis['mc_ci'][1])}), tail {_fmt(dis['tail_p'])} (CI {_fmt(dis['tail_ci'][0])} - "
                  f"{_fmt(dis['tail_ci'][1])}); the BER keeps the Monte Carlo value and both intervals.", ""]
        dy = mg.get("die_yield")
        if dy:
            L += ["### Die yield", "",
                  f"{dy['n_bits']} data bits per die; bits correlated through the die (and shared periphery "
                  f"{dy['sharing']}) variables, integrated by {dy['integration']}; die-average BER "
                  f"{_fmt(dy['ber'])}.", "",
                  "| code | bits/word (t) | die yield | 95% CI | word failure | failing words per die |",
                  "|---|---|---|---|---|---|"]
            for c in dy["codes"]:
                code = c["code"]
                ci = c["die_yield_ci"]
                L.append(f"| {code['name']} | {code['k'] + code['check_bits']} ({code['t']}) | "
                         f"{_fmt(c['die_yield'])} | [{_fmt(ci[0])}, {_fmt(ci[1])}] | {_fmt(c['word_failure'])} | "
                         f"{_fmt(c['failing_words_per_die'])} |")
            L.append("")
        bud = mg.get("budget")
        if bud:
            L += _budget_lines(bud, base)
        L += [f"![{Path(f).stem}]({_rel(f, base)})" for f in mg.get("figures", [])] + [""]
        if (mg.get("rows") or {}).get("figure"):
            L += [f"![BER per row]({_rel(mg['rows']['figure'], base)})", ""]

    sw = results.get("sweeps") or {}
    if sw:
        L += ["## Sweeps", ""]
        for name, s in sw.items():
            label, scale, offset = _SWEEP_LABEL[name]
            L += [f"### {label}", "", f"| {label} | BER | margin [sigma] |", "|---|---|---|"]
            for x, p in zip(s["values"], s["points"]):
                L.append(f"| {_fmt(x * scale + offset, '.4g')} | {_fmt(p.get('ber'))} | "
                         f"{_fmt(p.get('margin_sigma'))} |")
            L.append("")
            if s.get("figure"):
                L += [f"![{name}]({_rel(s['figure'], base)})", ""]

    prov = results.get("provenance", {})
    L += ["## Provenance", "", "| | |", "|---|---|"]
    L += [f"| {k} | {v} |" for k, v in prov.items() if k != "stage_seconds"]
    secs = prov.get("stage_seconds") or {}
    if secs:
        L += ["", "Stage times [s]: " + ", ".join(f"{k} {v:.1f}" for k, v in secs.items())]
    L += ["", "All numbers are also in `results.json` (SI units); the config used is `config.toml`. "
          "Reproduce (any executor gives the same numbers; finished work in this folder is reused):", "",
          "```", f"mramsim run {base.name}/config.toml --out {base.name}", "```", ""]
    path.write_text("\n".join(L))
    return path


def _budget_lines(bud: dict, base) -> list:
    """The error-budget section: the best corner, the dominant mechanism per corner, the shmoo figures."""
    cols = ("misread", "disturb", "write", "retention", "total")

    def row(c, label=""):
        return (f"| {label} | {_fmt(c['v_read'], '.3g')} | {_fmt(c['v_write'], '.3g')} | "
                f"{_fmt(c['pulse_width'] * 1e9, '.3g')} | {_fmt(c['temperature'] - 273.15, '.4g')} | "
                + " | ".join(_fmt(c[m]) for m in cols)
                + f" | {c['dominant']} | {_fmt(c['yield_raw'])} | {_fmt(c['yield_ecc'])} |")

    head = ("| | V_read [V] | V_write [V] | pulse [ns] | T [C] | misread | disturb | write | retention | total "
            "| dominant | yield (no ECC) | yield (" + bud["ecc"] + ") |")
    L = ["### Read/write error budget", "",
         f"Per bit: misread + read disturb + write error + retention over {bud['retention_time']:.4g} s "
         f"({bud['retention_time'] / (365.25 * 86400):.3g} years) on a {' x '.join(map(str, bud['shape']))} "
         f"(V_read x V_write x pulse x T) grid, for the die's {bud['n_bits']} bits; dominant mechanism counts "
         + ", ".join(f"{k} {v}" for k, v in bud["dominant_counts"].items())
         + ". The die yield treats bits as independent (die-level correlation of the read: see the die "
           "yield above).", "", head, "|---" * 13 + "|", row(bud["best"], "best"), ""]
    if bud.get("corners"):
        L += ["Dominant error per corner (each at its best V_read):", "", head, "|---" * 13 + "|"]
        L += [row(c) for c in bud["corners"]] + [""]
    figs = bud.get("figures") or ([bud["figure"]] if bud.get("figure") else [])
    L += [f"![error budget {Path(f).stem}]({_rel(f, base)})" for f in figs] + [""]
    return L
