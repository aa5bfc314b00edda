"""`mramsim check-spice`: the same array in ngspice and in the solver, per-column differences."""
from __future__ import annotations

import re

import pytest

from mramsim.cli import main


def test_check_spice_cli_nominal_and_monte_carlo(ngspice, capsys):
    rc = main(["check-spice", "--rows", "6", "--cols", "4", "--mc", "--v-read", "0.3", "--temp", "125C"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "6x4 array" in out and "T = 125 C" in out
    # one line per column per run, each with its relative difference
    rows = re.findall(r"^\s+(\d+)\s+(AP|P)\s+([\d.]+)\s+([\d.]+)\s+([\d.e+-]+)$", out, flags=re.MULTILINE)
    assert len(rows) == 8
    for _c, _s, i_sp, i_py, rel in rows:
        assert float(i_sp) > 0 and float(rel) < 1e-3
        assert float(i_py) == pytest.approx(float(i_sp), rel=1e-3)
    maxes = [float(x) for x in re.findall(r"max relative difference: ([\d.e+-]+)", out)]
    assert len(maxes) == 2 and max(maxes) < 1e-3
    assert "PASS" in out


def test_check_spice_fails_loudly_on_tolerance(ngspice, capsys):
    # an impossible tolerance: the command must report FAIL and a non-zero exit code
    rc = main(["check-spice", "--rows", "2", "--cols", "2", "--tolerance", "1e-30"])
    out = capsys.readouterr().out
    assert rc == 1 and "FAIL" in out


def test_check_spice_bad_target(tmp_path, capsys):
    rc = main(["check-spice", str(tmp_path / "nowhere")])
    assert rc == 1
    assert "check-spice target" in capsys.readouterr().err
