"""`mramsim export`: writes the same cards as the shipped ones; bad input is a clean error."""
from __future__ import annotations

from pathlib import Path

from mramsim.cli import main

ROOT = Path(__file__).resolve().parents[2] / "compact_models"


def test_export_cli_writes_card(tmp_path, capsys):
    rc = main(["export", "--preset", "cofeb_mgo", "--dialect", "verilog-a", "--out", str(tmp_path)])
    assert rc == 0
    out = tmp_path / "cofeb_mgo.va"
    assert out.is_file()
    text = out.read_text()
    assert "module cofeb_mgo(te, be);" in text and "$temperature" in text
    assert "max" in capsys.readouterr().out


def test_export_cli_bad_dialect(tmp_path, capsys):
    rc = main(["export", "--preset", "cofeb_mgo", "--dialect", "pspice", "--out", str(tmp_path)])
    assert rc == 1
    err = capsys.readouterr().err
    assert "pspice" in err and "'ngspice'" in err and "'all'" in err
    assert not any(tmp_path.iterdir())


def test_export_cli_bad_preset(tmp_path, capsys):
    rc = main(["export", "--preset", "no_such", "--dialect", "ngspice", "--out", str(tmp_path)])
    assert rc == 1
    assert "no_such" in capsys.readouterr().err
