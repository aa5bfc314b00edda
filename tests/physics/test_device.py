"""MTJDevice: R_P/R_AP(V, T), RVTable, sensitivities, presets' calibration."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import UM2, hbar, m_e
from mramsim.errors import ParameterError
from mramsim.physics.device import RVTable as DeviceRVTable
from mramsim.physics.rvtable import RVTable

ANNEAL = ms.Anneal(673.15, 3600.0, "Ta")


@pytest.fixture(scope="module")
def dev():
    return ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ANNEAL)


def test_rvtable_reexported():
    assert DeviceRVTable is RVTable


def test_shapes_and_broadcasting(dev):
    assert np.shape(dev.resistance("P", 0.1, 300.0)) == ()
    V = np.linspace(-0.5, 0.5, 7)
    assert dev.resistance("AP", V, 300.0).shape == (7,)
    assert dev.resistance("P", V[:, None], np.array([250.0, 300.0, 350.0])).shape == (7, 3)
    states = np.array([0, 1, 0, 1, 1, 0, 0])
    r = dev.resistance(states, V, 300.0)
    np.testing.assert_allclose(r[states == 1], dev.resistance("AP", V[states == 1], 300.0))
    np.testing.assert_allclose(dev.current("AP", V, 300.0), V / dev.resistance("AP", V, 300.0))


def test_symmetric_stack_is_even_in_bias():
    st = ms.Stack.preset("cofeb_mgo")
    from dataclasses import replace

    sym = st.replace(barrier=replace(st.barrier, asymmetry=0.0))
    d = ms.MTJDevice(sym, ANNEAL)
    V = np.array([0.05, 0.2, 0.45])
    np.testing.assert_allclose(d.resistance("AP", V, 300.0), d.resistance("AP", -V, 300.0), rtol=1e-9)


def test_series_resistance_included_self_consistently(dev):
    rs = dev.stack.r_series
    rp_j, _ = dev.junction_resistances(0.0, 300.0)
    assert dev.resistance("P", 0.0, 300.0) == pytest.approx(float(rp_j) + rs, rel=1e-12)
    # at finite bias the junction sees V * Rj / (Rj + Rs): I = V / R solves that exactly
    V = 0.4
    R = float(dev.resistance("P", V, 300.0))
    I = V / R
    vj = V - I * rs
    rj = float(dev.junction_resistances(vj, 300.0)[0])
    assert R == pytest.approx(rj + rs, rel=1e-5)


def test_static_resistance_continuous_at_zero_bias(dev):
    r0 = dev.resistance("AP", 0.0, 300.0)
    r1 = dev.resistance("AP", 1e-4, 300.0)
    assert r1 == pytest.approx(r0, rel=1e-5)


def test_rv_table_grid_provenance_and_sensitivities(dev):
    V = np.linspace(-0.6, 0.6, 13)
    T = np.linspace(233.15, 398.15, 4)
    tab = dev.rv_table(V, T)
    assert isinstance(tab, RVTable)
    assert tab.r_p.shape == (13, 4) and np.all(tab.r_ap > tab.r_p)
    np.testing.assert_allclose(tab.r_p[:, 1], dev.resistance("P", V, T[1]), rtol=1e-12)
    assert tab.area == dev.area == dev.stack.area and tab.thickness == dev.thickness
    assert tab.provenance == {
        "preset": "cofeb_mgo",
        "anneal": {"temperature": 673.15, "time": 3600.0, "cap": "Ta"},
        "mramsim_version": ms.__version__,
    }
    s = tab.sensitivities
    assert set(s) == {"dlnRP_dthickness", "dlnTMR_dthickness", "dlnRP_danneal", "dlnTMR_danneal"}
    # ln R_P grows as 2 kappa + 1/d (WKB decay and the narrowing k-parallel cone), times
    # the junction's share of R; within 15 % (disorder makes thick barriers less coherent)
    b = dev.stack.barrier
    kappa = np.sqrt(2 * b.mass_ratio * m_e * b.height) / hbar
    rp = float(tab.r_p[tab.V.size // 2, 0])
    share = (rp - dev.stack.r_series) / rp
    assert s["dlnRP_dthickness"] == pytest.approx((2 * kappa + 1 / b.thickness) * share, rel=0.15)
    assert s["dlnTMR_dthickness"] > 0  # this preset's TMR still rises at 1 nm
    assert all(np.isfinite(v) for v in s.values())
    # round trip through JSON keeps everything
    back = RVTable.from_json(tab.to_json())
    np.testing.assert_array_equal(back.r_ap, tab.r_ap)
    assert back.sensitivities == s


def test_anneal_sensitivity_zero_without_anneal_and_matches_curve():
    d0 = ms.MTJDevice(ms.Stack.preset("fe_mgo_fe"))
    s0 = d0.sensitivities()
    assert s0["dlnRP_danneal"] == 0.0 and s0["dlnTMR_danneal"] == 0.0
    # on the rising side of the anneal curve (350 C, Ta) TMR grows with anneal temperature
    d = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), ms.Anneal(623.15, 3600.0, "Ta"))
    assert d.sensitivities()["dlnTMR_danneal"] > 0


@pytest.mark.parametrize("V,T,field", [(3.0, 300.0, "V"), (0.1, 0.0, "T"), (np.nan, 300.0, "V"),
                                        (0.1, 2000.0, "T")])
def test_bad_inputs_raise_named_errors(dev, V, T, field):
    with pytest.raises(ParameterError, match=rf"^{field} "):
        dev.resistance("P", V, T)


def test_bad_constructor_arguments():
    with pytest.raises(ParameterError, match="MTJDevice.stack"):
        ms.MTJDevice("cofeb_mgo")
    with pytest.raises(ParameterError, match="MTJDevice.anneal"):
        ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=673.15)
    with pytest.raises(ParameterError, match="state"):
        ms.MTJDevice(ms.Stack.preset("cofeb_mgo")).resistance("X", 0.1, 300.0)


def test_cofeb_preset_calibration_after_400C_ta(dev):
    # DESIGN.md / brief: RA 5-15 ohm um^2, TMR 150-250 % at 300 K and low bias, V_h a few tenths of a volt
    rp, rap = dev.resistances(0.01, 300.0)
    ra = float(rp - dev.stack.r_series) * dev.area / UM2
    assert 5.0 <= ra <= 15.0
    assert 1.5 <= float((rap - rp) / rp) <= 2.5
    for pol in (1, -1):
        assert 0.2 <= dev.half_tmr_bias(300.0, pol) <= 0.7


def test_fe_and_alox_presets():
    fe = ms.MTJDevice(ms.Stack.preset("fe_mgo_fe"))
    assert 1.5 <= float(fe.tmr(0.0, 300.0)) <= 3.0  # Yuasa 2004: 180 % at RT
    alox = ms.MTJDevice(ms.Stack.preset("cofe_alox"))
    assert 0.3 <= float(alox.tmr(0.0, 300.0)) <= 0.6
    assert 0.22 <= alox.half_tmr_bias() <= 0.30  # IBM AlOx: V_h ~ 0.22-0.3 V


def test_import_mramsim_physics_device_does_not_import_matplotlib():
    import subprocess
    import sys

    code = ("import sys, mramsim as ms; d = ms.MTJDevice(ms.Stack.preset('cofeb_mgo')); d.resistance('P', 0.1, 300.0);"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_rv_table_refuses_a_grid_beyond_the_memory_limit(monkeypatch):
    """The config schema's largest grid (1001 x 200) needs ~16 GB: refused up front, naming the key."""
    import mramsim as ms
    from mramsim.errors import ParameterError

    dev = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"))
    monkeypatch.setenv("MRAMSIM_MEMORY_LIMIT", "4GiB")
    with pytest.raises(ParameterError, match=r"rv_table V x T.*1001 x 200"):
        dev.rv_table(V=np.linspace(-0.6, 0.6, 1001), T=np.linspace(233.15, 398.15, 200))
    assert dev.rv_table(V=np.linspace(-0.1, 0.1, 5), T=[300.0]).r_p.shape == (5, 1)  # small grids still run
