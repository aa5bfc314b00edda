"""Compiled (numba) kernel of the read solver's per-cell Newton iteration.

Imported lazily by :mod:`mramsim.array.solver.newton` when a solve runs (``import
mramsim`` does not import numba). The kernel is the same iteration as the
numpy reference :func:`mramsim.array.solver.newton.newton_numpy` -- the MTJ current
from the cubic spline of :math:`1/R_P(V)` and TMR(V),

.. math:: I_{MTJ}(x) = \\frac{x\\, g_P(x)}{r_s\\,(1 + s_t\\,\\mathrm{TMR}(x))},

in series with the level-1 (Shichman-Hodges) access NMOS, both polarities and
all regions, and the column's Thevenin equivalent: the residual

.. math:: f(x) = I_{MTJ}(x) - I_D(V_{GST}, V_{DS}) - G_{OFF} V_{DS},\\quad
          V_{DS} = V_{th} - R_{th} I_{MTJ} - x,\\quad V_{GST} = a - k_b I_{MTJ}

is driven to zero by Newton steps on the MTJ voltage ``x`` clipped to
``[lo, hi]``. One pass over the cells per iteration instead of ~60 numpy
elementwise passes; the stopping rule is the reference's, applied to the whole
chunk (every update below ``tol``, or in the quadratic regime the predicted
next update :math:`10|dx_k|^3/|dx_{k-1}|^2` below ``tol``). Its arrays are
marked not aliasing (:data:`NOALIAS`), so LLVM vectorises the cell loop.

Two kernels of the Monte Carlo of :mod:`mramsim.array.margin` live here too:
:func:`normals_planar` (numpy's standard normals, same stream, stored by
variable) and :func:`margin_stats` (margins and their running sums in one pass).

References
----------
H. Shichman and D. A. Hodges, "Modeling and simulation of insulated-gate
field-effect transistor switching circuits," IEEE J. Solid-State Circuits
3(3), 285-289 (1968), doi:10.1109/JSSC.1968.1049902.

S. K. Lam, A. Pitrou and S. Seibert, "Numba: a LLVM-based Python JIT
compiler," Proc. LLVM-HPC 2015, doi:10.1145/2833157.2833162.
"""
from __future__ import annotations

import numpy as np
from numba import njit

#: status codes returned by :func:`newton_cells`
OK, NONFINITE, NOT_CONVERGED = 0, 1, 2


def _noalias_options():
    """``{"noalias": True}`` when this numba can mark a function's array arguments as not aliasing, else ``{}``.

    Numba has the compiler flag (it sets it for its parallel gufuncs) but no
    user option for it; the option is added to the CPU target's options here
    (the flag then puts LLVM's ``noalias`` on the array data pointers). With it
    LLVM vectorises :func:`newton_cells`'s cell loop (the spline lookups
    become gathers) -- about 3x faster, the same bits; without it (another
    numba) the kernel is compiled as before.
    """
    try:
        from numba.core import compiler, cpu, options
        if not hasattr(compiler.Flags, "noalias"):
            return {}
        if not hasattr(cpu.CPUTargetOptions, "noalias"):
            cpu.CPUTargetOptions.noalias = options.TargetOptions.Mapping("noalias")
        return {"noalias": True}
    except Exception:      # pragma: no cover - a numba without these internals
        return {}


#: extra njit options of :func:`newton_cells`
NOALIAS = _noalias_options()


@njit(cache=True, error_model="numpy", **NOALIAS)
def newton_cells(tab, lo_s, h, inv_h, nseg, x, inv_rs, sts, is_ap, a, vth, rth, kb, lo, hi,
                 beta, lam, goff, tol, max_iter, out_x, out_i, prev, crits):
    """Newton on the MTJ voltages of a chunk of cells, compiled.

    Parameters
    ----------
    tab : ndarray
        (n-1, 8) spline coefficients (one row per interval: one cache line per lookup) (g3, g2, g1, g0, t3, t2, t1, t0) in the
        coordinate t = x - x_k [A/V^(p+1) and 1/V^p].
    lo_s, h, inv_h : float
        Spline start [V], node spacing [V] and its inverse [1/V].
    nseg : int
        Number of spline nodes minus 2 (largest interval index).
    x : ndarray
        (n,) start voltages [V] (not modified).
    inv_rs, sts : ndarray
        (n,) inverse R_P multipliers 1/r_s [-] and state x TMR multipliers [-] (``sts``
        used only when ``is_ap``).
    is_ap : bool
        Cells in the AP state (TMR term) or P.
    a, vth, rth, kb, lo, hi : ndarray
        (n,) V_GS - V_TO at zero current [V], Thevenin voltage [V] and
        resistance [Ohm], source-node coupling [Ohm], clip bounds [V].
    beta, lam, goff : float
        NMOS gain [A/V^2], channel-length modulation [1/V], off conductance [S].
    tol : float
        Update tolerance [V].
    max_iter : int
        Iteration limit.
    out_x, out_i, prev, crits : ndarray
        (n,) outputs: MTJ voltage [V], cell current [A]; workspaces [V].
        None of these four may share memory with another argument (the
        kernel is compiled with its arrays marked not aliasing).

    Returns
    -------
    status, iterations, worst, bad : int, int, float, int
        ``OK``, ``NONFINITE`` or ``NOT_CONVERGED``; iterations run; largest
        last update [V]; cells whose last update is >= ``tol``.
    """
    n = x.shape[0]
    for j in range(n):
        out_x[j] = x[j]
        prev[j] = 0.0
    worst = 0.0
    for it in range(1, max_iter + 1):
        worst = 0.0
        crit = 0.0
        finite = True
        for j in range(n):
            xj = out_x[j]
            k = min(max(int((xj - lo_s) * inv_h), 0), nseg)
            t = xj - lo_s
            t -= k * h
            g3 = tab[k, 0]
            g2 = tab[k, 1]
            g1c = tab[k, 2]
            g0 = tab[k, 3]
            gp = ((g3 * t + g2) * t + g1c) * t + g0
            dgp = (3.0 * g3 * t + 2.0 * g2) * t + g1c
            if is_ap:
                t3 = tab[k, 4]
                t2 = tab[k, 5]
                t1 = tab[k, 6]
                t0 = tab[k, 7]
                tm = ((t3 * t + t2) * t + t1) * t + t0
                dtm = (3.0 * t3 * t + 2.0 * t2) * t + t1
                s = sts[j]
                rd = 1.0 / (1.0 + s * tm)
                inv = inv_rs[j] * rd
                i1 = xj * gp * inv
                g1 = (gp + xj * dgp) * inv - i1 * s * dtm * rd
            else:
                inv = inv_rs[j]
                i1 = xj * gp * inv
                g1 = (gp + xj * dgp) * inv
            vds = vth[j] - rth[j] * i1 - xj
            vgs = a[j] - kb[j] * i1
            # level-1 NMOS, both polarities (vto = 0: a is already V_GS - V_TO); branch-free
            rev = vds < 0.0
            vd = abs(vds)
            vgst = (vgs - vds) if rev else vgs
            on = vgst > 0.0
            sat = vd >= vgst
            kk = 1.0 + lam * vd
            f0 = (0.5 * beta * vgst * vgst) if sat else (beta * vd * (vgst - 0.5 * vd))
            dfg = (beta * vgst) if sat else (beta * vd)
            dfd = 0.0 if sat else (beta * (vgst - vd))
            i_dev = (f0 * kk) if on else 0.0
            g_vgst = (dfg * kk) if on else 0.0
            g_vd = (dfd * kk + f0 * lam) if on else 0.0
            ids = -i_dev if rev else i_dev
            gm = -g_vgst if rev else g_vgst
            gds = (g_vgst + g_vd) if rev else g_vd
            gds += goff
            f = i1 - ids
            f -= goff * vds
            fp = gm * kb[j]
            fp += gds * rth[j]
            fp += 1.0
            fp *= g1
            fp += gds
            dx = f / fp
            xn = xj - dx
            xn = max(xn, lo[j])
            xn = min(xn, hi[j])
            err = abs(xn - xj)
            out_x[j] = xn
            out_i[j] = i1 - g1 * dx
            # quadratic regime test: predicted next update 10 |dx_k|^3 / |dx_{k-1}|^2 (used from iteration 2)
            pv = prev[j] * prev[j]
            pred = 10.0 * err * err * err / max(pv, 1e-300)
            prev[j] = err
            crits[j] = min(pred, err)
        for j in range(n):                 # reductions apart: the loop above has none (vectorisable)
            err = prev[j]
            if err < np.inf:
                if err > worst:
                    worst = err
            else:
                finite = False
        if not finite:
            return NONFINITE, it, np.nan, 0
        if worst < tol:
            return OK, it, worst, 0
        if it > 1 and worst < 1e-5:
            for j in range(n):
                c = crits[j]
                if c > crit:
                    crit = c
            if crit < tol:
                return OK, it, worst, 0
    bad = 0
    for j in range(n):
        if prev[j] >= tol:       # the last iteration's updates
            bad += 1
    return NOT_CONVERGED, max_iter, worst, bad


def compile_seconds() -> float:
    """Wall time [s] of a full JIT compile of :func:`newton_cells` (fresh, without the on-disk cache).

    For the benchmarks, which report it apart from the throughput (warm
    runs load the compiled kernel from numba's cache in well under that).
    """
    import time

    from numba import njit as _njit

    fresh = _njit(cache=False, error_model="numpy", **NOALIAS)(newton_cells.py_func)
    z = np.zeros(2)
    tab = np.zeros((2, 8))
    t0 = time.perf_counter()
    fresh(tab, 0.0, 1.0, 1.0, 0, z, z + 1.0, z, True, z + 1.0, z, z, z, z, z, 1e-3, 0.0, 0.0, 1e-10, 2,
          np.empty(2), np.empty(2), np.empty(2), np.empty(2))
    return time.perf_counter() - t0


@njit(cache=True)
def normals_planar(rng, planes, pos, r0, r1):
    """``rng.standard_normal((r1 - r0, nc, d))`` -- the same numbers, drawn in the same order -- stored by plane.

    ``planes[pos[j], r0 + s, c] = u[s, c, j]``: variable ``j`` of the draw
    goes to the contiguous (samples, nc) plane ``pos[j]``, samples ``r0`` to
    ``r1``. Numba's ``Generator.standard_normal`` is numpy's ziggurat on the
    same bit generator (``rng`` is advanced exactly as by numpy's call; tested
    equal), about twice as fast per number here as numpy's own fill, and the
    transpose needs no second pass.

    Parameters
    ----------
    rng : numpy.random.Generator
    planes : ndarray
        (n_planes, samples, nc) output, float64, C-contiguous.
    pos : ndarray
        (d,) int64 plane of each variable (distinct, < n_planes).
    r0, r1 : int
        Samples to fill [-].
    """
    d = pos.shape[0]
    nc = planes.shape[2]
    for s in range(r0, r1):
        for c in range(nc):
            for j in range(d):
                planes[pos[j], s, c] = rng.standard_normal()


@njit(cache=True, error_model="numpy")
def margin_stats(s_p, s_ap, s_ref, ref_fixed, sa, has_sa, c, q, m_p, m_ap, acc):
    """Margins of a sub-block of Monte Carlo reads and their running sums, in one pass.

    ``m_P = q (s_P - s_ref) + c sa``, ``m_AP = -q (s_AP - s_ref) - c sa``
    (``q = +-1``; the same operations, in the same order, as the numpy code of
    :func:`mramsim.array.margin.evaluate.evaluate_planes`, so the same bits).

    Parameters
    ----------
    s_p, s_ap : ndarray
        (ns, nc) data-cell signals [A or V].
    s_ref : ndarray
        (ns, nc) reference signals, or (1, 1) holding the fixed reference when ``ref_fixed``.
    sa : ndarray
        (ns, nc) SA offset normals [-] (read only when ``has_sa``).
    c : float
        Offset per normal [A or V].
    q : int
        Polarity (+1 or -1).
    m_p, m_ap : ndarray
        (ns, nc) outputs [A or V].
    acc : ndarray
        (4, nc) running per-column sums of m_P, m_P^2, m_AP, m_AP^2, added to
        sample after sample (the order of numpy's ``sum(axis=0)``).

    Returns
    -------
    fails_p, fails_ap : int
        Reads with a negative margin.
    """
    ns, nc = s_p.shape
    fp = 0
    fa = 0
    r0 = s_ref[0, 0]
    for i in range(ns):
        for j in range(nc):
            sr = r0 if ref_fixed else s_ref[i, j]
            if q == 1:
                mp = s_p[i, j] - sr
                ma = sr - s_ap[i, j]
            else:
                mp = sr - s_p[i, j]
                ma = s_ap[i, j] - sr
            if has_sa:
                d = c * sa[i, j]
                mp += d
                ma -= d
            m_p[i, j] = mp
            m_ap[i, j] = ma
            acc[0, j] += mp
            acc[1, j] += mp * mp
            acc[2, j] += ma
            acc[3, j] += ma * ma
            if mp < 0.0:
                fp += 1
            if ma < 0.0:
                fa += 1
    return fp, fa
