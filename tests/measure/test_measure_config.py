"""A config's [stack] measurement = "file": the flow's R(V,T) table comes from the measurement."""
import shutil
from pathlib import Path

import numpy as np
import pytest

from mramsim.errors import MramsimError
from mramsim.measure import read_measurements
from mramsim.run import build
from mramsim.run.config import load_config

EX = Path(__file__).resolve().parents[2] / "examples" / "measurements"


def test_measurement_file_relative_to_the_config(tmp_path):
    shutil.copy(EX / "clean_multiT.csv", tmp_path / "junction.csv")
    cfg_path = tmp_path / "study.toml"
    cfg_path.write_text('[stack]\npreset = "cofeb_mgo"\nmeasurement = "junction.csv"\n')
    cfg = load_config(cfg_path)
    tab = build.build_table(cfg)
    ms = read_measurements(EX / "clean_multiT.csv")
    assert tab.T.tolist() == ms.temperatures.tolist()
    assert tab.V.min() >= ms.V.min() and tab.V.max() <= ms.V.max()
    ref = ms.to_rvtable(V=tab.V, default_T=300.0)
    assert np.array_equal(tab.r_p, ref.r_p) and np.array_equal(tab.r_ap, ref.r_ap)
    assert tab.area == pytest.approx(float(np.nanmedian(ms.area)))


def test_missing_measurement_file_is_a_named_error(tmp_path):
    cfg_path = tmp_path / "study.toml"
    cfg_path.write_text('[stack]\nmeasurement = "nope.csv"\n')
    with pytest.raises(MramsimError, match="nope.csv"):
        build.build_table(load_config(cfg_path))
