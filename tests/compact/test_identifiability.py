"""The fitted compact model's named parameters are what the physics table says they are.

V_h of the model (its own half-TMR bias) vs the device's ``half_tmr_bias``,
RA and TMR0 vs the device at V = 0, T_nom, the temperature coefficients vs
central differences of the device, no free pair correlated beyond 0.99, and
the whole +-0.6 V table within 3 %.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mramsim.compact.fit import MAX_CORRELATION
from mramsim.compact.presets import preset_model
from mramsim.physics.device import MTJDevice
from mramsim.stack import Anneal, Stack

PRESETS = ("cofeb_mgo", "fe_mgo_fe", "cofe_alox", "cofeb_mgo_psv")


@pytest.fixture(scope="module", params=PRESETS)
def fitted(request):
    p = request.param
    dev = MTJDevice(Stack.preset(p), anneal=Anneal(673.15, 3600.0, "Ta"))
    return dev, preset_model(p)


@pytest.mark.slow
def test_named_parameters_match_physics(fitted):
    dev, cm = fitted
    Tn = cm.t_nom
    assert cm.vh_pos == pytest.approx(dev.half_tmr_bias(Tn, 1), rel=0.02)
    assert cm.vh_neg == pytest.approx(dev.half_tmr_bias(Tn, -1), rel=0.02)
    rp, rap = (float(x) for x in dev.resistances(0.0, Tn))
    assert cm.ra == pytest.approx(rp * dev.area, rel=5e-3)
    assert cm.tmr0 == pytest.approx(rap / rp - 1, rel=5e-3)
    h = 5.0
    (rp1, rap1), (rp2, rap2) = dev.resistances(0.0, Tn + h), dev.resistances(0.0, Tn - h)
    assert cm.tc_rp == pytest.approx(float(np.log(rp1 / rp2)) / (2 * h), rel=0.05)
    tmr1, tmr2 = rap1 / rp1 - 1, rap2 / rp2 - 1
    assert cm.tc_tmr == pytest.approx(float(np.log(tmr1 / tmr2)) / (2 * h), rel=0.05)


@pytest.mark.slow
def test_no_free_pair_too_correlated_and_errors_reported(fitted):
    _, cm = fitted
    rep = cm.fit_report
    c = np.abs(np.asarray(rep.correlation)) - np.eye(len(rep.free))
    assert c.max() <= MAX_CORRELATION, rep.worst_correlation
    # every free variable has a standard error, and tmr_g (derived from elastic_excess) has one or is fixed
    assert set(rep.std_errors) - {"tmr_g"} == set(rep.free)
    assert ("tmr_g" in rep.std_errors) != ("tmr_g" in rep.fixed)
    assert all(np.isfinite(v) and v >= 0 for v in rep.std_errors.values())
    assert not set(rep.free) & set(rep.fixed)
    assert rep.table_max_rel_error <= 0.03, str(rep)


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS)
def test_refit_with_tiny_noise_reproduces_the_parameters(preset):
    """A table perturbed by 1e-9 relative noise gives the same card: every parameter moves
    by < 1e-5 of its size (or of its standard error where it is ~0), same laws and fixings.
    The fit table and options are the shipped card's (:func:`preset_tables`)."""
    from mramsim.compact.fit import fit_compact
    from mramsim.compact.presets import preset_tables

    _, table, _, vh = preset_tables(preset)
    rng = np.random.default_rng(20261128)
    noisy = replace(table, r_p=table.r_p * (1 + 1e-9 * rng.standard_normal(table.r_p.shape)),
                    r_ap=table.r_ap * (1 + 1e-9 * rng.standard_normal(table.r_ap.shape)))
    a, b = fit_compact(table, name=preset, vh_beyond=vh), fit_compact(noisy, name=preset, vh_beyond=vh)
    ra, rb = a.fit_report, b.fit_report
    assert ra.tmr_temperature == rb.tmr_temperature
    assert ra.free == rb.free and set(ra.fixed) == set(rb.fixed)
    pa, pb = a.parameters(), b.parameters()
    for k in pa:
        scale = max(abs(pa[k]), ra.std_errors.get(k, 0.0), 1e-300)
        assert abs(pb[k] - pa[k]) <= 1e-5 * scale, (k, pa[k], pb[k])
