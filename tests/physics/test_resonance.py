"""Interfacial resonant states (mramsim.physics.resonance)."""
import numpy as np
import pytest
from scipy.integrate import quad

import mramsim as ms
from mramsim.constants import eV
from mramsim.errors import ParameterError
from mramsim.physics.resonance import Resonance, breit_wigner, resonant_conductances

STACK = ms.Stack.preset("cofeb_mgo")
ANNEAL = ms.Anneal(673.15, 3600.0, "Ta")


def test_breit_wigner_peak_and_area():
    g = 0.02 * eV
    assert breit_wigner(0.1 * eV, 0.1 * eV, g, g) == pytest.approx(1.0)
    assert breit_wigner(0.0, 0.0, g, 3 * g) == pytest.approx(4 * 3 / 16)
    area, _ = quad(lambda E: breit_wigner(E, 0.0, g, g), -50 * g, 50 * g, points=[0.0], limit=200)
    assert area == pytest.approx(np.pi * g * g / g, rel=2e-2)  # pi G1 G2 / (G/2) with G = 2g


def test_presets_have_no_resonances():
    assert ms.MTJDevice(STACK, ANNEAL).resonances == ()


def test_minority_resonance_lowers_and_inverts_tmr_asymmetrically():
    base = ms.MTJDevice(STACK, ANNEAL)
    res = Resonance(energy=0.2 * eV, gamma_near=0.03 * eV, gamma_far=0.03 * eV, density=3e16, spin="down")
    dev = ms.MTJDevice(STACK, ANNEAL, resonances=[res])
    V = np.linspace(-0.6, 0.6, 25)
    t0 = base.tmr(V, 300.0)
    t1 = dev.tmr(V, 300.0)
    assert np.all(t1 < t0)  # feeds AP more than P: TMR lower everywhere
    assert np.min(t1) < 0  # inverted (R_AP < R_P) somewhere
    # asymmetric: the level pinned at the left electrode enters the window for V < 0
    neg, pos = t1[V < -0.3], t1[V > 0.3]
    assert np.min(neg) < 0 < np.min(pos)
    # on the positive side the level leaves the window: TMR recovers towards the base
    assert t1[-1] / t0[-1] > 0.7


def test_resonant_channel_p_ap_ratio_follows_far_dos():
    # symmetric widths, far width proportional to the far band DOS: the P/AP ratio
    # of a single minority level is set by N_down / N_up of the far electrode
    nL, nR = np.array([0.7, 0.3]), np.array([0.8, 0.2])
    res = Resonance(energy=0.0, gamma_near=1e-3 * eV, gamma_far=1e-8 * eV, density=1e15, spin="down")
    gp, gap = resonant_conductances(0.0, 300.0, [res], nL, nR)
    assert gp / gap == pytest.approx(0.2 / 0.8, rel=1e-3)  # weak-far-coupling limit
    assert resonant_conductances(0.0, 300.0, [], nL, nR)[0] == 0.0


@pytest.mark.parametrize("kw,field", [
    ({"energy": 3 * eV}, "Resonance.energy"),
    ({"energy": 0.0, "gamma_near": 0.0}, "Resonance.gamma_near"),
    ({"energy": 0.0, "spin": "sideways"}, "Resonance.spin"),
    ({"energy": 0.0, "interface": "middle"}, "Resonance.interface"),
    ({"energy": 0.0, "density": -1.0}, "Resonance.density"),
])
def test_resonance_validation(kw, field):
    with pytest.raises(ParameterError, match=field.replace(".", r"\.")):
        Resonance(**kw)


def test_device_rejects_non_resonance():
    with pytest.raises(ParameterError, match="MTJDevice.resonances"):
        ms.MTJDevice(STACK, ANNEAL, resonances=[0.1])
