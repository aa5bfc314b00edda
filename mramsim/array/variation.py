r"""Bit-cell variation: RA, barrier thickness, CD, TMR, Vth, anneal map, defects.

Every random quantity is a deterministic, pure function of independent
standard normals ``u`` (:meth:`Variation.map_u` for ``u`` of shape
(..., n_vars), columns :meth:`Variation.names`; :func:`cell_scales` for
named columns), so Monte Carlo draws ``u`` from
N(0, I) and importance sampling draws it from a shifted normal and re-weights.

Per-cell model (``n`` = cell index, ``u_x`` standard normal)

.. math::
    r_n &= \underbrace{e^{\sigma_{RA} u_{ra}}}_{\text{RA, lognormal}}
           \; e^{\sigma_{RA,die} u_{ra,die}}
           \; r_{phys}(\delta d, \delta A)\; r_{ann}(T_a)\\
    \tau_n &= e^{\sigma_{TMR} u_{tmr}}\; \tau_{phys}(\delta d, \delta A)
              \;\tau_{ann}(T_a)\;[\text{or } \mathrm{TMR}_{def}/\mathrm{TMR}_0
              \text{ if } u_{def} < \Phi^{-1}(p_{def})]\\
    \delta d &= \sigma_d u_{d},\qquad
    \delta A/A = (1 + \sigma_{CD} u_{cd}/CD)^2 - 1,\qquad
    \Delta V_{th} = \sigma_{V_{th}} u_{vth}

where ``r`` multiplies R_P and ``tau`` multiplies the TMR of the compact
model (:meth:`CompactMTJ.resistance` ``r_scale``/``tmr_scale``), and
``(r_phys, tau_phys) = cm.variation_scales(d_thickness, d_area_rel)`` are the
physics sensitivities carried by the compact model (barrier thickness moves
R_P ~ exp(2 kappa d) and TMR together). The anneal map gives a die-level
anneal temperature ``T_a`` from a die position drawn uniformly over the wafer
area, ``r = R_w sqrt(Phi(u_anneal))``, and converts it to R_P/TMR multipliers by
interpolating a grid solved once with the device physics
(:func:`anneal_response`).

Crystallization defects: a bit whose CoFeB did not template on the MgO has
Julliere-like TMR; its TMR multiplier is ``defect_tmr / TMR_0``, with
probability ``defect_rate`` (the indicator ``u_def < Phi^{-1}(p)`` is exact and
keeps the map pure in ``u``).

References
----------
Iwata-Harms et al., "High-temperature thermal stability driven by magnetization
dilution in CoFeB free layers for spin-transfer-torque MRAM", Sci. Rep. 8,
14409 (2018) (variation sources in STT-MRAM arrays).
Yuasa & Djayaprawira, J. Phys. D 40, R337 (2007) (anneal dependence of TMR).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr, ndtri

from ..compact.model import CompactMTJ
from .._validation import check_nonnegative, check_positive, check_range, check_temperature
from ..constants import T_NOM
from ..errors import MramsimError, ParameterError

__all__ = [
    "AnnealMap",
    "Variation",
    "LOCAL_VARS",
    "DIE_VARS",
    "anneal_response",
    "cell_scales",
    "cd_to_area_rel",
]

#: Per-cell variables, in the order they appear in ``u`` when active.
LOCAL_VARS = ("ra", "thickness", "cd", "tmr", "vth", "defect")
#: Die-level variables (shared by a data cell and its reference cells).
DIE_VARS = ("ra_die", "anneal")


def cd_to_area_rel(d_cd, cd):
    r"""Relative area change of a circular junction for a CD change.

    .. math:: \delta A / A = (1 + \delta CD / CD)^2 - 1

    Parameters
    ----------
    d_cd : array_like
        Change of critical dimension (diameter) [m].
    cd : float
        Nominal diameter [m].

    Returns
    -------
    ndarray
        Relative area change [-].
    """
    x = np.asarray(d_cd, float) / cd
    return x * (2.0 + x)


def anneal_response(stack, temperatures, *, time, cap, V=0.01, T=T_NOM, device_factory=None):
    """R_P and TMR of a stack after anneals at several temperatures (device physics).

    This is the single place the annealing physics is called:
    ``MTJDevice(stack, anneal=Anneal(T_a, time, cap)).resistance(state, V, T)``.

    Parameters
    ----------
    stack : mramsim.Stack
        Layer stack.
    temperatures : array_like
        Anneal temperatures [K].
    time : float
        Anneal time [s].
    cap : str
        Cap material ('Ta', 'W', 'Mo', 'Pt').
    V : float
        Read bias at which R_P and TMR are evaluated [V].
    T : float
        Measurement temperature [K].
    device_factory : callable, optional
        ``f(stack, anneal) -> device`` with ``device.resistance(state, V, T)``;
        default :class:`mramsim.physics.device.MTJDevice`.

    Returns
    -------
    r_p, tmr : ndarray
        R_P [ohm] and TMR [-] per anneal temperature.
    """
    from ..stack import Anneal

    if device_factory is None:
        try:
            from ..physics.device import MTJDevice
        except ImportError as exc:  # pragma: no cover - depends on the physics layer
            raise MramsimError(
                "AnnealMap needs mramsim.physics.device.MTJDevice (not importable: "
                f"{exc}); pass response=(temperatures, r_scale, tmr_scale) instead"
            ) from exc

        def device_factory(st, an):
            return MTJDevice(st, anneal=an)

    temps = np.atleast_1d(np.asarray(temperatures, float))
    r_p = np.empty(temps.shape)
    tmr = np.empty(temps.shape)
    for i, ta in enumerate(temps):
        dev = device_factory(stack, Anneal(temperature=float(ta), time=time, cap=cap))
        rp = float(np.asarray(dev.resistance("P", V, T)))
        rap = float(np.asarray(dev.resistance("AP", V, T)))
        r_p[i] = rp
        tmr[i] = (rap - rp) / rp
    return r_p, tmr


@dataclass(frozen=True, eq=False)
class AnnealMap:
    r"""Radial wafer anneal-temperature profile -> die-level R_P and TMR.

    .. math:: T_a(r) = T_{center} + (T_{edge} - T_{center}) (r / R_w)^{p}

    A die sits at radius ``r = R_w sqrt(U)``, ``U = Phi(u)`` uniform (dies
    uniform over the wafer area). Its R_P and TMR relative to an anneal at
    ``t_reference`` (the anneal the compact model was fitted at) come from the
    device physics (:func:`anneal_response`), solved once on ``grid_points``
    anneal temperatures spanning the profile and interpolated linearly
    (monotone cubic is not needed: the grid is dense against the TMR peak width).

    Parameters
    ----------
    t_center, t_edge : float
        Anneal temperature at wafer center and edge [K].
    stack : mramsim.Stack, optional
        Stack for the physics (required unless ``response`` is given).
    time : float
        Anneal time [s].
    cap : str
        Cap material.
    wafer_radius : float
        Wafer radius [m].
    profile_exponent : float
        Exponent p of the radial profile [-], > 0.
    t_reference : float, optional
        Anneal temperature of the fitted compact model [K]; default ``t_center``.
    grid_points : int
        Number of anneal temperatures solved with the physics (>= 2).
    v_eval, t_eval : float
        Bias [V] and temperature [K] at which the response is evaluated.
    response : tuple of arrays, optional
        ``(temperatures [K], r_scale [-], tmr_scale [-])`` measured or
        precomputed; replaces the physics call.
    """

    t_center: float
    t_edge: float
    stack: object = None
    time: float = 3600.0
    cap: str = "Ta"
    wafer_radius: float = 0.15
    profile_exponent: float = 2.0
    t_reference: float | None = None
    grid_points: int = 17
    v_eval: float = 0.01
    t_eval: float = T_NOM
    response: tuple | None = None
    _grid: tuple = field(default=None, init=False, repr=False)

    def __post_init__(self):
        check_range("AnnealMap.t_center", self.t_center, 250.0, 1100.0, unit="K")
        check_range("AnnealMap.t_edge", self.t_edge, 250.0, 1100.0, unit="K")
        check_positive("AnnealMap.time", self.time, "s")
        check_positive("AnnealMap.wafer_radius", self.wafer_radius, "m")
        check_positive("AnnealMap.profile_exponent", self.profile_exponent)
        t_ref = self.t_center if self.t_reference is None else self.t_reference
        check_range("AnnealMap.t_reference", t_ref, 250.0, 1100.0, unit="K")
        object.__setattr__(self, "t_reference", float(t_ref))
        if not isinstance(self.grid_points, (int, np.integer)) or self.grid_points < 2:
            raise ParameterError("AnnealMap.grid_points", self.grid_points, "an integer >= 2")
        check_temperature("AnnealMap.t_eval", self.t_eval)
        if self.response is not None:
            try:
                temps, rs, ts = (np.asarray(a, float) for a in self.response)
            except (TypeError, ValueError):
                raise ParameterError(
                    "AnnealMap.response", self.response, "(temperatures, r_scale, tmr_scale) arrays"
                ) from None
            if temps.ndim != 1 or temps.size < 2 or rs.shape != temps.shape or ts.shape != temps.shape:
                raise ParameterError("AnnealMap.response", self.response, "three 1-D arrays of equal length >= 2")
            if np.any(np.diff(temps) <= 0):
                raise ParameterError("AnnealMap.response[0]", temps, "strictly increasing temperatures")
            check_positive("AnnealMap.response r_scale", rs)
            check_positive("AnnealMap.response tmr_scale", ts)
            lo, hi = min(self.t_center, self.t_edge), max(self.t_center, self.t_edge)
            if lo < temps[0] or hi > temps[-1]:
                raise ParameterError(
                    "AnnealMap.response[0]", (temps[0], temps[-1]), f"a range covering [{lo:g}, {hi:g}] K"
                )
            object.__setattr__(self, "_grid", (temps, rs, ts))
        elif self.stack is None:
            raise ParameterError("AnnealMap.stack", None, "a Stack (or give response=...)")

    # -- profile -----------------------------------------------------------
    def temperature_at(self, radius):
        """Anneal temperature at wafer radius ``radius`` [m] -> [K]."""
        r = np.asarray(radius, float)
        check_range("AnnealMap radius", r, 0.0, self.wafer_radius, unit="m")
        return self.t_center + (self.t_edge - self.t_center) * (r / self.wafer_radius) ** self.profile_exponent

    def radius_from_u(self, u):
        """Die radius [m] for standard normals ``u`` (uniform over wafer area)."""
        return self.wafer_radius * np.sqrt(ndtr(np.asarray(u, float)))

    @property
    def grid(self):
        """``(temperatures [K], r_scale, tmr_scale)`` interpolation grid (solved on first use)."""
        if self._grid is None:
            lo, hi = sorted((self.t_center, self.t_edge))
            if hi - lo < 1e-9:
                hi = lo + 1.0
            temps = np.linspace(lo, hi, self.grid_points)
            all_t = np.append(temps, self.t_reference)
            r_p, tmr = anneal_response(
                self.stack, all_t, time=self.time, cap=self.cap, V=self.v_eval, T=self.t_eval
            )
            if np.any(~np.isfinite(r_p)) or np.any(r_p <= 0) or np.any(tmr <= 0):
                raise MramsimError(f"AnnealMap: physics returned non-physical R_P/TMR {r_p}, {tmr}")
            object.__setattr__(self, "_grid", (temps, r_p[:-1] / r_p[-1], tmr[:-1] / tmr[-1]))
        return self._grid

    def scales_at(self, t_anneal):
        """R_P and TMR multipliers for anneal temperature(s) ``t_anneal`` [K]."""
        temps, rs, ts = self.grid
        t = np.asarray(t_anneal, float)
        return np.interp(t, temps, rs), np.interp(t, temps, ts)

    def scales_from_u(self, u):
        """R_P and TMR multipliers for die-position normals ``u`` [-]."""
        ta = self.temperature_at(self.radius_from_u(u))
        return self.scales_at(ta)

    def to_dict(self):
        temps, rs, ts = self.grid
        return {
            "t_center": self.t_center, "t_edge": self.t_edge, "time": self.time, "cap": self.cap,
            "wafer_radius": self.wafer_radius, "profile_exponent": self.profile_exponent,
            "t_reference": self.t_reference, "grid_points": self.grid_points,
            "v_eval": self.v_eval, "t_eval": self.t_eval,
            "response": [temps.tolist(), rs.tolist(), ts.tolist()],
        }

    @classmethod
    def uniform(cls, t_anneal, *, response=None, stack=None, **kw):
        """A wafer annealed at one temperature everywhere [K]."""
        return cls(t_center=t_anneal, t_edge=t_anneal, stack=stack, response=response, **kw)


@dataclass(frozen=True, eq=False)
class Variation:
    """Bit-cell variation model (all sigmas zero = the nominal array exactly).

    Parameters
    ----------
    ra_sigma : float
        Local (cell-to-cell) sigma of ln RA [-] (lognormal RA, median nominal).
    ra_die_sigma : float
        Die-to-die sigma of ln RA [-] (shared by every cell of a die, including
        the reference cells: a proportional, common-mode spread).
    thickness_sigma : float
        Sigma of the barrier thickness [m], in [0, 0.5e-9] (moves R_P and TMR
        together through ``cm.variation_scales``).
    cd_sigma : float
        Sigma of the junction diameter [m]; must be <= CD/8 so the diameter
        stays positive beyond 8 sigma.
    tmr_sigma : float
        Residual sigma of ln TMR [-].
    vth_sigma : float
        Sigma of the access-transistor threshold shift [V].
    anneal : AnnealMap, optional
        Wafer anneal map (die-level R_P/TMR via the annealing physics).
    defect_rate : float
        Probability that a bit is a crystallization defect [-], in [0, 1).
    defect_tmr : float
        Low-bias TMR of a defective bit [-] (Julliere-like amorphous value).
    cd : float, optional
        Nominal junction diameter [m]; default from ``cm.area`` (circle).
    """

    ra_sigma: float = 0.0
    ra_die_sigma: float = 0.0
    thickness_sigma: float = 0.0
    cd_sigma: float = 0.0
    tmr_sigma: float = 0.0
    vth_sigma: float = 0.0
    anneal: AnnealMap | None = None
    defect_rate: float = 0.0
    defect_tmr: float = 0.3
    cd: float | None = None

    def __post_init__(self):
        check_range("Variation.ra_sigma", self.ra_sigma, 0.0, 1.0)
        check_range("Variation.ra_die_sigma", self.ra_die_sigma, 0.0, 1.0)
        check_range("Variation.thickness_sigma", self.thickness_sigma, 0.0, 0.5e-9, unit="m")
        check_nonnegative("Variation.cd_sigma", self.cd_sigma, "m")
        check_range("Variation.tmr_sigma", self.tmr_sigma, 0.0, 1.0)
        check_range("Variation.vth_sigma", self.vth_sigma, 0.0, 0.3, unit="V")
        check_range("Variation.defect_rate", self.defect_rate, 0.0, 1.0, hi_open=True)
        check_range("Variation.defect_tmr", self.defect_tmr, 0.0, 100.0)
        if self.cd is not None:
            check_positive("Variation.cd", self.cd, "m")
            if self.cd_sigma > self.cd / 8:
                raise ParameterError("Variation.cd_sigma", self.cd_sigma, f"[0, {self.cd / 8:g}] m (CD/8)")
        if self.anneal is not None and not isinstance(self.anneal, AnnealMap):
            raise ParameterError("Variation.anneal", self.anneal, "an AnnealMap or None")

    # -- layout of u -------------------------------------------------------
    def local_names(self):
        """Active per-cell variables (columns of ``u`` for one cell)."""
        on = {
            "ra": self.ra_sigma > 0,
            "thickness": self.thickness_sigma > 0,
            "cd": self.cd_sigma > 0,
            "tmr": self.tmr_sigma > 0,
            "vth": self.vth_sigma > 0,
            "defect": self.defect_rate > 0,
        }
        return tuple(n for n in LOCAL_VARS if on[n])

    def die_names(self):
        """Active die-level variables."""
        on = {"ra_die": self.ra_die_sigma > 0, "anneal": self.anneal is not None}
        return tuple(n for n in DIE_VARS if on[n])

    def names(self):
        """Columns of ``u`` for one cell: active local then die variables."""
        return self.local_names() + self.die_names()

    def map_u(self, u, cm):
        """Cell parameters for standard normals ``u`` of shape (..., len(names())) (pure).

        Parameters
        ----------
        u : array_like
            Standard normals, last axis in the order of :meth:`names` [-].
        cm : CompactMTJ
            Compact model of the cells.

        Returns
        -------
        r_scale, tmr_scale, vth_shift : ndarray
            R_P and TMR multipliers [-] and threshold shift [V], shape ``u.shape[:-1]``.
        """
        u = np.asarray(u, float)
        names = self.names()
        if u.ndim < 1 or u.shape[-1] != len(names):
            raise ParameterError("u.shape", u.shape, f"(..., {len(names)}) with columns {names}")
        loc = {n: u[..., i] for i, n in enumerate(self.local_names())}
        die = {n: u[..., len(loc) + i] for i, n in enumerate(self.die_names())}
        r, t, v = cell_scales(loc, die, self, cm)
        shape = u.shape[:-1]
        return tuple(np.broadcast_to(np.asarray(x, float), shape).copy() for x in (r, t, v))

    def nominal_cd(self, cm):
        """Junction diameter [m]: ``cd`` or that of a circle of area ``cm.area``."""
        return self.cd if self.cd is not None else math.sqrt(4.0 * cm.area / math.pi)

    def is_nominal(self):
        """True when every sigma, the anneal map and the defect rate are off."""
        return not (self.local_names() or self.die_names())

    def to_dict(self):
        return {
            "ra_sigma": self.ra_sigma, "ra_die_sigma": self.ra_die_sigma,
            "thickness_sigma": self.thickness_sigma, "cd_sigma": self.cd_sigma,
            "tmr_sigma": self.tmr_sigma, "vth_sigma": self.vth_sigma,
            "anneal": None if self.anneal is None else self.anneal.to_dict(),
            "defect_rate": self.defect_rate, "defect_tmr": self.defect_tmr, "cd": self.cd,
        }

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        an = d.pop("anneal", None)
        if an is not None:
            an = dict(an)
            resp = an.pop("response")
            an = AnnealMap(response=tuple(np.asarray(a) for a in resp), **an)
        return cls(anneal=an, **d)


def _physics_scales(cm, d_thickness, d_area_rel):
    """(r_scale, tmr_scale) from thickness and area changes via the compact model."""
    fast = getattr(cm, "variation_scales", None) if isinstance(cm, CompactMTJ) else None
    if fast is not None:         # internally generated, finite inputs: no re-validation
        rs, ts = fast(d_thickness, d_area_rel, 0.0, check=False)
        return np.asarray(rs, float), np.asarray(ts, float)
    fn = getattr(cm, "variation_scales", None)
    if fn is not None:
        rs, ts = fn(d_thickness=d_thickness, d_area_rel=d_area_rel, d_anneal=0.0)
        return np.array(rs, float), np.array(ts, float)      # owned copies (cell_scales multiplies in place)
    if np.any(np.asarray(d_thickness) != 0):
        raise MramsimError(
            "thickness variation needs the compact model's physics sensitivities "
            f"(cm.variation_scales); {type(cm).__name__} has none"
        )
    # area only: R scales as 1/A exactly (same RA), TMR unchanged
    return 1.0 / (1.0 + np.asarray(d_area_rel, float)), np.ones(np.shape(d_area_rel))


def _exp_scaled(sigma, u):
    """``exp(sigma u)`` computed in one new array."""
    x = np.multiply(sigma, u)
    if isinstance(x, np.ndarray) and x.ndim:
        return np.exp(x, out=x)
    return np.exp(x)


def _mul(a, b):
    """``a * b``; in place in ``a`` when ``a`` is an array made by :func:`cell_scales` of the result's shape."""
    if isinstance(a, float) and a == 1.0:
        return b if isinstance(b, np.ndarray) and b.ndim else a * b   # 1.0 * b == b exactly
    if isinstance(a, np.ndarray) and a.ndim and a.flags.writeable and a.dtype == np.float64 \
            and a.shape == np.broadcast_shapes(a.shape, np.shape(b)):
        a *= b
        return a
    return a * b


def cell_scales(local, die, var: Variation, cm):
    r"""Map standard normals to a cell's R_P/TMR multipliers and Vth shift (pure).

    Parameters
    ----------
    local : dict of str -> ndarray
        Standard normals of the active per-cell variables
        (:meth:`Variation.local_names`), all of one shape.
    die : dict of str -> ndarray
        Standard normals of the active die variables (same shape or broadcastable).
    var : Variation
        Variation model.
    cm : CompactMTJ
        Compact model (``tmr0``, ``area`` and optionally ``variation_scales``).

    Returns
    -------
    r_scale, tmr_scale, vth_shift : ndarray
        Multipliers on R_P and TMR [-] and the threshold shift [V]; scalars
        1, 1, 0 when nothing is active.
    """
    # products accumulate in place in the arrays created here (same order, so the same rounding)
    r = 1.0
    t = 1.0
    vth = 0.0
    if "ra" in local:
        r = _mul(r, _exp_scaled(var.ra_sigma, local["ra"]))
    if "ra_die" in die:
        r = _mul(r, _exp_scaled(var.ra_die_sigma, die["ra_die"]))
    if "thickness" in local or "cd" in local:
        dd = var.thickness_sigma * local["thickness"] if "thickness" in local else 0.0
        if "cd" in local:
            cd = var.nominal_cd(cm)
            if var.cd_sigma > cd / 8:
                raise ParameterError("Variation.cd_sigma", var.cd_sigma, f"[0, {cd / 8:g}] m (CD/8)")
            da = cd_to_area_rel(var.cd_sigma * local["cd"], cd)
        else:
            da = np.zeros(np.shape(dd))
        if np.ndim(dd) and np.ndim(dd) < np.ndim(da):
            dd = np.broadcast_to(dd, np.shape(da))
        rs, ts = _physics_scales(cm, dd, da)
        r = _mul(r, rs)
        t = _mul(t, ts)
    if "tmr" in local:
        t = _mul(t, _exp_scaled(var.tmr_sigma, local["tmr"]))
    if "anneal" in die:
        rs, ts = var.anneal.scales_from_u(die["anneal"])
        r = _mul(r, rs)
        t = _mul(t, ts)
    if "vth" in local:
        vth = var.vth_sigma * local["vth"]
    if "defect" in local:
        defect = local["defect"] < ndtri(var.defect_rate)
        t = np.where(defect, var.defect_tmr / cm.tmr0, t)
    return r, t, vth
