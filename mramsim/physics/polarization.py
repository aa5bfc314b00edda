r"""TMR definitions, Julliere's model and transport spin polarization.

Three TMR ratios are in use and they are *not* interchangeable:

=========================  ===========================  ======================
name                       definition                   in polarizations
=========================  ===========================  ======================
:func:`tmr_resistance`     (R_AP - R_P) / R_P           2 P1 P2 / (1 - P1 P2)
:func:`tmr_conductance`    (G_P - G_AP) / G_AP          2 P1 P2 / (1 - P1 P2)
:func:`tmr_julliere_ratio` (G_P - G_AP) / G_P           2 P1 P2 / (1 + P1 P2)
=========================  ===========================  ======================

The first two are identical for the same (zero-bias or static) resistances;
Julliere's own ratio (Julliere 1975) is smaller, TMR/(1 + TMR). At finite bias
static (V/I) and differential (dV/dI) resistances differ, so a TMR must say
which one it uses: :func:`static_resistance`, :func:`differential_resistance`.
A series resistance (leads, electrodes) adds to both states and lowers the
measured ratio: :func:`apparent_tmr`.

Polarizations are validated to lie in (-1, 1) (finite TMR); spin-resolved
densities of states and Fermi velocities must be positive.

References
----------
M. Julliere, "Tunneling between ferromagnetic films", Phys. Lett. 54A, 225
(1975). doi:10.1016/0375-9601(75)90174-7
I. I. Mazin, "How to define and calculate the degree of spin polarization in
ferromagnets", Phys. Rev. Lett. 83, 1427 (1999). doi:10.1103/PhysRevLett.83.1427
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from .._validation import (
    check_choice,
    check_finite,
    check_nonnegative,
    check_polarization,
    check_positive,
    check_range,
)
from ..errors import ParameterError

__all__ = [
    "tmr_resistance",
    "tmr_conductance",
    "tmr_julliere_ratio",
    "apparent_tmr",
    "static_resistance",
    "differential_resistance",
    "julliere_tmr",
    "julliere_tmr_from_dos",
    "polarization_from_dos",
    "polarization_from_tmr",
    "transport_polarization",
    "electrode_polarization",
    "TMR_DEFINITIONS",
    "DERIVATIVE_METHODS",
    "MAGNITUDE_RANGE",
]

TmrDefinition = Literal["resistance", "conductance", "julliere"]
DerivativeMethod = Literal["gradient", "spline"]

#: TMR definitions accepted by :func:`julliere_tmr` / :func:`polarization_from_tmr`.
TMR_DEFINITIONS = {
    "resistance": "(R_AP - R_P)/R_P",
    "conductance": "(G_P - G_AP)/G_AP",
    "julliere": "(G_P - G_AP)/G_P",
}

#: Derivative methods of :func:`differential_resistance`.
DERIVATIVE_METHODS = {
    "gradient": "second-order finite differences (numpy.gradient, edge_order=2)",
    "spline": "derivative of a not-a-knot cubic spline (scipy CubicSpline)",
}


#: Magnitude guard for resistances / conductances [ohm or S, or ohm m^2]: any
#: physical value fits, and ratios of two such numbers cannot overflow float64.
MAGNITUDE_RANGE = (1e-150, 1e150)


def _pos(field, value, unit=""):
    check_range(field, value, *MAGNITUDE_RANGE, unit=unit)
    return np.asarray(value, dtype=float)


# -- TMR definitions ---------------------------------------------------------------
def tmr_resistance(r_p, r_ap):
    r"""Resistance-based TMR :math:`(R_{AP} - R_P)/R_P` [-].

    Parameters
    ----------
    r_p, r_ap : array_like
        Resistance in the parallel and antiparallel state [ohm], in
        :data:`MAGNITUDE_RANGE` (or resistance-area products [ohm m^2]; only
        the ratio matters).

    Returns
    -------
    ndarray
        TMR [-], broadcast over the inputs. Equal to :func:`tmr_conductance`
        of the same (static) conductances.
    """
    r_p = _pos("r_p", r_p, "ohm")
    r_ap = _pos("r_ap", r_ap, "ohm")
    return r_ap / r_p - 1.0


def tmr_conductance(g_p, g_ap):
    r"""Conductance-based TMR :math:`(G_P - G_{AP})/G_{AP}` [-].

    Identical to :func:`tmr_resistance` with :math:`G = 1/R`.

    Parameters
    ----------
    g_p, g_ap : array_like
        Conductance in the P and AP state [S], in :data:`MAGNITUDE_RANGE`.
    """
    g_p = _pos("g_p", g_p, "S")
    g_ap = _pos("g_ap", g_ap, "S")
    return g_p / g_ap - 1.0


def tmr_julliere_ratio(g_p, g_ap):
    r"""Julliere's own ratio :math:`(G_P - G_{AP})/G_P = \mathrm{TMR}/(1+\mathrm{TMR})` [-].

    This is the quantity Julliere (1975) reported (Delta G / G); it is < 1 for
    any positive conductances and equals :math:`2P_1P_2/(1+P_1P_2)` in his model.

    Parameters
    ----------
    g_p, g_ap : array_like
        Conductance in the P and AP state [S], in :data:`MAGNITUDE_RANGE`.
    """
    g_p = _pos("g_p", g_p, "S")
    g_ap = _pos("g_ap", g_ap, "S")
    return 1.0 - g_ap / g_p


def apparent_tmr(r_p, r_ap, r_series):
    r"""TMR seen through a series resistance [-].

    .. math::
        \mathrm{TMR}_{app} = \frac{(R_{AP} + R_s) - (R_P + R_s)}{R_P + R_s}
                           = \frac{R_{AP} - R_P}{R_P + R_s}

    It equals :func:`tmr_resistance` at :math:`R_s = 0` and falls
    monotonically as :math:`R_s` grows.

    Parameters
    ----------
    r_p, r_ap : array_like
        Intrinsic junction resistances [ohm], in :data:`MAGNITUDE_RANGE`.
    r_series : array_like
        Series resistance (leads, electrodes, contacts) [ohm], >= 0.
    """
    r_p = _pos("r_p", r_p, "ohm")
    r_ap = _pos("r_ap", r_ap, "ohm")
    check_range("r_series", r_series, 0.0, MAGNITUDE_RANGE[1], unit="ohm")
    r_s = np.asarray(r_series, dtype=float)
    return (r_ap - r_p) / (r_p + r_s)


# -- static / differential resistance ------------------------------------------------
def _iv_arrays(V, I, axis):
    V = check_finite("V", V).astype(float)
    I = check_finite("I", I).astype(float)
    if V.ndim != 1:
        raise ParameterError("V", V, "a 1-D array of bias points [V]")
    if I.ndim == 0:
        raise ParameterError("I", I, f"an array with {V.size} current points along axis {axis}")
    try:
        I = np.moveaxis(I, axis, -1)
    except (np.exceptions.AxisError, TypeError):
        raise ParameterError("axis", axis, f"an axis of I (I.ndim = {I.ndim})") from None
    if I.shape[-1] != V.size:
        raise ParameterError("I", I.shape, f"length {V.size} along axis {axis} (as V)")
    if V.size > 1 and np.any(np.diff(V) <= 0):
        raise ParameterError("V", V, "strictly increasing bias points [V]")
    return V, I


def _didv(V, I, method):
    check_choice("method", method, DERIVATIVE_METHODS)
    if method == "gradient" and V.size < 3:
        raise ParameterError("V", V, "at least 3 points for method='gradient'")
    if method == "spline" and V.size < 4:
        raise ParameterError("V", V, "at least 4 points for method='spline'")
    try:
        with np.errstate(all="ignore"):
            if method == "gradient":
                return np.gradient(I, V, axis=-1, edge_order=2)
            from scipy.interpolate import CubicSpline

            return CubicSpline(V, I, axis=-1, bc_type="not-a-knot")(V, 1)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        # grids whose spacings differ by hundreds of decades overflow the derivative
        raise ParameterError("V", V, "a bias grid with commensurate spacings "
                             "(the derivative overflowed)") from None


def differential_resistance(V, I, method: DerivativeMethod = "gradient", axis: int = -1):
    r"""Differential resistance :math:`R_d = dV/dI = 1/(dI/dV)` from a sampled I(V) [ohm].

    ``"gradient"`` uses second-order central differences on the (possibly
    non-uniform) grid (``numpy.gradient(I, V, edge_order=2)``): error
    :math:`O(\Delta V^2)` times :math:`I'''`. ``"spline"`` differentiates a
    not-a-knot cubic spline through the points (also :math:`O(\Delta V^2)` at
    the ends, :math:`O(\Delta V^3)` inside for smooth data); use it for coarse
    grids of smooth data, ``"gradient"`` when the data are noisy.

    Parameters
    ----------
    V : array_like, shape (n,)
        Bias [V], strictly increasing.
    I : array_like, shape (..., n, ...)
        Current [A] sampled at V along ``axis``.
    method : {"gradient", "spline"}
        Derivative method.
    axis : int
        Axis of ``I`` that runs over V.

    Returns
    -------
    ndarray
        dV/dI [ohm], same shape as ``I``.

    Raises
    ------
    ParameterError
        If dI/dV is zero somewhere (infinite differential resistance), or the
        inputs are not a valid sampled curve.
    """
    V, Im = _iv_arrays(V, I, axis)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        g = _didv(V, Im, method)
        r = 1.0 / g
    if not np.all(np.isfinite(r)):
        raise ParameterError("I", "dI/dV = 0 (or not finite) somewhere",
                             "an I(V) with nonzero slope (dV/dI finite)")
    return np.moveaxis(r, -1, axis)


def static_resistance(V, I, method: DerivativeMethod = "gradient", axis: int = -1):
    r"""Static (chord) resistance :math:`R_s = V/I` from a sampled I(V) [ohm].

    At V = 0 the ratio is 0/0; its limit for I(0) = 0 is the zero-bias
    differential resistance, which is returned there (computed with
    ``method``, see :func:`differential_resistance`). Static and differential
    resistances agree at V -> 0 and differ at finite bias whenever I(V) is
    nonlinear, so the TMR from the two differs too.

    Parameters
    ----------
    V : array_like, shape (n,)
        Bias [V], strictly increasing.
    I : array_like, shape (..., n, ...)
        Current [A] along ``axis``; nonzero wherever V != 0.
    method : {"gradient", "spline"}
        Derivative method used at V = 0 only.
    axis : int
        Axis of ``I`` that runs over V.

    Returns
    -------
    ndarray
        V/I [ohm], same shape as ``I``.
    """
    V, Im = _iv_arrays(V, I, axis)
    zero = V == 0
    if np.any(Im[..., ~zero] == 0):
        raise ParameterError("I", "I = 0 at V != 0", "nonzero current wherever V != 0 (finite V/I)")
    out = np.empty_like(Im)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out[..., ~zero] = V[~zero] / Im[..., ~zero]
        if np.any(zero):
            out[..., zero] = 1.0 / _didv(V, Im, method)[..., zero]
    if not np.all(np.isfinite(out)):
        raise ParameterError("I", "V/I or the zero-bias dV/dI is not finite",
                             "nonzero current wherever V != 0 and a nonzero zero-bias slope dI/dV")
    return np.moveaxis(out, -1, axis)


# -- Julliere ----------------------------------------------------------------------
def _julliere_from_product(pp, definition):
    if definition == "julliere":
        return 2.0 * pp / (1.0 + pp)
    return 2.0 * pp / (1.0 - pp)


def julliere_tmr(p1, p2, definition: TmrDefinition = "resistance"):
    r"""Julliere's TMR from the two electrodes' tunnelling spin polarizations [-].

    With spin conserved and each spin channel's conductance proportional to
    the product of the electrodes' spin DOS, :math:`G_P \propto 1 + P_1P_2`,
    :math:`G_{AP} \propto 1 - P_1P_2`, so

    .. math::
        \frac{R_{AP} - R_P}{R_P} = \frac{2P_1P_2}{1 - P_1P_2},\qquad
        \frac{G_P - G_{AP}}{G_P} = \frac{2P_1P_2}{1 + P_1P_2}.

    Parameters
    ----------
    p1, p2 : array_like
        Spin polarizations of the two electrodes [-], each in (-1, 1).
    definition : {"resistance", "conductance", "julliere"}
        Which ratio (see :data:`TMR_DEFINITIONS`); "resistance" and
        "conductance" coincide.

    Returns
    -------
    ndarray
        TMR [-] (negative when P1 P2 < 0).

    References
    ----------
    M. Julliere, Phys. Lett. 54A, 225 (1975). doi:10.1016/0375-9601(75)90174-7
    """
    check_choice("definition", definition, TMR_DEFINITIONS)
    check_polarization("p1", p1)
    check_polarization("p2", p2)
    pp = np.asarray(p1, dtype=float) * np.asarray(p2, dtype=float)
    return _julliere_from_product(pp, definition)


def polarization_from_dos(n_up, n_down):
    r"""Spin polarization of the density of states :math:`(N_\uparrow - N_\downarrow)/(N_\uparrow + N_\downarrow)` [-].

    Evaluated as :math:`\tanh(\tfrac12\ln(N_\uparrow/N_\downarrow))`, which is
    exact and cannot overflow for any positive inputs.

    Parameters
    ----------
    n_up, n_down : array_like
        Majority / minority density of states at E_F [any common unit], >= 0,
        not both zero (a zero gives |P| = 1, a half-metal).

    Returns
    -------
    ndarray
        P in [-1, 1].
    """
    return transport_polarization(n_up, n_down, 1.0, 1.0, n=0)


def julliere_tmr_from_dos(n1_up, n1_down, n2_up, n2_down, definition: TmrDefinition = "resistance"):
    r"""Julliere TMR from the spin-resolved DOS of both electrodes [-].

    :math:`P_i = (N_{i\uparrow} - N_{i\downarrow})/(N_{i\uparrow} + N_{i\downarrow})`,
    then :func:`julliere_tmr`. Equivalently
    :math:`G_P \propto N_{1\uparrow}N_{2\uparrow} + N_{1\downarrow}N_{2\downarrow}`,
    :math:`G_{AP} \propto N_{1\uparrow}N_{2\downarrow} + N_{1\downarrow}N_{2\uparrow}`.

    Parameters
    ----------
    n1_up, n1_down, n2_up, n2_down : array_like
        Spin DOS at E_F of electrode 1 and 2 [any common unit], > 0 (a zero
        would be a half-metal and an infinite TMR).
    definition : {"resistance", "conductance", "julliere"}
        See :func:`julliere_tmr`.
    """
    for name, val in (("n1_up", n1_up), ("n1_down", n1_down), ("n2_up", n2_up), ("n2_down", n2_down)):
        check_positive(name, val)
    p1 = polarization_from_dos(n1_up, n1_down)
    p2 = polarization_from_dos(n2_up, n2_down)
    check_polarization("polarization of electrode 1 (from n1_up, n1_down)", p1)
    check_polarization("polarization of electrode 2 (from n2_up, n2_down)", p2)
    return julliere_tmr(p1, p2, definition)


def polarization_from_tmr(tmr, definition: TmrDefinition = "resistance"):
    r"""Inverse Julliere: polarization of two identical electrodes from a TMR [-].

    For :math:`P_1 = P_2 = P`:

    .. math::
        P = \sqrt{\frac{\mathrm{TMR}}{2 + \mathrm{TMR}}}\ \ \text{(resistance/conductance ratio)},\qquad
        P = \sqrt{\frac{\mathrm{TMR}_J}{2 - \mathrm{TMR}_J}}\ \ \text{(Julliere's ratio)}.

    The sign of P is not determined by a symmetric junction; the positive
    root is returned.

    Parameters
    ----------
    tmr : array_like
        TMR [-]: >= 0 for "resistance"/"conductance" (a symmetric junction
        cannot give a negative TMR), in [0, 1) for "julliere".
    definition : {"resistance", "conductance", "julliere"}
        Which ratio ``tmr`` is.

    Returns
    -------
    ndarray
        P in [0, 1).
    """
    check_choice("definition", definition, TMR_DEFINITIONS)
    if definition == "julliere":
        check_range("tmr", tmr, 0.0, 1.0, hi_open=True)
        t = np.asarray(tmr, dtype=float)
        return np.sqrt(t / (2.0 - t))
    check_nonnegative("tmr", tmr)
    t = np.asarray(tmr, dtype=float)
    return np.sqrt(t / (2.0 + t))


# -- transport polarization (Mazin 1999) -------------------------------------------
_MAZIN_ORDERS = (0, 1, 2)


def transport_polarization(n_up, n_down, v_up, v_down, n=2):
    r"""Spin polarization weighted by :math:`N v^n` (Mazin 1999) [-].

    .. math::
        P_n = \frac{N_\uparrow v_\uparrow^n - N_\downarrow v_\downarrow^n}
                   {N_\uparrow v_\uparrow^n + N_\downarrow v_\downarrow^n}

    n = 0 is the DOS polarization (spin-resolved photoemission), n = 1 the
    ballistic (Sharvin) contact, n = 2 the diffusive / tunnelling limit with
    a low-transparency barrier. With equal Fermi velocities all three equal
    the DOS polarization. Evaluated as
    :math:`\tanh\big(\tfrac12[\ln(N_\uparrow/N_\downarrow) + n\ln(v_\uparrow/v_\downarrow)]\big)`
    (exact, overflow-free).

    Parameters
    ----------
    n_up, n_down : array_like
        Spin-resolved DOS at E_F [any common unit], >= 0, not both zero.
    v_up, v_down : array_like
        Fermi velocities of the two spin bands [m/s], > 0.
    n : {0, 1, 2}
        Velocity power.

    Returns
    -------
    ndarray
        :math:`P_n` in [-1, 1].

    References
    ----------
    I. I. Mazin, Phys. Rev. Lett. 83, 1427 (1999). doi:10.1103/PhysRevLett.83.1427
    """
    try:
        ok = not isinstance(n, bool) and n in _MAZIN_ORDERS
    except (TypeError, ValueError):  # an array or an odd type
        ok = False
    if not ok:
        raise ParameterError("n", n, "0, 1 or 2 (Mazin's velocity power)")
    check_nonnegative("n_up", n_up)
    check_nonnegative("n_down", n_down)
    check_positive("v_up", v_up, "m/s")
    check_positive("v_down", v_down, "m/s")
    nu = np.asarray(n_up, dtype=float)
    nd = np.asarray(n_down, dtype=float)
    if np.any((nu == 0) & (nd == 0)):
        raise ParameterError("n_up + n_down", 0.0, "> 0 (a spin DOS at E_F)")
    vu = np.asarray(v_up, dtype=float)
    vd = np.asarray(v_down, dtype=float)
    with np.errstate(divide="ignore"):
        half_log = 0.5 * ((np.log(nu) - np.log(nd)) + n * (np.log(vu) - np.log(vd)))
    return np.tanh(half_log)


def electrode_polarization(electrode, n=0):
    r"""Polarization :math:`P_n` of a :class:`mramsim.materials.Electrode` [-].

    :func:`transport_polarization` of the electrode's spin DOS and Fermi
    velocities; n = 0 gives ``electrode.polarization``.

    Parameters
    ----------
    electrode : Electrode
        The electrode record.
    n : {0, 1, 2}
        Velocity power (Mazin 1999).
    """
    from ..materials import Electrode

    if not isinstance(electrode, Electrode):
        raise ParameterError("electrode", electrode, "a mramsim.materials.Electrode")
    return float(
        transport_polarization(
            electrode.dos_up, electrode.dos_down, electrode.velocity_up, electrode.velocity_down, n=n
        )
    )
