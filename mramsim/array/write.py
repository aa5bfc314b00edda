r"""Array write: write current through the 1T-1MTJ cell, per-cell WER with variation, write margin.

Circuit (one column, the selected cell at row ``row``; both drivers at the row-0 end)::

    BL driver (V_BL, R_drv) --(row+1) x r_bl-- te[MTJ]be -- drain[NMOS]source -- (row+1) x r_sl -- (V_SL, R_drv)

* ``'P->AP'``: BL at ``v_write``, SL at 0; the current runs ``te -> be`` (> 0, writes AP in the
  convention of :mod:`mramsim.compact.switching`) and the transistor's source is the SL side:
  ``V_GS = V_WL - I (R_drv + R_SL)``.
* ``'AP->P'``: SL at ``v_write``, BL at 0; the current runs ``be -> te`` and the transistor's
  source is the MTJ's bottom electrode: ``V_GS = V_WL - I (R_drv + R_BL) - |V_MTJ|`` (source
  degeneration by the junction), so the two directions differ even for equal ``I_c0``.

The MTJ is the read compact model in its starting state (``cm.current``: the current that
drives the switching is the one before the state changes); the transistor is the level-1
:class:`~mramsim.circuit.elements.AccessNMOS` with its off-state conductance ``G_OFF`` drain to
source. Unselected cells of the column (word line at 0 V) are not modelled. The series circuit
is solved by bisection on the MTJ voltage with Newton on the transistor's ``V_DS`` inside
(vectorised over cells, ~1e-14 relative); :func:`write_netlist` writes the same circuit for ngspice.

Write error rate per cell: the Fokker-Planck WER of :mod:`mramsim.physics.switching`
(``fp_wer``, constant efficiency) at the cell's ``Delta``, ``i = I / I_c0`` and ``t/tau_D``,
interpolated in ``log WER`` on a table (:class:`WERTable`). Variation (:class:`WriteVariation`):
per cell ``Delta = Delta_0 e^{s_D u_D}``, ``I_c0 = I_c0,0 (Delta/Delta_0) e^{s_I u_I}`` (Sun:
``I_c0 ∝ Delta`` at fixed damping and efficiency, plus an independent part), RA and TMR
lognormal (``r_scale``, ``tmr_scale`` of the compact model), ``V_th`` normal; per die RA and
``V_th`` offsets. The bit-averaged WER ``E_u[WER(u)]`` over standard normals ``u`` is estimated
by plain Monte Carlo or by importance sampling with the mean shifted to the most probable
failure point ``u* = argmax (ln WER(u) - |u|^2/2)`` (weights ``exp(-u.u* + |u*|^2/2)``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

import numpy as np

from .._validation import check_choice, check_nonnegative, check_positive, check_range, check_temperature
from ..circuit.elements import AccessNMOS, level1_ids_derivs
from ..constants import T0_CELSIUS, T_NOM
from ..errors import ConvergenceError, ParameterError
from ..parallel.jsonio import dump_json, load_json

__all__ = ["DIRECTIONS", "WriteCircuit", "WriteVariation", "WERTable", "WriteWER", "WriteMargin",
           "write_current", "write_netlist", "array_wer", "write_margin", "VARS"]

DIRECTIONS = ("P->AP", "AP->P")
#: Standard-normal variables, in the order of the columns of ``u``.
VARS = ("delta", "ic0", "ra", "tmr", "vth", "ra_die", "vth_die")
_N_BISECT = 56
_N_NEWTON = 14


@dataclass(frozen=True)
class WriteCircuit:
    """Write path of one column.

    Parameters
    ----------
    v_write : float
        Driver voltage [V] (BL for P->AP, SL for AP->P; the other line at 0 V).
    r_driver : float
        Output resistance of each driver [ohm].
    v_wl : float
        Word-line voltage of the selected cell [V].
    rows : int
        Cells on the column [-].
    row : int
        Selected row (0 = next to the drivers) [-].
    r_bl, r_sl : float
        BL / SL resistance per cell pitch [ohm].
    temperature : float
        [K].
    nmos : AccessNMOS
        Access transistor.
    """

    v_write: float = 1.2
    r_driver: float = 200.0
    v_wl: float = 1.2
    rows: int = 256
    row: int = 255
    r_bl: float = 2.0
    r_sl: float = 2.0
    temperature: float = T_NOM
    nmos: AccessNMOS = field(default_factory=AccessNMOS)

    def __post_init__(self):
        check_range("WriteCircuit.v_write", self.v_write, 0.0, 5.0, lo_open=True, unit="V")
        check_range("WriteCircuit.r_driver", self.r_driver, 0.0, 1e6, unit="ohm")
        check_range("WriteCircuit.v_wl", self.v_wl, 0.0, 5.0, unit="V")
        if int(self.rows) != self.rows or not 1 <= self.rows <= 1 << 16:
            raise ParameterError("WriteCircuit.rows", self.rows, "an integer in [1, 65536]")
        if int(self.row) != self.row or not 0 <= self.row < self.rows:
            raise ParameterError("WriteCircuit.row", self.row, f"an integer in [0, {self.rows - 1}]")
        check_range("WriteCircuit.r_bl", self.r_bl, 0.0, 1e6, unit="ohm")
        check_range("WriteCircuit.r_sl", self.r_sl, 0.0, 1e6, unit="ohm")
        check_temperature("WriteCircuit.temperature", self.temperature)
        if not isinstance(self.nmos, AccessNMOS):
            raise ParameterError("WriteCircuit.nmos", self.nmos, "an AccessNMOS")

    @property
    def r_bl_path(self) -> float:
        """Driver plus BL wire resistance to the selected cell [ohm]."""
        return self.r_driver + (self.row + 1) * self.r_bl

    @property
    def r_sl_path(self) -> float:
        """Driver plus SL wire resistance to the selected cell [ohm]."""
        return self.r_driver + (self.row + 1) * self.r_sl

    def to_dict(self):
        d = asdict(self)
        d["nmos"] = asdict(self.nmos)
        return d

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        d["nmos"] = AccessNMOS(**d["nmos"])
        return cls(**d)


def _bisect(f, lo, hi, n=_N_BISECT):
    """Vectorised bisection for increasing ``f`` on [lo, hi] (root clipped to the bracket)."""
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    lo, hi = lo.copy(), hi.copy()
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        pos = f(mid) > 0
        hi = np.where(pos, mid, hi)
        lo = np.where(pos, lo, mid)
    return 0.5 * (lo + hi)


def write_current(cm, circuit: WriteCircuit, direction: str, *, r_scale=1.0, tmr_scale=1.0, vth_shift=0.0):
    """Cell write current [A] (magnitude) and the MTJ voltage magnitude [V], vectorised over the scales.

    Parameters
    ----------
    cm : CompactMTJ
        Read compact model (``cm.current`` only).
    circuit : WriteCircuit
        Write path.
    direction : {'P->AP', 'AP->P'}
        Write direction (starting state P or AP).
    r_scale, tmr_scale : array_like
        R_P and TMR multipliers of the cell [-].
    vth_shift : array_like
        Threshold shift of the access transistor [V].

    Returns
    -------
    (I, V_mtj) : tuple of ndarray
    """
    check_choice("direction", direction, DIRECTIONS)
    T, nm, vw = circuit.temperature, circuit.nmos, circuit.v_write
    r_scale, tmr_scale, vth_shift = np.broadcast_arrays(
        np.asarray(r_scale, float), np.asarray(tmr_scale, float), np.asarray(vth_shift, float))
    fwd = direction == "P->AP"
    state = "P" if fwd else "AP"
    r_src = circuit.r_sl_path if fwd else circuit.r_bl_path   # wire+driver on the transistor-source side
    r_mtj_side = circuit.r_bl_path if fwd else circuit.r_sl_path

    def i_mtj(vm):
        return np.abs(cm.current(state, vm if fwd else -vm, T, r_scale=r_scale, tmr_scale=tmr_scale))

    vto, beta, g_off = nm.vto(T, vth_shift), float(nm.beta(T)), float(nm.g_off(T))

    def residual(vm):
        i = i_mtj(vm)
        v_s = i * r_src if fwd else i * circuit.r_bl_path + vm
        vgs = circuit.v_wl - v_s
        # I_D(V_DS) + G_OFF V_DS is increasing and concave in V_DS >= 0 (C1 at the saturation
        # kink), so Newton from V_DS = 0 converges monotonically from the left
        vds = np.zeros_like(vm)
        for _ in range(_N_NEWTON):
            ids, _gm, gds = level1_ids_derivs(vgs, vds, vto, beta, nm.LAMBDA)
            vds = np.minimum(vds - (ids + g_off * vds - i) / (gds + g_off), 2.0 * vw)
        total = (i * r_mtj_side + vm + vds + v_s) if fwd else (v_s + vds + i * circuit.r_sl_path)
        return total - vw

    vm = _bisect(residual, np.zeros(r_scale.shape), np.full(r_scale.shape, vw))
    if np.any(np.abs(residual(vm)) > 1e-6 * vw):
        raise ConvergenceError("write_current: the series circuit has no solution within [0, v_write] "
                               "(transistor off?)")
    return i_mtj(vm), vm


def write_netlist(cm, circuit: WriteCircuit, direction: str, *, vth_shift: float = 0.0) -> str:
    """ngspice netlist of the same circuit as :func:`write_current` (``.op``; ``i(vsense)`` = write current).

    The MTJ is ``cm.to_netlist('ngspice')`` in its starting state; the transistor is the
    level-1 card of :meth:`AccessNMOS.model_card` with ``1/G_OFF`` drain-source.
    """
    from .._text import check_card
    from ..circuit.netlist import mtj_subckt

    check_choice("direction", direction, DIRECTIONS)
    sub, name = mtj_subckt(cm, "ngspice")
    T, nm = circuit.temperature, circuit.nmos
    fwd = direction == "P->AP"
    v_bl, v_sl = (circuit.v_write, 0.0) if fwd else (0.0, circuit.v_write)
    g_off = float(nm.g_off(T))
    lines = [
        f"mramsim write path {direction.replace('->', ' to ')}",
        sub,
        nm.model_card(T, vth_shift=vth_shift),
        f"Vbl bld 0 DC {v_bl!r}",
        f"Rbd bld bl0 {max(circuit.r_driver, 1e-9)!r}",
        f"Rbw bl0 te {max((circuit.row + 1) * circuit.r_bl, 1e-9)!r}",
        f"X1 te be {name} state={0 if fwd else 1}",
        f"Vsense be dr DC 0",
        f"M1 dr wl sn 0 {nm.name} W={nm.W!r} L={nm.L!r}",
        f"Roff dr sn {1.0 / g_off!r}",
        f"Rsw sn sl0 {max((circuit.row + 1) * circuit.r_sl, 1e-9)!r}",
        f"Rsd sl0 sld {max(circuit.r_driver, 1e-9)!r}",
        f"Vsl sld 0 DC {v_sl!r}",
        f"Vwl wl 0 DC {circuit.v_wl!r}",
        f".options reltol=1e-10 abstol=1e-18 vntol=1e-13 gmin=1e-20 temp={T - T0_CELSIUS!r} tnom={T - T0_CELSIUS!r}",
    ]
    check_card("write netlist", "\n".join(lines[1:]))
    return "\n".join(lines + [".op", ".end"]) + "\n"


# -- variation ------------------------------------------------------------------------
@dataclass(frozen=True)
class WriteVariation:
    """1-sigma variations of the write path (see the module docstring for the model).

    ``sigma_delta``, ``sigma_ic0``, ``sigma_ra``, ``sigma_tmr``: log-normal sigmas [-];
    ``sigma_vth`` [V]; die level ``sigma_ra_die`` [-], ``sigma_vth_die`` [V].
    """

    sigma_delta: float = 0.05
    sigma_ic0: float = 0.05
    sigma_ra: float = 0.04
    sigma_tmr: float = 0.04
    sigma_vth: float = 0.02
    sigma_ra_die: float = 0.02
    sigma_vth_die: float = 0.01

    def __post_init__(self):
        for k, v in asdict(self).items():
            check_range(f"WriteVariation.{k}", v, 0.0, 1.0)

    @property
    def sigmas(self) -> np.ndarray:
        """Sigmas in the order of :data:`VARS`."""
        return np.array([self.sigma_delta, self.sigma_ic0, self.sigma_ra, self.sigma_tmr, self.sigma_vth,
                         self.sigma_ra_die, self.sigma_vth_die])


# -- WER table ------------------------------------------------------------------------
@dataclass(frozen=True)
class WERTable:
    """``log WER`` of the Fokker-Planck solver on a (Delta, i, tau) grid, linear interpolation.

    Built by :meth:`build`; ``tau = t / tau_D``. Values outside the grid are clamped to its
    edges (below the lowest current WER is taken at the lowest current: an under-estimate of
    ``1 - WER`` there, irrelevant as WER is ~1).
    """

    delta: np.ndarray
    i: np.ndarray
    tau: np.ndarray
    log_wer: np.ndarray  # (n_delta, n_i, n_tau)

    @classmethod
    def build(cls, deltas, currents, tau_end, *, n_cells=200, n_steps=300):
        """Solve ``fp_wer`` at every (Delta, i) up to ``tau_end`` (Richardson-extrapolated)."""
        return _build_table(tuple(float(d) for d in deltas), tuple(float(c) for c in currents),
                            float(tau_end), int(n_cells), int(n_steps))

    def __call__(self, delta, i, tau):
        from scipy.interpolate import RegularGridInterpolator

        interp = RegularGridInterpolator((self.delta, self.i, self.tau), self.log_wer, method="linear")
        d, c, t = np.broadcast_arrays(np.asarray(delta, float), np.asarray(i, float), np.asarray(tau, float))
        pts = np.stack([np.clip(d, self.delta[0], self.delta[-1]), np.clip(c, self.i[0], self.i[-1]),
                        np.clip(t, self.tau[0], self.tau[-1])], axis=-1)
        return np.exp(interp(pts))


@lru_cache(maxsize=8)
def _build_table(deltas, currents, tau_end, n_cells, n_steps):
    from ..physics.switching.fokker_planck import fp_wer

    check_positive("tau_end", tau_end)
    lw = np.empty((len(deltas), len(currents), n_steps + 1))
    tau = None
    for a, d in enumerate(deltas):
        for b, c in enumerate(currents):
            sol = fp_wer(tau_end, c, d, n_cells=n_cells, n_steps=n_steps)
            tau = sol.tau
            lw[a, b] = np.log(np.clip(sol.wer, 1e-300, 1.0))
    return WERTable(np.asarray(deltas), np.asarray(currents), tau, lw)
