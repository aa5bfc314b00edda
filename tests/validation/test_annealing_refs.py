"""TMR vs anneal temperature: shape and cap ordering.

Sources: Kim et al., Nanomaterials 13, 2591 (2023): the Pt cap peaks at ~95 % at 350 C
and then falls; the Ta cap is still rising at 400 C (~250 %). Crystallization kinetics
(Simmons et al., J. Appl. Phys. 116, 2014): activation 2.4-2.7 eV, Avrami 1.5-2.0,
needs boron below ~5-6 %. Tolerances: peak positions within one 25 C step of the
published ones; peak heights within a factor 1.5 (shape targets, "recalled").
"""
import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import T0_CELSIUS
from mramsim.physics import annealing as A

TC = np.arange(200.0, 551.0, 25.0)


def _curve(cap):
    st = ms.Stack.preset("cofeb_mgo")
    return np.array([float(ms.MTJDevice(st, ms.Anneal(t + T0_CELSIUS, 3600.0, cap)).tmr(0.0, 300.0)) for t in TC])


@pytest.fixture(scope="module")
def curves():
    return {cap: _curve(cap) for cap in ("Ta", "W", "Mo", "Pt")}


def test_rises_from_amorphous_julliere_value_peaks_then_falls(curves):
    amorphous = float(ms.MTJDevice(ms.Stack.preset("cofeb_mgo")).tmr(0.0, 300.0))
    for cap, y in curves.items():
        assert y[0] == pytest.approx(amorphous, rel=0.02), cap  # 200 C: still amorphous
        k = int(np.argmax(y))
        assert 0 < k < len(y) - 1, cap
        assert y[k] > 1.5 * amorphous, cap
        assert y[-1] < 0.8 * y[k], cap  # falls after the peak (cap interdiffusion)


def test_pt_peaks_lower_and_earlier_than_ta(curves):
    ta, pt = curves["Ta"], curves["Pt"]
    assert TC[np.argmax(pt)] < TC[np.argmax(ta)]
    assert pt.max() < 0.6 * ta.max()
    # Kim 2023: Pt peak ~95 % at 350 C
    assert TC[np.argmax(pt)] == pytest.approx(350.0, abs=25.0)
    assert pt.max() == pytest.approx(0.95, rel=0.5)
    # Ta still rising at 400 C, ~250 %
    i400 = int(np.flatnonzero(TC == 400.0)[0])
    assert ta[i400] > ta[i400 - 1] > ta[i400 - 2]
    assert ta[i400] == pytest.approx(2.5, rel=0.5)
    assert TC[np.argmax(ta)] >= 400.0


def test_crystallization_parameters_in_published_ranges():
    assert 2.4 <= A.E_CRYST / ms.constants.eV <= 2.7
    assert 1.5 <= A.AVRAMI_N <= 2.0
    assert 0.05 <= A.BORON_CRITICAL <= 0.06
