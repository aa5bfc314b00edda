"""The flow's stages: each takes the config, the output folder and the run's objects,
writes its files and returns ``(numbers for results.json, status)``."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np

from ..array.crosscheck import spice_cross_check
from ..array.margin import read_margin
from ..circuit.netlist import checkerboard
from ..compact.export import filename
from ..constants import T0_CELSIUS, T_NOM, UM2
from ..parallel.jsonio import atomic_write_bytes, to_jsonable
from ..physics.rvtable import RVTable
from . import build
from .cache import cached, input_key
from .config import FlowConfig
from .provenance import code_version
from ..plotting.report import plot_fit, plot_rv, plot_sweep, plot_tmr

__all__ = ["STAGES", "NEEDS", "write_json", "spice_check", "physics", "compact", "export", "netlist",
           "spice_check_stage", "margin", "sweeps"]

#: Stages in the order they run.
STAGES = ("physics", "compact", "export", "netlist", "spice_check", "margin", "sweeps", "report")
#: The stage each stage needs.
NEEDS = {"compact": "physics", "export": "compact", "netlist": "compact", "spice_check": "compact",
         "margin": "compact", "sweeps": "margin"}


def write_json(path: Path, data) -> Path:
    """``data`` as indented JSON at ``path`` (atomic)."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_bytes(path, (json.dumps(to_jsonable(data), indent=1) + "\n").encode())


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


def _nearest(arr, x) -> int:
    return int(np.argmin(np.abs(np.asarray(arr) - x)))


def _measurement_sha256(cfg: FlowConfig):
    """SHA-256 of the [stack] measurement file's bytes (path as :func:`build.measured_table`
    resolves it), or None without one or when it cannot be read (the build then names the error)."""
    import hashlib

    if not cfg.stack.measurement:
        return None
    path = Path(cfg.stack.measurement)
    if not path.is_absolute() and cfg.source:
        path = Path(cfg.source).parent / path
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _table(cfg: FlowConfig, folder: Path, anneal_temperature=None):
    """The R(V,T) table of the config (cached as JSON in ``folder``) and whether it was cached.

    The key holds the config and, with [stack] measurement, the file's SHA-256, so an
    edited measurement file recomputes the table."""
    d = cfg.to_dict()
    parts = ("physics", d["stack"], d["anneal"], anneal_temperature, d["device"], code_version())
    sha = _measurement_sha256(cfg)
    key = input_key(*parts) if sha is None else input_key(*parts, {"measurement_sha256": sha})
    return cached(folder, key, lambda: build.build_table(cfg, build.build_device(cfg, anneal_temperature)),
                  RVTable.to_dict, RVTable.from_dict)


def physics(cfg: FlowConfig, out: Path, objs: dict):
    """R(V,T) table from the tunnelling physics, its figures and key numbers."""
    objs["stack"], objs["anneal"] = build.build_stack(cfg.stack), build.build_anneal(cfg.anneal)
    folder = out / "device"
    tab, hit = _table(cfg, folder)
    objs["rv_table"] = tab
    write_json(folder / "rv_table.json", tab.to_dict())
    tab.to_csv(folder / "rv_table.csv")
    iv0, it = _nearest(tab.V, 0.0), _nearest(tab.T, T_NOM)
    ivr, itr = _nearest(tab.V, cfg.read.v_read), _nearest(tab.T, cfg.read.temperature)
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
        "figures": [_save_fig(plot_rv(tab), folder / "fig_rv.png"), _save_fig(plot_tmr(tab), folder / "fig_tmr.png")],
    }
    res["half_tmr_bias"] = _physics_vh(cfg)
    write_json(folder / "summary.json", res)
    return res, ("cached" if hit else "done")


def _physics_vh(cfg: FlowConfig) -> dict | None:
    """The physics' half-TMR biases V_h+ / V_h- [V] at T_NOM (the fit's t_nom), for the report's
    comparison with the card; None when the table comes from a measurement file (inf -> None)."""
    if cfg.stack.measurement:
        return None
    dev = build.build_device(cfg)
    out = {"t_K": float(T_NOM)}
    for key, pol in (("vh_pos_V", 1), ("vh_neg_V", -1)):
        v = dev.half_tmr_bias(T_NOM, polarity=pol)
        out[key] = float(v) if np.isfinite(v) else None
    return out


def _fit_summary(cm) -> dict:
    out = dict(cm.fit_report.to_dict())
    out["parameters"] = {f.name: getattr(cm, f.name) for f in dataclasses.fields(cm)
                         if isinstance(getattr(cm, f.name), (int, float, np.floating))
                         and not isinstance(getattr(cm, f.name), bool)}
    for k in [k for k in out if "time" in k and isinstance(out[k], float)]:  # wall-clock, not a result
        out.pop(k)
    out["worst_correlation"] = list(cm.fit_report.worst_correlation)
    return out


def _compact_data(cm) -> dict:
    return to_jsonable(cm)


def _compact_from_data(d: dict):
    from ..compact.fit import FitReport
    from ..compact.model import CompactMTJ

    d = dict(d)
    fr = dict(d.pop("fit_report"))
    fr["window_t"] = tuple(fr["window_t"])
    return CompactMTJ(**d, fit_report=FitReport(**fr))


def _fit(cfg: FlowConfig, tab, folder: Path):
    """The compact model fitted to ``tab`` (cached as JSON in ``folder``) and whether it was cached."""
    key = input_key("compact", tab.to_dict(), cfg.to_dict()["compact"], build.fit_options(cfg), code_version())
    return cached(folder, key, lambda: build.build_compact(cfg, tab), _compact_data, _compact_from_data)


def compact(cfg: FlowConfig, out: Path, objs: dict):
    """Fit the compact model to the table (cached); the fit report and its figure."""
    tab = objs["rv_table"]
    cm, hit = _fit(cfg, tab, out / "compact")
    objs["compact"] = cm
    res = _fit_summary(cm)
    err = res.get("max_rel_error")
    res["target_max_rel_error"] = cfg.compact.max_rel_error
    res["meets_target"] = None if err is None else bool(float(err) <= cfg.compact.max_rel_error)
    res["figures"] = [_save_fig(plot_fit(tab, cm), out / "compact" / "fig_fit.png")]
    write_json(out / "compact" / "fit_report.json", res)
    return res, ("cached" if hit else "done")


def export(cfg: FlowConfig, out: Path, objs: dict):
    """Model cards in every configured dialect (``<name><FILE_SUFFIX>``)."""
    cm = objs["compact"]
    files = {}
    for d in cfg.export.dialects:
        path = out / "compact" / filename(cm.name, d)
        cm.write(path, dialect=d, **({"statistical": True} if cfg.export.statistical else {}))
        files[d] = str(path)
    return {"files": files}, "done"


def _array(cfg: FlowConfig, objs: dict):
    if "array" not in objs:
        objs["array"] = build.build_array(cfg, objs["compact"])
    return objs["array"]


def netlist(cfg: FlowConfig, out: Path, objs: dict):
    """The array netlist of one read of the far (or selected) row, checkerboard data."""
    arr = _array(cfg, objs)
    row = cfg.array.read_row
    path = out / "netlists" / f"array_{arr.rows}x{arr.cols}_row{row}.cir"
    arr.write_netlist(path, selected_row=row, states=checkerboard(arr.rows, arr.cols), dialect="ngspice",
                      v_read=cfg.read.v_read, temperature=cfg.read.temperature)
    return {"file": str(path), "rows": arr.rows, "cols": arr.cols, "selected_row": row,
            "pattern": "checkerboard"}, "done"


def spice_check(arr, *, selected_row, states, v_read, temperature, netlist_path) -> dict:
    """Cell currents of one read by the Python solver and by ngspice, on the same netlist
    (written to ``netlist_path`` for the record): ``i_solver_A``, ``i_ngspice_A`` [A],
    ``max_rel_error`` [-], ``netlist``."""
    path = arr.write_netlist(netlist_path, selected_row=selected_row, states=states, dialect="ngspice",
                             v_read=v_read, temperature=temperature)
    r = spice_cross_check(arr, selected_row=selected_row, states=states, v_read=v_read, temperature=temperature,
                          workdir=Path(netlist_path).parent)
    return {"i_solver_A": np.asarray(r.i_solver).tolist(), "i_ngspice_A": np.asarray(r.i_ngspice).tolist(),
            "max_rel_error": float(r.max_rel_diff), "netlist": str(path)}


def spice_check_stage(cfg: FlowConfig, out: Path, objs: dict):
    """A small array solved by the solver and by ngspice, cell currents compared."""
    sc = cfg.spice_check
    if not sc.enabled:
        return {"enabled": False}, "skipped: spice_check.enabled = false"
    if shutil.which("ngspice") is None:
        return {"enabled": True}, "skipped: ngspice not found (apt-get install ngspice)"
    small = build.build_array(cfg, objs["compact"], rows=sc.rows, cols=sc.cols)
    row = sc.rows - 1
    d = spice_check(small, selected_row=row, states=checkerboard(sc.rows, sc.cols)[row], v_read=cfg.read.v_read,
                    temperature=cfg.read.temperature,
                    netlist_path=out / "spice_check" / f"array_{sc.rows}x{sc.cols}.cir")
    d.update({"rows": sc.rows, "cols": sc.cols, "selected_row": row, "tolerance": sc.tolerance,
              "passed": bool(d["max_rel_error"] <= sc.tolerance)})
    write_json(out / "spice_check" / "spice_check.json", d)
    return d, "done"


def _margin_numbers(res, array_bits: int) -> dict:
    """The deterministic numbers of a ReadMarginResult (no timings, no sample dumps)."""
    d = {k: getattr(res, k) for k in ("ber", "ber_ci", "ber_p", "ber_ap", "method", "margin_sigma", "beta",
                                      "margin_mean_over_std", "array_ber")}
    if res.rows is not None:
        d["rows"] = {k: getattr(res.rows, k) for k in ("rows", "ber_form", "array_ber_form", "worst_row",
                                                       "worst_row_ber_form")}
    if res.disagreements:
        d["disagreements"] = res.disagreements
    d.update({k: res.inputs[k] for k in ("seed", "n_samples", "selected_row") if k in res.inputs})
    if res.mc is not None:
        for st in ("p", "ap"):
            one = getattr(res.mc, st)
            d[f"mc_{st}"] = {k: getattr(one, k) for k in ("fails", "p", "ci", "mean", "std")}
    d["array_bits"] = array_bits
    d["yield"] = res.yield_(array_bits=array_bits)
    return d


def _mc_key(cfg: FlowConfig, sweep=None) -> str:
    """Checkpoint sub-folder of a Monte Carlo: a hash of everything its numbers depend on."""
    d = cfg.to_dict()
    parts = [d[k] for k in ("stack", "anneal", "device", "compact", "array", "variation", "read", "montecarlo")]
    return input_key("mc", parts, sweep, code_version())


def _run_margin(cfg, arr, var, read, n_samples, checkpoint_dir, executor, progress, desc):
    kw = {} if cfg.montecarlo.block_size is None else {"block_size": cfg.montecarlo.block_size}
    return read_margin(arr, var, read, n_samples=n_samples, seed=cfg.montecarlo.seed, executor=executor,
                       checkpoint_dir=checkpoint_dir, progress=progress, **kw)


def margin(cfg: FlowConfig, out: Path, objs: dict, executor, progress: bool):
    """The read-margin Monte Carlo on the open ``executor`` (checkpointed), BER, margin, yield."""
    arr = _array(cfg, objs)
    var = objs["variation"] = build.build_variation(cfg, objs["stack"], objs["anneal"])
    read = objs["read"] = build.build_read(cfg)
    folder = out / "margin"
    res = _run_margin(cfg, arr, var, read, cfg.montecarlo.n_samples, folder / "checkpoints" / _mc_key(cfg),
                      executor, progress, "read margin")
    objs["margin"] = res
    d = _margin_numbers(res, cfg.array.bits)
    res.to_json(folder / "read_margin.json")
    d["figures"] = [_save_fig(res.plot(), folder / "fig_margin.png")]
    yres = None
    if cfg.yield_.enabled:
        yres = _die_yield(cfg, arr, var, read)
        yres.to_json(folder / "die_yield.json")
        d["die_yield"] = {"n_bits": yres.n_bits, "ber": yres.ber, "integration": yres.integration,
                          "sharing": yres.sharing, "seconds": yres.seconds,
                          "codes": [dataclasses.asdict(c) for c in yres.codes]}
    if cfg.write.enabled:
        d["budget"] = _error_budget(cfg, arr, var, read, folder)
    if res.rows is not None:
        from ..plotting.margin import plot_row_ber

        d["rows"]["figure"] = _save_fig(plot_row_ber(res, yield_result=yres), folder / "fig_row_ber.png")
    write_json(folder / "summary.json", d)
    return d, "done"


def _die_yield(cfg: FlowConfig, arr, var, read):
    """Die yield of the macro's ``array.bits`` bits with the ``[yield]`` codes (:func:`read_yield`)."""
    from ..array.yield_ import Sharing, read_yield

    y = cfg.yield_
    return read_yield(arr, var, read, cfg.array.bits, ecc=tuple(y.ecc), k=y.k,
                      sharing=Sharing(cols_per_sa=y.cols_per_sa, cols_per_ref=y.cols_per_ref), n_dies=y.n_dies,
                      n_quad=y.n_quad, n_lines=y.n_lines, grid=(8.0, y.grid_points), max_rows=y.max_rows,
                      seed=cfg.montecarlo.seed)


def _error_budget(cfg: FlowConfig, arr, var, read, folder: Path) -> dict:
    """The ``[write]`` error budget (:func:`error_budget`) of the configured array: ``budget.json``, a
    shmoo figure per temperature, the best corner (smallest total per-bit probability) with its parts and
    yields, and the dominant mechanism of every (T, V_write, pulse) corner at that corner's best V_read.

    The write path is the read array's far column end (``rows - 1``: the longest BL/SL path), its access
    transistor, word-line voltage and wire resistances; the write variation takes the read variation's
    RA, TMR and V_th sigmas (``WriteVariation`` defaults for Delta and I_c0)."""
    from ..array.budget import MECHANISMS, error_budget
    from ..array.write import WriteCircuit, WriteVariation
    from ..plotting.margin import plot_budget_shmoo

    w = cfg.write
    layer = build.build_free_layer(cfg, build.build_stack(cfg.stack))
    circuit = WriteCircuit(rows=arr.rows, row=arr.rows - 1, r_bl=arr.wires.r_bl, r_sl=arr.wires.r_sl,
                           nmos=arr.access, v_wl=arr.v_wl)
    wvar = WriteVariation(sigma_ra=var.ra_sigma, sigma_tmr=var.tmr_sigma, sigma_vth=var.vth_sigma,
                          sigma_ra_die=var.ra_die_sigma)
    b = error_budget(arr, var, read, layer, v_read=w.v_read, v_write=w.v_write, pulse_width=w.pulse_width,
                     temperature=w.temperature or (read.temperature,), retention_time=w.retention_time,
                     n_reads=w.n_reads, n_bits=cfg.array.bits, ecc=w.ecc, n_write=w.n_write,
                     seed=cfg.montecarlo.seed, circuit=circuit, write_variation=wvar)
    b.to_json(folder / "budget.json")
    parts = MECHANISMS + ("total", "yield_raw", "yield_ecc")

    def corner(i):
        c = {a: float(getattr(b, a)[j]) for a, j in zip(b.AXES, i)}
        c.update({m: float(getattr(b, m)[i]) for m in parts})
        c["dominant"] = MECHANISMS[int(b.dominant[i])]
        return c

    best = corner(np.unravel_index(int(np.argmin(b.total)), b.shape))
    ir = np.argmin(b.total, axis=0)            # best V_read of every (V_write, pulse, T)
    corners = [corner((int(ir[iw, ip, it]), iw, ip, it)) for it in range(b.shape[3])
               for iw in range(b.shape[1]) for ip in range(b.shape[2])]
    counts = {m: int(np.sum(b.dominant == j)) for j, m in enumerate(MECHANISMS)}
    figs = []
    if b.shape[1] > 1 or b.shape[2] > 1:       # V_write x pulse at the best V_read, per temperature
        for it, T in enumerate(b.temperature):
            iv = int(np.argmin(b.total[..., it].min(axis=(1, 2))))
            ax = plot_budget_shmoo(b, x="v_write", y="pulse_width", index={"v_read": iv, "temperature": it})
            figs.append(_save_fig(ax, folder / f"fig_budget_shmoo_{T - T0_CELSIUS:.0f}C.png"))
    else:
        figs.append(_save_fig(plot_budget_shmoo(b), folder / "fig_budget_shmoo.png"))
    return {"shape": list(b.shape), "ecc": b.ecc["name"], "n_bits": b.n_bits, "retention_time": b.retention_time,
            "best": best, "corners": corners, "dominant_counts": counts, "figures": figs}


_UNITS = {"v_read": "V", "temperature": "K", "anneal_temperature": "K"}


def sweeps(cfg: FlowConfig, out: Path, objs: dict, executor, progress: bool):
    """Read margin vs read bias, temperature and anneal temperature, every point on the open ``executor``."""
    sw = cfg.sweeps
    todo = [(name, getattr(sw, name)) for name in _UNITS if getattr(sw, name)]
    if not todo:
        return {}, "skipped: no [sweeps] values"
    arr, var, read = objs["array"], objs["variation"], objs["read"]
    folder = out / "sweeps"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=sum(len(v) for _, v in todo), desc="sweeps", unit="point")
    results = {}
    try:
        for name, values in todo:
            pts = []
            for i, x in enumerate(values):
                a, v, r = arr, var, read
                if name == "anneal_temperature":
                    a, v = _anneal_point(cfg, out, objs, x)
                else:
                    r = read.replace(**{name: x})
                ck = folder / "checkpoints" / _mc_key(cfg, sweep=(name, i, x, sw.n_samples))
                res = _run_margin(cfg, a, v, r, sw.n_samples, ck, executor, False, "")
                pts.append(_margin_numbers(res, cfg.array.bits))
                if bar is not None:
                    bar.update(1)
            results[name] = {"values": list(values), "unit": _UNITS[name], "points": pts}
            results[name]["figure"] = _save_fig(plot_sweep(name, results[name]), folder / f"fig_{name}.png")
            write_json(folder / f"{name}.json", results[name])
    finally:
        if bar is not None:
            bar.close()
    return results, "done"


def _anneal_point(cfg: FlowConfig, out: Path, objs: dict, t_anneal: float):
    """Array and variation after an anneal at ``t_anneal`` [K]: physics (cached) -> fit -> array."""
    folder = out / "sweeps" / "anneal_models" / f"Ta_{t_anneal - T0_CELSIUS:.1f}C"
    tab, _ = _table(cfg, folder / "table", anneal_temperature=t_anneal)
    cm, _ = _fit(cfg, tab, folder)
    anneal = build.build_device(cfg, t_anneal).anneal
    return build.build_array(cfg, cm), build.build_variation(cfg, objs["stack"], anneal)
