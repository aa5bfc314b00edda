"""Xyce renderer: a ``.SUBCKT ... PARAMS:`` with a B-source ``I={V/R}``.

Syntax followed (Xyce Reference Guide, Sandia National Laboratories,
release 7.x): "Nonlinear Dependent Source (B Source)" -- ``B<name> n+ n-
I={expression}``; "Subcircuit" -- ``.SUBCKT name nodes PARAMS: p=v``;
"Expressions" -- the special variable ``TEMP`` (circuit temperature, deg C)
and ``AGAUSS(mu, alpha, n)`` for sampling analyses (``.SAMPLING``).
Continuation lines start with ``+``.
"""
from __future__ import annotations

from ...constants import T0_CELSIUS
from . import _common as c

COMMENT = "* "
#: Statistical variant: one Gaussian draw per instance of thickness, area and anneal deviations.
STAT_LINE = '.PARAM dthk={AGAUSS(0,sigthk,1)} darea={AGAUSS(0,sigarea,1)} dann={AGAUSS(0,sigann,1)}'


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """Xyce subcircuit text (see module docstring)."""
    sig = c.sigmas(cm, options) if statistical else None
    params, body, rs, ks = c.spice_instance(cm, sig, STAT_LINE)
    hooks = c.Hooks(v="V(te,be)", tk=f"(TEMP+{c.num(T0_CELSIUS)})", rs=rs, ks=ks)
    expr = c.pieces(cm, hooks)["i"]
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "xyce", statistical, sig)]
    lines.append(f".SUBCKT {name} te be PARAMS: {params}")
    lines += body
    lines += c.wrap(f"B1 te be I={{{expr}}}")
    lines.append(f".ENDS {name}")
    return "\n".join(lines) + "\n"
