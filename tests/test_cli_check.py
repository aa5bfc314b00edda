"""`mramsim export --check` and `mramsim netlist --check`: stale shipped files are reported (exit 1)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mramsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_export_check_finds_a_card_whose_behaviour_changed(tmp_path, capsys):
    for f in (ROOT / "compact_models").glob("cofe_alox.*"):
        shutil.copy(f, tmp_path / f.name)
    assert main(["export", "--out", str(tmp_path), "--check"]) == 0
    card = tmp_path / "cofe_alox.ngspice.lib"
    text = card.read_text()
    # R_P0 up by 1 %: the card still parses, but no longer behaves like a fresh fit
    new = re.sub(r"(r_p0\s*=\s*)([0-9.eE+-]+)", lambda m: m.group(1) + repr(float(m.group(2)) * 1.01), text, count=1)
    assert new != text
    card.write_text(new)
    capsys.readouterr()
    assert main(["export", "--out", str(tmp_path), "--check"]) == 1
    assert "stale: " in capsys.readouterr().out and "cofe_alox.ngspice.lib" in card.name


def test_netlist_check_finds_an_edited_netlist(tmp_path, capsys):
    for f in (ROOT / "netlists").glob("*.cir"):
        shutil.copy(f, tmp_path / f.name)
    assert main(["netlist", "--out", str(tmp_path), "--check"]) == 0
    bench = tmp_path / "read_bench_1cell.cir"
    bench.write_text(bench.read_text().replace(".end\n", "rextra 1 0 1k\n.end\n", 1))
    capsys.readouterr()
    assert main(["netlist", "--out", str(tmp_path), "--check"]) == 1
    assert "read_bench_1cell.cir" in capsys.readouterr().out
