"""CompactMTJ: equations, smoothness, analytic didv, variation scales, validation."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.compact.model import CompactMTJ

from mramsim.errors import NetlistError, ParameterError



def test_stand_in_keywords_and_lorentzian():
    cm = CompactMTJ(r_p0=2000.0, tmr0=1.5, area=2e-15, vh_pos=0.5, vh_neg=0.5)
    # REFERENCES.md: Lorentzian with V_h = 0.5 V gives 0.962 at 0.1 V (derived)
    assert cm.tmr(0.1, cm.t_nom) / cm.tmr(0.0, cm.t_nom) == pytest.approx(1 / (1 + 0.04), rel=1e-3)
    assert cm.resistance("P", 0.0, cm.t_nom) == pytest.approx(2000.0)
    assert cm.resistance("AP", 0.0, cm.t_nom) == pytest.approx(5000.0)
    assert cm.ra == pytest.approx(4e-12)


def test_scales_multiply_rp_and_tmr(make_model):
    cm = make_model()
    V, T = 0.2, 320.0
    rp, tmr = cm.r_parallel(V, T), cm.tmr(V, T)
    assert cm.resistance(1, V, T, r_scale=1.3, tmr_scale=0.8) == pytest.approx(1.3 * rp * (1 + 0.8 * tmr), rel=1e-12)
    assert cm.resistance(0, V, T, r_scale=1.3, tmr_scale=0.8) == pytest.approx(1.3 * rp, rel=1e-12)


def test_shang_temperature_factor():
    # p_nom > 0: TMR(T)/TMR(Tnom) = J(P(T))/J(p_nom), J = P^2/(1-P^2), P = P0 (1 - alpha T^1.5),
    # and tc_tmr is d ln TMR/dT at t_nom
    cm = CompactMTJ(r_p0=1e3, tmr0=1.0, p_nom=0.5, tc_tmr=-2e-3)
    p0, alpha = cm.shang_p0_alpha
    J = lambda T: (p0 * (1 - alpha * T**1.5)) ** 2 / (1 - (p0 * (1 - alpha * T**1.5)) ** 2)
    assert cm.tmr(0.0, 200.0) == pytest.approx(J(200.0) / J(cm.t_nom), rel=1e-12)
    h = 1e-3
    slope = (np.log(cm.tmr(0.0, cm.t_nom + h)) - np.log(cm.tmr(0.0, cm.t_nom - h))) / (2 * h)
    assert slope == pytest.approx(-2e-3, rel=1e-6)


@pytest.mark.parametrize("law", [dict(p_nom=0.0, tc2_tmr=-1e-6), dict(p_nom=0.6)])
def test_named_parameters_are_what_they_say(make_model, law):
    """vh_pos/vh_neg are the model's own half-TMR biases; tc_rp, tc_tmr its zero-bias T slopes."""
    cm = make_model(**law)
    Tn = cm.t_nom
    assert cm.tmr(cm.vh_pos, Tn) == pytest.approx(cm.tmr0 / 2, rel=1e-12)
    assert cm.tmr(-cm.vh_neg, Tn) == pytest.approx(cm.tmr0 / 2, rel=1e-12)
    assert cm.tmr(0.9 * cm.vh_pos, Tn) > cm.tmr0 / 2 > cm.tmr(1.1 * cm.vh_pos, Tn)
    assert cm.r_parallel(0.0, Tn) == pytest.approx(cm.r_p0, rel=1e-14)
    h = 1e-3
    for f, tc in ((cm.r_parallel, cm.tc_rp), (cm.tmr, cm.tc_tmr)):
        slope = (np.log(f(0.0, Tn + h)) - np.log(f(0.0, Tn - h))) / (2 * h)
        assert slope == pytest.approx(tc, rel=1e-6)


def test_magnon_term_cannot_halve_tmr_alone():
    with pytest.raises(ParameterError, match="vh_pos"):
        CompactMTJ(r_p0=1e3, tmr0=1.5, vh_pos=0.45, q_mag=0.4, v_mag=0.12, n_mag=1.5)


@pytest.mark.parametrize("state", [0, 1])
def test_didv_analytic_matches_finite_difference(state, make_model):
    cm = make_model()
    V = np.linspace(-1.5, 1.5, 151)[:, None]
    T = np.array([218.15, 300.15, 423.15])[None, :]
    h = 1e-6
    fd = (cm.current(state, V + h, T, r_scale=1.2, tmr_scale=0.9)
          - cm.current(state, V - h, T, r_scale=1.2, tmr_scale=0.9)) / (2 * h)
    np.testing.assert_allclose(cm.didv(state, V, T, r_scale=1.2, tmr_scale=0.9), fd, rtol=1e-6)


def test_smooth_and_finite_over_spice_range(make_model):
    cm = make_model()
    V = np.linspace(-1.5, 1.5, 3001)
    for T in (218.15, 300.15, 423.15):
        for s in (0, 1):
            R = cm.resistance(s, V, T)
            assert np.all(np.isfinite(R)) and np.all(R > 0)
            g = cm.didv(s, V, T)
            assert np.all(np.isfinite(g))
            # no kinks: the conductance derivative changes by small steps between neighbours
            dg = np.diff(g)
            assert np.max(np.abs(np.diff(dg))) < 0.05 * np.max(np.abs(g))


def test_variation_scales_physics(make_model):
    cm = make_model()
    rs, ts = cm.variation_scales(d_thickness=np.array([0.0, 0.1e-9]), d_area_rel=0.1, d_anneal=[[0.0], [5.0]])
    assert rs.shape == ts.shape == (2, 2)
    s = cm.sensitivities
    assert rs[1, 1] == pytest.approx(np.exp(s["dlnRP_dthickness"] * 0.1e-9 + s["dlnRP_danneal"] * 5) / 1.1)
    assert ts[0, 1] == pytest.approx(np.exp(s["dlnTMR_dthickness"] * 0.1e-9))
    assert rs[0, 0] == pytest.approx(1 / 1.1)


def test_variation_scales_missing_sensitivity():
    cm = CompactMTJ(r_p0=1e3, tmr0=1.0)
    rs, ts = cm.variation_scales(0.0, 0.25, 0.0)
    assert rs == pytest.approx(0.8) and ts == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="dlnRP_dthickness"):
        cm.variation_scales(d_thickness=1e-11)
    with pytest.raises(ParameterError, match="d_area_rel"):
        cm.variation_scales(d_area_rel=-1.0)


def test_bad_parameters():
    with pytest.raises(ParameterError, match="r_p0"):
        CompactMTJ(r_p0=-1.0, tmr0=1.0)
    with pytest.raises(ParameterError, match="vh_pos"):
        CompactMTJ(r_p0=1.0, tmr0=1.0, vh_pos=0.0)
    with pytest.raises(ParameterError, match="tmr_q"):
        CompactMTJ(r_p0=1.0, tmr0=1.0, tmr_q=-1.0)
    with pytest.raises(ParameterError, match="b1"):
        CompactMTJ(r_p0=1.0, tmr0=1.0, b1=float("nan"))
    with pytest.raises(NetlistError):
        CompactMTJ(r_p0=1.0, tmr0=1.0, name="bad name")
    cm = CompactMTJ(r_p0=1.0, tmr0=1.0)
    with pytest.raises(ParameterError, match="state"):
        cm.resistance("X", 0.1, 300.0)
    with pytest.raises(ParameterError, match="T"):
        cm.resistance(0, 0.1, -5.0)
    with pytest.raises(ParameterError, match="r_scale"):
        cm.resistance(0, 0.1, 300.0, r_scale=0.0)


@pytest.mark.parametrize("tmr_q", [0.0, 10.0])
def test_rising_elastic_factor_keeps_vh_the_first_half_tmr_bias(tmr_q):
    """tmr_g > 0, magnon term alone over the half-TMR budget (d < 1): the elastic TMR rises with
    bias and makes up for it exactly at V_h; V_h is the model's first half-TMR bias; dI/dV analytic."""
    cm = CompactMTJ(r_p0=1e3, tmr0=1.5, vh_pos=0.45, vh_neg=0.5, q_mag=0.5, v_mag=0.3, n_mag=1.5,
                    tmr_g=20.0, tmr_q=tmr_q)
    Tn = cm.t_nom
    h = 1.0 + cm.tmr0 / 2
    q_h = float(cm.magnon_q(cm.vh_pos, Tn))
    assert q_h * (2 * h + 1) > 1.0                      # the magnon term alone would halve TMR earlier
    x = cm.bias_scales[0] * 0.4**2
    assert (1 + cm.tmr_g * x) / (1 + x + cm.tmr_q * x * x) > 1.0   # the elastic factor rises
    for vh, sgn in ((cm.vh_pos, 1.0), (cm.vh_neg, -1.0)):
        assert cm.tmr(sgn * vh, Tn) == pytest.approx(cm.tmr0 / 2, rel=1e-12)
        V = sgn * vh * np.linspace(0.0, 0.999, 400)
        assert np.all(cm.tmr(V, Tn) > cm.tmr0 / 2)
    V = np.linspace(-1.5, 1.5, 151)[:, None]
    T = np.array([218.15, 300.15, 423.15])[None, :]
    for state in (0, 1):
        fd = (cm.current(state, V + 1e-6, T) - cm.current(state, V - 1e-6, T)) / 2e-6
        np.testing.assert_allclose(cm.didv(state, V, T), fd, rtol=1e-6)


def test_rising_elastic_factor_that_cannot_make_up_for_the_magnon_term_is_refused():
    # tmr_g = 3 with tmr_q = 10 never reaches 1/d at V_h; tmr_g = 20 with a fast magnon halves TMR before V_h
    with pytest.raises(ParameterError, match="vh_pos"):
        CompactMTJ(r_p0=1e3, tmr0=1.5, vh_pos=0.45, vh_neg=0.5, q_mag=0.5, v_mag=0.3, n_mag=1.5,
                   tmr_g=3.0, tmr_q=10.0)
    with pytest.raises(ParameterError, match="first bias"):
        CompactMTJ(r_p0=1e3, tmr0=1.5, vh_pos=0.45, q_mag=0.4, v_mag=0.12, n_mag=1.5, tmr_g=5.0)
    with pytest.raises(ParameterError, match="tmr_g"):
        CompactMTJ(r_p0=1e3, tmr0=1.5, tmr_g=-1.0)
