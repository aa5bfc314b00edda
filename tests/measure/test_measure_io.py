"""Reading measurement files: units, irregular data, and one named error per kind of bad file."""
from pathlib import Path

import numpy as np
import pytest

from mramsim.errors import MramsimError
from mramsim.measure import MeasurementFileError, from_arrays, read_measurements, read_wafer_map
from mramsim.physics.rvtable import RVTable

EX = Path(__file__).resolve().parents[2] / "examples" / "measurements"


def _write(tmp_path, text, name="m.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


GOOD = """# synthetic: true
device,area_um2,state,T_C,V_mV,I_uA
d1,0.01,P,26.85,-100,-10
d1,0.01,P,26.85,100,10
d1,0.01,P,26.85,100,10.2
d1,0.01,AP,,-100,-5
d1,0.01,AP,,50,2.5
d1,0.01,AP,,100,5
"""


def test_units_from_header_are_converted(tmp_path):
    ms = read_measurements(_write(tmp_path, GOOD))
    assert ms.V[0] == pytest.approx(-0.1)
    assert ms.I[0] == pytest.approx(-10e-6)
    assert ms.R[0] == pytest.approx(1e4)
    assert ms.T[0] == pytest.approx(300.0)
    assert np.isnan(ms.T[3])                   # missing temperature kept as missing
    assert ms.area[0] == pytest.approx(1e-14)
    assert ms.provenance["synthetic"] is True


def test_resampling_is_explicit_and_averages_repeats(tmp_path):
    ms = read_measurements(_write(tmp_path, GOOD))
    with pytest.raises(MramsimError, match="default_T"):
        ms.to_rvtable(V=[-0.1, 0.1])
    tab = ms.to_rvtable(V=[-0.1, 0.1], default_T=300.0)
    assert isinstance(tab, RVTable)
    assert tab.r_p[1, 0] == pytest.approx(0.5 * (1e4 + 0.1 / 10.2e-6))
    with pytest.raises(MramsimError, match="inside the measured range"):
        ms.to_rvtable(V=[-0.2, 0.1], default_T=300.0)


def test_tsv_with_resistance_column_and_example_files():
    ms = read_measurements(EX / "clean_oneT.tsv")
    assert ms.provenance["synthetic"]
    assert np.all(ms.R > 0) and np.all(np.isfinite(ms.I))
    assert np.any(np.isnan(ms.T))
    multi = read_measurements(EX / "clean_multiT.csv")
    assert multi.temperatures.size == 5
    assert set(multi.state.tolist()) == {"P", "AP"}
    assert np.any(multi.V > 0) and np.any(multi.V < 0)


@pytest.mark.parametrize("text,column,row,what", [
    ("state,V_mV,Q_uA\nP,1,2\nP,2,3\n", "Q_uA", 1, "unknown column"),
    ("state,V_mV,I_furlong\nP,1,2\nP,2,3\n", "I_furlong", 1, "unknown unit"),
    ("state,V_mV,I_uA\nP,1,2\nP,abc,3\n", "V_mV", 3, "non-numeric"),
    ("state,V_mV,I_uA\nP,1,2\n", "*", 1, "at least 2"),
    ("state,V_mV,I_uA\nP,1,2\nP,2,-3\n", "I_uA", 3, "negative resistance"),
    ("state,V_mV,R_ohm\nP,1,2\nP,2,-3\n", "R_ohm", 3, "negative resistance"),
    ("state,I_uA\nP,2\nP,3\n", "V", 1, "missing bias"),
    ("state,V_mV,I_uA,R_ohm\nP,1,2,3\nP,2,3,4\n", "I/R", 1, "exactly one"),
    ("state,V_mV,I_uA\nP,1,2\nP,2\n", "*", 3, "cells"),
])
def test_bad_files_name_row_and_column(tmp_path, text, column, row, what):
    p = _write(tmp_path, text)
    with pytest.raises(MeasurementFileError, match=what) as info:
        read_measurements(p)
    assert info.value.column == column
    assert info.value.row == row
    assert str(p) in str(info.value)


def test_from_arrays_checks_sign_and_shapes():
    ms = from_arrays([-0.1, 0.1], I=[-1e-5, 1e-5], state="P", T=300.0)
    assert ms.R.tolist() == pytest.approx([1e4, 1e4])
    with pytest.raises(MramsimError, match="negative resistance"):
        from_arrays([-0.1, 0.1], I=[1e-5, 1e-5])
    with pytest.raises(MramsimError, match="exactly one"):
        from_arrays([0.1, 0.2])
    back = type(ms).from_json(ms.to_json())
    assert back.R.tolist() == ms.R.tolist() and back.state.tolist() == ms.state.tolist()


def test_wafer_map(tmp_path):
    wm = read_wafer_map(EX / "wafer_map.csv")
    assert wm.x.size == wm.ra.size > 50
    assert np.all(wm.ra > 0) and wm.thickness is not None
    assert wm.ra.mean() == pytest.approx(1e-11, rel=0.3)       # 10 ohm um^2 in SI
    with pytest.raises(MeasurementFileError, match="TMR") as info:
        read_wafer_map(_write(tmp_path, "x_mm,y_mm,RA_ohm_um2\n1,2,3\n2,3,4\n"))
    assert info.value.row == 1


@pytest.mark.parametrize("name", ["clean_multiT.csv", "clean_oneT.tsv", "series10_multiT.csv",
                                  "pinhole_multiT.csv", "wafer_map.csv"])
def test_example_files_are_marked_synthetic(name):
    head = (EX / name).read_text().splitlines()[0]
    assert head.replace(" ", "").lower() == "#synthetic:true"
