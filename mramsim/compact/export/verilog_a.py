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

import re

from . import _common as c

COMMENT = "// "
#: Attribute that makes a parameter an instance parameter for OSDI compilers
#: (OpenVAF: ``(*type="instance"*)``; without it every parameter is a model
#: parameter, so one model could not serve instances in different states).
#: ADMS reads the same attribute (its ``type`` attribute of a parameter).
INSTANCE = '(*type="instance"*) '
#: Instance parameters of the statistical variant: thickness [m], relative area [-], anneal [K] deviations.
STAT_PARAMS = ("dthk", "darea", "dann")
_INSTANCE_DECL = re.compile(r'^\s*\(\*type="instance"\*\)\s*parameter\s+(?:real|integer)\s+(\w+)', re.MULTILINE)


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
        r_stat, t_stat = c.stat_scales(cm, *STAT_PARAMS)
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


def _quoted_file(path) -> str:
    from ...errors import NetlistError

    s = str(path)
    if not s or '"' in s or "\\" in s or any(ord(ch) < 32 or ord(ch) == 127 for ch in s):
        raise NetlistError(f"Verilog-A file name {s!r} is empty or contains a quote, backslash or control "
                           "character")
    return f'"{s}"'


def spectre_ahdl(cm, name: str | None = None, va_file=None, statistical: bool = False, **options) -> str:
    """Spectre netlist that loads the Verilog-A module with ``ahdl_include`` (beside the ``bsource`` card).

    Syntax followed (Cadence Spectre Circuit Simulator Reference): ``simulator
    lang=spectre``; ``ahdl_include "file.va"`` compiles the module, whose name
    is then a primitive used as ``inst (te be) module param=value``. The
    statistical variant wraps one module instance in ``subckt <name>_mc``
    whose ``dthk darea dann`` come from global parameters varied in a
    ``statistics { mismatch { vary ... } }`` block, which Spectre draws anew per
    subcircuit instance in a ``montecarlo`` analysis.

    Parameters
    ----------
    cm : CompactMTJ
        The model (the module text comes from :func:`render` with the same
        ``name`` and ``statistical``).
    name : str, optional
        Module name (default ``cm.name``).
    va_file : str or path-like, optional
        The ``.va`` file to include (default ``<name>.va``, next to this netlist).
    statistical : bool
        Include the Monte Carlo wrapper (the ``.va`` must then be the statistical variant).
    **options
        Sigmas of the statistical variant, as for :func:`render`.
    """
    from ..._text import check_name

    name = check_name("name", cm.name if name is None else name)
    sig = c.sigmas(cm, options) if statistical else None
    inst = [m.group(1) for m in _INSTANCE_DECL.finditer(render(cm, name, statistical, **options))]
    a0 = c.num(cm.area)
    defaults = {"state": "0", "area": a0, "rscale": "1", "tmrscale": "1"}
    lines = [COMMENT + ln for ln in c.header_lines(cm, name, "spectre ahdl_include", statistical, sig)]
    lines += [
        "simulator lang=spectre",
        f"ahdl_include {_quoted_file(va_file if va_file is not None else name + '.va')}",
        f"// usage: X1 (te be) {name} " + " ".join(f"{k}={defaults.get(k, '0')}" for k in inst),
    ]
    if statistical:
        g = {k: f"{name}_{k}" for k in STAT_PARAMS}
        std = dict(zip(STAT_PARAMS, ("sigma_thickness", "sigma_area_rel", "sigma_anneal")))
        lines.append("parameters " + " ".join(f"{g[k]}=0" for k in STAT_PARAMS))
        lines += ["statistics {", "    mismatch {"]
        lines += [f"        vary {g[k]} dist=gauss std={c.num(sig[std[k]])}" for k in STAT_PARAMS]
        lines += ["    }", "}"]
        own = [k for k in inst if k not in STAT_PARAMS]
        lines.append(f"subckt {name}_mc (te be)")
        lines.append("parameters " + " ".join(f"{k}={defaults.get(k, '0')}" for k in own))
        lines.append(f"M1 (te be) {name} " + " ".join(f"{k}={k}" for k in own)
                     + " " + " ".join(f"{k}={g[k]}" for k in STAT_PARAMS))
        lines.append(f"ends {name}_mc")
    return "\n".join(lines) + "\n"
