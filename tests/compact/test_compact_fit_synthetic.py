"""fit_compact: parameter recovery and realistic (Tsu-Esaki) shapes."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.compact.fit import FitReport, fit_compact
from mramsim.constants import eV
from mramsim.errors import ParameterError
from mramsim.physics.rvtable import RVTable
from mramsim.physics.tunneling import tsu_esaki_conductance_density


V = np.linspace(-0.6, 0.6, 61)
T = np.linspace(233.15, 398.15, 8)


def table_from(cm, **kw):
    return RVTable(V=V, T=T, r_p=cm.resistance(0, V[:, None], T[None, :]),
                   r_ap=cm.resistance(1, V[:, None], T[None, :]), area=cm.area, thickness=1e-9,
                   sensitivities=cm.sensitivities, provenance={"preset": "synthetic"}, **kw)


def test_recovers_exp_law_model(make_model):
    truth = make_model(p_nom=0.0, q_mag=0.0, tmr_q=0.0, tmr_g=0.0)
    cm = fit_compact(table_from(truth), tmr_temperature="exp", magnon=False, v_c=truth.v_c)
    rep = cm.fit_report
    assert isinstance(rep, FitReport)
    assert rep.max_rel_error < 1e-4
    for k in ("r_p0", "tmr0", "vh_pos", "vh_neg", "tc_rp", "tc_tmr"):
        assert getattr(cm, k) == pytest.approx(getattr(truth, k), rel=2e-3, abs=1e-6), k
    assert cm.sensitivities == truth.sensitivities
    assert cm.provenance["preset"] == "synthetic"


def test_fits_magnon_model_within_target(make_model):
    truth = make_model(p_nom=0.0)
    cm = fit_compact(table_from(truth), tmr_temperature="exp")
    assert cm.fit_report.max_rel_error < 0.02
    assert cm.fit_report.per_state["AP"]["max"] <= cm.fit_report.max_rel_error


def test_realistic_tsu_esaki_table():
    # BDR-like R_P(V,T) from the Tsu-Esaki integral (asymmetric barrier), Lorentzian TMR(V)
    # with per-polarity V_h, and a Shang T^1.5 polarization in Julliere's formula.
    area = 3e-15
    g = tsu_esaki_conductance_density(V[:, None], T[None, :], 0.9 * eV, 1.1 * eV, 1.1e-9, 0.4)
    rp = 1 / (g * area)
    P = 0.65 * (1 - 2e-5 * T**1.5)
    jul = 2 * P**2 / (1 - P**2)
    tmr = jul[None, :] / (1 + V[:, None] ** 2 / np.where(V[:, None] > 0, 0.45, 0.6) ** 2)
    tab = RVTable(V=V, T=T, r_p=rp, r_ap=rp * (1 + tmr), area=area)
    # the table has no spin-flip term: fit without the magnon mixing (keeps the test fast)
    cm = fit_compact(tab, magnon=False)
    rep = cm.fit_report
    assert rep.max_rel_error < 0.02, str(rep)
    assert rep.table_max_rel_error >= rep.max_rel_error
    assert rep.n_points == np.sum(np.abs(V) <= 0.5 + 1e-12) * T.size


def test_bad_options(make_model):
    tab = table_from(make_model())
    with pytest.raises(ParameterError, match="tmr_temperature"):
        fit_compact(tab, tmr_temperature="cubic")
    with pytest.raises(ParameterError, match="v_window"):
        fit_compact(tab, v_window=0)
    no_area = RVTable(V=V, T=T, r_p=tab.r_p, r_ap=tab.r_ap)
    with pytest.raises(ParameterError, match="area"):
        fit_compact(no_area)


def test_one_temperature_mode_fixes_temperature_parameters(make_model):
    """One temperature: every temperature parameter fixed at 0 with its reason; R(V) still fitted."""
    truth = make_model(p_nom=0.0, q_mag=0.0, tmr_q=0.0, tmr_g=0.0, tc_rp=0.0, tc2_rp=0.0, tc_rp_bias=0.0,
                       tc_tmr=0.0, tc2_tmr=0.0, tc_vbias=0.0)
    t0 = 300.0
    tab = RVTable(V=V, T=np.array([t0]), r_p=truth.resistance(0, V[:, None], t0),
                  r_ap=truth.resistance(1, V[:, None], t0), area=truth.area)
    with pytest.raises(ParameterError, match="temperatures"):
        fit_compact(tab, t_window=(t0 - 1, t0 + 1), t_nom=t0, magnon=False)   # needs >= 3 without the mode
    cm = fit_compact(tab, t_window=(t0 - 1, t0 + 1), t_nom=t0, magnon=False, one_temperature=True,
                     v_c=truth.v_c)
    rep = cm.fit_report
    for n in ("tc_rp", "tc2_rp", "tc_rp_bias", "tc_tmr", "tc2_tmr", "tc_vbias"):
        assert rep.fixed[n] == [0.0, "one temperature in the data"], n
        assert getattr(cm, n) == 0.0
        assert n not in rep.free and n not in rep.std_errors
    assert rep.tmr_temperature == "exp"
    assert rep.max_rel_error < 1e-3
    # the model has no temperature dependence
    assert cm.resistance(1, 0.2, 250.0) == cm.resistance(1, 0.2, 350.0)
    with pytest.raises(ParameterError, match="one_temperature"):
        fit_compact(table_from(truth), one_temperature=True)      # 8 temperatures in the window
    with pytest.raises(ParameterError, match="tmr_temperature"):
        fit_compact(tab, t_window=(t0 - 1, t0 + 1), t_nom=t0, one_temperature=True, tmr_temperature="shang")
