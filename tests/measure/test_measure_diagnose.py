"""Diagnosis: the pinhole junction is flagged, a clean one is not; series resistance and intrinsic TMR."""
from pathlib import Path

import numpy as np
import pytest

import mramsim as ms
from mramsim.measure import fit_series_resistance, read_measurements
from mramsim.measure.diagnose import (Diagnosis, diagnose, intrinsic_tmr, low_bias_resistance, magnon_share,
                                      ra_thickness_check)
from mramsim.physics.polarization import apparent_tmr

EX = Path(__file__).resolve().parents[2] / "examples" / "measurements"


def test_pinhole_junction_is_flagged_clean_is_not():
    pin = diagnose(read_measurements(EX / "pinhole_multiT.csv"))
    clean = diagnose(read_measurements(EX / "clean_multiT.csv"))
    assert pin.pinhole and any("PINHOLE" in f for f in pin.flags)
    assert not clean.pinhole and not any("PINHOLE" in f for f in clean.flags)
    assert pin.dlnrp_dt > 0
    one = diagnose(read_measurements(EX / "clean_oneT.tsv"))
    assert not one.pinhole and any("one temperature" in f for f in one.flags)
    assert Diagnosis.from_json(pin.to_json()).flags == pin.flags


def test_intrinsic_tmr_inverts_apparent_tmr():
    r_p, r_ap, r_s = 1000.0, 2500.0, 100.0
    app = apparent_tmr(r_p, r_ap, r_s)
    assert intrinsic_tmr(r_p + r_s, r_ap + r_s, r_s) == pytest.approx(1.5)
    assert (r_ap - r_p) / (r_p + r_s) == pytest.approx(app)


@pytest.fixture(scope="module")
def device():
    return ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ms.Anneal(temperature=673.15, time=3600.0, cap="Ta"))


def test_ten_percent_series_resistance_intrinsic_tmr_within_one_percent(device):
    """R_s = 10 % of R_P: the apparent TMR is ~9 % low; with R_s from an area series it is back within 1 %."""
    V = np.linspace(-0.2, 0.2, 81)
    V = V[V != 0]
    rp, rap = device.resistance("P", V, 300.0), device.resistance("AP", V, 300.0)
    true = float(device.tmr(0.0, 300.0))
    rs = 0.1 * float(device.resistance("P", 0.0, 300.0))
    areas = np.geomspace(0.5, 4.0, 12)
    for seed in range(5):
        rng = np.random.default_rng(seed)

        def measure(r):
            i = V / r
            v = V + i * rs
            i = i * (1 + 2e-3 * rng.standard_normal(V.size)) + 1e-9 * rng.standard_normal(V.size)
            return v, v / i

        fit = fit_series_resistance(areas * device.area, [low_bias_resistance(*measure(rp / a)) for a in areas])
        rpm, rapm = low_bias_resistance(*measure(rp)), low_bias_resistance(*measure(rap))
        assert (rapm - rpm) / rpm < 0.95 * true                       # the apparent TMR is visibly low
        assert intrinsic_tmr(rpm, rapm, fit["r_series"]) == pytest.approx(true, rel=0.01)


def test_ra_thickness_and_magnon_share():
    d = np.linspace(0.9e-9, 1.3e-9, 9)
    kappa = 5e9
    ra = 1e-11 * np.exp(2 * kappa * (d - 1e-9))
    ra[4] *= 0.2                                                     # a shorted device
    out = ra_thickness_check(d, ra)
    assert out["exponential"] and out["low_outliers"] == [4]
    T = np.array([100.0, 200.0, 300.0])
    _, share = magnon_share(T, [1.0, 1.0, 1.0], [3.0, 2.5, 2.0])
    assert share[0] == 0.0 and np.all(np.diff(share) > 0)
