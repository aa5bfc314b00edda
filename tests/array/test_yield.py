"""Die yield (mramsim.array.yield_) against brute-force whole-die Monte Carlo, and the ECC functions.

The brute force (:func:`simulate_dies`) simulates every bit of every die
with the plain read model; the analytic yield must fall inside its 95 %
Clopper-Pearson interval (fixed seeds: deterministic). The ECC functions are
checked against direct sums of the binomial distribution.
"""
import math

import numpy as np
import pytest
from scipy.special import comb

import mramsim as ms
from mramsim.array.ecc import (ECC, die_yield, ecc_preset, log_word_failure_probability, word_failure_probability,
                               word_failure_probability_pb)
from mramsim.array.read import ReadScheme
from mramsim.array.variation import Variation
from mramsim.array.yield_ import Sharing, YieldResult, line_mass, read_yield, simulate_dies
from mramsim.errors import ParameterError, UnknownNameError

CODES = ("none", "secded", "bch2", "bch3", "bch4")


@pytest.fixture(scope="module")
def arr():
    return ms.Array1T1MTJ(rows=8, cols=16)


def test_presets_count_check_bits():
    assert (ecc_preset("secded").n, ecc_preset("secded").t) == (72, 1)       # Hamming (72, 64)
    assert (ecc_preset("secded", k=32).n, ecc_preset("secded", k=8).n) == (39, 13)
    assert ecc_preset("bch2").check_bits == 14 and ecc_preset("bch4").check_bits == 28   # m = 7 for k = 64
    assert ecc_preset("none").n == 64
    with pytest.raises(UnknownNameError):
        ecc_preset("hamming")
    with pytest.raises(ParameterError):
        ECC("x", 0, 0, 0)


@pytest.mark.parametrize("p", [1e-3, 1e-9, 1e-30])
def test_word_failure_is_the_binomial_tail(p):
    for n, t in ((72, 1), (78, 2), (64, 0)):
        direct = sum(comb(n, j, exact=True) * p ** j * (1 - p) ** (n - j) for j in range(t + 1, n + 1))
        assert word_failure_probability(p, n, t) == pytest.approx(direct, rel=1e-9)
        assert word_failure_probability_pb(np.full(n, p), t) == pytest.approx(direct, rel=1e-9)
    assert log_word_failure_probability(1e-200, 72, 2) == pytest.approx(math.log(comb(72, 3)) - 600 * math.log(10),
                                                                        rel=1e-9)


def test_die_yield_of_independent_bits():
    assert die_yield(1e-6, 2 ** 20, "none") == pytest.approx(math.exp(2 ** 20 * math.log1p(-1e-6)), rel=1e-9)
    q = word_failure_probability(1e-4, 72, 1)
    assert die_yield(1e-4, 2 ** 20, "secded") == pytest.approx((1 - q) ** (2 ** 20 // 64), rel=1e-9)


def test_line_mass_of_a_linear_margin_is_the_normal_tail():
    lam = np.linspace(-8, 8, 65)
    for c in (-2.3, 0.7, 4.1):
        assert line_mass(c - lam, lam) == pytest.approx(float(np.exp(-0.0)) * 0.5 * math.erfc(c / math.sqrt(2)),
                                                        rel=1e-12)
    # two crossings (failure on both sides): both tails counted
    m = (lam - 3.0) * (lam + 2.0) * -1.0
    expected = 0.5 * math.erfc(3 / math.sqrt(2)) + 0.5 * math.erfc(2 / math.sqrt(2))
    assert line_mass(m, lam) == pytest.approx(expected, rel=1e-2)


def _inside(y, bf, name):
    lo, hi = bf.die_yield_ci[name]
    return lo <= y.code(name).die_yield <= hi


def test_die_level_spread_fixed_reference_matches_brute_force(arr):
    """Issue: with a die-level RA spread the bits of a die are correlated; the analytic
    yield matches whole-die simulation for no ECC and t = 1..4, and independent bits do not."""
    var = Variation(ra_sigma=0.10, ra_die_sigma=0.08)
    read = ReadScheme(v_read=0.15, reference="fixed")
    y = read_yield(arr, var, read, 2048, ecc=CODES, grid=(8, 65))
    bf = simulate_dies(arr, var, read, 2048, ecc=CODES, n_dies=300, seed=1)
    for name in CODES:
        assert _inside(y, bf, name), (name, y.code(name).die_yield, bf.die_yield_ci[name])
    # independent bits with the same average BER: far too pessimistic without ECC, optimistic with BCH-2
    assert die_yield(y.ber, 2048, "none") < bf.die_yield_ci["none"][0]
    assert die_yield(y.ber, 2048, "bch2") > bf.die_yield_ci["bch2"][1]
    assert y.integration == "quadrature"


def test_data_cell_defects_match_brute_force(arr):
    var = Variation(ra_sigma=0.06, defect_rate=2e-4, defect_tmr=0.05)
    read = ReadScheme(v_read=0.15, reference="fixed")
    y = read_yield(arr, var, read, 1024, ecc=("none", "secded"), grid=(8, 65))
    bf = simulate_dies(arr, var, read, 1024, ecc=("none", "secded"), n_dies=300, seed=2)
    assert _inside(y, bf, "none") and _inside(y, bf, "secded")
    assert y.ber == pytest.approx(1e-4, rel=0.05)   # a defective bit fails one of its two states


def test_shared_periphery_matches_brute_force(arr):
    """SA offsets (one per 4 columns) and reference pairs (one per 8 columns) drawn once per chip."""
    var = Variation(ra_sigma=0.10, ra_die_sigma=0.05)
    read = ReadScheme(v_read=0.15, sa_offset_sigma=4e-3)
    sh = Sharing(cols_per_sa=4, cols_per_ref=8)
    y = read_yield(arr, var, read, 512, ecc=("none", "secded"), sharing=sh, n_dies=60, grid=(8, 49))
    bf = simulate_dies(arr, var, read, 512, ecc=("none", "secded"), sharing=sh, n_dies=300, seed=3)
    assert y.integration == "monte-carlo"
    for name in ("none", "secded"):
        lo, hi = bf.die_yield_ci[name]
        c = y.code(name)
        assert c.die_yield_ci[0] <= hi and c.die_yield_ci[1] >= lo, (name, c, bf.die_yield_ci[name])


def test_result_json_round_trip(arr, tmp_path):
    y = read_yield(arr, Variation(ra_sigma=0.08), ReadScheme(v_read=0.15, reference="fixed"), 1024,
                   grid=(8, 33))
    back = YieldResult.from_json(y.to_json(tmp_path / "y.json"))
    assert back.codes == y.codes and back.ber == y.ber and back.ber_by_row == y.ber_by_row
    assert back.die_yield == y.die_yield and y.code("secded").die_yield >= y.code("none").die_yield


def test_bad_arguments(arr):
    var, read = Variation(ra_sigma=0.05), ReadScheme()
    with pytest.raises(ParameterError):
        read_yield(arr, var, read, 0)
    with pytest.raises(ParameterError):
        Sharing(cols_per_sa=0)
    with pytest.raises(ParameterError):
        simulate_dies(arr, var, read, 600, ecc="none", n_dies=1)   # 10 words do not spread evenly over 8 rows


def test_row_ber_plot(arr):
    import matplotlib

    matplotlib.use("Agg")
    from mramsim.array.margin import read_margin
    from mramsim.plotting.margin import plot_row_ber

    var, read = Variation(ra_sigma=0.08), ReadScheme(v_read=0.15, reference="fixed")
    res = read_margin(arr, var, read, n_samples=64, seed=0, ir_rows=4)
    y = read_yield(arr, var, read, 1024, ecc="none", grid=(8, 33), max_rows=4)
    ax = plot_row_ber(res, yield_result=y)
    ys = ax.lines[0].get_ydata()
    np.testing.assert_allclose(ys, res.rows.ber_form)
    assert len(ax.lines) == 4        # per row, worst row, array average, yield engine
