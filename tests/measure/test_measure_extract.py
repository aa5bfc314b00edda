"""Extraction fits: round trips on noisy synthetic data with known truth, and honest uncertainties.

The truth comes from the forward models (mramsim.physics: BDR via bdr_current, Shang's
TMR(T)), not from the fits; 50 noisy realisations with fixed seeds. With a correct
standard error about 95 % of the estimates lie within 2 SE; the test asks >= 90 %.
"""
import numpy as np
import pytest

from mramsim.errors import MramsimError
from mramsim.measure import FitResult, fit_bdr, fit_series_resistance, fit_shang, fit_vh
from mramsim.measure.extract import bdr_current, bdr_g0
from mramsim.physics.spinflip import lorentzian_bias_factor, shang_tmr

N_REAL = 50
AREA, MASS = 1e-14, 0.4
TRUE = dict(phibar=1.2, dphi=0.3, s=1.0)
V = np.linspace(-0.6, 0.6, 121)


def _covered(res, truth):
    return {k: abs(res[k] - t) <= 2 * res.stderr[k] for k, t in truth.items()}


def test_bdr_with_series_resistance_round_trip():
    g0 = bdr_g0(AREA, TRUE["phibar"], TRUE["dphi"], TRUE["s"], MASS)
    rs = 0.1 / g0                                  # 10 % of the junction resistance
    I = bdr_current(V, g0, TRUE["phibar"], TRUE["dphi"], TRUE["s"], rs)
    hits = {k: 0 for k in (*TRUE, "r_series")}
    for seed in range(N_REAL):
        rng = np.random.default_rng(seed)
        noisy = I * (1 + 2e-3 * rng.standard_normal(V.size))
        res = fit_bdr(V, noisy, area=AREA, mass_ratio=MASS)
        for k, ok in _covered(res, dict(TRUE, r_series=rs)).items():
            hits[k] += ok
    for k, n in hits.items():
        assert n >= 0.9 * N_REAL, (k, n)


def test_shang_polarization_round_trip():
    T = np.linspace(10.0, 300.0, 30)
    clean = shang_tmr(0.6, 0.6, 2e-5, 2e-5, T)
    hits = {"P0": 0, "alpha": 0}
    for seed in range(N_REAL):
        rng = np.random.default_rng(100 + seed)
        res = fit_shang(T, clean * (1 + 5e-3 * rng.standard_normal(T.size)))
        for k, ok in _covered(res, {"P0": 0.6, "alpha": 2.0}).items():   # alpha in 1e-5 K^-1.5
            hits[k] += ok
    assert min(hits.values()) >= 0.9 * N_REAL, hits


def test_series_resistance_from_area_series_round_trip():
    areas = np.geomspace(0.5, 8.0, 20) * 1e-14
    clean = 1e-11 / areas + 200.0
    hits = 0
    for seed in range(N_REAL):
        rng = np.random.default_rng(200 + seed)
        res = fit_series_resistance(areas, clean * (1 + 3e-3 * rng.standard_normal(areas.size)))
        hits += abs(res["r_series"] - 200.0) <= 2 * res.stderr["r_series"]
    assert hits >= 0.9 * N_REAL


def test_not_identifiable_parameters_are_flagged():
    # one temperature: P0 and alpha trade off
    res = fit_shang([300.0, 300.0, 300.0], [1.0, 1.01, 0.99])
    assert not res.identifiable["alpha"]
    # no area: only the BDR shape (g0, a, b) is fitted, and it is identifiable
    g0 = bdr_g0(AREA, 1.2, 0.3, 1.0, MASS)
    I = bdr_current(V, g0, 1.2, 0.3, 1.0, 0.0) * (1 + 1e-3 * np.random.default_rng(0).standard_normal(V.size))
    shape = fit_bdr(V, I, r_series=0.0)
    assert set(shape.names) == {"g0", "a", "b"} and all(shape.identifiable.values())
    # with the area, phibar and s = d sqrt(m*) are strongly correlated: reported, not hidden
    absolute = fit_bdr(V, I, area=AREA, mass_ratio=MASS, r_series=0.0)
    i, j = absolute.names.index("phibar"), absolute.names.index("s")
    assert abs(absolute.corr[i][j]) > 0.9
    assert "d" in absolute.derived and "V_min" in absolute.derived


def test_vh_and_bootstrap_and_json():
    Vb = np.linspace(-0.6, 0.6, 49)
    tmr = 1.5 * np.where(Vb >= 0, lorentzian_bias_factor(Vb, 0.5), lorentzian_bias_factor(Vb, 0.4))
    res = fit_vh(Vb, tmr * (1 + 3e-3 * np.random.default_rng(1).standard_normal(Vb.size)))
    assert abs(res["v_h_pos"] - 0.5) <= 3 * res.stderr["v_h_pos"]
    assert abs(res["v_h_neg"] - 0.4) <= 3 * res.stderr["v_h_neg"]
    boot = fit_vh(Vb, tmr * (1 + 3e-3 * np.random.default_rng(1).standard_normal(Vb.size)), bootstrap=30, seed=2)
    assert 0.3 < boot.bootstrap_stderr["v_h_pos"] / boot.stderr["v_h_pos"] < 3.0
    back = FitResult.from_json(res.to_json())
    assert back.values == res.values and back.names == res.names
    with pytest.raises(MramsimError):
        fit_vh([0.1, 0.2, 0.3], [1.0, 0.9, 0.8])
