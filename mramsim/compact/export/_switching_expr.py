"""Expression pieces shared by the switching-model renderers (Verilog-A and ngspice).

Each function returns the text of one equation of :mod:`mramsim.compact.switching` with the
fitted numbers inlined, so both dialects carry the same equations as the Python model.
"""
from __future__ import annotations

from ._common import num

#: Time scale of the state capacitor: the state node's current is ``T_SCALE dx/dt`` [s].
T_SCALE = 1e-9


def ln_r(sw, coefs, vc: str, s: str, pw) -> str:
    """``sum a_k vc^k + sum b_j s^(j+1/2)`` (Horner in ``vc``); ``pw(base, exp)`` writes a power."""
    n_s = sw.n_half_powers
    a, b = coefs[: len(coefs) - n_s], coefs[len(coefs) - n_s:]
    horner = num(a[-1])
    for c in reversed(a[:-1]):
        horner = f"{num(c)}+{vc}*({horner})"
    halves = "+".join(f"{num(bj)}*{pw(s, num(j + 1.5))}" for j, bj in enumerate(b))
    return f"({horner})+{halves}"


def softplus(z: str, w: float, mx, ab) -> str:
    """``max(z,0) + w ln(1 + exp(-|z|/w))``; ``mx``/``ab`` write max(.,0) and abs(.)."""
    return f"({mx(z)}+{num(w)}*ln(1+exp(-{ab(z)}/{num(w)})))"


def rate(sw, i: str, mx, ab, pw) -> str:
    """Switching rate ``r(i)`` [1/s] as text."""
    sp_up = softplus(f"({i}-1)", sw.width, mx, ab)
    sp_dn = softplus(f"(1-{i})", sw.width, mx, ab)
    return (f"({sp_up}/{num(sw.tau_d * sw.log_factor)}"
            f"+exp(-{num(sw.delta_eff)}*{pw(sp_dn, '2')})/{num(sw.tau0)})")


def header(sw, comment: str) -> list[str]:
    """Comment lines describing the card."""
    c = comment
    info = sw.fit_info or {}
    lines = [
        f"{c} MTJ switching compact model '{sw.name}' (mramsim.compact.switching)",
        f"{c} terminals te be; current te -> be > 0 writes AP (P->AP), < 0 writes P (AP->P)",
        f"{c} instance parameter x0: initial state (0 = P, 1 = AP); internal state node xs = |x - x0|",
        f"{c} G(x,V) = (1+cos(pi x))/2 / R_P(V) + (1-cos(pi x))/2 / R_AP(V), fitted at T = {num(sw.temperature)} K",
        f"{c} dx/dt = [r(I/Ic0_P) tanh((1-x)/x_w) - r(-I/Ic0_AP) tanh(x/x_w)]/2 - k_relax x(1-x)(1-2x)",
        f"{c} r(i) = sp(i-1)/(tau_D L) + exp(-Delta_eff sp(1-i)^2)/tau0, sp(z) = w ln(1+exp(z/w))",
        f"{c} Ic0_P = {num(sw.ic0_p)} A, Ic0_AP = {num(sw.ic0_ap)} A, tau_D = {num(sw.tau_d)} s",
        f"{c} L = {num(sw.log_factor)}, tau0 = {num(sw.tau0)} s, Delta_eff = {num(sw.delta_eff)}",
    ]
    if "rate_max_rel_err" in info:
        lines.append(f"{c} rate law vs Fokker-Planck mean switching time: max |rel err| "
                     f"{100 * float(info['rate_max_rel_err']):.2f} %; ln R fit max |rel err| "
                     f"{100 * float(info['max_rel_err_ln_r']):.4f} %")
    return lines
