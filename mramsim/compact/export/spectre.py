"""Spectre renderer: native Spectre ``subckt`` with a ``bsource`` ``i=V/R``.

Syntax followed (Cadence Spectre Circuit Simulator Reference):
``simulator lang=spectre``; ``subckt name (te be)`` ... ``ends name``;
``parameters p=v`` (instance parameters of the subcircuit); the behavioural
source ``name (p n) bsource i=expression`` with branch voltages ``v(a,b)``;
the built-in circuit temperature ``temp`` [deg C] in expressions;
comments ``//``; line continuation with a trailing backslash. The statistical
variant declares global parameters and varies them in a ``statistics {
mismatch { vary ... dist=gauss std=... } }`` block, which Spectre applies
per subcircuit instance in Monte Carlo (``montecarlo`` analysis).
"""
from __future__ import annotations

from ...constants import T0_CELSIUS
from . import _common as c

COMMENT = "// "


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """Spectre subcircuit text (see module docstring)."""
    sig = c.sigmas(cm, options) if statistical else None
    a0 = c.num(cm.area)
    rs = f"(rscale*{a0}/area)"
    ks = "(state*tmrscale)"
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "spectre", statistical, sig)]
    lines.append("simulator lang=spectre")
    if statistical:
        g = {k: f"{name}_{k}" for k in ("dthk", "darea", "dann")}
        lines.append(f"parameters {g['dthk']}=0 {g['darea']}=0 {g['dann']}=0")
        lines.append("statistics {")
        lines.append("    mismatch {")
        lines.append(f"        vary {g['dthk']} dist=gauss std={c.num(sig['sigma_thickness'])}")
        lines.append(f"        vary {g['darea']} dist=gauss std={c.num(sig['sigma_area_rel'])}")
        lines.append(f"        vary {g['dann']} dist=gauss std={c.num(sig['sigma_anneal'])}")
        lines.append("    }")
        lines.append("}")
        r_stat, t_stat = c.stat_scales(cm, g["dthk"], g["darea"], g["dann"])
        rs = f"({rs}*{r_stat})"
        ks = f"({ks}*{t_stat})"
    hooks = c.Hooks(v="v(te,be)", tk=f"(temp+{c.num(T0_CELSIUS)})", rs=rs, ks=ks)
    expr = c.pieces(cm, hooks)["i"]
    lines.append(f"subckt {name} (te be)")
    lines.append(f"parameters state=0 area={a0} rscale=1 tmrscale=1")
    parts = c.wrap(f"B1 (te be) bsource i={expr}", cont="    ")
    lines += [p + " \\" for p in parts[:-1]] + parts[-1:]
    lines.append(f"ends {name}")
    return "\n".join(lines) + "\n"
