"""Verilog-A renderer: a two-terminal module with ``I(te,be) <+ V/R``.

Syntax followed (Accellera Verilog-AMS Language Reference Manual 2.4):
``module name(te, be); inout te, be; electrical te, be;``, ``parameter real
... from [lo:hi]``, ``analog begin ... end``, the contribution operator
``<+``, the access functions ``V()``/``I()``, and ``$temperature`` (circuit
temperature in kelvin); ``disciplines.vams`` for ``electrical``. Checked with
ADMS (``admsXml``). The statistical variant adds instance parameters ``dthk``
[m], ``darea`` [-], ``dann`` [K] (default 0) that the simulator's Monte Carlo
varies (e.g. Spectre ``statistics``/``mismatch`` on instance parameters);
their effect goes through the physics sensitivities.
"""
from __future__ import annotations

from . import _common as c

COMMENT = "// "
#: Attribute that makes a parameter an instance parameter for OSDI compilers
#: (OpenVAF: ``(*type="instance"*)``; without it every parameter is a model
#: parameter, so one model could not serve instances in different states).
#: ADMS reads the same attribute (its ``type`` attribute of a parameter).
INSTANCE = '(*type="instance"*) '


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """Verilog-A module text (see module docstring)."""
    sig = c.sigmas(cm, options) if statistical else None
    a0 = c.num(cm.area)
    hooks = c.Hooks(v="vb", tk="tk", rs="rsc", ks="ksc", local_vars=True)
    p = c.pieces(cm, hooks)
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "verilog-a", statistical, sig)]
    lines += [
        "`include \"disciplines.vams\"",
        "",
        f"module {name}(te, be);",
        "    inout te, be;",
        "    electrical te, be;",
        f"    {INSTANCE}parameter integer state = 0 from [0:1];",
        f"    {INSTANCE}parameter real area = {a0} from (0:inf);",
        f"    {INSTANCE}parameter real rscale = 1.0 from (0:inf);",
        f"    {INSTANCE}parameter real tmrscale = 1.0 from [0:inf);",
    ]
    if statistical:
        lines += [
            f"    {INSTANCE}parameter real dthk = 0.0;",
            f"    {INSTANCE}parameter real darea = 0.0 from (-1:inf);",
            f"    {INSTANCE}parameter real dann = 0.0;",
        ]
    lines += [
        "    real vb, tk, dt, u, x, rsc, ksc, r;",
    ]
    if p["mag_defs"]:
        lines.append("    real eps, z, q, one;")
    lines += [
        "    analog begin",
        "        vb = V(te, be);",
        "        tk = $temperature;",
    ]
    rs = f"rscale*{a0}/area"
    ks = "state*tmrscale"
    if statistical:
        r_stat, t_stat = c.stat_scales(cm, "dthk", "darea", "dann")
        rs = f"{rs}*{r_stat}"
        ks = f"{ks}*{t_stat}"
    lines += c.wrap(f"        dt = {p['dt']};", cont="            ")
    lines += c.wrap(f"        u = {p['u']};", cont="            ")
    lines += c.wrap(f"        x = {p['x']};", cont="            ")
    for k in ("eps", "z", "one", "q"):
        if k in p["mag_defs"]:
            lines += c.wrap(f"        {k} = {p['mag_defs'][k]};", cont="            ")
    lines.append(f"        rsc = {rs};")
    lines.append(f"        ksc = {ks};")
    parts = c.wrap(f"        r = {p['r']};", cont="            ")
    lines += parts
    lines += [
        "        I(te, be) <+ vb / r;",
        "    end",
        "endmodule",
    ]
    return "\n".join(lines) + "\n"
