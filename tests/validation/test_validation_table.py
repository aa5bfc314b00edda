"""Validation table: measured numbers vs mramsim (the table in docs/physics_device.md).

Each row: the measured value with its source (REFERENCES.md), the model value, the tolerance
of the test and where/why the model departs. Tolerances are the issue's (Hayakawa, Ikeda) or
set from what the model is meant to represent; rows where the model is known to depart test the
direction and a bound, and say so.
"""
import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import T0_CELSIUS as C
from mramsim.constants import UM2
from mramsim.physics.polarization import julliere_tmr


def _dev(name, tc=None, cap="Ta"):
    st = ms.Stack.preset(name)
    return ms.MTJDevice(st, None if tc is None else ms.Anneal(tc + C, 3600.0, cap))


def test_julliere_1975_fe_ge_co():
    # Julliere, Phys. Lett. 54A, 225 (1975): ~14 % conductance change at 4.2 K with tunnelling
    # polarizations P_Fe = 0.44, P_Co = 0.34. Departs: Julliere's own formula gives 26 %; the
    # Ge barrier's spin flip is not in the formula (over-prediction is physics, not a bug).
    model = julliere_tmr(0.44, 0.34, "julliere")
    assert model == pytest.approx(0.26, abs=0.005)
    assert 0.14 < model < 2.5 * 0.14


def test_moodera_1995_alox():
    # Moodera et al., PRL 74, 3273 (1995): CoFe/Al2O3/Co 11.8 % RT, 24 % 4.2 K. Departs: the
    # cofe_alox preset represents optimized AlOx junctions (~35-50 %, Gallagher 1997); the first
    # junctions had lower interface polarization. Tested: TMR rises on cooling, within 3.5x.
    d = _dev("cofe_alox")
    rt, lt = float(d.tmr(0.0, 300.0)), float(d.tmr(0.0, 4.2))
    assert lt > rt
    assert 0.118 < rt < 3.5 * 0.118 and 0.24 < lt < 2.5 * 0.24


def test_parkin_2004_cofeb_mgo():
    # Parkin et al., Nat. Mater. 3, 862 (2004): ~220 % RT, ~300 % low T. Model: cofeb_mgo
    # 400 C / Ta. Departs at low T (+25 %): Shang's T^1.5 depolarization is the only
    # low-T knob and is shared with the bias-free RT calibration.
    d = _dev("cofeb_mgo", 400.0)
    assert float(d.tmr(0.0, 300.0)) == pytest.approx(2.20, rel=0.15)
    assert float(d.tmr(0.0, 4.2)) == pytest.approx(3.00, rel=0.30)


def test_yuasa_2004_fe_mgo_fe():
    # Yuasa et al., Nat. Mater. 3, 868 (2004): 180 % RT, 247 % 20 K. Model: fe_mgo_fe at 2.0 nm,
    # placed on a maximum of the 0.3 nm thickness oscillation; departs +25-30 %.
    d = _dev("fe_mgo_fe")
    assert float(d.tmr(0.0, 300.0)) == pytest.approx(1.80, rel=0.35)
    assert float(d.tmr(0.0, 20.0)) == pytest.approx(2.47, rel=0.35)


@pytest.mark.parametrize(
    "tc, T, measured, tol",
    [(450.0, 300.0, 4.72, 0.15), (450.0, 5.0, 8.04, 0.20), (525.0, 300.0, 6.04, 0.15), (525.0, 5.0, 11.44, 0.20)],
)
def test_hayakawa_2006_ikeda_2008_psv(tc, T, measured, tol):
    # Hayakawa et al., APL 89, 232510 (2006) (450 C); Ikeda et al., APL 93, 082508 (2008) (525 C)
    assert float(_dev("cofeb_mgo_psv", tc).tmr(0.0, T)) == pytest.approx(measured, rel=tol)


def test_ra_vs_mgo_thickness_slope():
    # REFERENCES.md: measured CoFeB/MgO series rise about 10x per 0.25-0.5 nm.
    st = ms.Stack.preset("cofeb_mgo")
    d = np.array([0.9, 1.0, 1.1, 1.2]) * 1e-9
    ra = [float(ms.MTJDevice(st.with_thickness(x), ms.Anneal(400 + C, 3600.0, "Ta")).junction_resistances(0.0, 300.0)[0])
          * st.area / UM2 for x in d]
    nm_per_decade = 1e9 / np.polyfit(d, np.log10(ra), 1)[0]  # model: 0.39 nm per decade
    assert 0.25 <= nm_per_decade <= 0.5


def test_half_tmr_bias_mgo_and_alox():
    # AlOx: V_h 0.22-0.23 V (IBM, JAP 1998), tolerance 0.22-0.30 V as the existing preset test;
    # MgO: symmetry filtering weakens above ~0.5 V: V_h 0.3-0.6 V.
    a = _dev("cofe_alox")
    assert 0.22 <= a.half_tmr_bias() <= 0.30
    m = _dev("cofeb_mgo", 400.0)
    assert 0.3 <= m.half_tmr_bias() <= 0.6


def test_kim_2023_caps():
    # Kim et al., Nanomaterials 13, 2591 (2023): Pt peaks ~95 % at 350 C then falls; Ta still
    # rising to ~250 % at 400 C. Departs: Pt peak 61 % (the Pt interdiffusion onset and the
    # crystallization spread overlap), Ta 195 % at 400 C.
    tc = np.arange(300.0, 476.0, 25.0)
    pt = [float(_dev("cofeb_mgo", t, "Pt").tmr(0.0, 300.0)) for t in tc]
    ta = [float(_dev("cofeb_mgo", t, "Ta").tmr(0.0, 300.0)) for t in tc]
    assert tc[int(np.argmax(pt))] == pytest.approx(350.0, abs=25.0)
    assert max(pt) == pytest.approx(0.95, rel=0.5)
    assert ta[4] > ta[3] > ta[2] and ta[4] == pytest.approx(2.5, rel=0.3)
