r"""Combined read/write error budget of a 1T-1MTJ array over a shmoo grid.

Per bit, four mechanisms, each a probability for one bit stored with
equiprobable data over one *write - store - read* cycle:

* **misread** ``p_mr(V_read, T)``: the array-average per-bit read BER of
  :func:`~mramsim.array.margin.read_margin` (``array_ber``; closed form/FORM by
  default, ``method="analytic"``).
* **read disturb** ``p_rd(V_read, T)``: the thermally activated switching
  probability of one read (:mod:`mramsim.array.disturb`, Koch et al., PRL 92,
  088302 (2004)) at the solver's nominal read current of every column, averaged
  over the columns, for ``n_reads`` reads, times 1/2 (only the cells in
  ``disturb.disturbed_state`` are pushed toward switching):
  ``p_rd = 1/2 [1 - (1 - p_1)^{n_reads}]``.
* **write error** ``p_we(V_write, t_pulse, T)``: the bit-averaged Fokker-Planck
  WER of :func:`~mramsim.array.write.array_wer`, averaged over the two
  directions ``1/2 (WER_{P->AP} + WER_{AP->P})``.
* **retention** ``p_rt(T)``: ``1 - exp(-t_ret / (tau_0 e^{Delta(T)}))`` over the
  storage time ``t_ret`` (Néel-Brown; both states have the same barrier).

The mechanisms are taken as independent, so the per-bit total is

.. math:: p = 1 - \prod_i (1 - p_i) = -\mathrm{expm1}\Big(\sum_i \log1p(-p_i)\Big),

which equals the union bound ``sum_i p_i`` to first order when every
``p_i`` is small. The *dominant* mechanism of a corner is the largest
``p_i``. The die yield is :func:`~mramsim.array.ecc.die_yield` of the total,
without and with the chosen ECC: **bit errors are taken as independent**;
die-level correlation (shared die offsets of RA, V_th, ...) is not included
here. For the read part alone, :func:`~mramsim.array.yield_.read_yield`
handles the die-level correlation of the read variation.

Cost: what does not depend on a swept variable is computed once -- the read
parts once per (V_read, T), retention once per T, one Fokker-Planck WER table
per T (covering the largest write current and the longest pulse), and the
write part once per (V_write, t_pulse, T); the grid is their outer product.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import ClassVar

import numpy as np

from .._validation import check_choice, check_positive, check_temperature
from ..errors import ParameterError
from ..parallel.jsonio import dump_json, from_jsonable_float, load_json
from .disturb import YEAR, DisturbModel, read_disturb_probability
from .ecc import ECC, die_yield, ecc_preset
from .write import DIRECTIONS, WriteCircuit, array_wer, default_table, write_current

__all__ = ["MECHANISMS", "ErrorBudget", "error_budget", "combine_probabilities", "default_disturb"]

#: Mechanisms, in the order of the ``dominant`` indices.
MECHANISMS = ("misread", "disturb", "write", "retention")
_AXES = ("v_read", "v_write", "pulse_width", "temperature")


def combine_probabilities(parts):
    """``1 - prod_i (1 - p_i)`` over the first axis of ``parts`` [-] (log space: tiny values keep their digits)."""
    p = np.asarray(parts, float)
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ParameterError("parts", "values outside [0, 1]", "probabilities in [0, 1]")
    with np.errstate(divide="ignore"):
        return -np.expm1(np.sum(np.log1p(-p), axis=0))


def default_disturb(layer, *, t_read: float = 10e-9) -> DisturbModel:
    """A :class:`DisturbModel` consistent with ``layer``: its ``Delta`` and ``I_c0`` from P at ``t_ref``.

    The read current is taken to run like the ``'P->AP'`` write (bit line high, top electrode to
    bottom electrode), so it pushes P cells toward AP (``disturbed_state='P'``).
    """
    return DisturbModel(delta=float(layer.delta()), ic0=float(layer.ic0(None, "P")), t_read=t_read,
                        t_ref=layer.t_ref, t_curie=layer.t_curie, n=layer.n, disturbed_state="P")


def _grid(name, values, lo, hi, unit):
    a = np.atleast_1d(np.asarray(values, float))
    if a.ndim != 1 or a.size == 0 or np.any(~np.isfinite(a)) or np.any((a <= lo) | (a > hi)):
        raise ParameterError(name, values, f"a non-empty 1-D list of values in ({lo}, {hi}] {unit}".rstrip())
    return a


def _int(name, v, lo):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise ParameterError(name, v, f"an integer >= {lo}")
    return int(v)


@dataclass(frozen=True)
class ErrorBudget:
    """Per-bit error budget on a (V_read, V_write, pulse width, T) grid and the die yield.

    Attributes
    ----------
    v_read, v_write, pulse_width, temperature : ndarray (n,)
        Grid axes [V], [V], [s], [K]; every array below has shape
        ``(n_v_read, n_v_write, n_pulse_width, n_temperature)``.
    misread, disturb, write, retention : ndarray
        Per-bit probability of each mechanism [-] (see the module docstring).
    total : ndarray
        ``1 - prod(1 - p_i)`` [-].
    dominant : ndarray of int
        Index into :data:`MECHANISMS` of the largest mechanism.
    yield_raw, yield_ecc : ndarray
        Die yield without ECC and with ``ecc`` [-] (independent bit errors).
    ecc : dict
        The code (``name``, ``k``, ``check_bits``, ``t``).
    n_bits : int
        Data bits of the die [-].
    retention_time : float
        Storage time of the retention term [s].
    n_reads : int
        Reads per stored bit in the disturb term [-].
    inputs : dict
        Read method, write estimator, seed, disturb model, write circuit.
    """

    v_read: np.ndarray
    v_write: np.ndarray
    pulse_width: np.ndarray
    temperature: np.ndarray
    misread: np.ndarray
    disturb: np.ndarray
    write: np.ndarray
    retention: np.ndarray
    total: np.ndarray
    dominant: np.ndarray
    yield_raw: np.ndarray
    yield_ecc: np.ndarray
    ecc: dict
    n_bits: int
    retention_time: float
    n_reads: int
    inputs: dict = field(default_factory=dict)

    #: Grid axes, in the order of the array dimensions.
    AXES: ClassVar[tuple] = _AXES
    #: Mechanisms, in the order of the ``dominant`` indices.
    MECHANISMS: ClassVar[tuple] = MECHANISMS

    @property
    def shape(self):
        """Grid shape ``(n_v_read, n_v_write, n_pulse_width, n_temperature)``."""
        return self.total.shape

    def dominant_names(self):
        """``dominant`` as mechanism names (ndarray of str)."""
        return np.asarray(MECHANISMS, dtype=object)[self.dominant]

    def part(self, name):
        """Per-bit probability array of mechanism ``name`` (one of :data:`MECHANISMS`)."""
        check_choice("mechanism", name, MECHANISMS)
        return getattr(self, name)

    def to_dict(self):
        d = {}
        for k in ("v_read", "v_write", "pulse_width", "temperature", "misread", "disturb", "write", "retention",
                  "total", "dominant", "yield_raw", "yield_ecc"):
            d[k] = np.asarray(getattr(self, k)).tolist()
        d.update(ecc=dict(self.ecc), n_bits=int(self.n_bits), retention_time=float(self.retention_time),
                 n_reads=int(self.n_reads), inputs=self.inputs)
        return d

    def to_json(self, path):
        """Write to ``path`` (versioned, hashed JSON)."""
        return dump_json(path, self.to_dict(), fmt="mramsim.ErrorBudget")

    @classmethod
    def from_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        d = load_json(path, fmt="mramsim.ErrorBudget")
        fl = np.vectorize(from_jsonable_float, otypes=[float])
        for k in ("v_read", "v_write", "pulse_width", "temperature", "misread", "disturb", "write", "retention",
                  "total", "yield_raw", "yield_ecc"):
            d[k] = fl(np.asarray(d[k], dtype=object)).astype(float)
        d["dominant"] = np.asarray(d["dominant"], dtype=int)
        d["retention_time"] = from_jsonable_float(d["retention_time"])
        return cls(**d)


def _read_parts(arr, var, read, disturb, v_read, temps, n_reads, read_method, solver):
    """(misread, disturb) of shape (n_v_read, n_T): one read_margin and one disturb solve per corner."""
    from .margin import read_margin

    mr = np.zeros((v_read.size, temps.size))
    rd = np.zeros_like(mr)
    for i, vr in enumerate(v_read):
        for j, T in enumerate(temps):
            rs = replace(read, v_read=float(vr), temperature=float(T))
            kw = {} if solver is None else {"solver": solver}
            res = read_margin(arr, var, rs, method=read_method, n_samples=0 if read_method == "analytic" else 4000,
                              **kw)
            ber = res.array_ber if np.isfinite(res.array_ber) else res.ber
            mr[i, j] = min(max(float(ber), 0.0), 1.0)
            p1 = float(np.mean(read_disturb_probability(arr, rs, disturb, solver=solver)))
            rd[i, j] = 0.5 * -np.expm1(n_reads * np.log1p(-min(p1, 1.0)))
    return mr, rd


def _write_part(cm, circuit, layer, wvar, v_write, widths, temps, method, n, seed, table_cells):
    """Write error of shape (n_v_write, n_pulse_width, n_T): one FP table per T."""
    we = np.zeros((v_write.size, widths.size, temps.size))
    for j, T in enumerate(temps):
        c_hi = replace(circuit, v_write=float(v_write.max()), temperature=float(T))
        i_hi = max(float(np.max(write_current(cm, c_hi, d)[0])) / float(layer.ic0(T, "P" if d == "P->AP" else "AP"))
                   for d in DIRECTIONS)
        table = default_table(layer, i_hi, 1.05 * float(widths.max()) / float(layer.tau_d(T)), wvar, T,
                              n_cells=table_cells)
        for a, vw in enumerate(v_write):
            c = replace(circuit, v_write=float(vw), temperature=float(T))
            for b, pw in enumerate(widths):
                w = [array_wer(cm, c, d, layer, float(pw), wvar, method=method, n=n, seed=seed, table=table).wer
                     for d in DIRECTIONS]
                we[a, b, j] = min(max(0.5 * (w[0] + w[1]), 0.0), 1.0)
    return we


def error_budget(arr, var, read, layer, *, v_read, v_write, pulse_width, temperature, circuit=None,
                 write_variation=None, disturb=None, retention_time: float = 10 * YEAR, n_reads: int = 1,
                 n_bits: int = 2**20, ecc="secded", k: int = 64, read_method: str = "analytic",
                 write_method: str = "is", n_write: int = 1000, seed: int = 0, table_cells: int = 200,
                 cm=None, solver=None) -> ErrorBudget:
    """Per-bit misread + read disturb + write error + retention on a shmoo grid, and the die yield.

    Parameters
    ----------
    arr : Array1T1MTJ
        Array (read path; ``arr.mtj`` is also the write path's compact model unless ``cm`` is given).
    var : Variation
        Read variation (misread).
    read : ReadScheme
        Read scheme; ``v_read`` and ``temperature`` are replaced by the grid's.
    layer : FreeLayer
        Free layer of the write error (Fokker-Planck WER).
    v_read, v_write : array_like
        Read voltages in (0, 1.5] [V] and write driver voltages in (0, 5] [V].
    pulse_width : array_like
        Write pulse widths in (0, 1e-6] [s].
    temperature : array_like
        Temperatures in (0, 600] [K] (read, write, storage).
    circuit : WriteCircuit, optional
        Write path (default ``WriteCircuit()``); ``v_write``/``temperature`` come from the grid.
    write_variation : WriteVariation, optional
        Cell variation of the write (None: the nominal cell).
    disturb : DisturbModel, optional
        Read disturb and retention model (default :func:`default_disturb` of ``layer``).
    retention_time : float
        Storage time [s] (default 10 years).
    n_reads : int
        Reads of a stored bit before it is rewritten [-].
    n_bits : int
        Data bits of the die [-].
    ecc : str or ECC
        Code of ``yield_ecc`` (preset name with ``k`` data bits, or an :class:`ECC`).
    read_method : {'analytic', 'auto', 'is', 'mc'}
        :func:`read_margin` method (closed form by default: fast on a grid).
    write_method : {'is', 'mc'}
        :func:`array_wer` estimator; ``n_write`` samples, ``seed``.
    table_cells : int
        Fokker-Planck cells of the per-temperature WER tables [-].
    """
    from .read import ReadScheme

    if not isinstance(read, ReadScheme):
        raise ParameterError("read", read, "a ReadScheme")
    v_read = _grid("v_read", v_read, 0.0, 1.5, "V")
    v_write = _grid("v_write", v_write, 0.0, 5.0, "V")
    widths = _grid("pulse_width", pulse_width, 0.0, 1e-6, "s")
    temps = _grid("temperature", temperature, 0.0, 600.0, "K")
    for T in temps:
        check_temperature("temperature", float(T))
    check_positive("retention_time", retention_time, "s")
    n_reads = _int("n_reads", n_reads, 1)
    n_bits = _int("n_bits", n_bits, 1)
    n_write = _int("n_write", n_write, 10)
    seed = _int("seed", seed, 0)
    table_cells = _int("table_cells", table_cells, 50)
    check_choice("read_method", read_method, ("analytic", "auto", "is", "mc"))
    check_choice("write_method", write_method, ("is", "mc"))
    code = ecc if isinstance(ecc, ECC) else ecc_preset(ecc, k)
    circuit = WriteCircuit() if circuit is None else circuit
    if not isinstance(circuit, WriteCircuit):
        raise ParameterError("circuit", circuit, "a WriteCircuit")
    disturb = default_disturb(layer) if disturb is None else disturb
    if not isinstance(disturb, DisturbModel):
        raise ParameterError("disturb", disturb, "a DisturbModel")
    cm = arr.mtj if cm is None else cm

    mr, rd = _read_parts(arr, var, read, disturb, v_read, temps, n_reads, read_method, solver)
    we = _write_part(cm, circuit, layer, write_variation, v_write, widths, temps, write_method, n_write, seed,
                     table_cells)
    rt = np.array([float(disturb.retention_failure(retention_time, float(T))) for T in temps])

    shape = (v_read.size, v_write.size, widths.size, temps.size)
    parts = np.stack([np.broadcast_to(mr[:, None, None, :], shape), np.broadcast_to(rd[:, None, None, :], shape),
                      np.broadcast_to(we[None], shape), np.broadcast_to(rt[None, None, None, :], shape)])
    total = combine_probabilities(parts)
    dominant = np.argmax(parts, axis=0).astype(int)
    with np.errstate(divide="ignore"):      # a total of 1 gives a yield of exactly 0
        y_raw = np.asarray(die_yield(total, n_bits, ecc_preset("none", code.k)), float).reshape(shape)
        y_ecc = np.asarray(die_yield(total, n_bits, code), float).reshape(shape)
    inputs = {"read_method": read_method, "write_method": write_method, "n_write": n_write, "seed": seed,
              "table_cells": table_cells, "disturb": disturb.to_dict(), "circuit": circuit.to_dict(),
              "write_variation": None if write_variation is None else asdict(write_variation),
              "die_correlation": "independent bits (die-level correlation not included; see read_yield)"}
    return ErrorBudget(v_read, v_write, widths, temps, np.array(parts[0]), np.array(parts[1]), np.array(parts[2]),
                       np.array(parts[3]), total, dominant, y_raw, y_ecc, code.to_dict(), n_bits,
                       float(retention_time), n_reads, inputs)
