"""Shared pieces of the renderers: the R(V, T) expression, header, statistics.

The expression is built once from the model's parameters with dialect hooks
(how to write the branch voltage, the temperature in kelvin and the instance
parameters), so every dialect carries the same equation as
:meth:`CompactMTJ.resistance`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..._text import check_line, sanitize_text
from ...constants import e, k_B
from ...errors import ParameterError
from ..model import MAGNON_C, NUMERIC_PARAMETERS, PARAMETER_UNITS

#: Default 1-sigma variations of the statistical cards.
DEFAULT_SIGMAS = {"sigma_thickness": 0.01e-9, "sigma_area_rel": 0.03, "sigma_anneal": 2.0}
_SIGMA_UNITS = {"sigma_thickness": "m", "sigma_area_rel": "-", "sigma_anneal": "K"}
_SIGMA_SENS = {
    "sigma_thickness": ("dlnRP_dthickness", "dlnTMR_dthickness"),
    "sigma_area_rel": (),
    "sigma_anneal": ("dlnRP_danneal", "dlnTMR_danneal"),
}


def num(x: float) -> str:
    """Shortest round-trip decimal of ``x``; negative numbers in parentheses."""
    x = float(x)
    if not math.isfinite(x):
        raise ParameterError("model parameter", x, "a finite number")
    s = repr(x)
    if s.endswith(".0"):
        s = s[:-2]
    return f"({s})" if x < 0 else s


@dataclass(frozen=True)
class Hooks:
    """How a dialect writes the free variables of the expression.

    Attributes
    ----------
    v : str
        Branch voltage te-be [V], e.g. ``V(te,be)``.
    tk : str
        Temperature [K], e.g. ``(temper+273.15)``.
    rs : str
        Effective R_P multiplier rscale*area0/area (statistics included).
    ks : str
        Effective state*tmrscale.
    """

    v: str
    tk: str
    rs: str
    ks: str
    local_vars: bool = False


def _poly(var: str, coeffs) -> str:
    """Horner form ``var*(c1 + var*(c2 + ...))`` skipping trailing zeros; '' if all zero."""
    coeffs = list(coeffs)
    while coeffs and coeffs[-1] == 0.0:
        coeffs.pop()
    if not coeffs:
        return ""
    inner = num(coeffs[-1])
    for c in reversed(coeffs[:-1]):
        inner = f"{num(c)}+{var}*({inner})" if c != 0.0 else f"{var}*({inner})"
    return f"{var}*({inner})"


def pieces(cm, h: Hooks) -> dict:
    """Sub-expressions of the model in a dialect (strings).

    Returns a dict with ``dt``, ``u``, ``lnrp``, ``x``, ``tmr`` and ``r`` (the
    full resistance) and ``i`` (the current V/R). With ``h.local_vars`` the
    composite expressions refer to local variables named ``dt``, ``u`` and
    ``x`` (Verilog-A), whose definitions are ``dt``, ``u``, ``x`` in the dict.
    """
    p = cm.parameters()
    dt_def = f"({h.tk}-{num(p['t_nom'])})"
    u_def = f"({num(p['v_c'])}*tanh({h.v}/{num(p['v_c'])}))"
    dt, u = ("dt", "u") if h.local_vars else (dt_def, u_def)
    terms = []
    bias = _poly(u, [p["b1"], p["b2"], p["b3"], p["b4"]])
    if bias:
        terms.append(bias)
    temp = _poly(dt, [p["tc_rp"], p["tc2_rp"]])
    if temp:
        terms.append(temp)
    if p["tc_rp_bias"] != 0.0:
        terms.append(f"{num(p['tc_rp_bias'])}*{u}*{u}*{dt}")
    lnrp = "+".join(terms) if terms else "0"
    rp = f"{num(p['r_p0'])}*exp({lnrp})"

    w = f"(0.5+0.5*tanh({h.v}/{num(p['v_w'])}))"
    kp, kn = cm.bias_scales          # closed form from vh_pos, vh_neg (model docstring)
    inv = f"({num(kn)}+{num(kp - kn)}*{w})" if kp != kn else num(kp)
    x = f"{h.v}*{h.v}*{inv}"
    if p["tc_vbias"] != 0.0:
        x += f"*exp({num(-2.0 * p['tc_vbias'])}*{dt})"
    x_def = f"({x})"
    x = "x" if h.local_vars else x_def
    den = f"(1+{x}*(1+{num(p['tmr_q'])}*{x}))" if p["tmr_q"] != 0.0 else f"(1+{x})"
    if p["p_nom"] == 0.0:
        tt = _poly(dt, [p["tc_tmr"], p["tc2_tmr"]])
        tmr_t = num(p["tmr0"]) + (f"*exp({tt})" if tt else "")
    else:
        # J(P(T))/J(p_nom), J(P) = P^2/(1-P^2), P(T) = p_nom (1 - beta ((T/t_nom)^1.5 - 1))
        tn = f"({h.tk}/{num(p['t_nom'])})"
        pt = f"({num(p['p_nom'])}*(1-{num(cm.shang_beta)}*({tn}*sqrt({tn})-1)))"
        jn = p["p_nom"] ** 2 / (1.0 - p["p_nom"] ** 2)
        tmr_t = f"{num(p['tmr0'])}*({pt}*{pt}/(1-{pt}*{pt}))/{num(jn)}"
        if p["tc2_tmr"] != 0.0:
            tmr_t += f"*exp({num(p['tc2_tmr'])}*{dt}*{dt})"
    tmr = f"({tmr_t}*(1+{num(p['tmr_g'])}*{x})/{den})" if p["tmr_g"] != 0.0 else f"({tmr_t}/{den})"
    if p["q_mag"] != 0.0:
        one = f"(1+{tmr})"
        eps = f"({num(p['n_mag'] * k_B / (e * p['v_mag']))}*{h.tk})"
        z = f"sqrt(({h.v}/{num(p['v_mag'])})*({h.v}/{num(p['v_mag'])})+{eps}*{eps})"

        c1, c2, g0 = MAGNON_C

        def F(arg):          # magnon_F of the model, same constants
            z15 = f"{arg}*sqrt({arg})"
            return (f"({z15}*(1+{arg}*({num(c1)}+{num(c2)}*{arg}))"
                    f"/(2.5+{z15}*({num(g0)}+{arg}*({num(c1 + 0.6 * c2)}+{num(c2)}*{arg}))))")

        if h.local_vars:
            q = "q"
            q_def = f"({num(p['q_mag'])}*({F('z')}-{F('eps')}))"
            defs = {"eps": eps, "z": z.replace(eps, "eps"), "q": q_def, "one": one}
            one = "one"
        else:
            q = f"({num(p['q_mag'])}*({F(z)}-{F(eps)}))"
            defs = {}
        rp = f"{rp}*{one}/({one}+{q})"
        tmr = f"(({one}+{q})/(1+{q}*{one})-1)"
    else:
        defs = {}
    r = f"({h.rs}*{rp}*(1+{h.ks}*{tmr}))"
    return {"dt": dt_def, "u": u_def, "x": x_def, "lnrp": lnrp, "rp": rp, "tmr": tmr, "r": r,
            "i": f"{h.v}/{r}", "mag_defs": defs}


def sigmas(cm, options: dict) -> dict:
    """Resolve the statistical sigmas: user values checked, defaults where the physics has the sensitivity.

    A sigma the user sets > 0 for a variation whose sensitivity the model does
    not carry raises :class:`ParameterError`; a default for such a variation is 0.
    """
    unknown = set(options) - set(DEFAULT_SIGMAS)
    if unknown:
        raise ParameterError("export option", sorted(unknown)[0], "one of " + ", ".join(sorted(DEFAULT_SIGMAS)))
    out = {}
    for key, default in DEFAULT_SIGMAS.items():
        needs = _SIGMA_SENS[key]
        have = all(k in cm.sensitivities for k in needs)
        if key in options:
            val = options[key]
            try:
                val = float(val)
            except (TypeError, ValueError):
                raise ParameterError(key, val, f">= 0 {_SIGMA_UNITS[key]}") from None
            if not (math.isfinite(val) and val >= 0):
                raise ParameterError(key, val, f">= 0 {_SIGMA_UNITS[key]}")
            if key == "sigma_area_rel" and val >= 0.2:
                raise ParameterError(key, val, "[0, 0.2) (1 + dA/A must stay > 0 with margin)")
            if val > 0 and not have:
                raise ParameterError(key, val, "0 for this model",
                                     hint=f"it carries no physics sensitivity {', '.join(needs)}")
            out[key] = val
        else:
            out[key] = default if have else 0.0
    return out


def stat_scales(cm, dthk: str, darea: str, dann: str) -> tuple[str, str]:
    """(R multiplier, TMR multiplier) expressions of the statistical variant."""
    s = cm.sensitivities
    ln_r = []
    ln_t = []
    if "dlnRP_dthickness" in s:
        ln_r.append(f"{num(s['dlnRP_dthickness'])}*{dthk}")
    if "dlnRP_danneal" in s:
        ln_r.append(f"{num(s['dlnRP_danneal'])}*{dann}")
    if "dlnTMR_dthickness" in s:
        ln_t.append(f"{num(s['dlnTMR_dthickness'])}*{dthk}")
    if "dlnTMR_danneal" in s:
        ln_t.append(f"{num(s['dlnTMR_danneal'])}*{dann}")
    r = f"exp({'+'.join(ln_r)})/(1+{darea})" if ln_r else f"1/(1+{darea})"
    t = f"exp({'+'.join(ln_t)})" if ln_t else "1"
    return r, t


def spice_instance(cm, sig: dict | None, stat_line: str, group=lambda s: f"({s})"):
    """Instance parameters, statistical ``.param`` line and scale expressions of a SPICE-family card.

    Parameters
    ----------
    cm : CompactMTJ
        The model (its area is the default ``area`` instance parameter [m^2]).
    sig : dict or None
        Sigmas from :func:`sigmas` for the statistical variant, None for the nominal card.
    stat_line : str
        The dialect's line drawing ``dthk darea dann`` (its AGAUSS syntax).
    group : callable
        How the dialect groups a sub-expression (parentheses by default).

    Returns
    -------
    params, body, rs, ks : str, list of str, str, str
        The ``.subckt`` parameter list, extra body lines, and the R_P and TMR
        scale expressions ``rscale*area0/area[*stat]`` and ``state*tmrscale[*stat]``.
    """
    a0 = num(cm.area)
    rs, ks = group(f"rscale*{a0}/area"), group("state*tmrscale")
    params = f"state=0 area={a0} rscale=1 tmrscale=1"
    body = []
    if sig is not None:
        params += (f" sigthk={num(sig['sigma_thickness'])} sigarea={num(sig['sigma_area_rel'])}"
                   f" sigann={num(sig['sigma_anneal'])}")
        body.append(stat_line)
        r_stat, t_stat = stat_scales(cm, "dthk", "darea", "dann")
        rs, ks = group(f"{rs}*{r_stat}"), group(f"{ks}*{t_stat}")
    return params, body, rs, ks


def clean(text) -> str:
    """A provenance value safe inside a one-line comment (:func:`mramsim._text.sanitize_text`).

    Every line break of any Unicode class and every control or format
    character becomes a space, so the value can never open a new card line.
    """
    return sanitize_text(text)


def header_lines(cm, name: str, dialect: str, statistical: bool, sig: dict | None) -> list[str]:
    """Provenance and parameter lines (without comment markers); no date, so files are reproducible."""
    from ..._version import __version__

    prov = cm.provenance
    lines = [
        f"MTJ compact model '{name}' ({dialect}{', statistical' if statistical else ''})",
        f"generated by mramsim {__version__} (mramsim export); do not edit, regenerate",
    ]
    for key in ("preset", "anneal", "source"):
        if key in prov:
            lines.append(f"{key}: {clean(prov[key])}")
    rep = cm.fit_report
    if rep is not None:
        lines.append(
            f"fit: max |rel err| {100 * rep.max_rel_error:.3f}% , rms {100 * rep.rms_rel_error:.3f}% "
            f"over |V| <= {rep.window_v:g} V, {rep.window_t[0]:g}-{rep.window_t[1]:g} K"
        )
    lines += [
        "terminals: te be (current flows te -> be for V(te,be) > 0)",
        "instance parameters: state (0 = P, 1 = AP), area [m^2] (R ~ area0/area),",
        "  rscale (R_P multiplier), tmrscale (TMR multiplier)",
        "R = rscale*area0/area*R_P(V,T)*(1 + state*tmrscale*TMR(V,T)), I = V/R, T in kelvin",
        "ln(R_P/r_p0) = b1 u + b2 u^2 + b3 u^3 + b4 u^4 + tc_rp dT + tc2_rp dT^2 + tc_rp_bias u^2 dT,",
        "  u = v_c tanh(V/v_c), dT = T - t_nom",
        "TMR_el = tmr0 G(T) (1 + tmr_g x)/(1 + x + tmr_q x^2),",
        "  x = V^2 (w k_pos + (1-w) k_neg) exp(-2 tc_vbias dT),",
        "  w = (1 + tanh(V/v_w))/2; G = exp(tc_tmr dT + tc2_tmr dT^2) if p_nom = 0, else",
        "  G = J(P(T))/J(p_nom) exp(tc2_tmr dT^2), J(P) = P^2/(1-P^2),",
        "  P(T) = p_nom (1 - beta ((T/t_nom)^1.5 - 1)), beta = -tc_tmr t_nom (1 - p_nom^2)/3;",
        "  k_pos, k_neg solved in closed form so that TMR(+vh_pos) = TMR(-vh_neg) = tmr0/2 at t_nom",
        "  (the smaller root where tmr_g > 0: the first half-TMR bias);",
        "  magnon spin flip (q_mag > 0), o = 1 + TMR_el: R_P = R_P,el o/(o + Q),",
        "  1 + TMR = (o + Q)/(1 + Q o), Q = q_mag (F(z) - F(eps)), z = sqrt((V/v_mag)^2 + eps^2),",
        "  eps = n_mag k_B T/(e v_mag),",
        "  F(z) = z^1.5 (1 + c1 z + c2 z^2)/(2.5 + z^1.5 (g0 + (c1 + 0.6 c2) z + c2 z^2)),",
        f"  c1 = {MAGNON_C[0]!r}, c2 = {MAGNON_C[1]!r}, g0 = {MAGNON_C[2]!r}",
        "parameters:",
    ]
    p = cm.parameters()
    for k in NUMERIC_PARAMETERS:
        lines.append(f"  {k} = {repr(p[k])} [{PARAMETER_UNITS[k]}]")
    lines.append(f"  area0 = {repr(cm.area)} [m^2], RA = {cm.ra / 1e-12:.6g} ohm um^2")
    if cm.sensitivities:
        lines.append("physics sensitivities:")
        for k in sorted(cm.sensitivities):
            lines.append(f"  {k} = {repr(cm.sensitivities[k])}")
    if statistical and sig is not None:
        lines.append("statistical: dthk ~ N(0, sigma_thickness) [m], darea ~ N(0, sigma_area_rel) [-], "
                     "dann ~ N(0, sigma_anneal) [K]")
        lines.append("  rscale_eff = rscale*area0/area*exp(dlnRP_dthickness*dthk + dlnRP_danneal*dann)"
                     "/(1+darea)")
        lines.append("  tmrscale_eff = tmrscale*exp(dlnTMR_dthickness*dthk + dlnTMR_danneal*dann)")
        for k, v in sig.items():
            lines.append(f"  {k} = {repr(v)} [{_SIGMA_UNITS[k]}]")
    for ln in lines:  # names are checked and free text is sanitised above: one line each
        check_line("card header line", ln)
    return lines


def wrap(text: str, width: int = 78, cont: str = "+ ", breaks: str = "+*/") -> list[str]:
    """Split a long statement into lines of at most ``width`` characters.

    Breaks are made only *after* one of the characters in ``breaks`` (operators
    of the expression) or at spaces, never inside a number or name; the first
    line is returned as is and each continuation line starts with ``cont``.
    """
    out = []
    line = text
    first = True
    while len(line) > width:
        cut = -1
        for i in range(width - 1, 10, -1):
            ch = line[i]
            prev = line[i - 1] if i else ""
            if ch == " ":
                cut = i
                break
            # after an operator, but not in an exponent like 1e+5 / 1e-5
            if ch in breaks and not (ch == "+" and prev in "eE" and i > 1 and line[i - 2].isdigit()):
                cut = i + 1
                break
        if cut <= 0:
            break
        out.append(line[:cut].rstrip())
        line = cont + line[cut:].lstrip()
        first = False
    out.append(line)
    del first
    return out
