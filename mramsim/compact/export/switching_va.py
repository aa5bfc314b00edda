"""Verilog-A renderer of the switching compact model (:class:`mramsim.compact.switching.SwitchingMTJ`).

One module ``name(te, be)`` with an internal electrical node ``xs`` holding the switching
progress (``x = x0 + (1 - 2 x0) V(xs)``): ``I(xs) <+ ddt(T_SCALE V(xs)) - T_SCALE (1-2 x0) dx/dt``.
Compiles with OpenVAF (VACASK) -- checked in tests/compact/test_switching_sim.py.
"""
from __future__ import annotations

from ..._text import check_name
from ._common import num
from ._switching_expr import T_SCALE, header, ln_r, rate

__all__ = ["render_switching_va"]


def render_switching_va(sw, name: str | None = None) -> str:
    """Verilog-A text of ``sw`` (module name ``name`` or ``sw.name``)."""
    name = check_name("name", sw.name if name is None else name)
    mx = lambda z: f"max({z},0)"  # noqa: E731
    ab = lambda z: f"abs({z})"  # noqa: E731
    pw = lambda b, e: f"pow({b},{e})"  # noqa: E731
    vm = num(sw.v_max)
    lines = header(sw, "//")
    lines += [
        '`include "disciplines.vams"',
        "",
        f"module {name}(te, be);",
        "    inout te, be;",
        "    electrical te, be;",
        "    electrical xs;",
        "    (*type=\"instance\"*) parameter real x0 = 0 from [0:1];",
        "    real v, vc, s, lnrp, lnrap, x, c, g, imtj, iu, idn, ru, rd, dxdt;",
        "    analog begin",
        "        v = V(te, be);",
        f"        vc = min(max(v, -{vm}), {vm});",
        f"        s = sqrt(vc*vc + {num(sw.eps_v ** 2)});",
        f"        lnrp = {ln_r(sw, sw.ln_rp, 'vc', 's', pw)};",
        f"        lnrap = {ln_r(sw, sw.ln_rap, 'vc', 's', pw)};",
        "        x = x0 + (1 - 2*x0)*V(xs);",
        "        c = cos(3.141592653589793*x);",
        "        g = 0.5*(1 + c)*exp(-lnrp) + 0.5*(1 - c)*exp(-lnrap);",
        "        imtj = g*v;",
        "        I(te, be) <+ imtj;",
        f"        iu = imtj/{num(sw.ic0_p)};",
        f"        idn = -imtj/{num(sw.ic0_ap)};",
        f"        ru = {rate(sw, 'iu', mx, ab, pw)};",
        f"        rd = {rate(sw, 'idn', mx, ab, pw)};",
        f"        dxdt = 0.5*(ru*tanh((1 - x)/{num(sw.x_w)}) - rd*tanh(x/{num(sw.x_w)}))"
        f" - {num(sw.k_relax)}*x*(1 - x)*(1 - 2*x);",
        f"        I(xs) <+ ddt({num(T_SCALE)}*V(xs)) - {num(T_SCALE)}*(1 - 2*x0)*dxdt;",
        "    end",
        "endmodule",
        "",
    ]
    return "\n".join(lines)
