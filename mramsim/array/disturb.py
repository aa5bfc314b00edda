r"""Read disturb and retention of the free layer (thermally activated switching).

Thermally activated reversal under a sub-critical current (Koch, Katine & Sun,
PRL 92, 088302 (2004); Li & Zhang, PRB 69, 134416 (2004)):

.. math::
    P_{sw}(t) = 1 - \exp\!\Big[-\frac{t}{\tau_0}\,
        \exp\!\big(-\Delta\,(1 - I/I_{c0})^{k}\big)\Big],

with ``k = 1`` (Koch et al.) or ``k = 2`` (Sun's macrospin / Néel-Brown form
with the field-like barrier reduction; e.g. Taniguchi & Imamura, PRB 83,
054432 (2011) discuss the exponent). The formula is the thermal regime
``I < I_c0``; at and above ``I_c0`` the barrier term is taken as zero
(``(1 - I/I_c0)^k -> 0``), so ``P = 1 - exp(-t/tau0)``: the precessional
regime lies outside this model, and that value is a lower bound.
Retention (no current): ``tau = tau0 exp(Delta)``, ``P_fail(t) = 1 - exp(-t/tau)``.

Every probability is computed as ``-expm1(-x)`` with ``x`` formed in log
space, so values like 1e-18 keep full relative precision (``1 - exp(-x)``
would round to 0).

Temperature dependence (documented model): the barrier energy
``E_b = Delta kT`` scales with the saturation magnetization as ``E_b ∝ M_s^n``
(``n = 2`` for interfacial anisotropy, ``H_k M_s ∝ M_s^2``), and ``M_s``
follows Bloch's law ``M_s(T) = M_s(0) (1 - (T/T_c)^{3/2})``. Hence

.. math::
    \Delta(T) = \Delta(T_r)\,\frac{T_r}{T}\,\Big(\frac{m(T)}{m(T_r)}\Big)^{n},
    \qquad I_{c0}(T) = I_{c0}(T_r)\,\Big(\frac{m(T)}{m(T_r)}\Big)^{n},

using ``I_c0 = (4 e alpha / hbar eta) E_b`` (Sun, PRB 62, 570 (2000)), so
``I_c0 ∝ E_b``. Iwata-Harms et al., Sci. Rep. 8, 14409 (2018) measure
``E_b(T)`` of CoFeB free layers following ``M_s(T)^n`` with ``n ~ 2``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .._validation import check_positive, check_range, check_scalar, check_temperature
from ..constants import T_NOM
from ..errors import ParameterError
from ..physics.switching.macrospin import (bloch_magnetization, retention_failure, retention_time,
                                          thermal_switching_probability)
from .solver import default_solver

#: The thermally activated (Neel-Brown) switching law of :mod:`mramsim.physics.switching.macrospin`.
switching_probability = thermal_switching_probability

__all__ = [
    "switching_probability",
    "retention_time",
    "retention_failure",
    "bloch_magnetization",
    "delta_at",
    "ic0_at",
    "DisturbModel",
    "read_disturb_probability",
]

#: Julian year [s] (definition: 365.25 d), used only at the edges.
YEAR = 365.25 * 86400.0


def delta_at(T, delta_ref, *, t_ref=T_NOM, t_curie=1000.0, n=2.0):
    r"""Thermal stability at temperature ``T``.

    .. math:: \Delta(T) = \Delta_r \frac{T_r}{T} \Big(\frac{m(T)}{m(T_r)}\Big)^n

    Parameters
    ----------
    T : array_like
        Temperature [K].
    delta_ref : float
        Delta at ``t_ref`` [-].
    t_ref : float
        Reference temperature [K].
    t_curie : float
        Curie temperature of the free layer [K].
    n : float
        Exponent of E_b on M_s [-].
    """
    check_positive("delta_ref", check_scalar("delta_ref", delta_ref))
    m = bloch_magnetization(T, t_curie) / bloch_magnetization(t_ref, t_curie)
    return delta_ref * (t_ref / np.asarray(T, float)) * m**n


def ic0_at(T, ic0_ref, *, t_ref=T_NOM, t_curie=1000.0, n=2.0):
    r"""Critical current at ``T``: ``I_c0(T) = I_c0,r (m(T)/m(T_r))^n`` [A].

    Parameters
    ----------
    T : array_like
        Temperature [K].
    ic0_ref : float
        I_c0 at ``t_ref`` [A].
    t_ref, t_curie, n
        As :func:`delta_at`.
    """
    check_positive("ic0_ref", check_scalar("ic0_ref", ic0_ref), "A")
    m = bloch_magnetization(T, t_curie) / bloch_magnetization(t_ref, t_curie)
    return ic0_ref * m**n


@dataclass(frozen=True)
class DisturbModel:
    """Free-layer parameters for read disturb and retention.

    Parameters
    ----------
    delta : float
        Thermal stability factor at ``t_ref`` [-].
    ic0 : float
        Critical switching current at ``t_ref`` in the read-current direction [A].
    t_read : float
        Read pulse duration [s].
    tau0 : float
        Attempt time [s].
    k : {1, 2}
        Barrier-reduction exponent.
    t_ref : float
        Reference temperature [K].
    t_curie : float
        Curie temperature [K].
    n : float
        E_b ∝ M_s^n exponent [-].
    disturbed_state : {'P', 'AP'}
        State that the read current pushes toward switching (the other state
        is stabilised by it).
    """

    delta: float = 60.0
    ic0: float = 50e-6
    t_read: float = 10e-9
    tau0: float = 1e-9
    k: int = 1
    t_ref: float = T_NOM
    t_curie: float = 1000.0
    n: float = 2.0
    disturbed_state: str = "AP"

    def __post_init__(self):
        check_positive("DisturbModel.delta", self.delta)
        check_positive("DisturbModel.ic0", self.ic0, "A")
        check_positive("DisturbModel.t_read", self.t_read, "s")
        check_positive("DisturbModel.tau0", self.tau0, "s")
        if self.k not in (1, 2):
            raise ParameterError("DisturbModel.k", self.k, "1 or 2")
        check_temperature("DisturbModel.t_ref", self.t_ref)
        check_range("DisturbModel.t_curie", self.t_curie, self.t_ref, lo_open=True, unit="K")
        check_positive("DisturbModel.n", self.n)
        if self.disturbed_state not in ("P", "AP"):
            raise ParameterError("DisturbModel.disturbed_state", self.disturbed_state, "'P' or 'AP'")

    def delta_at(self, T):
        """Delta(T) [-] (see :func:`delta_at`)."""
        return delta_at(T, self.delta, t_ref=self.t_ref, t_curie=self.t_curie, n=self.n)

    def ic0_at(self, T):
        """I_c0(T) [A] (see :func:`ic0_at`)."""
        return ic0_at(T, self.ic0, t_ref=self.t_ref, t_curie=self.t_curie, n=self.n)

    def disturb_probability(self, i_read, T):
        """Switching probability of one read with current ``i_read`` [A] at ``T`` [K]."""
        return switching_probability(self.t_read, self.delta_at(T), np.abs(i_read) / self.ic0_at(T),
                                     tau0=self.tau0, k=self.k)

    def retention_time(self, T):
        """tau0 exp(Delta(T)) [s]."""
        return retention_time(self.delta_at(T), self.tau0)

    def retention_failure(self, t, T):
        """Probability of a flip in storage time ``t`` [s] at ``T`` [K]."""
        return retention_failure(t, self.delta_at(T), self.tau0)

    def to_dict(self):
        return asdict(self)


def read_disturb_probability(arr, read, model: DisturbModel, *, selected_row=0, solver=None,
                             r_scale=1.0, tmr_scale=1.0, vth_shift=0.0):
    """Per-read disturb probability of every column's cell, with the solver's read currents.

    Parameters
    ----------
    arr : Array1T1MTJ
        Array.
    read : ReadScheme
        Read scheme (``v_read``, ``temperature``).
    model : DisturbModel
        Free-layer model.
    selected_row : int
        Row read [-].
    solver : callable, optional
        ``read_currents``-compatible solver.
    r_scale, tmr_scale, vth_shift : array_like
        Cell variation (broadcast to (samples, cols)).

    Returns
    -------
    ndarray (samples, cols)
        Disturb probability of the cells in ``model.disturbed_state`` [-].
    """
    if solver is None:
        solver = default_solver()
    state = 0 if model.disturbed_state == "P" else 1
    sol = solver(arr, selected_row=selected_row, states=np.full(arr.cols, state, dtype=np.int8),
                 v_read=read.v_read, temperature=read.temperature, r_scale=r_scale, tmr_scale=tmr_scale,
                 vth_shift=vth_shift)
    return model.disturb_probability(np.asarray(sol.i_cell, float), read.temperature)
