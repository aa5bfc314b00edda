"""The whole device-to-array flow: one config, one call, one report.

``run_flow(config, out_dir)`` runs the stages of :mod:`mramsim.run.stages` in
order (physics, compact, export, netlist, spice_check, margin, sweeps,
report), writing each stage's outputs as soon as it finishes and
``results.json`` after every stage. One executor is opened for the whole run
and every Monte Carlo (the margin and each sweep point) runs on it. Monte
Carlo blocks are checkpointed and the physics tables cached (JSON, keyed by a
hash of their inputs and of the package source), so an interrupted run
resumes where it stopped. Every number in ``results.json`` (outside
``provenance``) is a function of the config alone, whatever the executor.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnknownNameError
from ..parallel.executor import folder_lock, open_executor
from . import stages as st
from .config import FlowConfig, load_config
from .provenance import provenance
from .report import write_report

__all__ = ["run_flow", "FlowResult", "spice_check", "STAGES"]

STAGES = st.STAGES
spice_check = st.spice_check


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
        Stage -> ``"done"``, ``"cached"`` or ``"skipped: <why>"``.
    objects : dict
        Python objects of the run (``stack``, ``anneal``, ``rv_table``, ``compact``, ``array``,
        ``variation``, ``read``, ``margin``) for interactive use; not serialised.
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

    def to_json(self, path=None) -> str:
        """JSON text of ``out_dir``, ``status`` and ``results`` (written to ``path`` if given)."""
        from ..parallel.jsonio import to_jsonable

        text = json.dumps(to_jsonable({"out_dir": self.out_dir, "status": self.status, "results": self.results}),
                          indent=1)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "FlowResult":
        """A result written by :meth:`to_json` (a path, or the JSON text); ``objects`` is empty."""
        s = str(path_or_text)
        d = json.loads(s if s.lstrip().startswith("{") else Path(s).read_text(encoding="utf-8"))
        return cls(out_dir=Path(d["out_dir"]), results=d["results"], status=d["status"])


class _Log:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.times: dict = {}

    def stage(self, i: int, name: str, what: str) -> float:
        if self.enabled:
            print(f"[{i}/{len(STAGES)}] {name}: {what}", file=sys.stderr, flush=True)
        return time.perf_counter()

    def done(self, name: str, t: float, status: str, extra: str = ""):
        dt = time.perf_counter() - t
        self.times[name] = round(dt, 3)
        if self.enabled:
            print(f"      {status} in {dt:.1f} s{(' -- ' + extra) if extra else ''}", file=sys.stderr, flush=True)


def run_flow(config, out_dir, *, executor=None, progress=None, stages=None) -> FlowResult:
    """Run the whole device-to-array flow and write the report.

    Parameters
    ----------
    config : FlowConfig or str or Path
        A loaded config or the path of a TOML file.
    out_dir : str or Path
        Output folder (created). Re-running into the same folder reuses
        cached tables and finished Monte Carlo blocks.
    executor : str or object, optional
        Overrides ``[run] executor`` (``"serial"``, ``"processes"``, ``"dask"``,
        ``"tcp://..."``, a Dask Client or an Executor); opened once for the run.
        The numbers do not depend on it.
    progress : bool, optional
        Overrides ``[run] progress`` (stage lines and tqdm bars on stderr).
    stages : iterable of str, optional
        Run only these of :data:`STAGES` (and what they need); the others are
        marked ``"skipped: not requested"``. The report is always written.
    """
    cfg = config if isinstance(config, FlowConfig) else load_config(config)
    wanted = set(STAGES) if stages is None else set(stages)
    if wanted - set(STAGES):
        raise UnknownNameError("stages", sorted(wanted - set(STAGES))[0], STAGES)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out):  # one run per output folder: a second one stops at once, naming the folder
        return _run_locked(cfg, out, wanted, executor, progress)


def _run_locked(cfg: FlowConfig, out: Path, wanted: set, executor, progress) -> "FlowResult":
    """The body of :func:`run_flow`, with the output folder locked."""
    if cfg.text:
        (out / "config.toml").write_text(cfg.text, encoding="utf-8")
    progress = cfg.run.progress if progress is None else bool(progress)
    ex_name = cfg.run.executor if executor is None else executor
    log = _Log(progress)
    objs: dict = {}
    results: dict = {"name": cfg.run.name, "config": cfg.to_dict()}
    status: dict = {}
    needed = set(wanted)
    for name in reversed(STAGES):  # what the requested stages need
        if name in needed and name in st.NEEDS:
            needed.add(st.NEEDS[name])

    with open_executor(ex_name) as ex:
        plan = [
            ("physics", "R(V,T) table from the tunnelling physics", lambda: st.physics(cfg, out, objs)),
            ("compact", "fit the compact model", lambda: st.compact(cfg, out, objs)),
            ("export", "write model cards " + ", ".join(cfg.export.dialects), lambda: st.export(cfg, out, objs)),
            ("netlist", f"array netlist {cfg.array.rows}x{cfg.array.cols}", lambda: st.netlist(cfg, out, objs)),
            ("spice_check", f"solver vs ngspice on {cfg.spice_check.rows}x{cfg.spice_check.cols}",
             lambda: st.spice_check_stage(cfg, out, objs)),
            ("margin", f"read-margin Monte Carlo, {cfg.montecarlo.n_samples} samples",
             lambda: st.margin(cfg, out, objs, ex, progress)),
            ("sweeps", "read margin vs bias / temperature / anneal", lambda: st.sweeps(cfg, out, objs, ex, progress)),
        ]
        for i, (name, what, fn) in enumerate(plan, start=1):
            if name not in needed:
                status[name] = "skipped: not requested"
                continue
            t = log.stage(i, name, what)
            dep = st.NEEDS.get(name)
            if dep is not None and status.get(dep) not in ("done", "cached"):
                status[name] = f"skipped: needs stage '{dep}'"
                log.done(name, t, status[name])
                continue
            results[name], status[name] = fn()
            log.done(name, t, status[name])
            results["status"] = status
            st.write_json(out / "results.json", {**results, "provenance": provenance(cfg, ex_name, log.times)})

    t = log.stage(len(STAGES), "report", "report.md and results.json")
    results["status"] = status
    status["report"] = "done"
    final = {**results, "provenance": provenance(cfg, ex_name, log.times)}
    st.write_json(out / "results.json", final)
    write_report(out / "report.md", final, cfg)
    log.done("report", t, "done", str(out / "report.md"))
    return FlowResult(out_dir=out, results=final, status=status, objects=objs)
