"""Column redundancy in the die yield: analytic (conditioning on the shared variables) vs whole-die brute force.

A column is bad when any of its bits is wrong; the die passes with at most
``s`` bad columns among ``N + s``. The analytic yield must fall inside the
brute force's 95 % Clopper-Pearson interval (fixed seeds: deterministic).
"""
import numpy as np
import pytest

import mramsim as ms
from mramsim.array.read import ReadScheme
from mramsim.array.variation import Variation
from mramsim.array.yield_ import Sharing, YieldResult, read_yield, simulate_dies
from mramsim.errors import ParameterError

SPARES = (1, 2, 4)


@pytest.fixture(scope="module")
def arr():
    return ms.Array1T1MTJ(rows=8, cols=16)


def test_spare_columns_die_spread_match_brute_force(arr, tmp_path):
    var = Variation(ra_sigma=0.10, ra_die_sigma=0.08)
    read = ReadScheme(v_read=0.15, reference="fixed")
    y = read_yield(arr, var, read, 2048, ecc=("none",), grid=(8, 65), spares=SPARES)
    bf = simulate_dies(arr, var, read, 2048, ecc=("none",), n_dies=300, seed=1, spares=SPARES)
    ys = [y.code("none").die_yield] + [y.code(f"spares{s}").die_yield for s in SPARES]
    assert all(b > a for a, b in zip(ys, ys[1:]))                # every spare helps
    assert ys[-1] - ys[0] > 0.15                                  # and the gain is not small here
    for s in SPARES:
        lo, hi = bf.die_yield_ci[f"spares{s}"]
        assert lo <= y.code(f"spares{s}").die_yield <= hi, (s, y.code(f"spares{s}"), bf.die_yield_ci)
        assert y.code(f"spares{s}").words_per_die == 256           # 2048 bits over 8 rows
    back = YieldResult.from_json(y.to_json(tmp_path / "y.json"))
    assert back.code("spares2").die_yield == y.code("spares2").die_yield


def test_spare_columns_shared_periphery_match_brute_force(arr):
    """Shared SA offsets make whole column groups bad together: repair still matches the brute force."""
    var = Variation(ra_sigma=0.10, ra_die_sigma=0.05)
    read = ReadScheme(v_read=0.15, sa_offset_sigma=4e-3)
    sh = Sharing(cols_per_sa=4, cols_per_ref=8)
    y = read_yield(arr, var, read, 2048, ecc=("none",), sharing=sh, n_dies=60, grid=(8, 49), spares=SPARES)
    bf = simulate_dies(arr, var, read, 2048, ecc=("none",), sharing=sh, n_dies=300, seed=1, spares=SPARES)
    for s in SPARES:
        lo, hi = bf.die_yield_ci[f"spares{s}"]
        c = y.code(f"spares{s}")
        assert c.die_yield_ci[0] <= hi and c.die_yield_ci[1] >= lo, (s, c, bf.die_yield_ci[f"spares{s}"])
    assert y.code("spares2").die_yield > y.code("none").die_yield + 0.3


def test_zero_spares_is_the_no_ecc_yield_up_to_layout(arr):
    """With s = 0 a die passes when no bit is wrong, exactly the code 'none' (same bits, same rows)."""
    var = Variation(ra_sigma=0.10, ra_die_sigma=0.08)
    read = ReadScheme(v_read=0.15, reference="fixed")
    y = read_yield(arr, var, read, 2048, ecc=("none",), grid=(8, 65), spares=0)
    assert y.code("spares0").die_yield == pytest.approx(y.code("none").die_yield, rel=1e-9)


def test_bad_spares(arr):
    var, read = Variation(ra_sigma=0.05), ReadScheme(v_read=0.15, reference="fixed")
    with pytest.raises(ParameterError):
        read_yield(arr, var, read, 2048, ecc="none", spares=-1)
    with pytest.raises(ParameterError):
        simulate_dies(arr, var, read, 2048, ecc="none", n_dies=1, spares=(True,))
    assert np.isfinite(read_yield(arr, var, read, 2048, ecc="none", grid=(8, 17), spares=[3]).code("spares3").die_yield)
