"""The whole device-to-array flow: one config, one call, one report.

``run_flow(config, out_dir)`` runs, in order, writing each stage's outputs as
soon as it finishes:

1. **physics** -- :class:`mramsim.MTJDevice` of the stack and anneal, its R(V,T)
   table (``device/rv_table.json``, ``.csv``, figures);
2. **compact** -- :func:`mramsim.fit_compact` to the table, the fit report
   (``compact/fit_report.json``, figure);
3. **export** -- model cards in every configured dialect (``compact/``);
4. **netlist** -- the array netlist of one read (``netlists/``);
5. **spice_check** -- a small array solved by the Python solver and by
   ngspice, cell currents compared (``spice_check/``);
6. **margin** -- the read-margin Monte Carlo (:func:`mramsim.read_margin`),
   BER with its confidence interval, margin in sigma, array yield
   (``margin/``); blocks are checkpointed in ``margin/checkpoints/<key>`` so an
   interrupted run resumes where it stopped;
7. **sweeps** -- read margin / BER vs read bias, temperature and anneal
   temperature (``sweeps/``), each point checkpointed likewise;
8. **report** -- ``report.md`` (figures, key numbers, provenance) and
   ``results.json``.

Deterministic stages (physics, compact) are cached in their folder keyed by a
hash of their inputs, so a resumed run does not redo them either. Every
number in ``results.json`` (outside ``provenance``) is a function of the
config alone: the same config gives the same numbers with any executor.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..constants import T0_CELSIUS, T_NOM, UM2
from ..errors import MramsimError
from .config import FlowConfig, load_config

__all__ = ["run_flow", "FlowResult", "spice_check", "STAGES", "CARD_SUFFIX"]

#: Stages in the order they run.
STAGES = ("physics", "compact", "export", "netlist", "spice_check", "margin", "sweeps", "report")

#: File suffix of a model card per dialect.
CARD_SUFFIX = {"ngspice": ".lib", "hspice": ".lib", "xyce": ".lib", "spectre": ".scs", "verilog-a": ".va"}


@dataclass
class FlowResult:
    """What :func:`run_flow` produced.

    Attributes
    ----------
    out_dir : Path
        The output folder.
    results : dict
        The content of ``results.json``.
    status : dict
        Stage -> ``"done"``, ``"cached"``, ``"skipped: <why>"`` or
        ``"unavailable: <what is missing>"``.
    objects : dict
        Python objects of the run (``stack``, ``anneal``, ``rv_table``,
        ``compact``, ``array``, ``variation``, ``read``, ``margin``) for
        interactive use.
    """

    out_dir: Path
    results: dict
    status: dict
    objects: dict = field(default_factory=dict, repr=False)

    @property
    def complete(self) -> bool:
        """True when every stage ran (done, cached or skipped by the config)."""
        return all(s in ("done", "cached") or s.startswith("skipped") for s in self.status.values())

    @property
    def report_path(self) -> Path:
        return self.out_dir / "report.md"

    @property
    def results_path(self) -> Path:
        return self.out_dir / "results.json"


class _Unavailable(MramsimError):
    """A layer the stage needs is not importable (reported, not fatal)."""


def _need(module: str, name: str):
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise _Unavailable(f"{module}.{name} ({type(exc).__name__}: {exc})") from None


# -- small helpers --------------------------------------------------------------------------------
def _jsonable(x):
    """numpy scalars/arrays and tuples -> plain JSON types (NaN/inf kept as strings)."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        f = float(x)
        return f if math.isfinite(f) else str(f)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, Path):
        return str(x)
    return x


def _write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(_jsonable(data), indent=1, sort_keys=False) + "\n")
    os.replace(tmp, path)
    return path


def _hash(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(_jsonable(p), sort_keys=True, default=repr).encode())
    return h.hexdigest()[:16]


def _cached(folder: Path, key: str, compute):
    """Run ``compute()`` unless ``folder/.cache.pkl`` holds a result for ``key``; return (value, hit)."""
    path = folder / ".cache.pkl"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                saved = pickle.load(fh)
            if saved.get("key") == key:
                return saved["value"], True
        except Exception:  # a stale or unreadable cache is recomputed, never trusted
            pass
    value = compute()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(".cache.pkl.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump({"key": key, "value": value}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return value, False


def _save_fig(ax_or_fig, path: Path) -> str:
    """Save the figure of an axes, a figure, or a list/array/dict of axes; return the path."""
    obj = ax_or_fig
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple, np.ndarray)):
        obj = np.asarray(obj, dtype=object).ravel()[0]
    fig = getattr(obj, "figure", obj)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    from ..plotting._mpl import pyplot

    pyplot().close(fig)
    return str(path)


class _Log:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.t0 = time.perf_counter()
        self.times: dict = {}

    def stage(self, i: int, name: str, what: str):
        if self.enabled:
            print(f"[{i}/{len(STAGES)}] {name}: {what}", file=sys.stderr, flush=True)
        return time.perf_counter()

    def done(self, name: str, t: float, status: str, extra: str = ""):
        dt = time.perf_counter() - t
        self.times[name] = round(dt, 3)
        if self.enabled:
            print(f"      {status} in {dt:.1f} s{(' -- ' + extra) if extra else ''}", file=sys.stderr, flush=True)


def _nearest(arr, x) -> int:
    return int(np.argmin(np.abs(np.asarray(arr) - x)))


# -- stages ---------------------------------------------------------------------------------------
def _stage_physics(cfg: FlowConfig, out: Path, objs: dict):
    MTJDevice = _need("mramsim.physics.device", "MTJDevice")
    stack = cfg.stack.build()
    anneal = cfg.anneal.build() if cfg.anneal is not None else None
    objs["stack"], objs["anneal"] = stack, anneal
    V, T = cfg.device.grid()
    folder = out / "device"
    key = _hash("physics", cfg.to_dict()["stack"], cfg.to_dict()["anneal"], cfg.to_dict()["device"], _version())

    def compute():
        return MTJDevice(stack, anneal=anneal).rv_table(V=V, T=T)

    tab, hit = _cached(folder, key, compute)
    objs["rv_table"] = tab
    _write_json(folder / "rv_table.json", tab.to_dict())
    if hasattr(tab, "to_csv"):
        tab.to_csv(folder / "rv_table.csv")
    iv0, it = _nearest(tab.V, 0.0), _nearest(tab.T, T_NOM)
    ivr = _nearest(tab.V, cfg.read.v_read)
    itr = _nearest(tab.T, cfg.read.temperature)
    res = {
        "grid": {"n_v": len(tab.V), "n_t": len(tab.T), "v_max_V": float(tab.V[-1]),
                 "t_min_C": float(tab.T[0] - T0_CELSIUS), "t_max_C": float(tab.T[-1] - T0_CELSIUS)},
        "at_room": {"V": float(tab.V[iv0]), "T_K": float(tab.T[it]),
                    "r_p_ohm": float(tab.r_p[iv0, it]), "r_ap_ohm": float(tab.r_ap[iv0, it]),
                    "tmr": float(tab.tmr[iv0, it]), "ra_p_ohm_um2": float(tab.r_p[iv0, it] * tab.area / UM2)},
        "at_read": {"V": float(tab.V[ivr]), "T_K": float(tab.T[itr]),
                    "r_p_ohm": float(tab.r_p[ivr, itr]), "r_ap_ohm": float(tab.r_ap[ivr, itr]),
                    "tmr": float(tab.tmr[ivr, itr])},
        "area_m2": float(tab.area),
        "thickness_m": float(tab.thickness),
    }
    from . import report

    res["figures"] = [
        _save_fig(report.plot_rv(tab), folder / "fig_rv.png"),
        _save_fig(report.plot_tmr(tab), folder / "fig_tmr.png"),
    ]
    _write_json(folder / "summary.json", res)
    return res, ("cached" if hit else "done")


def _fit_summary(cm) -> dict:
    rep = getattr(cm, "fit_report", None)
    out = {}
    if rep is not None:
        if hasattr(rep, "to_dict"):
            out = dict(rep.to_dict())
        else:
            for k in ("max_rel_error", "rms_rel_error", "n_points", "v_range", "t_range"):
                if hasattr(rep, k):
                    out[k] = getattr(rep, k)
    import dataclasses

    params = {}
    if dataclasses.is_dataclass(cm):
        for f in dataclasses.fields(cm):
            v = getattr(cm, f.name)
            if isinstance(v, (int, float, np.floating)) and not isinstance(v, bool):
                params[f.name] = v
    out["parameters"] = params
    for k in [k for k in out if "time" in k and isinstance(out[k], float)]:  # wall-clock, not a result
        out.pop(k)
    return out


def _fit_kwargs(fit_compact, cfg: FlowConfig) -> dict:
    """Options of ``[compact]`` (and the table's temperature span) that ``fit_compact`` accepts."""
    import inspect

    params = inspect.signature(fit_compact).parameters
    c = cfg.compact
    want = {"name": c.name, "v_window": min(c.v_window, cfg.device.v_max),
            "t_window": (cfg.device.t_min, cfg.device.t_max), "tmr_temperature": c.tmr_temperature,
            "magnon": c.magnon}
    missing = [k for k in ("name",) if k not in params]
    if missing:
        raise _Unavailable(f"fit_compact({missing[0]}=)")
    return {k: v for k, v in want.items() if k in params}


def _stage_compact(cfg: FlowConfig, out: Path, objs: dict):
    fit_compact = _need("mramsim.compact.fit", "fit_compact")
    tab = objs["rv_table"]
    folder = out / "compact"
    key = _hash("compact", tab.to_dict(), cfg.to_dict()["compact"], _version())

    def compute():
        return fit_compact(tab, **_fit_kwargs(fit_compact, cfg))

    cm, hit = _cached(folder, key, compute)
    objs["compact"] = cm
    res = _fit_summary(cm)
    err = res.get("max_rel_error")
    res["target_max_rel_error"] = cfg.compact.max_rel_error
    res["meets_target"] = None if err is None else bool(float(err) <= cfg.compact.max_rel_error)
    from . import report

    res["figures"] = [_save_fig(report.plot_fit(tab, cm), folder / "fig_fit.png")]
    _write_json(folder / "fit_report.json", res)
    return res, ("cached" if hit else "done")


def _stage_export(cfg: FlowConfig, out: Path, objs: dict):
    cm = objs["compact"]
    if not callable(getattr(cm, "write", None)):
        raise _Unavailable("CompactMTJ.write (the export renderers of mramsim.compact.export)")
    folder = out / "compact"
    files = {}
    for d in cfg.export.dialects:
        path = folder / f"{cm.name}_{d.replace('-', '_')}{CARD_SUFFIX[d]}"
        kw = {"statistical": True} if cfg.export.statistical else {}
        cm.write(path, dialect=d, **kw)
        files[d] = str(path)
    return {"files": files}, "done"


def _states_pattern(rows: int, cols: int) -> np.ndarray:
    """Checkerboard of P (0) and AP (1), the data pattern of the example netlists."""
    r, c = np.indices((rows, cols))
    return ((r + c) % 2).astype(np.int8)


def _array(cfg: FlowConfig, objs: dict):
    if "array" not in objs:
        _need("mramsim.circuit.graph", "Array1T1MTJ")
        objs["array"] = cfg.array.build(objs["compact"])
    return objs["array"]


def _stage_netlist(cfg: FlowConfig, out: Path, objs: dict):
    _need("mramsim.circuit.graph", "Array1T1MTJ")
    arr = _array(cfg, objs)
    row = cfg.array.read_row
    path = out / "netlists" / f"array_{arr.rows}x{arr.cols}_row{row}.cir"
    arr.write_netlist(path, selected_row=row, states=_states_pattern(arr.rows, arr.cols), dialect="ngspice",
                      v_read=cfg.read.v_read, temperature=cfg.read.temperature)
    return {"file": str(path), "rows": arr.rows, "cols": arr.cols, "selected_row": row,
            "pattern": "checkerboard"}, "done"


def spice_check(arr, *, selected_row, states, v_read, temperature, netlist_path) -> dict:
    """Cell currents of one read by the Python solver and by ngspice, on the same netlist.

    Writes the netlist to ``netlist_path`` (for the record) and runs
    :func:`mramsim.circuit.netlist.spice_cross_check` (ngspice's
    ``i(vcell<c>)`` against :func:`mramsim.array.solver.read_currents`).

    Returns
    -------
    dict
        ``i_solver_A``, ``i_ngspice_A`` per column [A], ``max_rel_error`` [-],
        ``netlist`` (path).
    """
    cross = _need("mramsim.array.crosscheck", "spice_cross_check")
    path = arr.write_netlist(netlist_path, selected_row=selected_row, states=states, dialect="ngspice",
                             v_read=v_read, temperature=temperature)
    d = cross(arr, selected_row=selected_row, states=states, v_read=v_read, temperature=temperature,
              workdir=Path(netlist_path).parent)
    return {"i_solver_A": np.asarray(d["i_solver"]).tolist(), "i_ngspice_A": np.asarray(d["i_ngspice"]).tolist(),
            "max_rel_error": float(d["max_rel_diff"]), "netlist": str(path)}


def _stage_spice_check(cfg: FlowConfig, out: Path, objs: dict):
    sc = cfg.spice_check
    if not sc.enabled:
        return {"enabled": False}, "skipped: spice_check.enabled = false"
    import shutil

    if shutil.which("ngspice") is None:
        return {"enabled": True}, "skipped: ngspice not found (apt-get install ngspice)"
    cm = objs["compact"]
    small = cfg.array.build(cm, rows=sc.rows, cols=sc.cols)
    row = sc.rows - 1
    folder = out / "spice_check"
    d = spice_check(small, selected_row=row, states=_states_pattern(sc.rows, sc.cols)[row], v_read=cfg.read.v_read,
                    temperature=cfg.read.temperature, netlist_path=folder / f"array_{sc.rows}x{sc.cols}.cir")
    err = d["max_rel_error"]
    d.update({"rows": sc.rows, "cols": sc.cols, "selected_row": row, "tolerance": sc.tolerance,
              "passed": bool(err <= sc.tolerance)})
    _write_json(folder / "spice_check.json", d)
    return d, "done"


def _margin_kwargs(read_margin, cfg: FlowConfig, checkpoint_dir: Path, executor, progress: bool, desc: str):
    import inspect

    params = inspect.signature(read_margin).parameters
    kw = {"executor": executor}
    extra = {"checkpoint_dir": checkpoint_dir, "progress": progress, "desc": desc}
    if cfg.montecarlo.block_size is not None:
        if "block_size" not in params:
            raise _Unavailable("read_margin(..., block_size=) (montecarlo.block_size is set)")
        extra["block_size"] = cfg.montecarlo.block_size
    for k, v in extra.items():
        if k in params:
            kw[k] = v
    if "checkpoint_dir" not in params:
        raise _Unavailable("read_margin(..., checkpoint_dir=) (needed to resume an interrupted Monte Carlo)")
    return kw


def _margin_numbers(res, array_bits: int) -> dict:
    """The deterministic numbers of a ReadMarginResult (no timings, no sample dumps)."""
    d = {}
    for k in ("ber", "ber_ci", "ber_p", "ber_ap", "method", "margin_sigma", "beta"):
        if hasattr(res, k):
            d[k] = getattr(res, k)
    inputs = getattr(res, "inputs", {}) or {}
    for k in ("seed", "n_samples", "selected_row"):
        if k in inputs:
            d[k] = inputs[k]
    mc = getattr(res, "mc", {}) or {}
    for st in ("p", "ap"):
        if hasattr(mc.get(st), "items"):   # typed StateMonteCarlo (item access) or a dict
            d[f"mc_{st}"] = {k: v for k, v in mc[st].items() if not isinstance(v, (list, dict, np.ndarray))}
    if hasattr(res, "yield_"):
        d["array_bits"] = array_bits
        d["yield"] = res.yield_(array_bits=array_bits)
    return d


def _mc_key(cfg: FlowConfig, sweep=None) -> str:
    """Checkpoint sub-folder of a Monte Carlo: a hash of everything its numbers depend on.

    A rerun of the same study finds its finished blocks; a study with other
    inputs (edited config, other mramsim code) gets a fresh folder instead of
    a checkpoint mismatch. The manifest inside still guards against mixing.
    """
    d = cfg.to_dict()
    parts = [d[k] for k in ("stack", "anneal", "device", "compact", "array", "variation", "read", "montecarlo")]
    return _hash("mc", parts, sweep, _version())


def _stage_margin(cfg: FlowConfig, out: Path, objs: dict, executor, progress: bool):
    read_margin = _need("mramsim.array.margin", "read_margin")
    arr = _array(cfg, objs)
    var = cfg.variation.build(objs["stack"], objs["anneal"])
    read = cfg.read.build()
    objs["variation"], objs["read"] = var, read
    folder = out / "margin"
    mc = cfg.montecarlo
    kw = _margin_kwargs(read_margin, cfg, folder / "checkpoints" / _mc_key(cfg), executor, progress, "read margin")
    res = read_margin(arr, var, read, n_samples=mc.n_samples, seed=mc.seed, **kw)
    objs["margin"] = res
    d = _margin_numbers(res, cfg.array.bits)
    if hasattr(res, "to_json"):
        res.to_json(folder / "read_margin.json")
    figs = []
    if hasattr(res, "plot"):
        try:
            p = res.plot()
            figs.append(_save_fig(p, folder / "fig_margin.png"))
        except _Unavailable:
            raise
        except Exception as exc:  # a figure never loses the numbers
            d["figure_error"] = f"{type(exc).__name__}: {exc}"
    d["figures"] = figs
    _write_json(folder / "summary.json", d)
    return d, "done"


def _stage_sweeps(cfg: FlowConfig, out: Path, objs: dict, executor, progress: bool):
    sw = cfg.sweeps
    if not (sw.v_read or sw.temperature or sw.anneal_temperature):
        return {}, "skipped: no [sweeps] values"
    read_margin = _need("mramsim.array.margin", "read_margin")
    arr, var, read = objs["array"], objs["variation"], objs["read"]
    mc = cfg.montecarlo
    folder = out / "sweeps"
    results = {}
    from . import report

    def point(name, i, a, v, r):
        ck = folder / "checkpoints" / _mc_key(cfg, sweep=(name, i, values_of[name][i], sw.n_samples))
        kw = _margin_kwargs(read_margin, cfg, ck, executor, False, "")
        res = read_margin(a, v, r, n_samples=sw.n_samples, seed=mc.seed, **kw)
        return _margin_numbers(res, cfg.array.bits)

    values_of = {"v_read": sw.v_read, "temperature": sw.temperature, "anneal_temperature": sw.anneal_temperature}
    todo = [("v_read", x) for x in sw.v_read] + [("temperature", x) for x in sw.temperature] + \
           [("anneal_temperature", x) for x in sw.anneal_temperature]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="sweeps", unit="point")
    try:
        for name, values in (("v_read", sw.v_read), ("temperature", sw.temperature),
                             ("anneal_temperature", sw.anneal_temperature)):
            if not values:
                continue
            pts = []
            for i, x in enumerate(values):
                if name == "v_read":
                    pts.append(point(name, i, arr, var, read.replace(v_read=x)))
                elif name == "temperature":
                    pts.append(point(name, i, arr, var, read.replace(temperature=x)))
                else:
                    a_i, v_i = _anneal_point(cfg, out, objs, x)
                    pts.append(point(name, i, a_i, v_i, read))
                if bar is not None:
                    bar.update(1)
            unit = {"v_read": "V", "temperature": "K", "anneal_temperature": "K"}[name]
            results[name] = {"values": list(values), "unit": unit, "points": pts}
            fig = _save_fig(report.plot_sweep(name, results[name]), folder / f"fig_{name}.png")
            results[name]["figure"] = fig
            _write_json(folder / f"{name}.json", results[name])
    finally:
        if bar is not None:
            bar.close()
    return results, "done"


def _anneal_point(cfg: FlowConfig, out: Path, objs: dict, t_anneal: float):
    """Array and variation after an anneal at ``t_anneal`` [K]: physics -> fit -> array (cached)."""
    from dataclasses import replace

    MTJDevice = _need("mramsim.physics.device", "MTJDevice")
    fit_compact = _need("mramsim.compact.fit", "fit_compact")
    base = cfg.anneal
    an_cfg = replace(base, temperature=t_anneal) if base is not None else None
    if an_cfg is None:
        from .config import AnnealConfig

        an_cfg = AnnealConfig(temperature=t_anneal)
    stack, anneal = objs["stack"], an_cfg.build()
    V, T = cfg.device.grid()
    folder = out / "sweeps" / "anneal_models" / f"Ta_{t_anneal - T0_CELSIUS:.1f}C"
    key = _hash("anneal-point", cfg.to_dict()["stack"], an_cfg, cfg.to_dict()["device"], _version())

    def compute():
        tab = MTJDevice(stack, anneal=anneal).rv_table(V=V, T=T)
        return fit_compact(tab, **_fit_kwargs(fit_compact, cfg))

    cm, _ = _cached(folder, key, compute)
    return cfg.array.build(cm), cfg.variation.build(stack, anneal)


# -- provenance -----------------------------------------------------------------------------------
def _version() -> str:
    """mramsim version plus a hash of the physics/compact source (cache keys follow code changes)."""
    from .._version import __version__

    if not _CODE_HASH:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parents[1]
        for sub in ("physics", "compact", "."):
            for f in sorted((root / sub).glob("*.py")):
                h.update(f.name.encode())
                h.update(f.read_bytes())
        _CODE_HASH.append(h.hexdigest()[:12])
    return f"{__version__}+{_CODE_HASH[0]}"


_CODE_HASH: list = []


def _git_commit() -> str | None:
    import subprocess

    try:
        here = Path(__file__).resolve().parent
        r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        return r.stdout.strip() or None if r.returncode == 0 else None
    except Exception:
        return None


def _provenance(cfg: FlowConfig, executor_name, times) -> dict:
    import platform
    from datetime import datetime, timezone

    import scipy

    return {
        "mramsim_version": _version().split("+")[0],
        "git_commit": _git_commit(),
        "config_file": cfg.source,
        "config_sha256": cfg.sha256,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "platform": platform.platform(),
        "finished_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "executor": str(executor_name),
        "stage_seconds": times,
    }


# -- the flow -----------------------------------------------------------------------------------------
def run_flow(config, out_dir, *, executor=None, progress=None, stages=None) -> FlowResult:
    """Run the whole device-to-array flow and write the report.

    Parameters
    ----------
    config : FlowConfig or str or Path
        A loaded config or the path of a TOML file.
    out_dir : str or Path
        Output folder (created). Re-running into the same folder reuses
        cached stages and finished Monte Carlo blocks.
    executor : str or object, optional
        Overrides ``[run] executor`` (``"serial"``, ``"processes"``,
        ``"dask"``, ``"tcp://..."``, a Dask Client or an Executor). The
        numbers do not depend on it.
    progress : bool, optional
        Overrides ``[run] progress`` (stage lines and tqdm bars on stderr).
    stages : iterable of str, optional
        Run only these of :data:`STAGES` (and what they need); the others
        are marked ``"skipped: not requested"``. The report is always written.

    Returns
    -------
    FlowResult
        Results, stage status and the Python objects of the run.
    """
    from ..parallel.executor import open_executor

    cfg = config if isinstance(config, FlowConfig) else load_config(config)
    wanted = set(STAGES) if stages is None else set(stages)
    bad = wanted - set(STAGES)
    if bad:
        from ..errors import UnknownNameError

        raise UnknownNameError("stages", sorted(bad)[0], STAGES)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if cfg.text:
        (out / "config.toml").write_text(cfg.text)
    progress = cfg.run.progress if progress is None else bool(progress)
    ex_name = cfg.run.executor if executor is None else executor
    log = _Log(progress)
    objs: dict = {}
    results: dict = {"name": cfg.run.name, "config": cfg.to_dict()}
    status: dict = {}
    needs = {"compact": "physics", "export": "compact", "netlist": "compact", "spice_check": "compact",
             "margin": "compact", "sweeps": "margin"}

    with open_executor(ex_name) as ex:
        plan = [
            ("physics", "R(V,T) table from the tunnelling physics", lambda: _stage_physics(cfg, out, objs)),
            ("compact", "fit the compact model", lambda: _stage_compact(cfg, out, objs)),
            ("export", "write model cards " + ", ".join(cfg.export.dialects), lambda: _stage_export(cfg, out, objs)),
            ("netlist", f"array netlist {cfg.array.rows}x{cfg.array.cols}", lambda: _stage_netlist(cfg, out, objs)),
            ("spice_check", f"solver vs ngspice on {cfg.spice_check.rows}x{cfg.spice_check.cols}",
             lambda: _stage_spice_check(cfg, out, objs)),
            ("margin", f"read-margin Monte Carlo, {cfg.montecarlo.n_samples} samples",
             lambda: _stage_margin(cfg, out, objs, ex, progress)),
            ("sweeps", "read margin vs bias / temperature / anneal", lambda: _stage_sweeps(cfg, out, objs, ex, progress)),
        ]
        needed = set(wanted)
        for name in reversed(STAGES):  # what the requested stages need
            if name in needed and name in needs:
                needed.add(needs[name])
        for i, (name, what, fn) in enumerate(plan, start=1):
            if name not in needed:
                status[name] = "skipped: not requested"
                continue
            t = log.stage(i, name, what)
            dep = needs.get(name)
            if dep is not None and status.get(dep) not in ("done", "cached"):
                status[name] = f"skipped: needs stage '{dep}'"
                log.done(name, t, status[name])
                continue
            try:
                res, st = fn()
            except _Unavailable as exc:
                res, st = {}, f"unavailable: {exc}"
            results[name] = res
            status[name] = st
            log.done(name, t, st)
            results["status"] = status
            _write_json(out / "results.json", {**results, "provenance": _provenance(cfg, ex_name, log.times)})

    t = log.stage(len(STAGES), "report", "report.md and results.json")
    from . import report

    results["status"] = status
    status["report"] = "done"
    final = {**results, "provenance": _provenance(cfg, ex_name, log.times)}
    _write_json(out / "results.json", final)
    report.write_report(out / "report.md", final, cfg)
    log.done("report", t, "done", str(out / "report.md"))
    return FlowResult(out_dir=out, results=final, status=status, objects=objs)
