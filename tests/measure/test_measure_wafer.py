"""Wafer map -> sigmas, radial profile and correlation, on a synthetic map with known profile."""
from pathlib import Path

import numpy as np
import pytest

from mramsim.measure import WaferMap, read_wafer_map
from mramsim.measure.wafer import WaferStatistics, wafer_statistics

EX = Path(__file__).resolve().parents[2] / "examples" / "measurements"


def test_known_radial_profile_and_sigmas_are_recovered():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-0.07, 0.07, (2, 400))
    rho = np.hypot(x, y) / 0.1
    eps_ra = 0.02 * rng.standard_normal(x.size)
    eps_tmr = 0.5 * eps_ra + 0.01 * rng.standard_normal(x.size)      # correlated die noise
    wm = WaferMap(x, y, 1e-11 * (1 + 0.05 * rho**2) * np.exp(eps_ra), 1.8 * (1 - 0.1 * rho**2) * np.exp(eps_tmr))
    st = wafer_statistics(wm, r_ref=0.1)
    assert abs(st.ra_radial - 0.05) <= 3 * st.ra_radial_se
    assert abs(st.tmr_radial + 0.1) <= 3 * st.tmr_radial_se
    assert st.ra_sigma == pytest.approx(0.02, rel=0.15)
    assert st.ra_tmr_correlation > 0.5
    kw = st.variation_kwargs()
    assert set(kw) == {"ra_die_sigma", "tmr_sigma"}
    back = WaferStatistics.from_json(st.to_json())
    assert back.ra_sigma == st.ra_sigma and back.tmr_radial == st.tmr_radial and np.isnan(back.thickness_sigma)


def test_example_map_tmr_falls_toward_the_edge():
    st = wafer_statistics(read_wafer_map(EX / "wafer_map.csv"))
    assert st.tmr_radial < -3 * st.tmr_radial_se
    assert st.dlnra_dthickness > 0 and st.thickness_sigma > 0
