"""Bit-cell variation model (mramsim.array.variation): the pure u -> cell map."""
import math

import numpy as np
import pytest
from scipy.special import ndtri

from mramsim.array.variation import AnnealMap, Variation, cd_to_area_rel, cell_scales
from mramsim.compact.model import CompactMTJ
from mramsim.errors import MramsimError, ParameterError

CM = CompactMTJ(r_p0=3000.0, tmr0=1.5, sensitivities={"dlnRP_dthickness": 1.0e10, "dlnTMR_dthickness": 2.0e8})


def _local(var, u):
    return {n: u[..., i] for i, n in enumerate(var.local_names())}


def test_zero_sigmas_give_the_nominal_cell_exactly():
    var = Variation()
    assert var.is_nominal() and var.local_names() == () and var.die_names() == ()
    r, t, v = cell_scales({}, {}, var, CM)
    assert (r, t, v) == (1.0, 1.0, 0.0)


def test_lognormal_ra_and_tmr_and_vth():
    var = Variation(ra_sigma=0.05, tmr_sigma=0.02, vth_sigma=0.03)
    assert var.local_names() == ("ra", "tmr", "vth")
    u = np.random.default_rng(3).standard_normal((1000, 3))
    r, t, v = cell_scales(_local(var, u), {}, var, CM)
    np.testing.assert_allclose(r, np.exp(0.05 * u[:, 0]), rtol=1e-14)
    np.testing.assert_allclose(t, np.exp(0.02 * u[:, 1]), rtol=1e-14)
    np.testing.assert_allclose(v, 0.03 * u[:, 2], rtol=1e-14)


def test_cd_moves_area_as_a_circle():
    cd = math.sqrt(4 * CM.area / math.pi)
    var = Variation(cd_sigma=2e-9)
    u = np.array([[-2.0], [0.0], [1.5]])
    r, t, _ = cell_scales(_local(var, u), {}, var, CM)
    da = (1 + 2e-9 * u[:, 0] / cd) ** 2 - 1
    np.testing.assert_allclose(cd_to_area_rel(2e-9 * u[:, 0], cd), da, rtol=1e-12)
    np.testing.assert_allclose(r, 1.0 / (1.0 + da), rtol=1e-12)  # constant RA: R ~ 1/area
    np.testing.assert_allclose(t, 1.0, rtol=0, atol=0)


def test_thickness_moves_rp_and_tmr_through_the_compact_model():
    var = Variation(thickness_sigma=0.02e-9)
    u = np.array([[1.0], [-1.0]])
    r, t, _ = cell_scales(_local(var, u), {}, var, CM)
    np.testing.assert_allclose(r, np.exp(1.0e10 * 0.02e-9 * u[:, 0]), rtol=1e-12)
    np.testing.assert_allclose(t, np.exp(2.0e8 * 0.02e-9 * u[:, 0]), rtol=1e-12)
    # thicker barrier: higher R_P and (coherent tunneling) higher TMR, together
    assert r[0] > 1 > r[1] and t[0] > 1 > t[1]


def test_thickness_without_sensitivities_raises():
    var = Variation(thickness_sigma=0.02e-9)
    with pytest.raises(MramsimError):
        cell_scales({"thickness": np.array([1.0])}, {}, var, CompactMTJ(r_p0=3000.0, tmr0=1.5))


def test_defect_indicator_is_exact_and_sets_low_tmr():
    var = Variation(defect_rate=1e-3, defect_tmr=0.25)
    thr = ndtri(1e-3)
    u = np.array([[thr - 1e-9], [thr + 1e-9], [0.0]])
    _, t, _ = cell_scales(_local(var, u), {}, var, CM)
    np.testing.assert_allclose(t, [0.25 / 1.5, 1.0, 1.0])
    # frequency over normal draws matches the rate (binomial 5 sigma bound)
    n = 400_000
    uu = np.random.default_rng(1).standard_normal((n, 1))
    _, t, _ = cell_scales(_local(var, uu), {}, var, CM)
    k = np.count_nonzero(t < 1)
    assert abs(k - n * 1e-3) < 5 * math.sqrt(n * 1e-3)


def test_die_ra_is_shared():
    var = Variation(ra_die_sigma=0.1)
    assert var.die_names() == ("ra_die",)
    r, _, _ = cell_scales({}, {"ra_die": np.array([1.0])}, var, CM)
    np.testing.assert_allclose(r, np.exp(0.1))


RESP = (np.array([600.0, 650.0, 700.0]), np.array([1.1, 1.0, 0.95]), np.array([0.8, 1.0, 0.7]))


def test_anneal_map_profile_and_positions():
    m = AnnealMap(t_center=650.0, t_edge=700.0, response=RESP, wafer_radius=0.15)
    assert m.temperature_at(0.0) == pytest.approx(650.0)
    assert m.temperature_at(0.15) == pytest.approx(700.0)
    assert m.temperature_at(0.075) == pytest.approx(650.0 + 50.0 * 0.25)
    # uniform over area: P(r < R/2) = 1/4
    assert m.radius_from_u(ndtri(0.25)) == pytest.approx(0.075, rel=1e-12)
    rs, ts = m.scales_at([650.0, 675.0, 700.0])
    np.testing.assert_allclose(rs, [1.0, 0.975, 0.95])
    np.testing.assert_allclose(ts, [1.0, 0.85, 0.7])
    var = Variation(anneal=m)
    assert var.die_names() == ("anneal",)
    r, t, _ = cell_scales({}, {"anneal": np.array([-40.0, 40.0])}, var, CM)  # center, edge
    np.testing.assert_allclose(r, [1.0, 0.95], atol=1e-12)
    np.testing.assert_allclose(t, [1.0, 0.7], atol=1e-12)


def test_variation_round_trip_dict():
    var = Variation(ra_sigma=0.03, vth_sigma=0.02, anneal=AnnealMap(650.0, 700.0, response=RESP), defect_rate=1e-6)
    back = Variation.from_dict(var.to_dict())
    assert back.to_dict() == var.to_dict()


@pytest.mark.parametrize("kw, field", [
    ({"ra_sigma": -0.1}, "Variation.ra_sigma"),
    ({"vth_sigma": float("nan")}, "Variation.vth_sigma"),
    ({"defect_rate": 1.0}, "Variation.defect_rate"),
    ({"cd": 60e-9, "cd_sigma": 10e-9}, "Variation.cd_sigma"),
    ({"anneal": 650.0}, "Variation.anneal"),
])
def test_bad_variation_names_the_field(kw, field):
    with pytest.raises(ParameterError) as ei:
        Variation(**kw)
    assert ei.value.field == field


def test_bad_anneal_map():
    with pytest.raises(ParameterError, match="response"):
        AnnealMap(650.0, 720.0, response=RESP)  # outside the table
    with pytest.raises(ParameterError, match="stack"):
        AnnealMap(650.0, 700.0)
    with pytest.raises(ParameterError, match="t_edge"):
        AnnealMap(650.0, 2000.0, response=RESP)


def test_anneal_map_interpolates_the_device_physics():
    """The grid is the annealing physics (MTJDevice) relative to the reference anneal."""
    import mramsim as ms
    from mramsim.array.variation import anneal_response

    stack = ms.Stack.preset("cofeb_mgo")
    m = AnnealMap(t_center=623.15, t_edge=723.15, stack=stack, t_reference=673.15, grid_points=11)
    temps, rs, ts = m.grid
    rp_ref, tmr_ref = anneal_response(stack, [673.15], time=m.time, cap=m.cap, V=m.v_eval, T=m.t_eval)
    rp, tmr = anneal_response(stack, temps, time=m.time, cap=m.cap, V=m.v_eval, T=m.t_eval)
    np.testing.assert_allclose(rs, rp / rp_ref, rtol=1e-12)
    np.testing.assert_allclose(ts, tmr / tmr_ref, rtol=1e-12)
    assert m.scales_at(673.15)[1] == pytest.approx(1.0, rel=1e-12)  # 673.15 K is a grid node
    # between nodes the linear interpolation stays close to the physics (10 K grid)
    rp_mid, tmr_mid = anneal_response(stack, [648.15], time=m.time, cap=m.cap, V=m.v_eval, T=m.t_eval)
    assert m.scales_at(648.15)[1] == pytest.approx(tmr_mid[0] / tmr_ref[0], rel=0.05)


def test_map_u_vectorised_over_any_leading_shape():
    var = Variation(ra_sigma=0.05, vth_sigma=0.02, ra_die_sigma=0.1)
    assert var.names() == ("ra", "vth", "ra_die")
    u = np.random.default_rng(2).standard_normal((4, 5, 3))
    r, t, v = var.map_u(u, CM)
    assert r.shape == t.shape == v.shape == (4, 5)
    np.testing.assert_allclose(r, np.exp(0.05 * u[..., 0] + 0.1 * u[..., 2]), rtol=1e-13)
    np.testing.assert_array_equal(t, 1.0)
    np.testing.assert_allclose(v, 0.02 * u[..., 1])
    with pytest.raises(ParameterError, match="u.shape"):
        var.map_u(u[..., :2], CM)
    r0, t0, v0 = Variation().map_u(np.zeros((3, 0)), CM)
    np.testing.assert_array_equal(r0, 1.0) and np.testing.assert_array_equal(v0, 0.0)
