r"""Newton iteration on the selected cells' MTJ voltages: numpy reference and compiled dispatch.

Each selected cell (MTJ in series with the level-1 access NMOS, leakage
:math:`G_{OFF}` across the NMOS) sees its column's Thevenin equivalent
(:mod:`.ladder`) and has one unknown, the MTJ voltage :math:`x`:

.. math::
    f(x) = I_{MTJ}(x) - I_D(V_{GS}, V_{DS}) - G_{OFF} V_{DS} = 0,\qquad
    V_{DS} = V_{th} - R_{th} I - x,\quad V_{GS} - V_{TO} = a - k_b I,

    f'(x) = g_{MTJ}\,\big(1 + g_m k_b + (g_{ds}+G_{OFF}) R_{th}\big) + g_{ds} + G_{OFF}.

:math:`f` is monotone increasing and the root lies in :math:`[lo, hi]`
(iterates are clipped there). Converged when every update is below ``tol``,
or (in the quadratic regime, update < 1e-5 V) when the predicted next update
:math:`10|dx_k|^3/|dx_{k-1}|^2` is below ``tol``.

Two kernels run this iteration and are tested equal (``tests/array/test_kernels.py``):

* :func:`newton_numpy` -- the numpy reference (also the only kernel for the
  exact-model polish phase, ``exact=``);
* :func:`mramsim.array.solver.kernels.newton_cells` -- the same iteration
  compiled with numba, one pass over the cells per iteration, vectorised
  (its arrays are marked not aliasing); used by :func:`newton_spline`
  whenever numba is importable.

(A third, fused in-place numpy kernel for the forward linear region was
removed: without numba it ran 1.02e6 cells in 0.084-0.104 s against
0.082-0.085 s for :func:`newton_spline`'s numpy reference on a 256 x 256
array, i.e. no faster, and gave the same currents to 7e-16.)

References: H. Shichman and D. A. Hodges, IEEE J. Solid-State Circuits 3(3),
285-289 (1968) (level-1 NMOS); L. W. Nagel, UC Berkeley ERL Memo M520 (1975)
(Newton iteration of circuit simulators).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...circuit.elements import level1_ids_derivs
from ...errors import ConvergenceError
from .spline import MTJSpline, mtj_spline_iv

__all__ = ["transistor", "newton_numpy", "newton_spline", "compiled_kernels", "use_compiled", "CellNewton"]


def transistor(vgst_off, vds, beta, lam):
    """Level-1 current and derivatives; fast path when all in forward linear region.

    ``vgst_off`` is V_GS - V_TO [V] (forward frame).
    """
    if np.all(vds >= 0.0) and np.all(vds < vgst_off):
        k = 1.0 + lam * vds
        a = vgst_off - 0.5 * vds
        f = beta * vds * a
        return f * k, beta * vds * k, beta * (vgst_off - vds) * k + lam * f
    return level1_ids_derivs(vgst_off, vds, 0.0, beta, lam)



def newton_numpy(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter, v_read, T,
                  exact=None):
    """Newton on the MTJ voltage x (numpy reference); returns (x, I, iterations).

    Residual f(x) = I_MTJ(x) - I_D(V_GST, V_DS) - G_OFF V_DS with
    V_DS = vth - rth I_MTJ - x, V_GST = a - kb I_MTJ (level-1 NMOS of
    :func:`mramsim.circuit.elements.level1_ids_derivs`, MTJ from the spline ``sp``
    or ``exact(x)``); ``x`` clipped to [lo, hi]. ``sts_`` None: P state.
    Raises :class:`ConvergenceError` on a non-finite update or after
    ``max_iter`` iterations ([V], [K] in the messages: ``v_read``, ``T``).

    Converged when every element's update is below tol_, or (in the
    quadratic regime, update < 1e-5 V) when its predicted next update
    10 |dx_k|^3 / |dx_{k-1}|^2 is below tol_.
    """
    prev = None
    for it in range(1, max_iter + 1):
        i1, g1 = mtj_spline_iv(sp, x, rs_, sts_)
        if exact is not None:
            i1 = exact(x)
        vds = vth_ - rth_ * i1 - x
        vg = a_ - kb_ * i1
        it_, gm, gds = transistor(vg, vds, beta, lam)
        gds += goff
        f = i1 - it_
        f -= goff * vds
        fp = gm * kb_
        fp += gds * rth_
        fp += 1.0
        fp *= g1
        fp += gds
        dx = f / fp
        x_new = x - dx
        np.maximum(x_new, lo_, out=x_new)
        np.minimum(x_new, hi_, out=x_new)
        err = np.abs(x_new - x)
        x = x_new
        worst = err.max() if err.size else 0.0
        if not np.isfinite(worst):
            raise ConvergenceError(f"read_currents: non-finite Newton update at iteration {it} "
                                   f"(v_read={v_read} V, T={T} K)")
        if worst < tol_:
            return x, i1 - g1 * dx, it
        if prev is not None and worst < 1e-5:
            pred = 10.0 * err * err * err / np.maximum(prev * prev, 1e-300)
            if np.max(np.minimum(pred, err)) < tol_:
                return x, i1 - g1 * dx, it
        prev = err
    bad = int(np.count_nonzero(err >= tol_))
    raise ConvergenceError(
        f"read_currents: {bad} of {err.size} cells not converged after max_iter={max_iter} Newton "
        f"iterations (largest update {worst:.3g} V > tol={tol_:g} V; v_read={v_read} V, T={T} K)")


#: None: not tried yet; False: numba not importable (or switched off); else the kernels module
_NUMBA = None


def use_compiled(flag: bool) -> None:
    """Switch the compiled kernel on (when numba imports) or off (numpy reference only; tests, benchmarks)."""
    global _NUMBA
    _NUMBA = None if flag else False


def compiled_kernels():
    """The compiled kernels module, or False when numba is not importable (lazy import)."""
    global _NUMBA
    if _NUMBA is None:
        try:
            import mramsim.array.solver.kernels as k
        except ImportError:
            k = False
        _NUMBA = k
    return _NUMBA


def newton_spline(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter, v_read, T,
                  out_x=None, out_i=None, inv_rs=None):
    """Spline-phase Newton: the compiled kernel when numba is importable, else :func:`newton_numpy`.

    Same arguments, iteration, stopping rule and :class:`ConvergenceError`
    messages as :func:`newton_numpy` (``exact`` None); ``out_x``, ``out_i``:
    optional contiguous (n,) arrays that receive the result (the compiled
    kernel assumes its arrays do not alias: an output overlapping an input
    is replaced by a new array, so use the returned arrays); ``inv_rs``:
    optional (n,) array holding 1 / ``rs_`` [-].
    """
    kern = compiled_kernels()
    if not kern:
        return newton_numpy(sp, x, rs_, sts_, a_, vth_, rth_, kb_, lo_, hi_, beta, lam, goff, tol_, max_iter,
                            v_read, T)
    n = x.size
    c = np.ascontiguousarray

    def f(v):  # (n,) contiguous float64 view; arrays already in that form are passed through untouched
        if isinstance(v, np.ndarray) and v.dtype == np.float64 and v.shape == (n,) and v.flags.c_contiguous:
            return v
        return c(np.broadcast_to(np.asarray(v, float), (n,)))

    tab = sp.tab_rows                                                  # (n-1, 8)
    is_ap = sts_ is not None
    ins = [f(x), 1.0 / f(rs_) if inv_rs is None else f(inv_rs), f(sts_) if is_ap else np.empty(0), f(a_),
           f(vth_), f(rth_), f(kb_), f(lo_), f(hi_)]
    # the kernel's arrays are marked not aliasing: outputs overlapping an input (or each other) are replaced
    xo = out_x if out_x is not None and not any(np.may_share_memory(out_x, v) for v in ins) else np.empty(n)
    io = out_i if out_i is not None and not any(np.may_share_memory(out_i, v) for v in ins + [xo]) \
        else np.empty(n)
    x0, irs, sts, a, vth, rth, kb, lo, hi = ins
    status, it, worst, bad = kern.newton_cells(
        tab, float(sp.lo), float(sp.h), float(sp.inv_h), int(sp.n - 2), x0, irs, sts, is_ap, a, vth, rth, kb, lo,
        hi, float(beta), float(lam), float(goff), float(tol_), int(max_iter), xo, io, np.empty(n), np.empty(n))
    if status == kern.NONFINITE:
        raise ConvergenceError(f"read_currents: non-finite Newton update at iteration {it} "
                               f"(v_read={v_read} V, T={T} K)")
    if status == kern.NOT_CONVERGED:
        raise ConvergenceError(
            f"read_currents: {bad} of {n} cells not converged after max_iter={max_iter} Newton "
            f"iterations (largest update {worst:.3g} V > tol={tol_:g} V; v_read={v_read} V, T={T} K)")
    return xo.reshape(np.shape(x)), io.reshape(np.shape(x)), it


@dataclass(frozen=True)
class CellNewton:
    """Newton of the selected cells at one read: spline, transistor and iteration settings bound.

    Parameters
    ----------
    sp : MTJSpline
        The MTJ base functions at the read temperature.
    beta, lam, goff : float
        NMOS gain [A/V^2], channel-length modulation [1/V], off conductance [S].
    max_iter : int
        Iteration limit.
    v_read, T : float
        Read voltage [V] and temperature [K] (for the error messages).
    """

    sp: MTJSpline
    beta: float
    lam: float
    goff: float
    max_iter: int
    v_read: float
    T: float

    def solve(self, x, rs, sts, a, vth, rth, kb, lo, hi, *, tol, exact=None, out_x=None, out_i=None,
              inv_rs=None):
        """(x, I, iterations): spline phase (compiled when available), or exact phase with ``exact(x)``.

        ``sts`` None: P cells; ``exact``: callable x -> exact MTJ current [A]
        (the polish phase, numpy reference kernel); ``out_x``, ``out_i``,
        ``inv_rs`` as in :func:`newton_spline`.
        """
        if exact is None:
            return newton_spline(self.sp, x, rs, sts, a, vth, rth, kb, lo, hi, self.beta, self.lam, self.goff,
                                 tol, self.max_iter, self.v_read, self.T, out_x=out_x, out_i=out_i, inv_rs=inv_rs)
        return newton_numpy(self.sp, x, rs, sts, a, vth, rth, kb, lo, hi, self.beta, self.lam, self.goff, tol,
                            self.max_iter, self.v_read, self.T, exact=exact)
