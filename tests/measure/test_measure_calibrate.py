"""`mramsim calibrate`: report, figures and cards from a measurement file."""
from pathlib import Path

import pytest

from mramsim.cli import main
from mramsim.compact.export import filename

EX = Path(__file__).resolve().parents[2] / "examples" / "measurements"


@pytest.mark.parametrize("data,pinhole,one_t", [("pinhole_multiT.csv", True, False), ("clean_oneT.tsv", False, True)])
def test_calibrate_writes_report_and_cards(tmp_path, capsys, data, pinhole, one_t):
    out = tmp_path / "cal"
    assert main(["calibrate", str(EX / data), "--out", str(out), "--r-series", "76.55"]) == 0
    report = (out / "report.md").read_text()
    assert "SYNTHETIC" in report
    assert ("PINHOLE" in report) == pinhole
    assert ("temperature parameters are therefore FIXED" in report) == one_t
    assert ("one-temperature mode" in report) == one_t
    assert ("`tc_rp`" in report and "`tc_tmr`" in report) == one_t
    stem = Path(data).stem
    card = out / filename(stem, "ngspice")
    assert card.exists() and ".subckt" in card.read_text().lower()
    for fig in ("data_vs_model.png", "tmr_temperature.png"):
        assert (out / fig).stat().st_size > 1000
    assert (out / "diagnosis.json").exists()
    assert "report:" in capsys.readouterr().out


def test_calibrate_bad_file_is_one_line_error(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("state,V_mV,I_parsec\nP,1,2\nP,2,3\n")
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "I_parsec" in err and "unknown unit" in err
