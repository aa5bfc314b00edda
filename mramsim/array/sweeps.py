r"""Sweeps of read margin / BER and the read-margin study that writes JSON and figures.

* :func:`sweep_read_margin` -- BER, margin and equivalent sigma vs ``v_read``,
  ``temperature`` [K], ``anneal_temperature`` [K] (a uniformly annealed wafer;
  die-level R_P/TMR from the anneal physics grid) or ``tmr`` (TMR0 of the
  compact model).
* :func:`shmoo` -- BER vs ``V_read``: misread (margin) BER falls with
  ``V_read`` while the read-disturb probability (thermally activated switching
  under the read current, :mod:`mramsim.array.disturb`) rises; the window is
  where their sum stays below a target.
* :func:`margin_study` -- the study a memory engineer runs: base result,
  sweeps, shmoo, JSON and figures in one folder.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import ParameterError, UnknownNameError
from ..parallel.jsonio import to_jsonable
from .derive import with_cols, with_mtj
from .disturb import DisturbModel, read_disturb_probability
from .margin import ReadMarginResult, read_margin
from .read import ReadScheme
from .solver import default_solver
from .variation import AnnealMap, Variation
from ..parallel.jsonio import from_jsonable as _unconv

__all__ = ["SweepResult", "ShmooResult", "sweep_read_margin", "shmoo", "margin_study", "SWEEP_PARAMS",
           "with_mtj", "with_cols"]

#: Sweepable parameters and their units (for labels).
SWEEP_PARAMS = {"v_read": "V", "temperature": "K", "anneal_temperature": "K", "tmr": "-"}



def _write_json(obj, path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj.to_dict(), fh, indent=1)
    return path


@dataclass
class SweepResult:
    """BER and margin along one swept parameter.

    Attributes
    ----------
    param : str
        Swept parameter (a key of :data:`SWEEP_PARAMS`).
    values : list of float
        Parameter values (SI).
    ber, ber_lo, ber_hi, ber_p, ber_ap, margin_sigma, beta : list of float
        Per point: BER, its 95 % interval, per-state failure probabilities,
        mean/std margin ratio and equivalent sigma.
    methods : list of str
        Estimator per point.
    results : list of ReadMarginResult
        Full results (written by :meth:`to_json` only with ``results=True``).
    """

    param: str
    values: list
    ber: list = field(default_factory=list)
    ber_lo: list = field(default_factory=list)
    ber_hi: list = field(default_factory=list)
    ber_p: list = field(default_factory=list)
    ber_ap: list = field(default_factory=list)
    margin_sigma: list = field(default_factory=list)
    beta: list = field(default_factory=list)
    methods: list = field(default_factory=list)
    results: list = field(default_factory=list, repr=False)

    def to_dict(self, results=False):
        """Plain JSON types; the full per-point results only with ``results=True``."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "results"}
        if results:
            d["results"] = [r.to_dict() for r in self.results]
        return to_jsonable(d)

    @classmethod
    def from_dict(cls, d):
        """Inverse of :meth:`to_dict`."""
        d = _unconv(dict(d))
        results = [ReadMarginResult.from_dict(r) for r in d.pop("results", [])]
        return cls(**d, results=results)

    def to_json(self, path, results=False):
        """Write :meth:`to_dict` to ``path`` (JSON); return ``path``."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(results=results), fh, indent=1)
        return path

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))

    def plot(self, ax=None, **kw):
        from ..plotting.margin import plot_sweep

        return plot_sweep(self, ax=ax, **kw)


def _anneal_grid_map(var: Variation, values):
    """An AnnealMap whose interpolation grid spans ``values`` (physics solved once)."""
    base = var.anneal
    if base is None:
        raise ParameterError("var.anneal", None, "an AnnealMap (needed to sweep anneal_temperature)")
    lo, hi = float(np.min(values)), float(np.max(values))
    if base.response is not None:
        temps = base.grid[0]
        if lo < temps[0] or hi > temps[-1]:
            raise ParameterError("values", (lo, hi), f"within the AnnealMap response [{temps[0]:g}, {temps[-1]:g}] K")
        return base.grid
    wide = replace(base, t_center=lo, t_edge=hi, t_reference=base.t_reference,
                   grid_points=max(base.grid_points, 4 * len(values) + 1))
    return wide.grid


def _point_inputs(arr, var, read, param, value, anneal_grid):
    if param == "v_read":
        return arr, var, read.replace(v_read=float(value))
    if param == "temperature":
        return arr, var, read.replace(temperature=float(value))
    if param == "tmr":
        return with_mtj(arr, arr.mtj.replace(tmr0=float(value))), var, read
    if param == "anneal_temperature":
        amap = AnnealMap.uniform(float(value), response=anneal_grid, t_eval=var.anneal.t_eval,
                                 v_eval=var.anneal.v_eval)
        return arr, replace(var, anneal=amap), read
    raise UnknownNameError("param", param, SWEEP_PARAMS)


def sweep_read_margin(arr, var: Variation, read: ReadScheme, param: str, values, *, n_samples=4000, seed=0,
                      method="auto", **kwargs) -> SweepResult:
    """Read margin and BER at each value of one parameter.

    Parameters
    ----------
    arr : Array1T1MTJ
    var : Variation
    read : ReadScheme
    param : {'v_read', 'temperature', 'anneal_temperature', 'tmr'}
        Swept parameter; SI values ([V], [K], [K], [-]).
    values : array_like
        Parameter values.
    n_samples, seed, method
        Passed to :func:`read_margin` (the same seed at every point: common
        random numbers make the curve smooth).
    **kwargs
        Passed to :func:`read_margin` (``solver``, ``executor``, ...).

    Returns
    -------
    SweepResult
    """
    if param not in SWEEP_PARAMS:
        raise UnknownNameError("param", param, SWEEP_PARAMS)
    vals = np.atleast_1d(np.asarray(values, float))
    if vals.ndim != 1 or vals.size == 0 or not np.all(np.isfinite(vals)):
        raise ParameterError("values", values, "a non-empty 1-D array of finite numbers")
    grid = _anneal_grid_map(var, vals) if param == "anneal_temperature" else None
    out = SweepResult(param=param, values=vals.tolist())
    for v in vals:
        a, vv, r = _point_inputs(arr, var, read, param, v, grid)
        res = read_margin(a, vv, r, n_samples=n_samples, seed=seed, method=method, **kwargs)
        out.results.append(res)
        out.ber.append(res.ber)
        out.ber_lo.append(res.ber_ci[0])
        out.ber_hi.append(res.ber_ci[1])
        out.ber_p.append(res.ber_p)
        out.ber_ap.append(res.ber_ap)
        out.margin_sigma.append(res.margin_sigma)
        out.beta.append(res.beta)
        out.methods.append(res.method)
    return out


@dataclass
class ShmooResult:
    """BER vs V_read: misread, read disturb and their sum, and the read window.

    Attributes
    ----------
    v_read : list of float
        Read voltages [V].
    ber_read, ber_read_lo, ber_read_hi : list of float
        Misread BER and its 95 % interval [-].
    p_disturb : list of float
        Read-disturb probability per read of the most disturbed nominal cell
        (highest read current over the array rows) [-].
    ber_total : list of float
        ``ber_read + p_disturb`` [-].
    target : float
        BER target defining the window [-].
    window : tuple of float or None
        ``(v_min, v_max)`` of the read voltages meeting the target [V].
    disturb : dict
        The disturb model used.
    """

    v_read: list
    ber_read: list
    ber_read_lo: list
    ber_read_hi: list
    p_disturb: list
    ber_total: list
    target: float
    window: tuple | None
    disturb: dict

    def to_dict(self):
        """Plain JSON types (non-finite floats as strings)."""
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    @classmethod
    def from_dict(cls, d):
        """Inverse of :meth:`to_dict`."""
        d = _unconv(dict(d))
        d["window"] = None if d["window"] is None else tuple(d["window"])
        return cls(**d)

    def to_json(self, path):
        """Write :meth:`to_dict` to ``path`` (JSON); return ``path``."""
        return _write_json(self, path)

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))

    def plot(self, ax=None):
        from ..plotting.margin import plot_shmoo

        return plot_shmoo(self, ax=ax)


def max_disturb_probability(arr, read, model: DisturbModel, *, solver=None, rows=None):
    """Read-disturb probability of the most disturbed nominal cell over ``rows``.

    Parameters
    ----------
    arr : Array1T1MTJ
    read : ReadScheme
    model : DisturbModel
    solver : callable, optional
    rows : sequence of int, optional
        Rows to check (default: first, middle, last).

    Returns
    -------
    float
        Maximum per-read disturb probability [-].
    """
    solver = default_solver() if solver is None else solver
    rows = sorted({0, arr.rows // 2, arr.rows - 1}) if rows is None else rows
    return float(max(np.max(read_disturb_probability(arr, read, model, selected_row=int(r), solver=solver))
                     for r in rows))


def shmoo(arr, var: Variation, read: ReadScheme, v_reads, disturb: DisturbModel, *, target=1e-9,
          n_samples=4000, seed=0, method="auto", **kwargs) -> ShmooResult:
    """BER vs V_read between misread (low V_read) and read disturb (high V_read).

    Parameters
    ----------
    arr, var, read
        As :func:`read_margin` (``read.v_read`` is replaced).
    v_reads : array_like
        Read voltages [V].
    disturb : DisturbModel
        Free-layer model for read disturb.
    target : float
        Per-bit BER target of the window [-].
    n_samples, seed, method, **kwargs
        Passed to :func:`read_margin`.

    Returns
    -------
    ShmooResult
    """
    if not isinstance(disturb, DisturbModel):
        raise ParameterError("disturb", disturb, "a DisturbModel")
    if not 0 < target < 1:
        raise ParameterError("target", target, "(0, 1)")
    sw = sweep_read_margin(arr, var, read, "v_read", v_reads, n_samples=n_samples, seed=seed, method=method,
                           **kwargs)
    solver = kwargs.get("solver")
    pd = [max_disturb_probability(arr, read.replace(v_read=float(v)), disturb, solver=solver) for v in sw.values]
    tot = [a + b for a, b in zip(sw.ber_hi, pd)]
    ok = [v for v, t in zip(sw.values, tot) if t <= target]
    window = (min(ok), max(ok)) if ok else None
    return ShmooResult(v_read=sw.values, ber_read=sw.ber, ber_read_lo=sw.ber_lo, ber_read_hi=sw.ber_hi,
                       p_disturb=pd, ber_total=[a + b for a, b in zip(sw.ber, pd)], target=target,
                       window=window, disturb=disturb.to_dict())


def margin_study(arr, var: Variation, read: ReadScheme, *, out_dir, n_samples=10_000, seed=0, method="auto",
                 v_read=None, temperature=None, anneal_temperature=None, tmr=None, disturb=None,
                 shmoo_target=1e-9, array_bits=2**20, figures=True, **kwargs) -> dict:
    """Run the read-margin study and write JSON and figures into ``out_dir``.

    Parameters
    ----------
    arr : Array1T1MTJ
    var : Variation
    read : ReadScheme
    out_dir : str or Path
        Output folder (created).
    n_samples, seed, method
        Monte Carlo samples, seed and estimator (see :func:`read_margin`).
    v_read, temperature, anneal_temperature, tmr : array_like, optional
        Sweep values ([V], [K], [K], [-]); each given one is swept.
    disturb : DisturbModel, optional
        If given (and ``v_read`` is), also the BER-vs-V_read shmoo with read disturb.
    shmoo_target : float
        BER target of the shmoo window [-].
    array_bits : int
        Bits of the array for the yield [-].
    figures : bool
        Write PNG figures.
    **kwargs
        Passed to :func:`read_margin` (``solver``, ``executor``, ``selected_row`` ...).

    Returns
    -------
    dict
        ``summary`` (BER, CI, margin sigma, yield, windows) and ``files``
        (paths written).
    """
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    base = read_margin(arr, var, read, n_samples=n_samples, seed=seed, method=method, **kwargs)
    files["read_margin"] = base.to_json(os.path.join(out_dir, "read_margin.json"))
    summary = {"ber": base.ber, "ber_ci": list(base.ber_ci), "method": base.method,
               "margin_sigma": base.margin_sigma, "beta": base.beta, "array_bits": int(array_bits),
               "yield": base.yield_(int(array_bits)), "selected_row": base.inputs["selected_row"],
               "seed": int(seed), "n_samples": int(n_samples)}
    sweeps = {}
    for name, vals in (("v_read", v_read), ("temperature", temperature),
                       ("anneal_temperature", anneal_temperature), ("tmr", tmr)):
        if vals is None:
            continue
        if name == "v_read" and disturb is not None:
            sh = shmoo(arr, var, read, vals, disturb, target=shmoo_target, n_samples=n_samples, seed=seed,
                       method=method, **kwargs)
            files["shmoo"] = sh.to_json(os.path.join(out_dir, "shmoo.json"))
            summary["read_window"] = sh.window
            sweeps["shmoo"] = sh
        sw = sweep_read_margin(arr, var, read, name, vals, n_samples=n_samples, seed=seed, method=method, **kwargs)
        files[f"sweep_{name}"] = sw.to_json(os.path.join(out_dir, f"sweep_{name}.json"))
        sweeps[name] = sw
    if figures:
        from ..plotting._mpl import pyplot
        from ..plotting.margin import plot_ir_map, plot_read_margin, plot_shmoo, plot_sweep

        plt = pyplot()
        axes = plot_read_margin(base)
        fig = np.ravel(axes)[0].figure
        files["read_margin_png"] = os.path.join(out_dir, "read_margin.png")
        fig.savefig(files["read_margin_png"], dpi=120)
        plt.close(fig)
        ax = plot_ir_map(base)
        files["ir_drop_png"] = os.path.join(out_dir, "ir_drop.png")
        ax.figure.savefig(files["ir_drop_png"], dpi=120)
        plt.close(ax.figure)
        for name, sw in sweeps.items():
            ax = plot_shmoo(sw) if name == "shmoo" else plot_sweep(sw)
            path = os.path.join(out_dir, f"{'shmoo' if name == 'shmoo' else 'sweep_' + name}.png")
            ax.figure.savefig(path, dpi=120)
            plt.close(ax.figure)
            files[f"{name}_png"] = path
    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as fh:
        json.dump(to_jsonable(summary), fh, indent=1)
    files["summary"] = os.path.join(out_dir, "summary.json")
    return {"summary": summary, "files": files, "result": base, "sweeps": sweeps}
