"""RVTable: derived quantities, CSV/JSON round trip, validation."""
import json

import numpy as np
import pytest

from mramsim.errors import MramsimError, ParameterError
from mramsim.physics.rvtable import RVTable


def _table(nV=7, nT=3, seed=3):
    rng = np.random.default_rng(seed)
    V = np.linspace(-0.6, 0.6, nV)
    T = np.linspace(233.15, 398.15, nT)
    r_p = 1000.0 * (1 + 0.05 * rng.random((nV, nT)))
    r_ap = r_p * (2.0 + rng.random((nV, nT)))
    return RVTable(V=V, T=T, r_p=r_p, r_ap=r_ap, area=np.pi * (30e-9) ** 2, thickness=1.0e-9,
                   sensitivities={"dlnRP_dthickness": 9.1e9, "dlnTMR_dthickness": 1.2e8},
                   provenance={"preset": "cofeb_mgo", "anneal_K": 673.15, "version": "0.1.0"})


def _assert_same(a, b):
    for name in ("V", "T", "r_p", "r_ap"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))  # bit-exact
    assert a.area == b.area and a.thickness == b.thickness
    assert a.sensitivities == b.sensitivities and a.provenance == b.provenance


def test_derived_quantities():
    t = _table()
    np.testing.assert_allclose(t.tmr, t.r_ap / t.r_p - 1, rtol=1e-15)
    np.testing.assert_allclose(t.ra_p, t.r_p * t.area, rtol=1e-15)
    assert t.resistance("P") is t.r_p and t.resistance(1) is t.r_ap
    assert t.r_p.shape == (7, 3)
    with pytest.raises(ParameterError):
        t.resistance("X")


def test_arrays_are_read_only():
    t = _table()
    with pytest.raises(ValueError):
        t.r_p[0, 0] = 1.0


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip_text(fmt):
    t = _table()
    text = getattr(t, f"to_{fmt}")()
    back = getattr(RVTable, f"from_{fmt}")(text)
    _assert_same(t, back)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip_file(tmp_path, fmt):
    t = _table(nV=121, nT=12)
    path = tmp_path / f"table.{fmt}"
    getattr(t, f"to_{fmt}")(path)
    assert path.stat().st_size > 0
    _assert_same(t, getattr(RVTable, f"from_{fmt}")(path))
    _assert_same(t, getattr(RVTable, f"from_{fmt}")(str(path)))


def test_round_trip_single_point_and_nan_metadata():
    t = RVTable(V=[0.1], T=[300.0], r_p=[[1000.0]], r_ap=[[2500.0]])
    assert np.isnan(t.area)
    for fmt in ("csv", "json"):
        back = getattr(RVTable, f"from_{fmt}")(getattr(t, f"to_{fmt}")())
        assert np.isnan(back.area) and back.r_ap[0, 0] == 2500.0


def test_csv_layout_is_long_format_with_tmr_column():
    t = _table(nV=3, nT=2)
    lines = [ln for ln in t.to_csv().splitlines() if not ln.startswith("#")]
    assert lines[0] == "V_V,T_K,R_P_ohm,R_AP_ohm,TMR"
    assert len(lines) == 1 + 3 * 2
    row = [float(x) for x in lines[1].split(",")]
    assert row[4] == pytest.approx(row[3] / row[2] - 1, rel=1e-15)


def test_json_is_plain_json():
    d = json.loads(_table().to_json())
    assert set(d) >= {"V", "T", "r_p", "r_ap", "area", "thickness", "sensitivities", "provenance"}


@pytest.mark.parametrize(
    "changes, field",
    [
        (dict(V=[0.1, 0.0, 0.2]), "RVTable.V"),  # not increasing
        (dict(V=[0.0, 0.0, 0.2]), "RVTable.V"),  # repeated
        (dict(T=[300.0, 0.0]), "RVTable.T"),
        (dict(T=[350.0, 300.0]), "RVTable.T"),
        (dict(r_p=np.zeros((3, 2))), "RVTable.r_p"),
        (dict(r_ap=np.full((3, 2), np.inf)), "RVTable.r_ap"),
        (dict(r_ap=-np.ones((3, 2))), "RVTable.r_ap"),
    ],
)
def test_validation(changes, field):
    args = dict(V=[0.0, 0.1, 0.2], T=[300.0, 350.0], r_p=np.ones((3, 2)), r_ap=2 * np.ones((3, 2)))
    args.update(changes)
    with pytest.raises(ParameterError) as info:
        RVTable(**args)
    assert info.value.field == field


@pytest.mark.parametrize(
    "changes",
    [dict(r_p=np.ones((2, 2))), dict(r_ap="abc"), dict(V=[0.0, np.nan, 0.2])],
)
def test_validation_shape_type_and_nan(changes):
    args = dict(V=[0.0, 0.1, 0.2], T=[300.0, 350.0], r_p=np.ones((3, 2)), r_ap=2 * np.ones((3, 2)))
    args.update(changes)
    with pytest.raises(MramsimError):
        RVTable(**args)
