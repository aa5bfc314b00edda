"""Memory estimated before allocation: array size and sample count refused above the limit; chunked reads."""
from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

from mramsim.array.memory import ENV_VAR, check_memory, memory_limit
from mramsim.array.solver import read_currents, solve_full
from mramsim.circuit.graph import Array1T1MTJ
from mramsim.compact.model import CompactMTJ
from mramsim.errors import ParameterError


def test_limit_from_argument_environment_and_physical_memory(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    half = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    assert memory_limit() == half
    monkeypatch.setenv(ENV_VAR, "3GiB")
    assert memory_limit() == 3 * 2**30
    monkeypatch.setenv(ENV_VAR, "1500")
    assert memory_limit() == 1500
    assert memory_limit(10**6) == 10**6
    monkeypatch.setenv(ENV_VAR, "lots")
    with pytest.raises(ParameterError, match=ENV_VAR):
        memory_limit()
    with pytest.raises(ParameterError, match="memory_limit"):
        memory_limit(-1)


def test_check_memory_names_key_and_gib():
    check_memory("n_samples", 2**20, limit=2**21)
    with pytest.raises(ParameterError, match=r"n_samples = '10 \(about 2 GiB\)'.*at most 1 GiB"):
        check_memory("n_samples", 2 * 2**30, limit=2**30, what="10")


def test_huge_array_is_refused_before_allocation(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    arr = Array1T1MTJ(65536, 65536, mtj=CompactMTJ(r_p0=3500.0, tmr0=1.5))
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError, match=r"rows x cols = '65536 x 65536 \(about .* GiB\)'"):
            read_currents(arr, selected_row=0, states=np.zeros(65536, int), v_read=0.1)
        with pytest.raises(ParameterError, match="rows x cols"):
            solve_full(arr, selected_row=0, states=np.zeros(65536, int), v_read=0.1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20          # refused before the 4 GiB state map or the ladder


def test_sample_count_is_refused_above_the_limit(monkeypatch):
    arr = Array1T1MTJ(8, 8, mtj=CompactMTJ(r_p0=3500.0, tmr0=1.5))
    rs = np.ones((100_000, 8))
    with pytest.raises(ParameterError, match=r"samples = '100000 samples x 8 columns"):
        read_currents(arr, selected_row=0, states=np.zeros(8, int), v_read=0.1, r_scale=rs,
                      memory_limit=2**24)
    monkeypatch.setenv(ENV_VAR, "16M")
    with pytest.raises(ParameterError, match="samples"):
        read_currents(arr, selected_row=0, states=np.zeros(8, int), v_read=0.1, r_scale=rs)


def _extra_memory(arr, states, S, rng):
    """Peak traced memory of a read of S samples minus its three (S, cols) outputs [bytes]."""
    rs = rng.lognormal(0, 0.05, (S, arr.cols))
    ts = rng.normal(1, 0.05, (S, arr.cols))
    dvt = rng.normal(0, 0.02, (S, arr.cols))
    read_currents(arr, selected_row=arr.rows - 1, states=states, v_read=0.2, r_scale=rs[:1], tmr_scale=ts[:1],
                  vth_shift=dvt[:1])                         # nominal row and spline cached
    tracemalloc.start()
    try:
        sol = read_currents(arr, selected_row=arr.rows - 1, states=states, v_read=0.2, r_scale=rs, tmr_scale=ts,
                            vth_shift=dvt)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - sol.i_cell.nbytes - sol.i_bl.nbytes - sol.v_mtj.nbytes


def test_read_memory_does_not_grow_with_the_samples():
    """Apart from its outputs a read works in chunks: 8x the samples, the same extra memory (within 1 MiB)."""
    rng = np.random.default_rng(0)
    arr = Array1T1MTJ(16, 32, mtj=CompactMTJ(r_p0=3500.0, tmr0=1.5), ref_cols=("P", "AP"))
    states = np.arange(32) % 2                               # two state groups
    small = _extra_memory(arr, states, 4_000, rng)
    large = _extra_memory(arr, states, 32_000, rng)
    grown = 28_000 * 34 * 8                                  # one (S, n_cols) float array more
    assert large - small < min(2**20, grown / 4), (small, large)


def test_read_margin_refuses_a_block_list_beyond_the_limit(monkeypatch):
    from mramsim.array.margin import read_margin
    from mramsim.array.read import ReadScheme
    from mramsim.array.variation import Variation

    monkeypatch.delenv(ENV_VAR, raising=False)
    arr = Array1T1MTJ(8, 8, mtj=CompactMTJ(r_p0=3500.0, tmr0=1.5))
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError, match=r"n_samples / block_size = '10000000000 samples in blocks of 1"):
            read_margin(arr, Variation(), ReadScheme(v_read=0.15), n_samples=10**10, seed=0, method="mc",
                        block_size=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    monkeypatch.setenv(ENV_VAR, "1M")
    with pytest.raises(ParameterError, match="block_size"):
        read_margin(arr, Variation(), ReadScheme(v_read=0.15), n_samples=10**6, seed=0, method="mc",
                    block_size=10**5)
