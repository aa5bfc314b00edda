"""TMR oscillation with MgO thickness.
Source: Yuasa et al., Nat. Mater. 3, 868 (2004): Fe/MgO/Fe TMR oscillates with t_MgO with a
period of about 0.3 nm. Mechanism: interference of the Delta1 evanescent state with the
complex-k Delta1 pair of MgO (Butler et al., PRB 63, 054416 (2001)); only the coherent part
oscillates, so the amplitude follows interface coherence and vanishes in the amorphous limit
(which stays Julliere: tests/validation/test_coherent_refs.py). Tolerance: period within 10 %."""
import dataclasses

import numpy as np
import pytest

import mramsim as ms
from mramsim.physics.coherent import delta1_interference

D = np.arange(1.5e-9, 3.0e-9 + 1e-12, 0.01e-9)


def _tmr_curve(stack, T=300.0):
    return np.array([float(ms.MTJDevice(stack.with_thickness(d)).tmr(0.0, T)) for d in D])


def _oscillation(y):
    # remove the smooth growth with d (quadratic in d), keep the oscillating part
    resid = y / np.polyval(np.polyfit(D, y, 2), D) - 1.0
    return resid


@pytest.fixture(scope="module")
def fe_curve():
    return _tmr_curve(ms.Stack.preset("fe_mgo_fe"))


def test_period_near_0p3_nm(fe_curve):
    r = _oscillation(fe_curve)
    spec = np.abs(np.fft.rfft(r * np.hanning(r.size)))
    f = np.fft.rfftfreq(r.size, d=D[1] - D[0])
    period = 1.0 / f[1 + np.argmax(spec[1:])]
    assert period == pytest.approx(0.3e-9, rel=0.10)
    # maxima spaced by the period
    peaks = [i for i in range(1, r.size - 1) if r[i] > r[i - 1] and r[i] > r[i + 1] and r[i] > 0]
    assert np.mean(np.diff(D[peaks])) == pytest.approx(0.3e-9, rel=0.10)


def test_amplitude_follows_interface_coherence(fe_curve):
    st = ms.Stack.preset("fe_mgo_fe")
    amp = np.std(_oscillation(fe_curve))
    assert amp > 0.03  # a visible oscillation (Yuasa: several per cent of TMR)
    less = st.replace(diffuse_fraction=0.8)
    rough = st.replace(barrier=dataclasses.replace(st.barrier, thickness_roughness=0.15e-9))
    assert np.std(_oscillation(_tmr_curve(less))) < 0.6 * amp
    assert np.std(_oscillation(_tmr_curve(rough))) < 0.3 * amp
    amorph = _tmr_curve(st.replace(diffuse_fraction=1.0))
    # no oscillation left: no interior extremum (monotone in d)
    assert np.all(np.diff(amorph) > 0) or np.all(np.diff(amorph) < 0)


def test_interference_factor():
    d = np.array([0.0, 0.075e-9, 0.15e-9])
    np.testing.assert_allclose(delta1_interference(d, 0.2, 0.3e-9), [1.2, 1.0, 0.8], atol=1e-12)
    assert delta1_interference(0.0, 0.2, 0.3e-9, roughness=0.3e-9) == pytest.approx(1.0, abs=1e-6)
