"""ngspice renderer: a ``.subckt`` with one B-source ``I = V/R(V, temper)``.

Syntax followed (ngspice User's Manual, version 39, H. Vogt et al.):
section 5.1 "B source (ASRC)" -- ``Bname n+ n- I=expr`` with node voltages
``V(a,b)``, the built-in circuit temperature ``temper`` [deg C] and the
functions ``exp``, ``tanh``, ``sqrt``; section 2.4 "Subcircuits" and 2.10
"Parameters, functions, expressions" -- ``.subckt name n1 n2 p=v``, instance
parameters in ``{...}`` evaluated by numparam, ``.param`` inside a
subcircuit evaluated per instance; section 2.8.1 -- ``agauss(nom, abs_var,
sigma)`` for Monte Carlo (a new value per instance and per run).
"""
from __future__ import annotations

from ...constants import T0_CELSIUS
from . import _common as c

COMMENT = "* "


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """ngspice subcircuit text (see module docstring)."""
    sig = c.sigmas(cm, options) if statistical else None
    a0 = c.num(cm.area)
    rs = f"rscale*{a0}/area"
    ks = "state*tmrscale"
    params = f"state=0 area={a0} rscale=1 tmrscale=1"
    body = []
    if statistical:
        params += (f" sigthk={c.num(sig['sigma_thickness'])} sigarea={c.num(sig['sigma_area_rel'])}"
                   f" sigann={c.num(sig['sigma_anneal'])}")
        body.append(".param dthk={agauss(0,sigthk,1)} darea={agauss(0,sigarea,1)} dann={agauss(0,sigann,1)}")
        r_stat, t_stat = c.stat_scales(cm, "dthk", "darea", "dann")
        rs = f"{rs}*{r_stat}"
        ks = f"{ks}*{t_stat}"
    hooks = c.Hooks(v="V(te,be)", tk=f"(temper+{c.num(T0_CELSIUS)})", rs=f"{{{rs}}}", ks=f"{{{ks}}}")
    expr = c.pieces(cm, hooks)["i"]
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "ngspice", statistical, sig)]
    lines.append(f".subckt {name} te be {params}")
    lines += body
    lines += c.wrap(f"B1 te be I={expr}")
    lines.append(f".ends {name}")
    return "\n".join(lines) + "\n"
