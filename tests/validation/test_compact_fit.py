"""Compact-model fit accuracy on the four physics presets.

Targets (issue "Cards that any machine reproduces"; the design contract asks
for < 2 %): max relative error <= 1.5 % over |V| <= 0.5 V and 233-398 K
(-40..125 C) and <= 3 % over the whole +-0.6 V table, for R_P and R_AP of
cofeb_mgo, fe_mgo_fe, cofe_alox and cofeb_mgo_psv after a 400 C / 1 h Ta-capped anneal.
"""
from __future__ import annotations

import pytest

from mramsim.compact.presets import preset_model


@pytest.mark.slow
@pytest.mark.parametrize("preset", [
    "cofeb_mgo",
    # Fe/MgO/Fe: V_h = 0.97 V lies beyond the +-0.6 V table and the elastic TMR rises with bias
    # (the magnon term alone would halve TMR earlier): the fit uses tmr_g > 0
    "fe_mgo_fe",
    "cofe_alox",
    "cofeb_mgo_psv",
])
def test_preset_fit_within_target(preset):
    cm = preset_model(preset)
    rep = cm.fit_report
    assert rep.window_v == 0.5 and rep.window_t == (233.15, 398.15)
    assert rep.max_rel_error <= 0.015, str(rep)
    assert rep.per_state["P"]["max"] <= 0.015 and rep.per_state["AP"]["max"] <= 0.015
    assert rep.table_max_rel_error <= 0.03, str(rep)
    # the physics sensitivities travel with the model
    assert {"dlnRP_dthickness", "dlnTMR_dthickness"} <= set(cm.sensitivities)
    assert cm.sensitivities["dlnRP_dthickness"] > 0  # thicker barrier, higher R (Simmons 1963)


@pytest.mark.slow
def test_fe_mgo_fe_card_within_the_whole_table_target_and_carries_the_physics_vh():
    """The one preset whose V_h lies beyond the table: still <= 2 % in the window (the
    design contract) and <= 3 % over the table, with V_h equal to the device's half-TMR bias."""
    import mramsim as ms

    cm = preset_model("fe_mgo_fe")
    rep = cm.fit_report
    assert rep.max_rel_error <= 0.02 and rep.table_max_rel_error <= 0.03, str(rep)
    dev = ms.MTJDevice(ms.Stack.preset("fe_mgo_fe"), anneal=ms.Anneal(673.15, 3600.0, "Ta"))
    assert cm.vh_pos == pytest.approx(dev.half_tmr_bias(cm.t_nom, 1), rel=1e-6)
