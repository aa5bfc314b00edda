"""Fast read solver: agreement with ngspice and with the full sparse solve, IR drop by hand, API."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.circuit.elements import AccessNMOS, Wires
from mramsim.array.solver import ReadSolution, column_equivalents, read_currents, solve_full
from mramsim.circuit.graph import Array1T1MTJ
from mramsim.compact.model import CompactMTJ
from mramsim.constants import T0_CELSIUS
from mramsim.errors import ConvergenceError, ParameterError


def _mtj():
    """A bias- and temperature-dependent card (all terms of the stand-in form active)."""
    return CompactMTJ(r_p0=3500.0, tmr0=1.5, b1=0.08, b2=-0.4, tc_rp=-4e-4, tc_tmr=-2.5e-3,
                      vh_pos=0.45, vh_neg=0.55)


def _mc(rng, cols):
    return {"r_scale": rng.lognormal(0.0, 0.08, cols), "tmr_scale": rng.normal(1.0, 0.08, cols),
            "vth_shift": rng.normal(0.0, 0.03, cols)}


@pytest.mark.slow
@pytest.mark.parametrize("temp_c", [27.0, 125.0])
def test_64x64_agrees_with_ngspice(ngspice, tmp_path, temp_c):
    """Selected-cell currents of the solver and of ngspice on the same netlist, within 0.1 %.

    64x64 array, random states (seed 7), far row read (largest IR drop), wires of 2 ohm (BL)
    and 1.5 ohm (SL) per segment, leaky transistors; nominal and one Monte Carlo sample
    (random r_scale, tmr_scale, vth_shift), at V_read = 0.1 and 0.3 V.
    """
    from mramsim.array.crosscheck import spice_cross_check

    rng = np.random.default_rng(7)
    arr = Array1T1MTJ(64, 64, mtj=_mtj(), access=AccessNMOS(G_OFF=1e-8), wires=Wires(r_bl=2.0, r_sl=1.5))
    states = rng.integers(0, 2, (64, 64))
    sample = _mc(rng, 64)
    T = temp_c + T0_CELSIUS
    for v_read in (0.1, 0.3):
        for smp in (None, sample):
            d = spice_cross_check(arr, selected_row=63, states=states, v_read=v_read, temperature=T, samples=smp,
                                  workdir=tmp_path)
            assert d.max_rel_diff < 1e-3, (v_read, smp is not None, d.max_rel_diff)
            # the BL driver current includes the leakage of the 63 unselected cells
            np.testing.assert_allclose(d.i_bl_solver, d.i_bl_ngspice, rtol=1e-3)
            assert np.all(d.i_bl_ngspice > d.i_ngspice)


def test_far_cell_ir_drop_matches_hand_calculation():
    """Linear case: MTJ a plain resistor, transistor in deep linear region, negligible leakage.

    Each column is then BL driver -> (r+1) BL segments -> R_mtj -> R_on -> (r+1) SL segments
    -> SL driver, so I(r) = V / (R_mtj + R_on + (r+1)(r_bl + r_sl)), with the transistor's
    on-resistance R_on = 1 / (beta (V_WL - V_S - V_TO)) evaluated at its source voltage.
    """
    rows, r_bl, r_sl, r_mtj, v = 32, 20.0, 12.0, 5000.0, 0.2
    mtj = CompactMTJ(r_p0=r_mtj, tmr0=1.0)      # P state with no bias terms: a linear resistor
    acc = AccessNMOS(W=100e-6, L=0.1e-6, KP=3e-4, LAMBDA=0.0, G_OFF=1e-15, TCG=0.0)
    arr = Array1T1MTJ(rows, 2, mtj=mtj, access=acc, wires=Wires(r_bl=r_bl, r_sl=r_sl), v_wl=1.2)
    beta = acc.KP * acc.W / acc.L

    def by_hand(r):
        n = r + 1
        i = v / (r_mtj + n * (r_bl + r_sl))                  # transistor ignored
        for _ in range(50):                                   # fixed point on R_on(V_S), V_DS tiny
            v_s = i * n * r_sl
            vgst = arr.v_wl - v_s - acc.VTO
            v_ds = i / (beta * vgst)                          # linear region, V_DS << V_GST
            r_on = v_ds / (beta * v_ds * (vgst - v_ds / 2))
            i = v / (r_mtj + r_on + n * (r_bl + r_sl))
        return i

    near = read_currents(arr, selected_row=0, states=[0, 0], v_read=v, temperature=acc.TNOM).i_cell[0, 0]
    far = read_currents(arr, selected_row=rows - 1, states=[0, 0], v_read=v, temperature=acc.TNOM).i_cell[0, 0]
    assert near == pytest.approx(by_hand(0), rel=1e-7)
    assert far == pytest.approx(by_hand(rows - 1), rel=1e-7)
    # the far cell loses the current the extra 31 segment pairs predict (about 17 % here)
    assert (near - far) / near == pytest.approx(1 - by_hand(rows - 1) / by_hand(0), rel=1e-6)
    assert 0.1 < (near - far) / near < 0.3


@pytest.mark.parametrize("v_read,temp", [(0.1, 300.15), (0.3, 398.15), (-0.2, 250.0)])
def test_fast_solver_equals_full_sparse_solve(v_read, temp):
    """Ladder reduction + 1-D Newton vs Newton on every node, with strong leakage.

    G_OFF = 2e-7 S at 27 C (4e-6 S at 125 C): the 8 unselected cells of a column leak up to
    ~10 % of the cell current, so the ladder reduction and the unselected cells' operating
    point really matter (>= 0.1 % of the cell current in all three cases).
    """
    rng = np.random.default_rng(11)
    arr = Array1T1MTJ(9, 5, mtj=_mtj(), access=AccessNMOS(G_OFF=2e-7), wires=Wires(r_bl=30.0, r_sl=20.0),
                      ref_cols=("P", "AP"))
    states = rng.integers(0, 2, (9, 5))
    smp = _mc(rng, 5)
    fast = read_currents(arr, selected_row=6, states=states, v_read=v_read, temperature=temp, **smp)
    full = solve_full(arr, selected_row=6, states=states, v_read=v_read, temperature=temp, **smp)
    np.testing.assert_allclose(fast.i_cell, full.read.i_cell, rtol=1e-8)
    np.testing.assert_allclose(fast.i_bl, full.read.i_bl, rtol=1e-7)
    np.testing.assert_allclose(fast.v_mtj, full.read.v_mtj, rtol=1e-8)
    np.testing.assert_allclose(fast.i_ref, full.read.i_ref, rtol=1e-8)
    # leakage of the unselected cells is really there: the BL delivers more than the cell takes
    assert np.all(np.abs(fast.i_bl) > np.abs(fast.i_cell) * 1.001)


def test_column_equivalent_of_a_bare_ladder():
    """No leakage to speak of: R_th is the series wire resistance, V_th the driver voltage."""
    arr = Array1T1MTJ(6, 1, access=AccessNMOS(G_OFF=1e-15, TCG=0.0), wires=Wires(r_bl=3.0, r_sl=2.0))
    full = arr.full_states([0], 4)
    eq = column_equivalents(arr, 4, full, 0.25, arr.access.TNOM)
    assert eq["r_th"][0] == pytest.approx(5 * (3.0 + 2.0), rel=1e-9)
    assert eq["v_th"][0] == pytest.approx(0.25, rel=1e-9)
    assert eq["k_b"][0] == pytest.approx(5 * 2.0, rel=1e-9)
    assert eq["m_bl"][0] == pytest.approx(1.0, rel=1e-9)


def test_polish_with_exact_model_changes_nothing():
    rng = np.random.default_rng(5)
    arr = Array1T1MTJ(16, 8, mtj=_mtj())
    smp = {k: np.stack([_mc(rng, 8)[k] for _ in range(50)]) for k in ("r_scale", "tmr_scale", "vth_shift")}
    st = rng.integers(0, 2, 8)
    a = read_currents(arr, selected_row=15, states=st, v_read=0.25, **smp)
    b = read_currents(arr, selected_row=15, states=st, v_read=0.25, polish=True, **smp)
    assert a.i_cell.shape == (50, 8)
    np.testing.assert_allclose(a.i_cell, b.i_cell, rtol=1e-9)
    # the result solves the exact circuit: MTJ current from the model at the solved MTJ voltage
    i_model = arr.mtj.current(np.broadcast_to(st, (50, 8)), a.v_mtj, 300.15, r_scale=smp["r_scale"],
                              tmr_scale=smp["tmr_scale"])
    np.testing.assert_allclose(a.i_cell, i_model, rtol=1e-9)


def test_shapes_and_physics_trends():
    arr = Array1T1MTJ(8, 4, mtj=_mtj(), ref_cols=("P", "AP"))
    st = np.array([0, 1, 0, 1])
    sol = read_currents(arr, selected_row=7, states=st, v_read=0.2)
    assert isinstance(sol, ReadSolution)
    assert sol.i_cell.shape == sol.i_bl.shape == sol.v_mtj.shape == (1, 4)
    assert sol.i_ref.shape == (1, 2) and sol.i_ref[0, 0] > sol.i_ref[0, 1]       # P ref > AP ref
    assert np.all(sol.i_cell[0, st == 0] > sol.i_cell[0, st == 1].max())
    many = read_currents(arr, selected_row=7, states=st, v_read=0.2, r_scale=np.array([[0.9], [1.0], [1.1]]))
    assert many.i_cell.shape == (3, 4)
    assert np.all(np.diff(many.i_cell, axis=0) < 0)                               # larger R -> less current
    np.testing.assert_allclose(many.i_cell[1], sol.i_cell[0], rtol=1e-12)
    up = read_currents(arr, selected_row=7, states=st, v_read=0.2, vth_shift=0.05)
    assert np.all(up.i_cell < sol.i_cell)                                         # higher Vth -> less current
    hot = read_currents(arr, selected_row=7, states=st, v_read=0.2, temperature=398.15)
    assert not np.allclose(hot.i_cell, sol.i_cell, rtol=1e-3)


def test_bad_inputs_raise_named_errors():
    arr = Array1T1MTJ(4, 3)
    ok = {"selected_row": 0, "states": [0, 1, 0], "v_read": 0.1}
    with pytest.raises(ParameterError, match="selected_row"):
        read_currents(arr, **{**ok, "selected_row": 4})
    with pytest.raises(ParameterError, match="r_scale"):
        read_currents(arr, **ok, r_scale=np.ones(4))
    with pytest.raises(ParameterError, match="r_scale"):
        read_currents(arr, **ok, r_scale=-1.0)
    with pytest.raises(ParameterError, match="temperature"):
        read_currents(arr, **ok, temperature=-5.0)
    with pytest.raises(ParameterError, match="v_read"):
        read_currents(arr, **{**ok, "v_read": float("nan")})
    with pytest.raises(ParameterError, match="states"):
        read_currents(arr, **{**ok, "states": [0, 1]})
    with pytest.raises(ParameterError, match="r_scale"):
        read_currents(arr, **ok, r_scale=np.ones((2, 3)), tmr_scale=np.ones((3, 3)))


def test_non_convergence_raises():
    arr = Array1T1MTJ(4, 3)
    with pytest.raises(ConvergenceError, match="not converged"):
        read_currents(arr, selected_row=3, states=[0, 1, 0], v_read=0.3, max_iter=1, tol=1e-15)


def test_saturated_access_transistor_falls_back_to_full_level1():
    """Low word line, high bias: the selected transistors saturate (the fused fast path's region
    check fails and the general level-1 Newton takes over); still equal to the full solve."""
    rng = np.random.default_rng(2)
    arr = Array1T1MTJ(5, 4, mtj=_mtj(), wires=Wires(r_bl=5.0, r_sl=5.0), v_wl=0.65)
    st = rng.integers(0, 2, 4)
    smp = _mc(rng, 4)
    fast = read_currents(arr, selected_row=4, states=st, v_read=0.8, **smp)
    full = solve_full(arr, selected_row=4, states=st, v_read=0.8, **smp)
    np.testing.assert_allclose(fast.i_cell, full.read.i_cell, rtol=1e-8)
    # really saturated: V_DS >= V_GS - V_TO for every selected transistor
    v_mid = np.array([full.voltages[f"mid_4_{c}"] for c in range(4)])
    v_sl = np.array([full.voltages[f"sl_4_{c}"] for c in range(4)])
    vgst = 0.65 - v_sl - (arr.access.VTO + smp["vth_shift"])
    assert np.all(v_mid - v_sl >= vgst)
