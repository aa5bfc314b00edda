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
#: Statistical variant: one Gaussian draw per instance of thickness, area and anneal deviations.
STAT_LINE = '.param dthk={agauss(0,sigthk,1)} darea={agauss(0,sigarea,1)} dann={agauss(0,sigann,1)}'


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """ngspice subcircuit text (see module docstring)."""
    sig = c.sigmas(cm, options) if statistical else None
    params, body, rs, ks = c.spice_instance(cm, sig, STAT_LINE, group=lambda s: s)
    hooks = c.Hooks(v="V(te,be)", tk=f"(temper+{c.num(T0_CELSIUS)})", rs=f"{{{rs}}}", ks=f"{{{ks}}}")
    expr = c.pieces(cm, hooks)["i"]
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "ngspice", statistical, sig)]
    lines.append(f".subckt {name} te be {params}")
    lines += body
    lines += c.wrap(f"B1 te be I={expr}")
    lines.append(f".ends {name}")
    return "\n".join(lines) + "\n"
