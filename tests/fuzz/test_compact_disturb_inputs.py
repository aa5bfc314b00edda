"""Inputs that once gave a traceback, a silent overflow or a wrong number in the compact model
and the disturb/switching laws (found by bench_fuzz.py): each must now raise a named
MramsimError or return finite numbers without a numpy warning."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import fuzz_cases as fc
from mramsim.errors import MramsimError



def _named_or_finite(func):
    """The call raises a MramsimError, or returns finite numbers without a numpy warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            out = func()
        except MramsimError:
            return
    assert np.all(np.isfinite(np.asarray(out, dtype=float)))


@pytest.mark.parametrize("T", [1e4, 1e5])
def test_compact_resistance_far_outside_the_fitted_temperatures(T):
    """CompactMTJ.resistance(T=1e5) was 2.6e-224 ohm (overflow warning only), T=1e4 gave 141 ohm."""
    from mramsim.run.build import preset_compact

    cm = preset_compact("cofeb_mgo", 673.15)
    with pytest.raises(MramsimError, match="T"):  # outside the physics' range the fit was made from
        cm.resistance("P", 0.1, T)


def test_compact_bias_far_outside_the_device_range():
    """CompactMTJ.resistance(V=100 V) returns a number (the device model allows |V| <= 2 V)."""
    with pytest.raises(MramsimError):
        fc.compact().resistance("P", 100.0, 300.0)


def test_compact_r_scale_overflow():
    _named_or_finite(lambda: fc.compact().resistance("P", 0.1, 300.0, r_scale=1e308))


@pytest.mark.parametrize("kwargs", [{"area": [[1.0, 2.0], [3.0]]}, {"r_p0": [[1.0, 2.0], [3.0]]}])
def test_compact_ctor_ragged(kwargs):
    from mramsim.compact.model import CompactMTJ

    base = {"name": "mtj", "r_p0": 3000.0, "tmr0": 1.2}
    _named_or_finite(lambda: CompactMTJ(**{**base, **kwargs}).r_p0)


def test_compact_tiny_vh_divides_by_zero():
    from mramsim.compact.model import CompactMTJ

    _named_or_finite(lambda: CompactMTJ(name="mtj", r_p0=29.3, tmr0=0.33, vh_pos=2.5e-209).resistance(
        "AP", 0.1, 300.0))


@pytest.mark.parametrize("V, T", [([0.1, 0.2], [300.0, 310.0, 320.0])])
def test_compact_shapes(V, T):
    _named_or_finite(lambda: fc.compact().resistance("P", V, T))


@pytest.mark.parametrize("table", ["x", None, 1.0])
def test_fit_compact_of_a_non_table(table):
    import mramsim as ms

    _named_or_finite(lambda: ms.fit_compact(table).r_p0)


@pytest.mark.parametrize("max_nfev", [0, -1])
def test_fit_compact_max_nfev(max_nfev):
    import mramsim as ms

    _named_or_finite(lambda: ms.fit_compact(fc.small_table(), max_nfev=max_nfev).r_p0)


@pytest.mark.parametrize("call", [
    lambda db: db.switching_probability(1e-9, 60.0, k=np.zeros((2, 2))),
    lambda db: db.delta_at(300.0, [10.0]),
    lambda db: db.bloch_magnetization(300.0, "x"),
    lambda db: db.retention_time(800.0),
], ids=["k-array", "delta_ref-list", "t_curie-str", "retention-overflow"])
def test_disturb_inputs(call):
    from mramsim.array import disturb as db

    _named_or_finite(lambda: call(db))
