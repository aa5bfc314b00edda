"""Compact-model fit accuracy on the three physics presets.

Target from the design contract (DESIGN.md, "Compact model and export"): max
relative error below 2% over |V| <= 0.5 V and 233-398 K, for R_P and R_AP of
cofeb_mgo, fe_mgo_fe and cofe_alox after a 400 C / 1 h Ta-capped anneal.
"""
from __future__ import annotations

import pytest

from mramsim.compact.presets import preset_model


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["cofeb_mgo", "fe_mgo_fe", "cofe_alox"])
def test_preset_fit_within_two_percent(preset):
    cm = preset_model(preset)
    rep = cm.fit_report
    assert rep.window_v == 0.5 and rep.window_t == (233.15, 398.15)
    assert rep.max_rel_error < 0.02, str(rep)
    assert rep.per_state["P"]["max"] < 0.02 and rep.per_state["AP"]["max"] < 0.02
    # the physics sensitivities travel with the model
    assert {"dlnRP_dthickness", "dlnTMR_dthickness"} <= set(cm.sensitivities)
    assert cm.sensitivities["dlnRP_dthickness"] > 0  # thicker barrier, higher R (Simmons 1963)
