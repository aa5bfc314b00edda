"""HSPICE renderer: a ``.SUBCKT`` with a behavioural G element ``CUR='V/R'``.

Syntax followed (Synopsys Star-HSPICE Manual, release 2001.2, "Voltage
Dependent Current Sources -- G Elements": ``Gxxx n+ n- CUR='equation'``;
"Subcircuits": ``.SUBCKT name n1 n2 param=val`` with parameters used by name
inside quoted expressions; "Parameters and Functions": the built-in
``TEMPER`` [deg C]; "Monte Carlo": ``AGAUSS(nominal, abs_variation, sigma)``
in ``.PARAM``; "Input Line Format": lines up to 1024 characters, statements
and quoted expressions continued with a trailing ``\\`` which joins the lines
without intervening white space).
"""
from __future__ import annotations

from ...constants import T0_CELSIUS
from . import _common as c

COMMENT = "* "
#: Statistical variant: one Gaussian draw per instance of thickness, area and anneal deviations.
STAT_LINE = '.PARAM dthk=AGAUSS(0,sigthk,1) darea=AGAUSS(0,sigarea,1) dann=AGAUSS(0,sigann,1)'


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """HSPICE subcircuit text (see module docstring)."""
    sig = c.sigmas(cm, options) if statistical else None
    params, body, rs, ks = c.spice_instance(cm, sig, STAT_LINE)
    hooks = c.Hooks(v="V(te,be)", tk=f"(TEMPER+{c.num(T0_CELSIUS)})", rs=rs, ks=ks)
    expr = c.pieces(cm, hooks)["i"]
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "hspice", statistical, sig)]
    lines.append(f".SUBCKT {name} te be {params}")
    lines += body
    # a quoted expression is continued with a trailing double backslash (joins without whitespace)
    parts = c.wrap(f"G1 te be CUR='{expr}'", cont="")
    lines += [p + "\\\\" for p in parts[:-1]] + parts[-1:]
    lines.append(f".ENDS {name}")
    return "\n".join(lines) + "\n"
