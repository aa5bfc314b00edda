r"""Stochastic Landau-Lifshitz-Gilbert-Slonczewski (s-LLGS) macrospin ensemble.

The brute-force cross-check of :mod:`.fokker_planck`. Perpendicular free layer
(easy axis and reference layer along z), Landau-Lifshitz form in reduced units
``t' = gamma mu0 H_k t / (1 + alpha^2)``, ``h = H / H_k``:

.. math::
    \dot{\mathbf m} = -\mathbf m\times\mathbf h - \alpha\,\mathbf m\times(\mathbf m\times\mathbf h)
        + \alpha\, i\, s(m_z)\, \mathbf m\times(\mathbf m\times\hat z),
    \qquad \mathbf h = m_z\hat z + \mathbf h_{th},

where ``i = I/I_c0`` and ``s`` the efficiency relative to the start (1, or
Slonczewski's ``g(theta, P)/g(theta_start, P)``; Slonczewski, JMMM 159, L1 (1996)).
Its ``m_z`` drift is ``alpha (1 - m_z^2)(m_z - i)``, i.e. ``I_c0`` of
:class:`~.macrospin.FreeLayer`. Thermal field from the fluctuation-dissipation
theorem (Brown, Phys. Rev. 130, 1677 (1963)):
``<H_th,i(t) H_th,j(t')> = 2 alpha k_B T / (gamma mu0 Ms V) delta_ij delta(t - t')``,
i.e. per reduced step a Gaussian of variance ``alpha / (Delta (1 + alpha^2) dt')``
per component. Integrator: Heun (Stratonovich-consistent), renormalised each step.
The start is drawn from the Boltzmann distribution ``∝ exp(Delta m_z^2)`` of the starting well.

Reproducibility: trajectory ``k`` uses its own stream, seeded from
``np.random.SeedSequence(seed).generate_state(n)[k]``; results do not depend on the
number of threads.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.stats import beta as _beta

from ..._validation import check_choice, check_positive, check_range
from ...errors import ParameterError
from ...parallel.jsonio import dump_json, load_json

__all__ = ["LLGSResult", "llgs_wer", "clopper_pearson"]


def clopper_pearson(k, n, conf=0.95):
    """Exact (Clopper-Pearson) binomial confidence interval of ``k`` successes in ``n`` [-]."""
    k = np.asarray(k)
    a = 1.0 - conf
    lo = np.where(k > 0, _beta.ppf(a / 2, k, n - k + 1), 0.0)
    hi = np.where(k < n, _beta.ppf(1 - a / 2, k + 1, n - k), 1.0)
    return lo, hi


@dataclass(frozen=True)
class LLGSResult:
    """Ensemble WER(tau) with Clopper-Pearson 95 % intervals.

    Attributes: ``tau`` [tau_D], ``wer`` (fraction with m_z > 0) [-], ``ci_lo``/``ci_hi`` [-],
    ``n_traj`` [-], ``t_switch`` (first passage to m_z < 0, ``nan`` if none) [tau_D],
    ``steps_per_second`` (macrospin steps, all threads) [1/s], ``seed``, ``settings``.
    """

    tau: np.ndarray
    wer: np.ndarray
    ci_lo: np.ndarray
    ci_hi: np.ndarray
    n_traj: int
    t_switch: np.ndarray
    steps_per_second: float
    seed: int
    settings: dict = field(default_factory=dict)

    def to_dict(self):
        return asdict(self)

    def to_json(self, path):
        """Write to ``path`` (versioned, hashed JSON)."""
        return dump_json(path, self.to_dict(), fmt="mramsim.LLGSResult")

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        d = load_json(path, fmt="mramsim.LLGSResult")
        for k in ("tau", "wer", "ci_lo", "ci_hi", "t_switch"):
            d[k] = np.asarray(d[k], float)
        d["steps_per_second"] = float(d["steps_per_second"])
        return cls(**d)


def llgs_wer(tau_end, i_over_ic0, delta, *, alpha=0.1, n_traj=10_000, dt=0.01, n_out=40, seed=0,
             efficiency="constant", polarization=0.6, start="P", threads=None):
    r"""Write error rate by a stochastic LLGS ensemble.

    Parameters
    ----------
    tau_end : float
        Pulse width over tau_D [-].
    i_over_ic0 : float
        Current over I_c0 [-].
    delta : float
        Thermal stability factor [-].
    alpha : float
        Gilbert damping [-] (the m_z statistics in tau = t/tau_D do not depend on it;
        larger alpha means fewer steps).
    n_traj : int
        Trajectories [-].
    dt : float
        Step in reduced time ``t'`` [-] (``gamma mu0 H_k dt_SI / (1 + alpha^2)``).
    n_out : int
        Output times (uniform in tau) [-].
    seed : int
        Seed of the ``SeedSequence``.
    efficiency : {'constant', 'slonczewski'}
        Angular dependence of the efficiency.
    polarization : float
        P [-] for the Slonczewski efficiency.
    start : {'P', 'AP'}
        Starting state.
    threads : int, optional
        numba threads (default: numba's setting).
    """
    from . import _llgs_kernel
    import numba

    check_positive("tau_end", tau_end)
    check_range("i_over_ic0", i_over_ic0, 0.0)
    check_range("delta", delta, 1.0, 500.0)
    check_range("alpha", alpha, 0.0, 1.0, lo_open=True)
    check_range("dt", dt, 0.0, 0.1, lo_open=True)
    check_choice("efficiency", efficiency, ("constant", "slonczewski"))
    if start not in ("P", "AP"):
        raise ParameterError("start", start, "'P' or 'AP'")
    if int(n_traj) != n_traj or n_traj < 1:
        raise ParameterError("n_traj", n_traj, "an integer >= 1")
    if int(n_out) != n_out or n_out < 1:
        raise ParameterError("n_out", n_out, "an integer >= 1")
    n_traj, n_out = int(n_traj), int(n_out)
    out_every = max(1, math.ceil(tau_end / (alpha * dt) / n_out))
    n_steps = out_every * n_out
    dt_red = tau_end / (alpha * n_steps)
    c_pol = 0.0 if efficiency == "constant" else (1.0 + polarization) ** 3 / (4.0 * polarization**1.5)
    sgn = 1.0 if start == "P" else -1.0
    seeds = np.random.SeedSequence(seed).generate_state(n_traj, dtype=np.uint64)
    old = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(int(threads))
    try:
        _llgs_kernel.run_ensemble(seeds[:1], float(delta), float(alpha), float(i_over_ic0), c_pol, sgn,
                                  dt_red, 1, 1)  # compile / load from cache outside the timing
        t0 = time.perf_counter()
        mz, first = _llgs_kernel.run_ensemble(seeds, float(delta), float(alpha), float(i_over_ic0), c_pol,
                                              sgn, dt_red, n_steps, out_every)
        elapsed = time.perf_counter() - t0
    finally:
        numba.set_num_threads(old)
    k = np.sum(mz > 0.0, axis=0)
    lo, hi = clopper_pearson(k, n_traj)
    tau = np.arange(n_out + 1) * out_every * dt_red * alpha
    t_sw = np.where(first >= 0, first * dt_red * alpha, np.nan)
    return LLGSResult(tau, k / n_traj, np.asarray(lo, float), np.asarray(hi, float), n_traj, t_sw,
                      n_traj * n_steps / elapsed, int(seed),
                      {"alpha": alpha, "dt": dt_red, "delta": float(delta), "i_over_ic0": float(i_over_ic0),
                       "efficiency": efficiency, "start": start, "n_steps": n_steps})
