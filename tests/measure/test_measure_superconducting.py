"""Meservey-Tedrow spectroscopy: Zeeman-split BCS conductance and the polarization fit."""
import numpy as np
import pytest

from mramsim.errors import MramsimError
from mramsim.measure.superconducting import bcs_dos, fit_meservey_tedrow, zeeman_conductance

V = np.linspace(-1.5e-3, 1.5e-3, 121)


def test_forward_model_properties():
    g = zeeman_conductance(V, 0.4, 0.45, 0.4, 2.0, 0.01)
    assert g[np.argmin(np.abs(V))] < 0.1                      # gap: few states at 0 V, T << Delta
    assert g[0] == pytest.approx(1.0, abs=0.05)               # normal state far outside the gap
    # reversing the polarization mirrors the spectrum in bias
    assert np.allclose(zeeman_conductance(V, -0.4, 0.45, 0.4, 2.0, 0.01), g[::-1], rtol=1e-6, atol=1e-9)
    # P = 0: symmetric in V
    g0 = zeeman_conductance(V, 0.0, 0.45, 0.4, 2.0, 0.01)
    assert np.allclose(g0, g0[::-1], rtol=1e-6, atol=1e-9)
    E = np.linspace(0.5, 2.0, 5)
    assert np.all(bcs_dos(E, 0.45, 1e-4) > 1.0)               # coherence peak side, above the gap
    with pytest.raises(MramsimError):
        zeeman_conductance(V, 1.2, 0.45, 0.4, 2.0)


def test_polarization_is_returned_within_its_uncertainty():
    truth = dict(P=0.42, delta=0.45, gamma=0.01)
    clean = zeeman_conductance(V, truth["P"], truth["delta"], 0.4, 2.0, truth["gamma"], 3.0)
    hits = 0
    for seed in range(5):
        noisy = clean * (1 + 3e-3 * np.random.default_rng(seed).standard_normal(V.size))
        res = fit_meservey_tedrow(V, noisy, T=0.4, B=2.0)
        hits += abs(res["P"] - truth["P"]) <= 2 * res.stderr["P"]
        assert res.identifiable["P"]
        assert abs(res["P"] - truth["P"]) <= 4 * res.stderr["P"]
    assert hits >= 4
