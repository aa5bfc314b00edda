r"""Optional Joule self-heating of the junction (lumped thermal resistance).

The power dissipated in the junction, :math:`P = V\,I(V, T_j)`, raises the
junction temperature above the ambient :math:`T` through a lumped thermal
resistance :math:`R_{th}` [K/W] to the heat sinks (electrodes, substrate):

.. math::
    T_j = T + R_{th}\,V\,I(V, T_j) = T + R_{th}\,\frac{V^2}{R(V, T_j)},

solved self-consistently by fixed-point iteration; the heated static
resistance is then :math:`R(V, T_j)` (Holm's steady-state lumped form; for
the nanopillar geometry and its time dependence see C.-Y. You, S.-S. Ha and
H.-W. Lee, "Analytic expression of the temperature increment in a spin
transfer torque nanopillar structure", arXiv:0906.2248). Because :math:`R`
of a tunnel junction falls with :math:`T`, heating lowers :math:`R` at high
bias; when :math:`R_{th} V^2 |\partial(1/R)/\partial T| \ge 1` the fixed
point is lost (thermal runaway) and :class:`mramsim.errors.ConvergenceError`
is raised. :math:`R_{th} = 0` returns exactly the unheated result.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_scalar, parse_state
from ..errors import ConvergenceError, ParameterError

__all__ = ["junction_temperature", "heated_resistance"]

#: Default relative tolerance of the junction-temperature fixed point [-].
TOL = 1e-12
#: Default iteration limit.
MAX_ITER = 200


def _check_rth(r_th) -> float:
    r = check_scalar("R_th", r_th, ">= 0 K/W (thermal resistance)")
    if r < 0.0:
        raise ParameterError("R_th", r_th, ">= 0 K/W (thermal resistance)")
    return r


def junction_temperature(device, state, V, T, r_th, tol=TOL, max_iter=MAX_ITER):
    r"""Self-consistent junction temperature :math:`T_j` [K] under Joule heating.

    Solves :math:`T_j = T + R_{th} V^2 / R(V, T_j)` elementwise by fixed-point
    iteration until :math:`|\Delta T_j| \le tol\,T_j`.

    Parameters
    ----------
    device : mramsim.MTJDevice
        The junction (its ``resistance(state, V, T)`` is used).
    state : str, int or ndarray of int
        Magnetic state ('P'/'AP'/0/1).
    V : array_like
        Terminal bias [V].
    T : array_like
        Ambient temperature [K]; broadcast with V.
    r_th : float
        Thermal resistance junction -> ambient [K/W], >= 0.
    tol : float
        Relative tolerance on T_j [-].
    max_iter : int
        Iteration limit.

    Returns
    -------
    ndarray
        T_j [K], the broadcast shape of state, V and T.

    Raises
    ------
    ConvergenceError
        Thermal runaway: T_j leaves the device's temperature range, the
        iteration diverges, or it does not converge within ``max_iter``.
    """
    from .device import T_RANGE

    r_th = _check_rth(r_th)
    tol = check_scalar("junction_temperature.tol", tol, "> 0")
    if not tol > 0.0:
        raise ParameterError("junction_temperature.tol", tol, "> 0")
    s = parse_state(state)
    V = np.asarray(V, float)
    T = np.asarray(T, float)
    r0 = device.resistance(s, V, T)  # validates V, T and state
    s, V, T, r0 = np.broadcast_arrays(np.asarray(s), V, T, r0)
    if r_th == 0.0:
        return T.astype(float, copy=True)
    tj = T + r_th * V * V / r0
    prev_step = None
    for it in range(int(max_iter)):
        if np.any(tj > T_RANGE[1]) or not np.all(np.isfinite(tj)):
            raise ConvergenceError(
                f"Joule heating: thermal runaway, junction temperature {float(np.nanmax(tj)):.4g} K exceeds "
                f"{T_RANGE[1]:g} K (R_th = {r_th:.4g} K/W, |V| <= {float(np.max(np.abs(V))):.4g} V)")
        new = T + r_th * V * V / device.resistance(s, V, tj)
        step = np.max(np.abs(new - tj))
        tj = new
        if step <= tol * float(np.max(tj)):
            return tj
        if prev_step is not None and it > 5 and step >= prev_step:
            raise ConvergenceError(
                f"Joule heating: fixed point T_j = T + R_th V^2/R(V, T_j) diverges (thermal runaway; "
                f"step {step:.3g} K not shrinking, R_th = {r_th:.4g} K/W)")
        prev_step = step
    raise ConvergenceError(
        f"Joule heating: T_j not converged in {max_iter} iterations (last step {step:.3g} K, R_th = {r_th:.4g} K/W)")


def heated_resistance(device, state, V, T, r_th, tol=TOL, max_iter=MAX_ITER):
    """Static terminal resistance R(V, T_j) with Joule self-heating [ohm], and T_j [K].

    ``r_th = 0`` returns ``device.resistance(state, V, T)`` unchanged (bit-identical).
    See :func:`junction_temperature` for the equation and parameters.

    Returns
    -------
    (R, T_j) : tuple of ndarray
    """
    r_th = _check_rth(r_th)
    if r_th == 0.0:
        r = device.resistance(state, V, T)
        return r, np.broadcast_to(np.asarray(T, float), np.shape(r)).copy()
    tj = junction_temperature(device, state, V, T, r_th, tol=tol, max_iter=max_iter)
    return device.resistance(state, V, tj), tj
