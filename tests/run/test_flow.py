"""run_flow: same numbers on every executor; a killed run resumes to the uninterrupted result."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mramsim.array.budget import ErrorBudget
from mramsim.run.config import parse_config
from mramsim.run.flow import run_flow

# A small study: 16 x 16 array, Monte Carlo blocks of 256 rows of 16 cells, coarse R(V,T) grid.
SMALL = """\
[run]
name = "small flow test"
executor = "serial"
progress = false

[stack]
preset = "cofeb_mgo"
diameter_nm = 60

[anneal]
temperature_C = 400
time_s = 3600
cap = "Ta"

[device]
n_v = 21
n_t = 3

[export]
dialects = ["ngspice", "verilog-a"]

[array]
rows = 16
cols = 16
array_bits = 65536

[variation]
ra_sigma = 0.05
cd_sigma_nm = 2.0
tmr_sigma = 0.05
vth_sigma_V = 0.02

[read]
v_read_V = 0.1
temperature_C = 85
sa_offset_sigma_V = 0.01

[montecarlo]
n_samples = {n_samples}
seed = 5
block_size = 256

[sweeps]
v_read_V = {sweep}
n_samples = 1024

[spice_check]
enabled = {spice}
rows = 4
cols = 4
"""


def _config(tmp_path, n_samples=2048, sweep="[0.05, 0.15]", spice="false"):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(n_samples=n_samples, sweep=sweep, spice=spice))
    return path


def _numbers(results: dict) -> dict:
    """results.json without provenance (times, executor, date), stage status (done/cached) and file paths."""
    d = {k: v for k, v in results.items() if k not in ("provenance", "status")}

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("figures", "figure", "file", "files", "netlist")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    return strip(d)


def test_flow_writes_every_stage_and_a_consistent_report(tmp_path, ngspice):
    cfg = _config(tmp_path, spice="true")
    out = tmp_path / "out"
    res = run_flow(cfg, out)
    assert res.complete, res.status
    assert all(res.status[s] == "done" for s in ("physics", "compact", "export", "netlist", "spice_check", "margin"))
    on_disk = json.loads((out / "results.json").read_text())
    assert _numbers(on_disk) == _numbers(json.loads(json.dumps(res.results)))
    for f in ("device/rv_table.json", "device/rv_table.csv", "compact/fit_report.json", "margin/read_margin.json",
              "compact/mtj.ngspice.lib", "compact/mtj.va", "sweeps/v_read.json", "config.toml"):
        assert (out / f).is_file(), f
    assert len(list((out / "netlists").glob("array_16x16_row15.cir"))) == 1
    # the solver and ngspice agree on the small array (the array layer's target is < 0.1 %)
    assert res.results["spice_check"]["max_rel_error"] < 1e-3
    mg = res.results["margin"]
    assert 0.0 <= mg["ber_ci"][0] <= mg["ber"] <= mg["ber_ci"][1] <= 1.0
    report = (out / "report.md").read_text()
    assert f"{mg['ber']:.4g}" in report
    assert "figure_error" not in mg and len(mg["figures"]) == 1
    figs = mg["figures"] + res.results["physics"]["figures"] + res.results["compact"]["figures"]
    figs += [res.results["sweeps"]["v_read"]["figure"]]
    for fig in figs:
        assert Path(fig).is_file() and Path(fig).stat().st_size > 1000
        assert Path(fig).relative_to(out).as_posix() in report
    # a rerun reuses the cached physics and fit and every Monte Carlo block: same numbers
    again = run_flow(cfg, out)
    assert again.status["physics"] == "cached" and again.status["compact"] == "cached"
    assert _numbers(again.results) == _numbers(res.results)


@pytest.mark.slow  # ~7 s: a process pool and a 2-worker LocalCluster start up
def test_processes_and_dask_give_identical_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    cfg = _config(tmp_path, n_samples=1536, sweep="[0.15]")
    a = run_flow(cfg, tmp_path / "proc", executor="processes")
    # reuse the deterministic physics and fit (their caches are keyed by their inputs): only the executor differs
    import shutil

    for stage in ("device", "compact"):
        (tmp_path / "dask" / stage).mkdir(parents=True)
        shutil.copy(tmp_path / "proc" / stage / ".cache.json", tmp_path / "dask" / stage / ".cache.json")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as lc, distributed.Client(lc) as client:
        b = run_flow(cfg, tmp_path / "dask", executor=client)
    assert a.complete and b.complete
    na, nb = _numbers(a.results), _numbers(b.results)
    assert na["margin"]["n_samples"] == 1536
    assert na == nb  # bit-identical numbers, not approximately equal
    assert a.results["provenance"]["executor"] != b.results["provenance"]["executor"]


def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path):
    # 40 blocks of 256 rows in the Monte Carlo stage; the child is killed after a few are on disk
    cfg = _config(tmp_path, n_samples=40 * 256, sweep="[]")
    out = tmp_path / "killed"
    ck_root = out / "margin" / "checkpoints"
    proc = subprocess.Popen([sys.executable, "-m", "mramsim.cli", "run", str(cfg), "--out", str(out), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list(ck_root.glob("*/block_*.npz"))) < 3:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    (ck,) = ck_root.iterdir()  # one Monte Carlo, one checkpoint folder
    before = {p.name: p.stat().st_mtime_ns for p in ck.glob("block_*.npz")}
    assert 3 <= len(before) < 40, "the kill did not land in the middle of the Monte Carlo"
    assert not (out / "margin" / "read_margin.json").exists()

    resumed = run_flow(cfg, out)
    assert [p.name for p in ck_root.iterdir()] == [ck.name]  # the rerun found the same folder
    after = {p.name: p.stat().st_mtime_ns for p in ck.glob("block_*.npz")}
    assert len(after) == 40
    assert all(after[name] == t for name, t in before.items())  # finished blocks were not recomputed
    fresh = run_flow(cfg, tmp_path / "fresh")
    assert resumed.complete and fresh.complete
    assert _numbers(resumed.results) == _numbers(fresh.results)


def test_config_object_and_stage_selection(tmp_path):
    cfg = parse_config(_config(tmp_path).read_text())
    res = run_flow(cfg, tmp_path / "out", stages=["compact"])
    assert res.status["physics"] == "done" and res.status["compact"] == "done"
    assert res.status["margin"] == "skipped: not requested"
    assert "margin" not in res.results
    from mramsim.errors import UnknownNameError

    with pytest.raises(UnknownNameError):
        run_flow(cfg, tmp_path / "out", stages=["physic"])


def test_cli_run_reports_config_errors_with_line(tmp_path, capsys):
    from mramsim.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text(_config(tmp_path).read_text().replace("ra_sigma = 0.05", "ra_sigma = -0.05"))
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    line = next(i for i, l in enumerate(bad.read_text().splitlines(), 1) if l.startswith("ra_sigma"))
    assert f"bad.toml:{line}" in err and "variation.ra_sigma" in err


def test_cli_margin_runs_margin_and_sweeps_only(tmp_path, capsys):
    from mramsim.cli import main

    cfg = _config(tmp_path, n_samples=512, sweep="[0.15]\nanneal_temperature_C = [350]")
    out = tmp_path / "m"
    assert main(["margin", "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    res = json.loads((out / "results.json").read_text())
    assert res["status"]["margin"] == "done" and res["status"]["sweeps"] == "done"
    assert res["status"]["export"] == "skipped: not requested"
    assert f"BER {res['margin']['ber']:.3g}" in printed
    # the anneal sweep re-ran physics and fit at 350 C: a smaller TMR than the 400 C model, a larger BER
    (pt,) = res["sweeps"]["anneal_temperature"]["points"]
    assert pt["ber"] > res["margin"]["ber"]
    assert (out / "sweeps" / "anneal_models" / "Ta_350.0C" / ".cache.json").is_file()
    assert not (out / "compact" / "mtj.ngspice.lib").exists()


def test_edited_config_rerun_into_same_folder_starts_a_fresh_monte_carlo(tmp_path):
    cfg = _config(tmp_path, n_samples=512, sweep="[]")
    out = tmp_path / "o"
    first = run_flow(cfg, out, stages=["margin"])
    cfg.write_text(cfg.read_text().replace("v_read_V = 0.1\n", "v_read_V = 0.12\n"))
    second = run_flow(cfg, out, stages=["margin"])
    assert len(list((out / "margin" / "checkpoints").iterdir())) == 2
    assert first.results["margin"]["ber"] != second.results["margin"]["ber"]


WRITE = """
[write]
enabled = true
v_read_V = [0.1, 0.2]
v_write_V = [0.9, 1.3]
pulse_width_s = [10e-9, 50e-9]
temperature_C = [25, 125]
n_write = 50
"""


def test_flow_budget_uses_the_array_and_reports_every_corner(tmp_path):
    text = SMALL.format(n_samples=256, sweep="[]", spice="false") + WRITE
    res = run_flow(parse_config(text), tmp_path / "out", stages=["margin", "report"])
    assert res.status["margin"] == "done", res.status
    bud = res.results["margin"]["budget"]
    assert bud["shape"] == [2, 2, 2, 2]
    b = ErrorBudget.from_json(tmp_path / "out" / "margin" / "budget.json")
    # the write path is the configured array's column, not WriteCircuit's defaults (256 rows, 2 ohm)
    circ = b.inputs["circuit"]
    assert circ["rows"] == 16 and circ["row"] == 15 and circ["r_bl"] == 1.0 and circ["r_sl"] == 1.0
    assert b.inputs["write_variation"]["sigma_ra"] == 0.05 and b.inputs["write_variation"]["sigma_tmr"] == 0.05
    # the best corner is the smallest total, and every (V_write, pulse, T) corner is listed at its best V_read
    assert bud["best"]["total"] == float(np.min(b.total))
    assert len(bud["corners"]) == 8
    for c in bud["corners"]:
        iw, ip, it = (int(np.argmin(abs(getattr(b, a) - c[a]))) for a in ("v_write", "pulse_width", "temperature"))
        assert c["total"] == float(np.min(b.total[:, iw, ip, it]))
        assert c["dominant"] in ("misread", "disturb", "write", "retention")
        assert c[c["dominant"]] == max(c[m] for m in ("misread", "disturb", "write", "retention"))
    # physics the budget must show: longer and stronger pulses write better; heat loses data
    assert np.all(b.write[:, :, 1, :] <= b.write[:, :, 0, :]) and np.all(b.write[:, 1] <= b.write[:, 0])
    assert np.all(b.retention[..., 1] > b.retention[..., 0])
    report = (tmp_path / "out" / "report.md").read_text()
    assert "Read/write error budget" in report and "Dominant error per corner" in report
    assert len(bud["figures"]) == 2
    for f in bud["figures"]:
        assert Path(f).is_file() and Path(f).relative_to(tmp_path / "out").as_posix() in report
    assert json.loads((tmp_path / "out" / "results.json").read_text())["margin"]["budget"]["corners"] == \
        json.loads(json.dumps(bud["corners"]))
