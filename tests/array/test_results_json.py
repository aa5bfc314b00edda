"""Typed margin/sweep results: JSON round trips rebuild the same typed objects."""
from __future__ import annotations

import math

import numpy as np
import pytest

from mramsim.array.disturb import DisturbModel
from mramsim.array.margin import (FormEstimate, ImportanceEstimate, MonteCarloEstimate, ReadMarginResult,
                                  StateMonteCarlo, WorstRead, read_margin)
from mramsim.array.read import ReadScheme
from mramsim.array.sweeps import ShmooResult, SweepResult, shmoo
from mramsim.array.variation import Variation
from mramsim.circuit.graph import Array1T1MTJ


@pytest.fixture(scope="module")
def arr():
    return Array1T1MTJ(16, 8)


def _same(a, b):
    """Equal, arrays elementwise, floats exactly (nan == nan), recursing into dataclasses, dicts, lists."""
    if hasattr(a, "__dataclass_fields__"):
        assert type(a) is type(b)
        for k in a.__dataclass_fields__:
            _same(getattr(a, k), getattr(b, k))
    elif isinstance(a, dict):
        assert set(a) == set(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def test_read_margin_result_round_trip_mc_and_tails(arr, tmp_path):
    res = read_margin(arr, Variation(ra_sigma=0.05), ReadScheme(v_read=0.15, sa_offset_sigma=0.01),
                      n_samples=300, seed=3, is_samples=64, is_max_samples=128)
    assert isinstance(res.mc, MonteCarloEstimate) and isinstance(res.mc.p, StateMonteCarlo)
    assert isinstance(res.mc.p.worst[0], WorstRead)
    assert res.importance and all(isinstance(v, ImportanceEstimate) for v in res.importance.values())
    assert all(isinstance(v, FormEstimate) for v in res.analytic.values())
    assert res.mc["p"]["fails"] == res.mc.p.fails            # item access of the former dicts
    back = ReadMarginResult.from_json(res.to_json(tmp_path / "r.json"))
    _same(res, back)


def test_read_margin_result_round_trip_analytic_only(arr, tmp_path):
    res = read_margin(arr, Variation(ra_sigma=0.05), ReadScheme(v_read=0.15), n_samples=0, method="analytic")
    assert res.mc is None and res.samples.m_p.shape == (0, arr.cols)
    back = ReadMarginResult.from_json(res.to_json(tmp_path / "a.json"))
    _same(res, back)


def test_sweep_and_shmoo_round_trip(arr, tmp_path):
    sh = shmoo(arr, Variation(ra_sigma=0.05), ReadScheme(v_read=0.15), [0.1, 0.2], DisturbModel(ic0=45e-6),
               n_samples=100, seed=2, method="mc", selected_row=15)
    back = ShmooResult.from_json(sh.to_json(tmp_path / "s.json"))
    _same(sh, back)
    sw = SweepResult(param="v_read", values=[0.1], ber=[0.0], ber_lo=[0.0], ber_hi=[1e-3], ber_p=[0.0],
                     ber_ap=[0.0], margin_sigma=[math.inf], beta=[math.inf], methods=["mc"])
    _same(sw, SweepResult.from_json(sw.to_json(tmp_path / "w.json")))
