"""Spin-flip leakage and temperature dependence (mramsim.physics.spinflip + device)."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import eV
from mramsim.errors import ParameterError
from mramsim.physics.coherent import spin_mix
from mramsim.physics.spinflip import (
    magnon_emission_factor,
    magnon_spinflip_ratio,
    shang_mixing,
    shang_polarization,
    si_conductance_factor,
)

DEV = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), ms.Anneal(673.15, 3600.0, "Ta"))


def test_shang_mixing_reproduces_shang_polarization():
    T = np.array([10.0, 150.0, 300.0, 400.0])
    m = shang_mixing(2e-5, T)
    nu, nd = spin_mix(0.72, 0.28, m)
    np.testing.assert_allclose((nu - nd) / (nu + nd), shang_polarization(0.44, 2e-5, T), rtol=1e-12)


def test_shang_rejects_negative_polarization_regime():
    with pytest.raises(ParameterError, match="alpha"):
        shang_polarization(0.5, 1e-3, 200.0)  # alpha T^1.5 = 2.8
    with pytest.raises(ParameterError, match="T"):
        shang_mixing(1e-5, -1.0)


def test_si_channel_scales_as_t_four_thirds():
    f = si_conductance_factor(np.array([150.0, 300.0]), 0.1, T_ref=300.0)
    assert f[1] == pytest.approx(0.1)
    assert f[1] / f[0] == pytest.approx(2 ** (4 / 3), rel=1e-12)


def test_magnon_emission_factor_shape():
    x = np.linspace(0, 5, 5001)
    s = magnon_emission_factor(x)
    assert s[0] == 0 and np.all(np.diff(s) >= 0) and s[-1] < 1
    # continuous with its slope at x = 1 (closed forms 2/5 x^1.5 and 1 - 3/(5x))
    assert magnon_emission_factor(1 - 1e-9) == pytest.approx(magnon_emission_factor(1 + 1e-9), abs=1e-8)
    ds = np.gradient(s, x)
    assert ds[999] == pytest.approx(ds[1001], rel=1e-2)
    assert magnon_emission_factor(100.0) == pytest.approx(1 - 0.006)
    # symmetric in bias
    assert magnon_spinflip_ratio(0.3, 0.2, 0.1 * eV) == magnon_spinflip_ratio(-0.3, 0.2, 0.1 * eV)


def test_rp_nearly_flat_rap_falls_with_temperature():
    T = np.array([5.0, 100.0, 200.0, 300.0, 400.0])
    rp = DEV.resistance("P", 0.01, T)
    rap = DEV.resistance("AP", 0.01, T)
    assert np.max(np.abs(rp / rp[0] - 1)) < 0.10  # R_P within 10 % from 5 to 400 K
    assert np.all(np.diff(rap) < 0)  # R_AP falls monotonically
    assert rap[-1] / rap[0] < 0.65  # ... by more than a third
    tmr = DEV.tmr(0.0, T)
    assert np.all(np.diff(tmr) < 0)


def test_rap_falls_with_bias_more_than_rp():
    V = np.array([0.0, 0.1, 0.2, 0.4, 0.6])
    for sign in (1, -1):
        rp = DEV.resistance("P", sign * V, 300.0)
        rap = DEV.resistance("AP", sign * V, 300.0)
        assert np.all(np.diff(rap) < 0)
        assert rap[-1] / rap[0] < rp[-1] / rp[0]


def test_magnon_term_mostly_raises_g_ap():
    st = DEV.stack
    on = ms.MTJDevice(st, DEV.anneal).junction_resistances(0.4, 300.0)
    off = ms.MTJDevice(st.replace(magnon_coupling=0.0), DEV.anneal).junction_resistances(0.4, 300.0)
    dgp = 1 / on[0] - 1 / off[0]
    dgap = 1 / on[1] - 1 / off[1]
    assert dgap > 0 and dgp > 0
    assert dgap > 2 * dgp  # spin flip feeds AP from the big P-type product
