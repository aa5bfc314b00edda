"""The solver's caches are keyed on the array's values, never on the array object."""
from __future__ import annotations

import numpy as np

from mramsim.array import solver
from mramsim.array.derive import with_cols
from mramsim.circuit.elements import Wires
from mramsim.circuit.graph import Array1T1MTJ

KW = dict(selected_row=31, states=np.array([0, 1] * 8), v_read=0.15)


def _read(arr):
    return solver.read_currents(arr, **KW, r_scale=np.linspace(0.9, 1.1, 16)[None, :])


def test_new_array_with_other_wires_never_reuses_the_old_solution():
    a = Array1T1MTJ(32, 16, wires=Wires(r_bl=1.0, r_sl=1.0))
    b = Array1T1MTJ(32, 16, mtj=a.mtj, access=a.access, wires=Wires(r_bl=20.0, r_sl=20.0))
    first_a = _read(a)
    warm_b = _read(b)                 # a's nominal row is cached now
    solver.clear_caches()
    cold_b = _read(b)
    np.testing.assert_array_equal(warm_b.i_cell, cold_b.i_cell)
    np.testing.assert_array_equal(warm_b.i_bl, cold_b.i_bl)
    # the far row sees more IR drop with 20x the wire resistance: the currents really differ
    assert np.all(warm_b.i_cell < first_a.i_cell)


def test_changed_attribute_of_a_mutable_array_is_a_new_key():
    """An array class with assignable attributes: a changed wire gives another cache key."""
    a = Array1T1MTJ(32, 16)
    key = solver.array_key(a)
    assert key == solver.array_key(Array1T1MTJ(32, 16, mtj=a.mtj))       # same values, same key
    assert key != solver.array_key(Array1T1MTJ(32, 16, mtj=a.mtj, wires=Wires(r_bl=2.0)))
    assert key != solver.array_key(with_cols(a, 8))


def test_uniform_read_after_other_array_matches_cold_solve():
    a = Array1T1MTJ(32, 16)
    b = Array1T1MTJ(32, 16, mtj=a.mtj, wires=Wires(r_bl=10.0, r_sl=10.0), ref_cols=(0, 1))
    rs = np.full((3, 16), 1.05)
    ts = np.full((3, 16), 0.95)
    dvt = np.zeros((3, 16))
    solver.read_uniform(a, 31, 1, 0.15, 300.0, rs, ts, dvt)
    warm = solver.read_uniform(b, 31, 1, 0.15, 300.0, rs, ts, dvt)
    solver.clear_caches()
    cold = solver.read_uniform(b, 31, 1, 0.15, 300.0, rs, ts, dvt)
    checked = solver.read_currents(b, selected_row=31, states=np.ones(16, dtype=np.int8), v_read=0.15,
                                   temperature=300.0, r_scale=rs, tmr_scale=ts, vth_shift=dvt)
    np.testing.assert_array_equal(warm[0], cold[0])
    np.testing.assert_array_equal(cold[0], checked.i_cell)
    np.testing.assert_array_equal(cold[1], checked.v_mtj)
