"""run/build.py is the one path: `netlist --config`, `check-spice` and `run` build the same compact model."""
from __future__ import annotations

import pytest

from mramsim.cli import main

CONFIG = """
[run]
executor = "serial"
progress = false
[stack]
preset = "cofeb_mgo"
diameter_nm = 60
[anneal]
temperature_C = 380
[device]
n_v = 21
n_t = 3
[compact]
name = "mtj_study"
v_window_V = 0.4
tmr_temperature = "exp"
magnon = false
[export]
dialects = ["ngspice"]
[array]
rows = 4
cols = 4
[montecarlo]
n_samples = 32
[spice_check]
rows = 2
cols = 2
"""


def test_cli_commands_build_the_same_compact_model(tmp_path, monkeypatch, ngspice):
    import mramsim.run.build as build

    models = []
    real = build.build_compact

    def spy(cfg, table):
        cm = real(cfg, table)
        models.append(cm)
        return cm

    monkeypatch.setattr(build, "build_compact", spy)
    cfg = tmp_path / "study.toml"
    cfg.write_text(CONFIG)
    assert main(["netlist", "--config", str(cfg), "--out", str(tmp_path / "n")]) == 0
    assert main(["check-spice", str(cfg), "--rows", "2", "--cols", "2"]) == 0
    assert main(["run", str(cfg), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert len(models) == 3
    ref = models[0]
    assert ref.name == "mtj_study" and ref.q_mag == 0.0  # the [compact] options were used
    for cm in models[1:]:
        assert cm.name == ref.name
        for f in ("r_p0", "tmr0", "b1", "b2", "tc_rp", "tc_tmr", "vh_pos", "vh_neg", "q_mag"):
            assert getattr(cm, f) == pytest.approx(getattr(ref, f), rel=1e-12, abs=0), f
    assert any("subckt mtj_study" in p.read_text().lower() for p in (tmp_path / "n").glob("*.cir"))


def test_cli_one_line_errors(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["device", "--out", str(f)]) == 1
    assert main(["device", "--out", str(f / "sub")]) == 1
    assert main(["check-spice", "--mc", "--seed", "-1"]) == 1
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIG)
    assert main(["run", str(cfg), "--out", str(tmp_path / "o"), "--executor", "tcp://"]) == 1
    assert main(["run"]) == 2
    assert main(["nosuchcommand"]) == 2
    err = capsys.readouterr().err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 6 and not any("Traceback" in l for l in lines)
    assert "--out" in lines[0] and "--seed" in lines[2] and "--executor" in lines[3]
