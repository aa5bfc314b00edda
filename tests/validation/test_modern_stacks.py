"""Modern CoFeB/MgO pseudo-spin-valves and the smooth crystallization onset.

Sources (REFERENCES.md): Hayakawa et al., APL 89, 232510 (2006): 472 % at RT and 804 % at 5 K
after a 450 C anneal; Ikeda et al., APL 93, 082508 (2008): 604 % at RT and 1144 % at 5 K after
525 C with Ta diffusion suppressed. Tolerances (the issue): 15 % at RT, 20 % at low T; TMR still
rising between 450 and 525 C for the suppressed-diffusion stack. The crystallization onset of
cofeb_mgo is a distribution of local crystallization temperatures, not a step.
"""
import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import T0_CELSIUS
from mramsim.physics import annealing as A

PSV = ms.Stack.preset("cofeb_mgo_psv")


def _tmr(stack, tc, T, cap="Ta"):
    return float(ms.MTJDevice(stack, ms.Anneal(tc + T0_CELSIUS, 3600.0, cap)).tmr(0.0, T))


@pytest.mark.parametrize(
    "tc, T, measured, tol",
    [(450.0, 300.0, 4.72, 0.15), (450.0, 5.0, 8.04, 0.20), (525.0, 300.0, 6.04, 0.15), (525.0, 5.0, 11.44, 0.20)],
)
def test_psv_against_hayakawa_2006_and_ikeda_2008(tc, T, measured, tol):
    assert _tmr(PSV, tc, T) == pytest.approx(measured, rel=tol)


def test_psv_still_rising_450_to_525():
    y = [_tmr(PSV, tc, 300.0) for tc in (450.0, 475.0, 500.0, 525.0)]
    assert np.all(np.diff(y) > 0)


def test_diffusion_barrier_delays_interdiffusion():
    plain = PSV.replace(cap_onset_shift=0.0)
    assert _tmr(PSV, 525.0, 300.0) > 1.5 * _tmr(plain, 525.0, 300.0)


def test_crystallization_onset_is_smooth():
    st = ms.Stack.preset("cofeb_mgo")
    tc = np.arange(300.0, 401.0, 10.0)
    y = np.array([_tmr(st, t, 300.0) for t in tc])
    assert np.all(np.diff(y) > 0)
    # no step: every 10 C adds less than 30 % of the total rise (the single-temperature JMAK
    # gave 44 -> 152 % between 325 and 350 C, i.e. ~65 % of the rise in one 25 C step)
    assert np.max(np.diff(y)) < 0.30 * (y[-1] - y[0])
    x = A.crystalline_fraction_spread(np.array([573.15, 598.15, 623.15]), 3600.0, 0.2, "Ta", spread=25.0)
    x0 = A.crystalline_fraction(np.array([573.15, 598.15, 623.15]), 3600.0, 0.2, "Ta")
    assert np.all(np.diff(x) > 0) and x[0] > x0[0]


def test_spread_zero_is_single_jmak():
    T = np.array([600.0, 650.0])
    np.testing.assert_allclose(A.crystalline_fraction_spread(T, 3600.0, 0.2, "Ta", spread=0.0),
                               A.crystalline_fraction(T, 3600.0, 0.2, "Ta"), rtol=0, atol=0)
