"""Read margin and BER (mramsim.array.margin) with the array solver.

Tolerances: Monte Carlo counts are binomial, importance-sampling estimates
come with their own 95 % intervals; comparisons use those intervals (or
3 combined standard deviations) with fixed seeds, so every test is
deterministic and its tolerance is statistically sound.
"""
import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import log_ndtr, logsumexp, ndtr

import mramsim as ms
from mramsim.array.margin import ReadMarginResult, clopper_pearson, read_margin
from mramsim.array.read import ReadScheme
from mramsim.array.solver import read_currents
from mramsim.array.variation import Variation
from mramsim.errors import ParameterError, UnknownNameError


@pytest.fixture(scope="module")
def arr():
    return ms.Array1T1MTJ(rows=32, cols=8)


def _nominal(arr, read, row):
    """Nominal P/AP currents straight from the solver (no margin code)."""
    ip = read_currents(arr, selected_row=row, states=np.zeros(arr.cols, int), v_read=read.v_read,
                       temperature=read.temperature).i_cell[0]
    iap = read_currents(arr, selected_row=row, states=np.ones(arr.cols, int), v_read=read.v_read,
                        temperature=read.temperature).i_cell[0]
    return ip, iap


def test_clopper_pearson_known_values():
    lo, hi = clopper_pearson(0, 100)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 100), rel=1e-9)
    lo, hi = clopper_pearson(5, 1000)
    assert lo < 5e-3 < hi


def test_nominal_array_is_exact(arr):
    read = ReadScheme(v_read=0.15)
    res = read_margin(arr, Variation(), read, n_samples=64, seed=0, method="mc")
    row = res.inputs["selected_row"]
    ip, iap = _nominal(arr, read, row)
    ref = 0.5 * (ip + iap)
    np.testing.assert_allclose(res.nominal["m_p"], ip - ref, rtol=1e-12)
    np.testing.assert_allclose(res.nominal["m_ap"], ref - iap, rtol=1e-12)
    assert res.mc["p"]["std"] == pytest.approx(0.0, abs=1e-15)
    assert res.mc["p"]["mean"] == pytest.approx(float(np.mean(ip - ref)), rel=1e-12)
    assert res.ber == 0.0 and res.mc["p"]["fails"] == 0


def test_ir_drop_worst_row_is_the_far_row(arr):
    res = read_margin(arr, Variation(), ReadScheme(v_read=0.15), n_samples=8, seed=0, method="mc", ir_rows=8)
    m = np.asarray(res.ir_map["m_p_min"])
    assert np.all(np.diff(m) < 0)  # margin shrinks away from the drivers
    assert res.inputs["selected_row"] == res.ir_map["rows"][int(np.argmin(np.minimum(m, res.ir_map["m_ap_min"])))]


def _sigma_for(target, mp, map_, scale):
    """Offset sigma [V] giving a Gaussian closed-form BER ``target`` (bisection on the closed form)."""
    def log_ber(s):
        terms = np.concatenate([log_ndtr(-mp / (s * scale)), log_ndtr(-map_ / (s * scale))])
        return logsumexp(terms) - math.log(terms.size)
    return math.exp(brentq(lambda ls: log_ber(math.exp(ls)) - math.log(target), math.log(1e-5), math.log(0.5)))


@pytest.mark.parametrize("target", [1e-9, 1e-12])
def test_importance_sampling_matches_gaussian_closed_form(arr, target):
    read0 = ReadScheme(v_read=0.15, reference="current-midpoint")
    row = arr.rows - 1
    ip, iap = _nominal(arr, read0, row)
    mp, map_ = ip - 0.5 * (ip + iap), 0.5 * (ip + iap) - iap
    sigma = _sigma_for(target, mp, map_, 1.0 / read0.r_sense)
    read = read0.replace(sa_offset_sigma=sigma)
    res = read_margin(arr, Variation(), read, seed=0, method="is", selected_row=row, is_rel_ci=0.05)
    closed = 0.5 * np.mean(ndtr(-mp / (sigma / read.r_sense)) + ndtr(-map_ / (sigma / read.r_sense)))
    assert closed == pytest.approx(target, rel=1e-6)
    assert res.ber_ci[0] <= closed <= res.ber_ci[1]
    assert res.ber == pytest.approx(closed, rel=0.2)
    # FORM is exact for a margin linear in u
    assert 0.5 * (res.analytic["p"]["p"] + res.analytic["ap"]["p"]) == pytest.approx(closed, rel=1e-3)


def test_importance_sampling_matches_lognormal_closed_form(arr):
    """Lognormal RA alone, fixed reference: P read fails when R_P exceeds one threshold."""
    sig = 0.06
    read = ReadScheme(v_read=0.15, reference="fixed", r_ref=7000.0)
    row = arr.rows - 1
    i_ref = read.v_read / read.r_ref

    def excess(u, state):
        return read_currents(arr, selected_row=row, states=np.full(arr.cols, state), v_read=read.v_read,
                             temperature=read.temperature, r_scale=math.exp(sig * u)).i_cell[0, 0] - i_ref

    u_p = brentq(lambda u: excess(u, 0), 0.0, 40.0)  # P cell current drops to the reference
    u_ap = brentq(lambda u: excess(u, 1), -40.0, 0.0)  # AP cell current rises to it
    closed = 0.5 * (ndtr(-u_p) + ndtr(u_ap))
    res = read_margin(arr, Variation(ra_sigma=sig), read, seed=2, method="is", selected_row=row, is_rel_ci=0.05)
    assert 1e-14 < closed < 1e-6
    assert res.ber_ci[0] <= closed <= res.ber_ci[1]
    assert res.ber == pytest.approx(closed, rel=0.2)


def test_monte_carlo_and_importance_sampling_agree_at_1e_3(arr):
    var = Variation(ra_sigma=0.04, tmr_sigma=0.05, vth_sigma=0.03, ra_die_sigma=0.03)
    read = ReadScheme(v_read=0.15, reference="current-midpoint", sa_offset_sigma=0.023)
    mc = read_margin(arr, var, read, n_samples=30_000, seed=11, method="mc", selected_row=arr.rows - 1)
    is_ = read_margin(arr, var, read, seed=12, method="is", selected_row=arr.rows - 1, is_rel_ci=0.05)
    assert 3e-4 < mc.ber < 3e-3 and mc.mc["p"]["fails"] + mc.mc["ap"]["fails"] > 200
    for st in ("p", "ap"):
        p_mc = mc.mc[st]["p"]
        v_mc = p_mc * (1 - p_mc) / mc.mc["n_reads"]
        p_is, v_is = is_.importance[st]["p"], is_.importance[st]["var"]
        assert abs(p_mc - p_is) < 3 * math.sqrt(v_mc + v_is)
    assert mc.ber_ci[0] < is_.ber_ci[1] and is_.ber_ci[0] < mc.ber_ci[1]


def test_same_seed_same_result_for_any_chunking(arr):
    var = Variation(ra_sigma=0.05, vth_sigma=0.03)
    read = ReadScheme(v_read=0.15, sa_offset_sigma=0.02)
    kw = dict(n_samples=5000, seed=3, method="auto", selected_row=5, block_size=1024)
    a = read_margin(arr, var, read, chunk_blocks=1, **kw)
    b = read_margin(arr, var, read, chunk_blocks=3, **kw)
    c = read_margin(arr, var, read, seed=4, **{k: v for k, v in kw.items() if k != "seed"})
    assert a.inputs["block_size"] * 2 < kw["n_samples"]  # several blocks really were used
    assert a.ber == b.ber and a.ber_ci == b.ber_ci
    assert a.mc["p"]["fails"] == b.mc["p"]["fails"] and a.mc["p"]["mean"] == b.mc["p"]["mean"]
    np.testing.assert_array_equal(a.samples["m_p"], b.samples["m_p"])
    assert c.mc["p"]["mean"] != a.mc["p"]["mean"]


def test_current_midpoint_beats_resistance_midpoint_for_proportional_spread(arr):
    """A die-level (proportional, common-mode) R spread moves the reference cells with
    the data cells, so the current-midpoint reference tracks it; a fixed resistor at the
    resistance midpoint does not (ratiometric sensing, e.g. Tehrani et al., Proc. IEEE 2003)."""
    var = Variation(ra_die_sigma=0.12, ra_sigma=0.02)
    kw = dict(n_samples=2000, seed=21, selected_row=arr.rows - 1)
    fixed = read_margin(arr, var, ReadScheme(v_read=0.15, reference="fixed", sa_offset_sigma=2e-3), **kw)
    cmid = read_margin(arr, var, ReadScheme(v_read=0.15, reference="current-midpoint", sa_offset_sigma=2e-3), **kw)
    assert fixed.ber_ci[0] > 10 * cmid.ber_ci[1]
    assert cmid.margin_sigma > fixed.margin_sigma


@pytest.fixture(scope="module")
def physics_mtj():
    """Compact model fitted to the device physics (cofeb_mgo, 400 C / 1 h Ta anneal)."""
    dev = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ms.Anneal(673.15, 3600.0, "Ta"))
    tab = dev.rv_table(V=np.linspace(-0.5, 0.5, 21), T=np.linspace(233.15, 398.15, 4))
    return ms.fit_compact(tab)


def test_ber_rises_with_temperature(physics_mtj):
    """Physics: TMR falls with temperature (spin-flip / magnon channels) and the access
    transistor weakens, so the margin shrinks and the BER rises (27 -> 85 -> 125 C).
    Thickness variation enters through the physics sensitivities of the fitted model."""
    cm = physics_mtj
    assert cm.tmr(0.1, 398.15) < cm.tmr(0.1, 300.15)
    arr = ms.Array1T1MTJ(rows=16, cols=8, mtj=cm)
    var = Variation(ra_sigma=0.05, tmr_sigma=0.05, vth_sigma=0.03, thickness_sigma=0.01e-9)
    bers = []
    for T in (300.15, 358.15, 398.15):
        res = read_margin(arr, var, ReadScheme(v_read=0.15, sa_offset_sigma=5e-3, temperature=T), seed=1,
                          method="is", selected_row=15, is_rel_ci=0.1)
        bers.append(res)
    for lo, hi in zip(bers[:-1], bers[1:]):
        assert hi.ber_ci[0] > lo.ber_ci[1]


def test_defects_raise_ber_by_half_their_rate_plus_the_reference_defects(arr):
    """A defective (TMR ~ 0) data bit fails its AP read: BER gains rate/2. A defective AP
    reference cell (R_AP ~ R_P) puts the reference on the P level, so P reads then fail
    about half the time: another ~rate/4 (the former estimate, exactly rate/2, dropped it)."""
    base = Variation(ra_sigma=0.03)
    read = ReadScheme(v_read=0.15)
    clean = read_margin(arr, base, read, seed=1, method="is", selected_row=arr.rows - 1)
    dirty = read_margin(arr, Variation(ra_sigma=0.03, defect_rate=1e-6, defect_tmr=0.02), read, seed=1,
                        method="is", selected_row=arr.rows - 1)
    worlds = {w.stratum: w for w in dirty.importance["p"].worlds}
    assert 0.3 < worlds["refAP0 defective"].p < 0.7          # P read against a reference at the P level
    assert worlds["refP0 defective"].p < 1e-3                # a P cell's resistance does not depend on its TMR
    assert {w.stratum: w for w in dirty.importance["ap"].worlds}["cell defective"].p > 0.99
    assert 1.2 * 0.5e-6 < dirty.ber - clean.ber < 1.6 * 0.5e-6


def test_yield_and_json_round_trip(arr, tmp_path):
    res = read_margin(arr, Variation(ra_sigma=0.05), ReadScheme(v_read=0.15, sa_offset_sigma=0.01),
                      n_samples=500, seed=9)
    n = 2**20
    assert res.yield_(n) == pytest.approx(math.exp(n * math.log1p(-res.ber)), rel=1e-12)
    assert res.yield_(n, correctable=1) >= res.yield_(n)
    path = res.to_json(tmp_path / "r.json")
    back = ReadMarginResult.from_json(path)
    assert back.ber == res.ber and back.ber_ci == res.ber_ci and back.inputs["seed"] == 9
    assert back.inputs["variation"]["ra_sigma"] == 0.05
    np.testing.assert_allclose(back.samples["m_p"], res.samples["m_p"])
    assert back.worst_cells[0]["margin"] == res.worst_cells[0]["margin"]
    with pytest.raises(ParameterError, match="array_bits"):
        res.yield_(0)


def test_plot_returns_axes(arr):
    pytest.importorskip("matplotlib")
    res = read_margin(arr, Variation(ra_sigma=0.05), ReadScheme(v_read=0.15, sa_offset_sigma=0.01),
                      n_samples=200, seed=9)
    axes = res.plot()
    assert np.size(axes) == 4
    import matplotlib.pyplot as plt

    plt.close("all")


def test_bad_arguments(arr):
    var, read = Variation(), ReadScheme()
    with pytest.raises(UnknownNameError):
        read_margin(arr, var, read, method="magic")
    with pytest.raises(ParameterError, match="n_samples"):
        read_margin(arr, var, read, n_samples=-1)
    with pytest.raises(ParameterError, match="selected_row"):
        read_margin(arr, var, read, n_samples=1, selected_row=99)
    with pytest.raises(ParameterError, match="var"):
        read_margin(arr, {"ra_sigma": 0.1}, read)


def test_process_executor_gives_the_serial_result(arr):
    var = Variation(ra_sigma=0.05, vth_sigma=0.03)
    read = ReadScheme(v_read=0.15, sa_offset_sigma=0.02)
    kw = dict(n_samples=4500, seed=8, method="mc", selected_row=3, block_size=1024)
    a = read_margin(arr, var, read, **kw)
    b = read_margin(arr, var, read, executor="processes", chunk_blocks=1, **kw)
    assert a.mc["p"]["fails"] == b.mc["p"]["fails"] and a.mc["ap"]["mean"] == b.mc["ap"]["mean"]
    assert a.ber == b.ber


def test_voltage_sensing_margins_are_junction_voltage_differences(arr):
    read = ReadScheme(v_read=0.15, sensing="voltage")
    res = read_margin(arr, Variation(), read, n_samples=16, seed=0, method="mc", selected_row=4)
    kw = dict(selected_row=4, v_read=0.15, temperature=read.temperature)
    vp = read_currents(arr, states=np.zeros(arr.cols, int), **kw).v_mtj[0]
    vap = read_currents(arr, states=np.ones(arr.cols, int), **kw).v_mtj[0]
    ref = 0.5 * (vp + vap)
    np.testing.assert_allclose(res.nominal["m_p"], ref - vp, rtol=1e-12)  # AP gives the larger voltage
    np.testing.assert_allclose(res.nominal["m_ap"], vap - ref, rtol=1e-12)
    assert np.all(np.asarray(res.nominal["m_p"]) > 0)


def test_averaged_reference_noise_falls_as_one_over_sqrt_n(arr):
    """s_ref = mean of N independent pair midpoints: std(s_ref) ~ 1/sqrt(N).
    2048 kept values per run: the std ratio has ~3 % sampling error; 10 % tolerance."""
    var = Variation(ra_sigma=0.05)
    stds = []
    for n in (1, 4):
        read = ReadScheme(v_read=0.15, reference="averaged", n_ref_pairs=n)
        res = read_margin(arr, var, read, n_samples=256, seed=6, method="mc", selected_row=0, n_keep=256)
        assert res.samples["s_ref"].size == 256 * arr.cols
        stds.append(np.std(res.samples["s_ref"]))
    assert stds[0] / stds[1] == pytest.approx(2.0, rel=0.1)


def test_fixed_reference_is_set_once_so_ir_drop_moves_cells_against_it(arr):
    res = read_margin(arr, Variation(), ReadScheme(v_read=0.15, reference="fixed"), n_samples=4, seed=0,
                      method="mc", ir_rows=8)
    mp, map_ = np.asarray(res.ir_map["m_p_min"]), np.asarray(res.ir_map["m_ap_min"])
    assert np.all(np.diff(mp) < 0) and np.all(np.diff(map_) > 0)  # far rows: less current for both
    assert res.inputs["s_ref_fixed"] > 0


def test_rows_margin_sigma_and_array_average(arr):
    """Row statistics: the row read is the one of largest closed-form BER; with a fixed reference
    the selected (worst) row's BER exceeds the array average; margin_sigma is -Phi^-1(BER)."""
    from scipy.special import ndtri

    var = Variation(ra_sigma=0.08)
    fixed = read_margin(arr, var, ReadScheme(v_read=0.15, reference="fixed"), n_samples=400, seed=3, ir_rows=8)
    st = fixed.rows
    assert fixed.inputs["selected_row"] == st.worst_row == st.rows[int(np.argmax(st.ber_form))]
    assert st.worst_row_ber_form >= max(st.ber_form) and st.array_ber_form < st.worst_row_ber_form
    assert fixed.array_ber < fixed.ber
    assert fixed.margin_sigma == pytest.approx(float(-ndtri(fixed.ber)), rel=1e-12)
    m = fixed.mc
    assert fixed.margin_mean_over_std == pytest.approx(min(m.p.mean / m.p.std, m.ap.mean / m.ap.std), rel=1e-12)
