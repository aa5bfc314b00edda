"""Compiled (numba) Newton kernel of the read solver against the numpy reference kernel."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.array import solver
from mramsim.array.solver import newton
from mramsim.array.solver.spline import mtj_spline
from mramsim.circuit.elements import AccessNMOS, level1_ids_derivs
from mramsim.compact.model import CompactMTJ
from mramsim.errors import ConvergenceError

pytest.importorskip("numba")

T = 300.0
LO, HI = -0.5, 0.5


def _mtj():
    """A bias- and temperature-dependent card (all terms of the stand-in form active)."""
    return CompactMTJ(r_p0=3500.0, tmr0=1.5, b1=0.08, b2=-0.4, tc_rp=-4e-4, tc_tmr=-2.5e-3,
                      vh_pos=0.45, vh_neg=0.55)


def _inputs(seed, n=4000):
    """Random cells: both polarities of the Thevenin voltage, gate drive from cutoff to strong."""
    rng = np.random.default_rng(seed)
    vth = rng.uniform(-0.45, 0.45, n)
    return {
        "rs_": rng.lognormal(0.0, 0.1, n),
        "sts_": rng.normal(1.0, 0.1, n),
        "a_": rng.uniform(-0.3, 1.2, n),
        "vth_": vth,
        "rth_": rng.uniform(0.0, 2000.0, n),
        "kb_": rng.uniform(0.0, 500.0, n),
        "lo_": np.minimum(0.0, vth),
        "hi_": np.maximum(0.0, vth),
        "x": 0.5 * vth,
    }


def _both(inp, ap, tol=1e-10, max_iter=60):
    acc = AccessNMOS()
    sp = mtj_spline(_mtj(), T, LO, HI)
    kw = dict(inp)
    if not ap:
        kw["sts_"] = None
    args = dict(beta=float(acc.beta(T)), lam=acc.LAMBDA, goff=float(acc.g_off(T)), tol_=tol,
                max_iter=max_iter, v_read=0.15, T=T)
    ref = newton.newton_numpy(sp, **kw, **args)
    assert newton.compiled_kernels(), "numba installed but the kernels module did not import"
    out = newton.newton_spline(sp, **kw, **args)
    return ref, out, args


@pytest.mark.parametrize("ap", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_equals_numpy_all_regions(ap, seed):
    """x and I of the compiled kernel equal the numpy kernel's to 1e-12 relative, every NMOS region.

    The regions are those of the converged operating points (checked non-empty): cutoff,
    forward linear, forward saturation, reverse (V_DS < 0) conducting.
    """
    inp = _inputs(seed)
    (x_r, i_r, it_r), (x_k, i_k, it_k), args = _both(inp, ap)
    assert it_k == it_r
    np.testing.assert_allclose(x_k, x_r, rtol=1e-12, atol=0.0)
    np.testing.assert_allclose(i_k, i_r, rtol=1e-12, atol=0.0)
    # regions covered at the solution
    vds = inp["vth_"] - inp["rth_"] * i_r - x_r
    vgs = inp["a_"] - inp["kb_"] * i_r
    vgst = np.where(vds < 0, vgs - vds, vgs)
    on = vgst > 0
    sat = np.abs(vds) >= vgst
    regions = {"cutoff": ~on, "fwd linear": on & (vds >= 0) & ~sat, "fwd sat": on & (vds >= 0) & sat,
               "rev linear": on & (vds < 0) & ~sat, "rev sat": on & (vds < 0) & sat}
    counts = {k: int(np.count_nonzero(v)) for k, v in regions.items()}
    assert all(c > 0 for c in counts.values()), counts
    # and the solution satisfies the circuit (I_MTJ = I_D + G_OFF V_DS) to the Newton accuracy
    ids, _, _ = level1_ids_derivs(vgs, vds, 0.0, args["beta"], args["lam"])
    np.testing.assert_allclose(i_r, ids + args["goff"] * vds, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("ap", [False, True])
def test_kernel_same_convergence_error(ap):
    """A forced failure (iteration limit 2) raises the same ConvergenceError from both kernels."""
    inp = _inputs(3, n=500)
    with pytest.raises(ConvergenceError) as e_ref:
        newton.newton_numpy(mtj_spline(_mtj(), T, LO, HI), **{**inp, "sts_": inp["sts_"] if ap else None},
                             beta=float(AccessNMOS().beta(T)), lam=AccessNMOS.LAMBDA,
                             goff=float(AccessNMOS().g_off(T)), tol_=1e-10, max_iter=2, v_read=0.15, T=T)
    with pytest.raises(ConvergenceError) as e_k:
        _both(inp, ap, max_iter=2)
    assert "not converged after max_iter=2" in str(e_ref.value)
    assert str(e_k.value) == str(e_ref.value)


def test_kernel_nonfinite_error():
    """A NaN start voltage raises the same non-finite ConvergenceError from both kernels."""
    inp = _inputs(4, n=100)
    inp["x"][7] = np.nan
    acc = AccessNMOS()
    sp = mtj_spline(_mtj(), T, LO, HI)
    args = dict(beta=float(acc.beta(T)), lam=acc.LAMBDA, goff=float(acc.g_off(T)), tol_=1e-10,
                max_iter=60, v_read=0.15, T=T)
    with pytest.raises(ConvergenceError) as e_k:
        newton.newton_spline(sp, **inp, **args)
    with np.errstate(invalid="ignore"), pytest.raises(ConvergenceError) as e_ref:
        newton.newton_numpy(sp, **inp, **args)
    assert "non-finite Newton update at iteration 1" in str(e_k.value)
    assert str(e_k.value) == str(e_ref.value)


def test_fallback_without_numba(monkeypatch):
    """With numba unavailable, read_currents runs the numpy kernels and agrees to 1e-12 relative."""
    from mramsim.circuit.graph import Array1T1MTJ

    arr = Array1T1MTJ(16, 16)
    rng = np.random.default_rng(5)
    kw = dict(selected_row=15, states=rng.integers(0, 2, 16), v_read=0.15,
              r_scale=rng.lognormal(0.0, 0.05, (20, 16)), tmr_scale=rng.normal(1.0, 0.05, (20, 16)),
              vth_shift=rng.normal(0.0, 0.02, (20, 16)))
    fast = solver.read_currents(arr, **kw)
    monkeypatch.setattr(newton, "_NUMBA", False)
    solver.clear_caches()
    ref = solver.read_currents(arr, **kw)
    np.testing.assert_allclose(fast.i_cell, ref.i_cell, rtol=1e-12, atol=0.0)
    np.testing.assert_allclose(fast.v_mtj, ref.v_mtj, rtol=1e-12, atol=0.0)


def test_kernel_outputs_overlapping_the_start_are_not_aliased():
    """An out_x/out_i overlapping the start voltages (the kernel assumes no aliasing) gives the normal result."""
    inp = _inputs(6, n=1000)
    (_, _, _), (x_k, i_k, it_k), args = _both(inp, True)
    sp = mtj_spline(_mtj(), T, LO, HI)
    x0 = inp["x"].copy()
    buf = inp["x"]                                  # the start vector itself as both outputs
    x2, i2, it2 = newton.newton_spline(sp, **inp, **args, out_x=buf, out_i=buf)
    np.testing.assert_array_equal(inp["x"], x0)     # the start is not overwritten ...
    np.testing.assert_array_equal(x2, x_k)          # ... and the results are the usual ones
    np.testing.assert_array_equal(i2, i_k)
    assert it2 == it_k


def test_kernel_outputs_overlapping_another_input_are_not_aliased():
    """An out_i that is one of the inputs (here the clip bound) leaves that input alone."""
    inp = _inputs(7, n=800)
    (_, _, _), (x_k, i_k, _), args = _both(inp, False)
    sp = mtj_spline(_mtj(), T, LO, HI)
    hi0 = inp["hi_"].copy()
    kw = {**inp, "sts_": None}
    x2, i2, _ = newton.newton_spline(sp, **kw, **args, out_x=np.empty(800), out_i=inp["hi_"])
    np.testing.assert_array_equal(inp["hi_"], hi0)
    np.testing.assert_array_equal(x2, x_k)
    np.testing.assert_array_equal(i2, i_k)
