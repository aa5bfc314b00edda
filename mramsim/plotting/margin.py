"""Read-margin figures: signal histograms, margins, IR-drop map, sweeps, shmoo.

Every function takes ``ax=`` (a new figure when None) and returns the axes.
Units are converted here only (uA, mV, C).
"""
from __future__ import annotations

import numpy as np

from ..constants import T0_CELSIUS
from ._mpl import get_ax, pyplot

__all__ = ["plot_signal_histograms", "plot_margin_histograms", "plot_ir_map", "plot_read_margin",
           "plot_sweep", "plot_shmoo", "plot_budget_shmoo"]


def _pos(a):
    a = np.asarray(a, float)
    return np.where(a > 0, a, np.nan)


def _set_log(ax, *arrays):
    """Log y scale when any value is positive (zero-failure points are upper bounds only)."""
    if any(np.any(np.asarray(a, float) > 0) for a in arrays):
        ax.set_yscale("log")


def _unit(res):
    cur = res.inputs["read"]["sensing"] == "current"
    return (1e6, "uA") if cur else (1e3, "mV")


def plot_signal_histograms(res, ax=None, bins=60):
    """Histograms of P-cell, AP-cell and reference signals (kept samples)."""
    ax = get_ax(ax)
    k, u = _unit(res)
    for key, lab in (("s_p", "P cells"), ("s_ap", "AP cells"), ("s_ref", "reference")):
        x = np.asarray(res.samples.get(key, []), float).ravel() * k
        if x.size:
            ax.hist(x, bins=bins, histtype="stepfilled", alpha=0.5, label=lab)
    ax.set_xlabel(f"sensed signal [{u}]")
    ax.set_ylabel("reads")
    ax.legend()
    return ax


def plot_margin_histograms(res, ax=None, bins=60):
    """Histograms of P and AP read margins (kept samples); failures are < 0."""
    ax = get_ax(ax)
    k, u = _unit(res)
    for key, lab in (("m_p", "P margin"), ("m_ap", "AP margin")):
        x = np.asarray(res.samples.get(key, []), float).ravel() * k
        if x.size:
            ax.hist(x, bins=bins, histtype="step", label=lab)
    ax.axvline(0.0, color="k", lw=0.8)
    ax.set_xlabel(f"read margin [{u}]")
    ax.set_ylabel("reads")
    ax.legend()
    return ax


def plot_ir_map(res, ax=None):
    """Nominal worst-column margin vs selected row (IR drop along the lines)."""
    ax = get_ax(ax)
    k, u = _unit(res)
    rows = res.ir_map["rows"]
    ax.plot(rows, np.asarray(res.ir_map["m_p_min"]) * k, "o-", label="P")
    ax.plot(rows, np.asarray(res.ir_map["m_ap_min"]) * k, "s-", label="AP")
    ax.axvline(res.inputs["selected_row"], color="0.5", ls=":", label="row read")
    ax.set_xlabel("selected row")
    ax.set_ylabel(f"nominal min margin [{u}]")
    ax.legend()
    return ax


def plot_read_margin(res, axes=None):
    """Four-panel summary: signals, margins, IR map, BER per estimator. Returns the axes."""
    if axes is None:
        plt = pyplot()
        _, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    a = np.ravel(axes)
    plot_signal_histograms(res, ax=a[0])
    plot_margin_histograms(res, ax=a[1])
    plot_ir_map(res, ax=a[2])
    ax = a[3]
    labels, vals, lo, hi = [], [], [], []
    if res.mc:
        labels.append("MC")
        vals.append(res.mc["ber"])
        lo.append(res.mc["ber_ci"][0])
        hi.append(res.mc["ber_ci"][1])
    for name, d in (("FORM", res.analytic), ("IS", res.importance)):
        if d:
            labels.append(name)
            p = 0.5 * sum(d[s]["p"] if s in d else 0.0 for s in ("p", "ap"))
            vals.append(p)
            lo.append(p if name == "FORM" else 0.5 * sum(d[s]["ci"][0] for s in d))
            hi.append(p if name == "FORM" else 0.5 * sum(d[s]["ci"][1] for s in d))
    x = np.arange(len(labels))
    vals = np.asarray(vals, float)
    yerr = np.array([vals - np.asarray(lo), np.asarray(hi) - vals])
    ax.errorbar(x, _pos(vals), yerr=yerr, fmt="o", capsize=4)
    ax.plot(x, _pos(hi), "v", color="C3")
    ax.set_xticks(x, labels)
    _set_log(ax, vals, hi)
    ax.set_ylabel("BER (tail states)" if res.importance else "BER")
    ax.set_title(f"BER = {res.ber:.3g} [{res.ber_ci[0]:.2g}, {res.ber_ci[1]:.2g}] ({res.method})")
    return axes


def plot_sweep(sw, ax=None, what="ber"):
    """BER (with its 95 % band) or margin sigma vs the swept parameter."""
    ax = get_ax(ax)
    x = np.asarray(sw.values, float)
    xlabel = {"v_read": ("V_read [V]", 1.0, 0.0), "temperature": ("temperature [C]", 1.0, -T0_CELSIUS),
              "anneal_temperature": ("anneal temperature [C]", 1.0, -T0_CELSIUS),
              "tmr": ("TMR0 [%]", 100.0, 0.0)}[sw.param]
    xs = x * xlabel[1] + xlabel[2]
    if what == "ber":
        y = np.asarray(sw.ber, float)
        hi = np.asarray(sw.ber_hi, float)
        ax.fill_between(xs, _pos(sw.ber_lo), _pos(hi), alpha=0.3, label="95 % CI")
        ax.plot(xs, _pos(y), "o-", label="BER")
        zero = y <= 0
        if np.any(zero):
            ax.plot(xs[zero], hi[zero], "v", color="C3", label="upper bound (no failures)")
        _set_log(ax, y, hi)
        ax.set_ylabel("bit error rate")
        ax.legend()
    else:
        ax.plot(xs, sw.margin_sigma, "o-")
        ax.set_ylabel("margin mean/std [sigma]")
    ax.set_xlabel(xlabel[0])
    return ax


def plot_shmoo(sh, ax=None):
    """BER vs V_read: misread, read disturb, total, target and the read window."""
    ax = get_ax(ax)
    v = np.asarray(sh.v_read, float)

    pos = _pos
    ax.plot(v, pos(sh.ber_read), "o-", label="misread")
    ax.fill_between(v, pos(sh.ber_read_lo), pos(sh.ber_read_hi), alpha=0.25)
    ax.plot(v, pos(sh.p_disturb), "s-", label="read disturb")
    ax.plot(v, pos(sh.ber_total), "k--", label="total")
    ax.axhline(sh.target, color="r", lw=0.8, label="target")
    if sh.window:
        ax.axvspan(sh.window[0], sh.window[1], color="g", alpha=0.12, label="read window")
    _set_log(ax, sh.ber_read_hi, sh.p_disturb)
    ax.set_xlabel("V_read [V]")
    ax.set_ylabel("probability per read")
    ax.legend()
    return ax


def plot_row_ber(res, ax=None, yield_result=None):
    """Per-row bit-error rate map: closed-form BER of every IR-map row (``res.rows``), the worst row
    marked, the array average; optionally the yield engine's per-row BER (``yield_result.ber_by_row``)."""
    ax = get_ax(ax)
    rows = getattr(res, "rows", None)
    vals = []
    if rows is not None and rows.rows:
        r = np.asarray(rows.rows)
        b = np.asarray(rows.ber_form, float)
        vals.append(b)
        ax.semilogy(r, _pos(b), "o-", label="closed form per row")
        if rows.worst_row is not None:
            ax.semilogy([rows.worst_row], [max(rows.worst_row_ber_form, 1e-300)], "rs", ms=9,
                        label=f"worst row {rows.worst_row}")
        if np.isfinite(rows.array_ber_form):
            ax.axhline(max(rows.array_ber_form, 1e-300), color="gray", ls="--", label="array average")
    if yield_result is not None:
        br = yield_result.ber_by_row
        ax.semilogy(br["rows"], _pos(np.asarray(br["ber"], float)), "^:", label="yield engine (die-averaged)")
    ax.set_xlabel("row")
    ax.set_ylabel("BER per bit")
    ax.set_title("BER per row (IR drop)")
    ax.legend(fontsize=8)
    return ax


_BUDGET_AXES = {"v_read": ("V_read [V]", 1.0), "v_write": ("V_write [V]", 1.0),
                "pulse_width": ("pulse width [ns]", 1e9), "temperature": ("T [C]", None)}
_BUDGET_COLORS = ("tab:blue", "tab:orange", "tab:red", "tab:green")


def plot_budget_shmoo(result, ax=None, x="v_read", y="pulse_width", index=None, annotate=True):
    """Error-budget shmoo: the dominant mechanism per corner (colour) and ``log10`` of the total per-bit
    probability (text), on the ``x`` / ``y`` axes of an :class:`~mramsim.array.budget.ErrorBudget`.

    The other two grid axes are held at ``index`` (a dict axis name -> index; default 0).
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ..errors import ParameterError

    _AXES, MECHANISMS = result.AXES, result.MECHANISMS

    ax = get_ax(ax)
    for name, v in (("x", x), ("y", y)):
        if v not in _AXES:
            raise ParameterError(name, v, f"one of {_AXES}")
    if x == y:
        raise ParameterError("y", y, "an axis other than x")
    index = dict(index or {})
    sel = []
    for a in _AXES:
        if a in (x, y):
            sel.append(slice(None))
        else:
            sel.append(int(index.get(a, 0)))
    dom = np.asarray(result.dominant)[tuple(sel)]
    tot = np.asarray(result.total, float)[tuple(sel)]
    if _AXES.index(x) < _AXES.index(y):   # the slice's rows must be y for imshow
        dom, tot = dom.T, tot.T

    def ticks(a):
        vals = np.asarray(getattr(result, a), float)
        label, scale = _BUDGET_AXES[a]
        return label, (vals - T0_CELSIUS if scale is None else vals * scale)

    xl, xv = ticks(x)
    yl, yv = ticks(y)
    cmap = ListedColormap(_BUDGET_COLORS)
    ax.imshow(dom, origin="lower", cmap=cmap, vmin=-0.5, vmax=len(MECHANISMS) - 0.5, aspect="auto")
    if annotate:
        for i in range(dom.shape[0]):
            for j in range(dom.shape[1]):
                t = tot[i, j]
                txt = f"{np.log10(t):.1f}" if t > 0 else "0"
                ax.text(j, i, txt, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(xv)), [f"{v:.3g}" for v in xv])
    ax.set_yticks(range(len(yv)), [f"{v:.3g}" for v in yv])
    ax.set_xlabel(xl)
    ax.set_ylabel(yl)
    ax.set_title("dominant error (text: log10 total per bit)")
    ax.legend(handles=[Patch(color=c, label=m) for c, m in zip(_BUDGET_COLORS, MECHANISMS)], fontsize=7,
              loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
