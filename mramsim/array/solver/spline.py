r"""The MTJ's base functions :math:`1/R_P(V)` and TMR(V) at one temperature as a cubic spline.

Phase A of the read solver's Newton iteration evaluates the MTJ current from
the spline instead of the compact model:

.. math:: I_{MTJ}(x) = \frac{x\, g_P(x)}{r_s\,(1 + s_t\,\mathrm{TMR}(x))},
          \qquad g_P = 1/R_P,

with ``r_s`` the sample's R_P multiplier and ``s_t`` state x TMR multiplier
(as in :meth:`CompactMTJ.resistance`). The spline is built on uniform nodes,
checked against the model at every interval midpoint (where the cubic-spline
error peaks) and refined until R_P and R_AP agree to ``SPLINE_RTOL``.

Reference: C. de Boor, *A Practical Guide to Splines*, rev. ed., Springer
(2001), ch. IV (cubic spline interpolation and its error).
"""
from __future__ import annotations

from functools import cached_property, lru_cache

import numpy as np

__all__ = ["MTJSpline", "mtj_spline", "mtj_spline_iv", "SPLINE_NODES", "SPLINE_MAX_NODES", "SPLINE_RTOL",
           "clear_spline_cache"]

#: cubic-spline nodes of the MTJ base functions over the bias range (first try)
SPLINE_NODES = 2049
#: largest number of nodes the refinement may reach
SPLINE_MAX_NODES = 32769
#: max relative error of R_P and R_AP allowed at the interval midpoints
SPLINE_RTOL = 1e-9


class MTJSpline:
    """Cubic spline of 1/R_P(V) and TMR(V) at one temperature (phase A of Newton).

    Built on ``n`` uniform nodes; checked against the model at every interval
    midpoint (where the cubic-spline error peaks) and refined (n -> 2n - 1)
    until the relative error of R_P and R_AP is below ``SPLINE_RTOL``, up to
    ``SPLINE_MAX_NODES``. ``max_rel_error`` records the check; ``ok`` says
    whether it met the target.
    """

    def __init__(self, cm, T, lo, hi, n=SPLINE_NODES):
        from scipy.interpolate import CubicSpline

        while True:
            v = np.linspace(lo, hi, n)
            rp = np.asarray(cm.resistance(0, v, T), float)
            rap = np.asarray(cm.resistance(1, v, T), float)
            cs_g, cs_t = CubicSpline(v, 1.0 / rp), CubicSpline(v, rap / rp - 1.0)
            vm = 0.5 * (v[1:] + v[:-1])
            rp_m = np.asarray(cm.resistance(0, vm, T), float)
            rap_m = np.asarray(cm.resistance(1, vm, T), float)
            rp_s = 1.0 / cs_g(vm)
            rap_s = rp_s * (1.0 + cs_t(vm))
            self.max_rel_error = float(max(np.max(np.abs(rp_s / rp_m - 1.0)), np.max(np.abs(rap_s / rap_m - 1.0))))
            self.ok = self.max_rel_error < SPLINE_RTOL
            if self.ok or 2 * n - 1 > SPLINE_MAX_NODES:
                break
            n = 2 * n - 1
        # one contiguous table per coefficient (gathers from 1-D arrays are fastest)
        self.tab = [np.ascontiguousarray(c) for c in (cs_g.c[0], cs_g.c[1], cs_g.c[2], cs_g.c[3],
                                                       cs_t.c[0], cs_t.c[1], cs_t.c[2], cs_t.c[3])]
        self.lo, self.h, self.n = lo, v[1] - v[0], n
        self.inv_h = 1.0 / self.h

    @cached_property
    def tab_rows(self):
        """(n-1, 8) coefficients, one row per interval (one cache line per lookup; compiled kernel)."""
        return np.ascontiguousarray(np.stack(self.tab, axis=1))

    def eval(self, x):
        """(g_p, dg_p/dV, tmr, dtmr/dV) at x."""
        k = ((x - self.lo) * self.inv_h).astype(np.intp)
        np.clip(k, 0, self.n - 2, out=k)
        t = x - self.lo
        t -= k * self.h
        g3, g2, g1, g0, t3, t2, t1, t0 = (c.take(k) for c in self.tab)
        gp = ((g3 * t + g2) * t + g1) * t + g0
        dgp = (3.0 * g3 * t + 2.0 * g2) * t + g1
        tm = ((t3 * t + t2) * t + t1) * t + t0
        dtm = (3.0 * t3 * t + 2.0 * t2) * t + t1
        return gp, dgp, tm, dtm

    def eval_gp(self, x):
        """(g_p, dg_p/dV) at x."""
        k = ((x - self.lo) * self.inv_h).astype(np.intp)
        np.clip(k, 0, self.n - 2, out=k)
        t = x - self.lo
        t -= k * self.h
        g3, g2, g1, g0 = (c.take(k) for c in self.tab[:4])
        gp = ((g3 * t + g2) * t + g1) * t + g0
        dgp = (3.0 * g3 * t + 2.0 * g2) * t + g1
        return gp, dgp


@lru_cache(maxsize=16)
def _spline_cached(cm, T, lo, hi):
    return MTJSpline(cm, T, lo, hi)


def mtj_spline(cm, T, lo, hi):
    """The MTJ spline, cached per (model, T, range) when the model is hashable (frozen)."""
    try:
        return _spline_cached(cm, T, lo, hi)
    except TypeError:
        return MTJSpline(cm, T, lo, hi)


def mtj_spline_iv(sp, x, rs, sts):
    """MTJ current and slope from the spline: I = x g_p / (rs (1 + sts tmr)); sts None: P state."""
    if sts is None:
        gp, dgp = sp.eval_gp(x)
        inv = 1.0 / rs
        return x * gp * inv, (gp + x * dgp) * inv
    gp, dgp, tm, dtm = sp.eval(x)
    inv = 1.0 / (rs * (1.0 + sts * tm))
    i = x * gp * inv
    di = (gp + x * dgp) * inv - i * sts * dtm / (1.0 + sts * tm)
    return i, di


def clear_spline_cache() -> None:
    """Forget the cached splines (benchmarks: time a cold solve)."""
    _spline_cached.cache_clear()
