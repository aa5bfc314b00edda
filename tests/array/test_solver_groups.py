"""Equal columns share one ladder reduction: the grouping changes no number and saves the per-column memory."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from mramsim.array.margin import rows as margin_rows
from mramsim.array.margin.evaluate import ReadContext, nominal_reads
from mramsim.array.read import ReadScheme
from mramsim.array.solver import clear_caches, column_equivalents, read_currents, read_uniform
from mramsim.array.solver import read as solver_read
from mramsim.array.solver.ladder import column_groups, reduce_columns
from mramsim.array.variation import Variation
from mramsim.circuit.elements import AccessNMOS, Wires
from mramsim.circuit.graph import Array1T1MTJ
from mramsim.compact.model import CompactMTJ
from mramsim.errors import ParameterError


def _mtj():
    return CompactMTJ(r_p0=3500.0, tmr0=1.5, b1=0.08, b2=-0.4, tc_rp=-4e-4, tc_tmr=-2.5e-3,
                      vh_pos=0.45, vh_neg=0.55)


def _ungrouped(full, v_mtj=None, ignore_row=None):
    c = np.shape(full)[1]
    return np.arange(c), np.arange(c)


def test_column_groups_of_uniform_mixed_and_selected_row_states():
    full = np.zeros((5, 6), dtype=np.int8)
    reps, inv = column_groups(full)
    assert reps.tolist() == [0] and inv.tolist() == [0] * 6
    full[2, [1, 4]] = 1                       # columns 1 and 4 differ from the others in row 2
    full[0, 5] = 1                            # column 5 differs in row 0 only
    reps, inv = column_groups(full)
    assert reps.tolist() == [0, 1, 5] and inv.tolist() == [0, 1, 0, 0, 1, 2]
    reps, inv = column_groups(full, ignore_row=0)       # row 0 (the selected row) left out: 5 joins 0
    assert reps.tolist() == [0, 1] and inv.tolist() == [0, 1, 0, 0, 1, 0]
    v = np.zeros((5, 6))
    v[3, 3] = 1e-3                            # an unselected voltage splits column 3 off
    reps, inv = column_groups(full, v, ignore_row=0)
    assert reps.tolist() == [0, 1, 3] and inv.tolist() == [0, 1, 0, 2, 1, 0]


def test_column_equivalents_equal_the_stacked_solve_of_every_column():
    rng = np.random.default_rng(3)
    arr = Array1T1MTJ(24, 8, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-6), wires=Wires(r_bl=5.0, r_sl=3.0),
                      ref_cols=("P", "AP"))
    base = rng.integers(0, 2, (24, 3))
    states = base[:, [0, 1, 0, 2, 1, 0, 0, 2]]
    full = arr.full_states(states, 7)
    v_u = np.where(full == 1, 0.02, 0.01) * (1.0 + 0.1 * (np.arange(arr.n_cols) % 2 == 0))
    for v in (None, v_u):
        eq = column_equivalents(arr, 7, full, 0.3, 320.0, v)
        every = reduce_columns(arr, 7, full, 0.3, 320.0, v)          # no grouping: one ladder per column
        assert column_groups(full, v, ignore_row=7)[0].size < arr.n_cols
        assert set(eq) == set(every)
        for k in eq:
            np.testing.assert_allclose(eq[k], every[k], rtol=1e-12, atol=0.0, err_msg=k)


@pytest.mark.parametrize("temperature", [300.0, 400.0])
def test_grouped_read_equals_the_read_with_one_group_per_column(monkeypatch, temperature):
    """Heavy leakage (the linearisation bound and the exact fallback run) and light leakage, mixed states."""
    rng = np.random.default_rng(1)
    arr = Array1T1MTJ(32, 6, mtj=_mtj(), access=AccessNMOS(G_OFF=3e-5), wires=Wires(r_bl=10.0, r_sl=7.0),
                      ref_cols=("AP",))
    states = rng.integers(0, 2, (32, 3))[:, [0, 1, 0, 2, 1, 0]]
    S = 8
    smp = {"r_scale": rng.lognormal(0, 0.4, (S, 6)), "tmr_scale": rng.normal(1, 0.3, (S, 6)).clip(0.1),
           "vth_shift": rng.normal(0, 0.08, (S, 6))}
    kw = dict(selected_row=31, states=states, v_read=0.8 if temperature > 300 else 0.3, temperature=temperature)
    out = []
    for grouping in (True, False):
        clear_caches()
        if not grouping:
            monkeypatch.setattr(solver_read, "column_groups", _ungrouped)
        out.append(read_currents(arr, **kw, **smp))
    clear_caches()
    for k in ("i_cell", "i_bl", "v_mtj", "i_ref"):
        np.testing.assert_allclose(getattr(out[0], k), getattr(out[1], k), rtol=1e-12, atol=0.0, err_msg=k)


def test_refusal_names_the_same_transistor_with_and_without_groups(monkeypatch):
    arr = Array1T1MTJ(16, 8, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-8), wires=Wires(r_bl=2.0, r_sl=1.5))
    states = np.arange(8) % 2
    msgs = []
    for grouping in (True, False):
        clear_caches()
        if not grouping:
            monkeypatch.setattr(solver_read, "column_groups", _ungrouped)
        with pytest.raises(ParameterError, match=r"row \d+, column \d+ has V_GS") as err:
            read_currents(arr, selected_row=15, states=states, v_read=-0.5,
                          r_scale=np.linspace(0.8, 1.2, 8)[None, :])
        msgs.append(str(err.value))
    clear_caches()
    assert msgs[0] == msgs[1]


def test_uniform_read_of_a_wide_array_allocates_no_ladder_per_column():
    """One ladder for all data columns: far below the ~80 MB of one banded system per column (256 x 4096)."""
    small = np.ones((1, 4))
    read_uniform(Array1T1MTJ(4, 4), 3, 1, 0.15, 300.0, small, small, 0 * small)   # imports and kernels first
    arr = Array1T1MTJ(256, 4096)
    ones = np.ones((1, 4096))
    clear_caches()
    tracemalloc.start()
    try:
        i_cell, _ = read_uniform(arr, 255, 1, 0.15, 300.0, ones, ones, np.zeros((1, 4096)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        clear_caches()
    assert np.all(i_cell == i_cell[0, 0])          # every column reads the same cell
    assert peak < 16e6


def test_row_ber_shares_only_the_columns_a_one_column_array_reproduces():
    var = Variation(ra_sigma=0.03, tmr_sigma=0.03, vth_sigma=0.015)
    arr = Array1T1MTJ(32, 8, wires=Wires(r_bl=5.0, r_sl=5.0))
    ctx = ReadContext(arr=arr, var=var, read=ReadScheme(v_read=0.15, sa_offset_sigma=5e-3), selected_row=0,
                      solver=read_currents)
    ber, cols = margin_rows.row_form_ber(ctx, 31)
    c = ctx.replace(selected_row=31)
    nom = nominal_reads(c)
    each = [0.5 * (margin_rows._p_form(c, col, "p", nom) + margin_rows._p_form(c, col, "ap", nom)) for col in cols]
    assert len(cols) >= 4
    assert ber > 0
    assert ber == pytest.approx(float(np.mean(each)), rel=1e-12)


def test_few_sample_reads_keep_no_chunk_sized_copies_and_growing_them_changes_nothing():
    """A one-column read of 1 sample tiles 1 row (not CHUNK rows); later, larger reads equal cold ones."""
    small = np.ones((1, 1))
    read_uniform(Array1T1MTJ(4, 1), 3, 0, 0.15, 300.0, small, small, 0 * small)     # imports, kernels, spline
    arr = Array1T1MTJ(128, 1, wires=Wires(r_bl=3.25, r_sl=2.75))                     # a new nominal row
    tracemalloc.start()
    try:
        read_uniform(arr, 127, 0, 0.15, 300.0, small, small, 0 * small)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.5e6                     # a CHUNK-row tiling alone is 10 x 16384 x 8 B = 1.3 MB
    rng = np.random.default_rng(4)
    outs = []
    for n in (3, 40, 5000):                 # tilings grow on the cached nominal row
        rs = rng.lognormal(0, 0.05, (n, 1))
        dvt = rng.normal(0, 0.02, (n, 1))
        warm = read_uniform(arr, 127, 0, 0.15, 300.0, rs, np.ones((n, 1)), dvt)
        clear_caches()
        cold = read_uniform(arr, 127, 0, 0.15, 300.0, rs, np.ones((n, 1)), dvt)
        outs.append((warm, cold))
    for warm, cold in outs:
        for a, b in zip(warm, cold):
            np.testing.assert_array_equal(a, b)
