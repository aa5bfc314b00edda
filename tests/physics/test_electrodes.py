"""Energy-dependent, spin- and symmetry-resolved electrodes (mramsim.physics.electrodes).
Mechanism: the minority Delta1 band of bcc Fe/CoFe starts above E_F (Butler et al., PRB 63,
054416 (2001)); hot electrons reaching it in AP lower TMR. Checks are symmetry statements
(derived): energy-independent electrodes reproduce the integrated form, a mirror-symmetric
stack has TMR(+V) = TMR(-V) to 1e-6, an asymmetric one does not."""
import dataclasses

import numpy as np
import pytest

import mramsim as ms
from mramsim.constants import eV
from mramsim.errors import ParameterError
from mramsim.materials import Electrode
from mramsim.physics.device import junction_conductances
from mramsim.physics.electrodes import electrode_profile

ST = ms.Stack.preset("fe_mgo_fe")
EDGE = dataclasses.replace(ST.left, band_edges=(("down", "delta1", 0.25 * eV, 0.8),), dos_slope_down=1.0 / eV,
                           edge_width=0.02 * eV)


def test_profile_shapes_and_edge():
    eps = np.array([-0.5, 0.0, 0.25, 1.0]) * eV
    n, w = electrode_profile(EDGE, eps)
    assert n.shape == (4, 2) and w.shape == (4, 2, 4)
    assert n[1].sum() == pytest.approx(1.0)
    assert np.all(np.diff(n[:, 1]) > 0) and np.all(n[:, 0] == n[0, 0])
    assert w[0, 1, 0] < 1e-9 and w[2, 1, 0] == pytest.approx(0.4, rel=1e-9) and w[3, 1, 0] > 0.79


def test_energy_independent_resolved_path_equals_integrated():
    zero = dataclasses.replace(ST.left, band_edges=(("down", "delta1", 1.0 * eV, 0.0),))
    assert zero.energy_dependent and not ST.left.energy_dependent
    state = ms.MTJDevice(ST).state
    V = np.linspace(-0.5, 0.5, 5)
    a = junction_conductances(ST, V, 300.0, state)
    b = junction_conductances(ST.replace(left=zero), V, 300.0, state)
    np.testing.assert_allclose(b[0], a[0], rtol=1e-12)
    np.testing.assert_allclose(b[1], a[1], rtol=1e-12)


def test_symmetric_stack_stays_symmetric():
    dev = ms.MTJDevice(ST.replace(left=EDGE, right=EDGE))
    v = np.array([0.1, 0.3, 0.5])
    np.testing.assert_allclose(dev.tmr(v, 300.0) / dev.tmr(-v, 300.0), 1.0, atol=1e-6)
    assert dev.half_tmr_bias(polarity=1) == pytest.approx(dev.half_tmr_bias(polarity=-1), rel=1e-6)


def test_asymmetric_stack_bias_asymmetry_follows_the_edge():
    # the edge sits in the LEFT electrode: only negative bias injects hot electrons into it
    dev = ms.MTJDevice(ST.replace(left=EDGE))
    vp, vm = dev.half_tmr_bias(polarity=1), dev.half_tmr_bias(polarity=-1)
    assert vm < 0.5 * vp
    assert float(dev.tmr(0.4, 300.0) / dev.tmr(-0.4, 300.0)) > 1.5
    # zero bias: the edge is far above the thermal window, TMR as without it
    ref = ms.MTJDevice(ST.replace(left=dataclasses.replace(EDGE, band_edges=())))
    assert float(dev.tmr(0.0, 300.0)) == pytest.approx(float(ref.tmr(0.0, 300.0)), rel=5e-3)


def test_bad_band_edges_rejected():
    with pytest.raises(ParameterError, match="band_edges"):
        Electrode("x", 0.7, 0.3, band_edges=(("sideways", "delta1", 0.1 * eV, 1.0),))
    with pytest.raises(ParameterError, match="band_edges"):
        Electrode("x", 0.7, 0.3, band_edges=(("down", "delta9", 0.1 * eV, 1.0),))
