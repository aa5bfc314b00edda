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

from .._validation import check_choice, check_positive, check_range, check_temperature
from ..circuit.elements import AccessNMOS, level1_ids_derivs
from ..constants import T0_CELSIUS, T_NOM
from ..errors import ConvergenceError, ParameterError
from ..parallel.jsonio import dump_json, load_json

__all__ = ["DIRECTIONS", "WriteCircuit", "WriteVariation", "WERTable", "WriteWER", "WriteMargin",
           "write_current", "write_netlist", "cell_wer", "default_table", "array_wer", "write_margin", "VARS"]

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
    def build(cls, deltas, currents, tau_end, *, n_cells=300, n_steps=None):
        """Solve ``fp_wer`` at every (Delta, i) up to ``tau_end`` (Richardson-extrapolated).

        ``n_steps`` defaults to ``max(300, tau_end / 0.025)``: the time step, not the grid,
        limits the accuracy of long windows (measured: 300 steps over ``tau_end = 35`` are
        off by up to 2.5x at WER ~1e-12; 0.025 steps keep the table within ~6 % of an
        800-cell, 800-step solve at ``Delta = 40``, ``i = 2..3.3``).
        """
        if n_steps is None:
            n_steps = max(300, int(np.ceil(float(tau_end) / 0.025)))
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


# -- array write error rate -----------------------------------------------------------
@dataclass(frozen=True)
class WriteWER:
    """Bit-averaged write error rate of one write operation.

    Attributes: ``direction``; ``v_write`` [V]; ``pulse_width`` [s]; ``temperature`` [K];
    ``wer`` (``E_u[WER(u)]``) [-] and its ``std_err`` [-]; ``n_samples``; ``method``
    ('nominal', 'mc' or 'is'); ``seed``; ``u_star`` (IS mean shift, in :data:`VARS` order);
    ``current_nominal`` [A] and ``i_nominal`` (= I / I_c0) [-] of the nominal cell;
    ``n_bits`` and ``array_fail`` = ``1 - (1 - wer)^n_bits`` [-] (independent bits).
    """

    direction: str
    v_write: float
    pulse_width: float
    temperature: float
    wer: float
    std_err: float
    n_samples: int
    method: str
    seed: int
    u_star: list
    current_nominal: float
    i_nominal: float
    n_bits: int = 1
    array_fail: float = float("nan")

    def to_dict(self):
        return asdict(self)

    def to_json(self, path):
        """Write to ``path`` (versioned, hashed JSON)."""
        return dump_json(path, self.to_dict(), fmt="mramsim.WriteWER")

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        d = load_json(path, fmt="mramsim.WriteWER")
        for k in ("v_write", "pulse_width", "temperature", "wer", "std_err", "current_nominal", "i_nominal",
                  "array_fail"):
            d[k] = float(d[k])
        return cls(**d)


class _CellModel:
    """``u`` (n, 7) -> per-cell WER at one circuit, direction and pulse width."""

    def __init__(self, cm, circuit, direction, layer, variation, table):
        check_choice("direction", direction, DIRECTIONS)
        self.cm, self.circuit, self.direction, self.table = cm, circuit, direction, table
        T = circuit.temperature
        start = "P" if direction == "P->AP" else "AP"
        self.delta0 = float(layer.delta(T))
        self.ic0 = float(layer.ic0(T, start))
        self.tau_d = float(layer.tau_d(T))
        self.sig = variation.sigmas if variation is not None else np.zeros(len(VARS))

    def parts(self, u):
        u = np.atleast_2d(np.asarray(u, float))
        s = self.sig
        delta = self.delta0 * np.exp(s[0] * u[:, 0])
        ic0 = self.ic0 * np.exp(s[0] * u[:, 0] + s[1] * u[:, 1])
        cur, _ = write_current(self.cm, self.circuit, self.direction, r_scale=np.exp(s[2] * u[:, 2] + s[5] * u[:, 5]),
                               tmr_scale=np.exp(s[3] * u[:, 3]), vth_shift=s[4] * u[:, 4] + s[6] * u[:, 6])
        return delta, cur / ic0

    def wer(self, u, pulse_width):
        delta, i = self.parts(u)
        return self.table(delta, i, pulse_width / self.tau_d)


def cell_wer(cm, circuit: WriteCircuit, direction: str, layer, pulse_width: float, u, variation=None, *,
             table=None):
    """Per-cell WER [-] at standard normals ``u`` (shape (n, 7), columns :data:`VARS`).

    The integrand of :func:`array_wer` (exposed for quadrature checks and custom estimators).
    """
    check_positive("pulse_width", pulse_width, "s")
    if table is None:
        nominal = _CellModel(cm, circuit, direction, layer, None, None)
        i_nom = float(nominal.parts(np.zeros((1, len(VARS))))[1][0])
        table = default_table(layer, i_nom, 1.05 * pulse_width / nominal.tau_d, variation, circuit.temperature)
    return _CellModel(cm, circuit, direction, layer, variation, table).wer(u, pulse_width)


def default_table(layer, circuit_i_max, tau_end, variation=None, T=None, *, n_i: int = 24, n_cells: int = 300):
    """A :class:`WERTable` covering Delta +-5 sigma and ``i`` in [0.3, 1.6 i_max] (``n_i`` points,
    geometric) up to ``tau_end``; ``n_cells`` FP cells."""
    T = layer.t_ref if T is None else T
    d0 = float(layer.delta(T))
    sd = 0.0 if variation is None else variation.sigma_delta
    deltas = d0 * np.exp(sd * np.array([-5.0, 0.0, 5.0])) if sd > 0 else np.array([d0 * 0.999, d0 * 1.001])
    deltas = np.clip(deltas, 5.0, 500.0)
    currents = np.geomspace(0.3, max(3.0, 1.6 * circuit_i_max), int(n_i))
    return WERTable.build(deltas, currents, tau_end, n_cells=n_cells)


def _shift(model, pulse_width, active, n_iter=25, h=0.05):
    """Most probable failure point: damped fixed point ``u = grad ln WER(u)`` on the active variables."""
    d = len(VARS)
    u = np.zeros(d)
    idx = np.flatnonzero(active)
    if idx.size == 0:
        return u
    for _ in range(n_iter):
        pts = np.repeat(u[None, :], 2 * idx.size, axis=0)
        for k, j in enumerate(idx):
            pts[2 * k, j] += h
            pts[2 * k + 1, j] -= h
        lw = np.log(np.maximum(model.wer(pts, pulse_width), 1e-300))
        grad = (lw[0::2] - lw[1::2]) / (2 * h)
        new = u.copy()
        new[idx] = 0.5 * u[idx] + 0.5 * grad
        if np.max(np.abs(new - u)) < 1e-4:
            u = new
            break
        u = new
    return u


def array_wer(cm, circuit: WriteCircuit, direction: str, layer, pulse_width: float, variation=None, *,
              method: str = "is", n: int = 4000, seed: int = 0, n_bits: int = 1, table=None,
              u_star=None) -> WriteWER:
    """Bit-averaged WER ``E_u[WER(u)]`` of writing with ``circuit`` for ``pulse_width`` [s].

    Parameters
    ----------
    cm : CompactMTJ
        Read compact model (cell current).
    circuit : WriteCircuit
        Write path.
    direction : {'P->AP', 'AP->P'}
    layer : FreeLayer
        Free layer (nominal ``Delta``, ``I_c0`` of the starting state, ``tau_D`` at the circuit temperature).
    pulse_width : float
        [s].
    variation : WriteVariation, optional
        None: the nominal cell only (``method`` is then 'nominal').
    method : {'is', 'mc'}
        Importance sampling (shifted mean) or plain Monte Carlo.
    n : int
        Samples.
    seed : int
        ``numpy.random.default_rng`` seed.
    n_bits : int
        Bits written at once (``array_fail``).
    table : WERTable, optional
        Reuse a table (default: :func:`default_table` for this case).
    u_star : array_like, optional
        IS mean shift to use as is (default: searched, :func:`_shift`); any shift is unbiased.
    """
    check_positive("pulse_width", pulse_width, "s")
    check_choice("method", method, ("is", "mc"))
    if int(n) != n or n < 10:
        raise ParameterError("n", n, "an integer >= 10")
    if int(n_bits) != n_bits or n_bits < 1:
        raise ParameterError("n_bits", n_bits, "an integer >= 1")
    nominal = _CellModel(cm, circuit, direction, layer, None, None)
    i_nom = float(nominal.parts(np.zeros((1, len(VARS))))[1][0])
    if table is None:
        table = default_table(layer, i_nom, 1.05 * pulse_width / nominal.tau_d, variation, circuit.temperature)
    model = _CellModel(cm, circuit, direction, layer, variation, table)
    given, u_star = u_star, np.zeros(len(VARS))
    if variation is None or not np.any(model.sig > 0):
        wer, se, method, n_used = float(model.wer(np.zeros((1, len(VARS))), pulse_width)[0]), 0.0, "nominal", 1
    else:
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((int(n), len(VARS)))
        if method == "is":
            u_star = _shift(model, pulse_width, model.sig > 0) if given is None \
                else np.asarray(given, float).reshape(len(VARS)) * (model.sig > 0)
            u = z + u_star
            w = np.exp(-u @ u_star + 0.5 * u_star @ u_star)
        else:
            u, w = z, np.ones(int(n))
        vals = model.wer(u, pulse_width) * w
        wer, se, n_used = float(vals.mean()), float(vals.std(ddof=1) / np.sqrt(n)), int(n)
    fail = float(-np.expm1(n_bits * np.log1p(-min(wer, 1.0 - 1e-16))))
    return WriteWER(direction, float(circuit.v_write), float(pulse_width), float(circuit.temperature), wer, se,
                    n_used, method, int(seed), u_star.tolist(), i_nom * nominal.ic0, i_nom, int(n_bits), fail)


# -- write margin ---------------------------------------------------------------------
@dataclass(frozen=True)
class WriteMargin:
    """Write margin for a target bit-averaged WER.

    Attributes: ``direction``; ``target_wer`` [-]; ``pulse_width`` [s] and the driver voltage
    ``v_write_needed`` [V] that reaches the target at that width; ``v_write`` [V] and the
    ``pulse_width_needed`` [s] at that voltage; ``method``/``n``/``seed`` of the estimates
    (common random numbers, so the searched function is smooth).
    """

    direction: str
    target_wer: float
    pulse_width: float
    v_write_needed: float
    v_write: float
    pulse_width_needed: float
    method: str
    n: int
    seed: int

    def to_dict(self):
        return asdict(self)

    def to_json(self, path):
        """Write to ``path`` (versioned, hashed JSON)."""
        return dump_json(path, self.to_dict(), fmt="mramsim.WriteMargin")

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        d = load_json(path, fmt="mramsim.WriteMargin")
        for k in ("target_wer", "pulse_width", "v_write_needed", "v_write", "pulse_width_needed"):
            d[k] = float(d[k])
        return cls(**d)


def write_margin(cm, circuit: WriteCircuit, direction: str, layer, target_wer: float, pulse_width: float,
                 variation=None, *, v_range=(0.4, 1.6), width_range=(1e-9, 50e-9), method: str = "is",
                 n: int = 2000, seed: int = 0, xtol_v: float = 1e-3, rtol_w: float = 1e-3,
                 table=None) -> WriteMargin:
    """Driver voltage needed at ``pulse_width`` and pulse width needed at ``circuit.v_write`` for ``target_wer``.

    Both searches are Brent root finds on ``ln WER - ln target`` (:func:`array_wer` with the same
    seed for every evaluation; for IS the mean shift is held fixed during a root find and
    re-searched at its result twice). ``v_range`` [V] and ``width_range`` [s] must bracket the
    target; otherwise :class:`ConvergenceError` names ``ln(WER/target)`` at the ends.
    ``table`` (a :class:`WERTable` covering the currents and the widest pulse) skips building one.
    """
    from scipy.optimize import brentq

    check_range("target_wer", target_wer, 0.0, 0.5, lo_open=True)
    check_positive("pulse_width", pulse_width, "s")
    w_hi = max(width_range[1], pulse_width)
    # one table for both searches (covers the widest pulse and the highest voltage's current)
    if table is None:
        hi_circuit = replace(circuit, v_write=float(v_range[1]))
        nominal = _CellModel(cm, hi_circuit, direction, layer, None, None)
        i_hi = float(nominal.parts(np.zeros((1, len(VARS))))[1][0])
        table = default_table(layer, i_hi, 1.02 * w_hi / nominal.tau_d, variation, circuit.temperature)

    shift = {}

    def f_v(v, var=variation):
        r = array_wer(cm, replace(circuit, v_write=float(v)), direction, layer, pulse_width, var,
                      method=method, n=n, seed=seed, table=table, u_star=shift.get("v"))
        return np.log(max(r.wer, 1e-300)) - np.log(target_wer)

    def f_w(lw, var=variation):
        r = array_wer(cm, circuit, direction, layer, float(np.exp(lw)), var, method=method, n=n, seed=seed,
                      table=table, u_star=shift.get("w"))
        return np.log(max(r.wer, 1e-300)) - np.log(target_wer)

    def solve(f, a, b, what, xtol):
        fa, fb = f(a), f(b)
        if fa * fb > 0:
            raise ConvergenceError(f"write_margin: {what} range does not bracket WER {target_wer:g} "
                                   f"(ln WER/target {fa:.3g} and {fb:.3g} at its ends)")
        return brentq(f, a, b, xtol=xtol)

    has_var = variation is not None and np.any(variation.sigmas > 0)
    lo_w, hi_w = np.log(width_range[0]), np.log(w_hi)
    if has_var and method == "is":
        # the mean shift is searched at the nominal cell's answer, the root found with it fixed
        # (a smooth estimator), then the shift re-searched at that root and the root found again
        v_est = solve(lambda v: f_v(v, None), float(v_range[0]), float(v_range[1]), "v_range", 1e-2)
        w_est = float(np.exp(solve(lambda x: f_w(x, None), lo_w, hi_w, "width_range", 1e-2)))
        for _ in range(2):
            shift["v"] = array_wer(cm, replace(circuit, v_write=v_est), direction, layer, pulse_width, variation,
                                   n=10, table=table).u_star
            shift["w"] = array_wer(cm, circuit, direction, layer, w_est, variation, n=10, table=table).u_star
            v_est = solve(f_v, float(v_range[0]), float(v_range[1]), "v_range", xtol_v)
            w_est = float(np.exp(solve(f_w, lo_w, hi_w, "width_range", rtol_w)))
        v_needed, w_needed = v_est, w_est
    else:
        v_needed = solve(f_v, float(v_range[0]), float(v_range[1]), "v_range", xtol_v)
        w_needed = float(np.exp(solve(f_w, lo_w, hi_w, "width_range", rtol_w)))
    return WriteMargin(direction, float(target_wer), float(pulse_width), float(v_needed), float(circuit.v_write),
                       w_needed, method, int(n), int(seed))
