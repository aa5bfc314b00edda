"""ngspice behavioural-subcircuit renderer of the switching compact model.

``.subckt name te be x0=0``: ``B1 te be I=...`` carries the MTJ current; the state node ``xs``
has a capacitor ``T_SCALE`` [F] to ground charged by ``Bx 0 xs I=T_SCALE (1-2 x0) dx/dt``, so
``V(xs) = |x - x0|``. Helper nodes (voltage-defined, no current): ``x0n`` = x0 (a DC source, so no
parameter expression reaches a B-source), ``vc`` clipped bias,
``sv`` = ``s``, ``im`` MTJ current [A as V] (clipped to +-100 I_c0 in the rate). Same equations as :mod:`.switching_va` (shared in :mod:`._switching_expr`).
"""
from __future__ import annotations

from ..._text import check_name
from ._common import num
from ._switching_expr import T_SCALE, header, ln_r, rate

__all__ = ["render_switching_ngspice"]


def _wrap(first: str, expr: str, width: int = 90) -> list[str]:
    """Split ``first + expr`` into continuation lines, breaking after ``+``, ``*`` or ``,``."""
    text, out = first + expr, []
    while len(text) > width:
        cut = max(text.rfind(ch, 0, width) for ch in "+*,")
        if cut <= 0:
            break
        out.append(text[: cut + 1])
        text = text[cut + 1:]
    out.append(text)
    return [out[0]] + ["+ " + b for b in out[1:]]


def render_switching_ngspice(sw, name: str | None = None) -> str:
    """ngspice subcircuit text of ``sw`` (subcircuit name ``name`` or ``sw.name``)."""
    name = check_name("name", sw.name if name is None else name)
    mx = lambda z: f"max({z},0)"  # noqa: E731
    ab = lambda z: f"abs({z})"  # noqa: E731
    pw = lambda b, e: f"pwr({b},{e})"  # noqa: E731  (pwr: |b|^e; bases here are >= 0)
    vm = num(sw.v_max)
    vc, s = "V(vc)", "V(sv)"
    x = "(V(x0n)+(1-2*V(x0n))*V(xs))"
    g = (f"0.5*(1+cos(3.141592653589793*{x}))*exp(-({ln_r(sw, sw.ln_rp, vc, s, pw)}))"
         f"+0.5*(1-cos(3.141592653589793*{x}))*exp(-({ln_r(sw, sw.ln_rap, vc, s, pw)}))")
    lines = header(sw, "*")
    lines.append(f".subckt {name} te be x0=0")
    lines.append("Vx0 x0n 0 DC {x0}")
    lines.append(f"Bvc vc 0 V=min(max(V(te,be),-{vm}),{vm})")
    lines.append(f"Bsv sv 0 V=sqrt(V(vc)*V(vc)+{num(sw.eps_v ** 2)})")
    lines += _wrap("B1 te be I=", f"({g})*V(te,be)")
    lines += _wrap("Bi im 0 V=", f"({g})*V(te,be)")
    iu = f"min(max(V(im)/{num(sw.ic0_p)},-100),100)"
    idn = f"min(max(-V(im)/{num(sw.ic0_ap)},-100),100)"
    dxdt = (f"(0.5*({rate(sw, iu, mx, ab, pw)}*tanh((1-{x})/{num(sw.x_w)})"
            f"-{rate(sw, idn, mx, ab, pw)}*tanh({x}/{num(sw.x_w)}))"
            f"-{num(sw.k_relax)}*{x}*(1-{x})*(1-2*{x}))")
    lines += _wrap("Bx 0 xs I=", f"{num(T_SCALE)}*(1-2*V(x0n))*{dxdt}")
    lines.append(f"Cx xs 0 {num(T_SCALE)}")
    lines.append(f".ends {name}")
    return "\n".join(lines) + "\n"
