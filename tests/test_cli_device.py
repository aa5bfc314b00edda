"""`mramsim device` writes the R(V,T) table (CSV + JSON) and the device figures."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.cli import main
from mramsim.physics.rvtable import RVTable


def test_device_command_writes_table_and_figures(tmp_path, capsys):
    out = tmp_path / "dev"
    rc = main(["device", "--preset", "cofe_alox", "--anneal-temp", "none", "--out", str(out)])
    assert rc == 0
    names = sorted(p.name for p in out.iterdir())
    for key in ("rv", "tmr_bias", "tmr_temperature", "thickness", "anneal"):
        assert f"cofe_alox_{key}.png" in names
        assert (out / f"cofe_alox_{key}.png").stat().st_size > 5000
    csv = RVTable.from_csv(out / "cofe_alox_rv.csv")
    js = RVTable.from_json(out / "cofe_alox_rv.json")
    assert csv.r_p.shape == (121, 12)
    np.testing.assert_allclose(csv.r_ap, js.r_ap, rtol=1e-15)
    assert js.provenance["preset"] == "cofe_alox" and js.provenance["anneal"] is None
    # the table is the API's table
    ref = ms.MTJDevice(ms.Stack.preset("cofe_alox")).resistance("AP", js.V[::30], js.T[3])
    np.testing.assert_allclose(js.r_ap[::30, 3], ref, rtol=1e-12)
    assert "TMR" in capsys.readouterr().out


def test_device_command_anneal_in_celsius(tmp_path):
    out = tmp_path / "d2"
    assert main(["device", "--preset", "cofeb_mgo", "--anneal-temp", "400C", "--cap", "Pt", "--out", str(out)]) == 0
    js = RVTable.from_json(out / "cofeb_mgo_rv.json")
    assert js.provenance["anneal"] == {"temperature": pytest.approx(673.15), "time": 3600.0, "cap": "Pt"}


def test_device_command_bad_input_is_a_clean_error(tmp_path, capsys):
    assert main(["device", "--preset", "nope", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Stack.preset" in err and "cofeb_mgo" in err
    assert main(["device", "--anneal-temp", "hot", "--out", str(tmp_path)]) == 1
    assert main(["device", "--anneal-temp", "2000C", "--out", str(tmp_path)]) == 1
    assert "Anneal.temperature" in capsys.readouterr().err
