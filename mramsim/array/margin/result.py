"""Typed results of :func:`mramsim.array.margin.read_margin`, with JSON round trips.

Every part is a dataclass; each also answers item access by field name
(``res.mc["p"]["fails"] == res.mc.p.fails``) so code written against the
former plain dicts keeps working. :meth:`ReadMarginResult.to_json` writes
through :func:`mramsim.parallel.jsonio.to_jsonable` (non-finite floats as
``"inf"``, ``"-inf"``, ``"nan"``); :meth:`ReadMarginResult.from_json` rebuilds
the same typed objects.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

import numpy as np
from scipy.stats import binom as _binom

from ...errors import ParameterError
from ...parallel.jsonio import to_jsonable
from ...parallel.jsonio import from_jsonable as _unconv

__all__ = ["FieldAccess", "WorstRead", "StateMonteCarlo", "MonteCarloEstimate", "TailWorld", "FormEstimate",
           "ImportanceEstimate", "NominalReads", "IRMap", "RowStats", "KeptSamples", "MarginInputs", "Timings",
           "ReadMarginResult", "SAMPLE_KEYS"]

#: signals and margins kept per sample for histograms
SAMPLE_KEYS = ("s_p", "s_ap", "s_ref", "m_p", "m_ap")



def _tuple(x):
    return None if x is None else tuple(x)


class FieldAccess:
    """Item access by field name (``r["fails"]``, ``r.get("fails")``, ``"fails" in r``, ``r.keys()``)."""

    def keys(self):
        return [f.name for f in fields(self)]

    def __getitem__(self, key):
        if key in self.keys():
            return getattr(self, key)
        raise KeyError(key)

    def __contains__(self, key):
        return key in self.keys()

    def get(self, key, default=None):
        return getattr(self, key) if key in self.keys() else default

    def items(self):
        return [(k, getattr(self, k)) for k in self.keys()]

    def to_dict(self) -> dict:
        """Plain JSON types (see :func:`mramsim.parallel.jsonio.to_jsonable`)."""
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, d):
        """Inverse of :meth:`to_dict`."""
        return cls(**_unconv(d))


@dataclass(frozen=True)
class WorstRead(FieldAccess):
    """One of the smallest Monte Carlo margins: margin [A or V], sample and column [-], cell scales [-, -, V]."""

    margin: float
    sample: int
    col: int
    r_scale: float
    tmr_scale: float
    vth_shift: float


@dataclass(frozen=True)
class StateMonteCarlo(FieldAccess):
    """Plain Monte Carlo of one state's reads.

    ``fails`` failures [-], ``p`` their fraction [-], ``ci`` its 95 %
    Clopper-Pearson interval [-], ``mean``/``std`` of the margin [A or V],
    ``mean_by_col`` per column, ``worst`` the smallest margins.
    """

    fails: int
    p: float
    ci: tuple
    mean: float
    std: float
    mean_by_col: list
    worst: list

    @classmethod
    def from_dict(cls, d):
        d = _unconv(d)
        return cls(**{**d, "ci": _tuple(d["ci"]), "worst": [WorstRead(**w) for w in d["worst"]]})


@dataclass(frozen=True)
class MonteCarloEstimate(FieldAccess):
    """Plain Monte Carlo: ``n_reads`` per state [-], per-state results, BER and its 95 % interval [-]."""

    n_reads: int
    p: StateMonteCarlo
    ap: StateMonteCarlo
    ber: float
    ber_ci: tuple

    @classmethod
    def from_dict(cls, d):
        d = _unconv(d)
        return cls(n_reads=d["n_reads"], p=StateMonteCarlo.from_dict(d["p"]), ap=StateMonteCarlo.from_dict(d["ap"]),
                   ber=d["ber"], ber_ci=_tuple(d["ber_ci"]))


@dataclass(frozen=True)
class TailWorld(FieldAccess):
    """Tail estimate of one conditioning world (defect stratum: none, or one cell defective).

    ``weight`` its probability [-]; ``beta`` = |u*| [-]; ``u_star`` the design
    point; ``p_form`` the sum of Phi(-beta_i) over the distinct design points
    ``design_points`` ([beta_i, u_i]) [-]; ``col`` the column [-]. With importance
    sampling also ``p``, ``var``, ``ci`` [-], ``n_reads``, ``hits``, ``rounds`` [-].
    """

    weight: float
    beta: float
    u_star: list
    p_form: float
    col: int
    p: float | None = None
    var: float | None = None
    ci: tuple | None = None
    n_reads: int | None = None
    hits: int | None = None
    rounds: int | None = None
    stratum: str | None = None
    design_points: list | None = None

    @classmethod
    def from_dict(cls, d):
        d = _unconv(d)
        return cls(**{**d, "ci": _tuple(d.get("ci"))})


@dataclass(frozen=True)
class FormEstimate(FieldAccess):
    """Closed form (FORM) of one state: ``p`` [-], the worlds, the names of the u variables."""

    p: float
    worlds: list
    names: list

    @classmethod
    def from_dict(cls, d):
        d = _unconv(d)
        return cls(p=d["p"], worlds=[TailWorld.from_dict(w) for w in d["worlds"]], names=list(d["names"]))


@dataclass(frozen=True)
class ImportanceEstimate(FieldAccess):
    """Importance sampling of one state: ``p``, its variance ``var`` and 95 % interval ``ci`` [-]."""

    p: float
    var: float
    ci: tuple
    worlds: list

    @classmethod
    def from_dict(cls, d):
        d = _unconv(d)
        return cls(p=d["p"], var=d["var"], ci=_tuple(d["ci"]), worlds=[TailWorld.from_dict(w) for w in d["worlds"]])


@dataclass(frozen=True)
class NominalReads(FieldAccess):
    """Nominal (no variation) signals and margins per column at the selected row [A or V]."""

    s_p: list
    s_ap: list
    s_ref: list
    m_p: list
    m_ap: list


@dataclass(frozen=True)
class IRMap(FieldAccess):
    """Nominal min margins and mean signals per row (IR drop) [A or V]; ``rows`` [-]."""

    rows: list
    m_p_min: list = field(default_factory=list)
    m_ap_min: list = field(default_factory=list)
    s_p_mean: list = field(default_factory=list)
    s_ap_mean: list = field(default_factory=list)


@dataclass(frozen=True)
class RowStats(FieldAccess):
    """Closed-form (FORM) per-bit BER of each IR-map row and the worst row.

    ``rows`` [-]; ``ber_form`` per row, averaged over the evaluated
    ``columns`` [-]; ``array_ber_form`` their mean (the array average) [-];
    ``worst_row`` the row of largest BER [-] and ``worst_row_ber_form`` its BER [-].
    """

    rows: list
    ber_form: list
    array_ber_form: float
    worst_row: int | None
    worst_row_ber_form: float
    columns: list = field(default_factory=list)


@dataclass(frozen=True)
class KeptSamples(FieldAccess):
    """(samples, cols) signals and margins of the first ``n_keep`` Monte Carlo samples [A or V]."""

    s_p: np.ndarray
    s_ap: np.ndarray
    s_ref: np.ndarray
    m_p: np.ndarray
    m_ap: np.ndarray

    @classmethod
    def empty(cls, cols):
        return cls(**{k: np.zeros((0, cols)) for k in SAMPLE_KEYS})

    @classmethod
    def from_dict(cls, d, cols=None):
        """Inverse of :meth:`to_dict`; ``cols`` [-] restores the shape (0, cols) of empty arrays."""
        d = _unconv(d)
        out = {k: np.asarray(d[k], float) for k in SAMPLE_KEYS}
        if cols is not None:
            out = {k: v.reshape(0, cols) if v.size == 0 else v for k, v in out.items()}
        return cls(**out)


@dataclass(frozen=True)
class MarginInputs(FieldAccess):
    """Everything a result depends on: array, variation and read scheme summaries, seed, counts, block size."""

    array: dict
    variation: dict
    read: dict
    seed: int
    n_samples: int
    method: str
    selected_row: int
    block_size: int
    u_names: list
    is_rel_ci: float
    is_samples: int
    is_max_samples: int
    s_ref_fixed: float | None
    cells_per_sample: int


@dataclass(frozen=True)
class Timings(FieldAccess):
    """Wall times of the steps of :func:`read_margin` [s]."""

    setup: float
    mc: float
    tail: float
    total: float


@dataclass
class ReadMarginResult:
    """Result of :func:`read_margin` (all inputs, the seed and the estimates).

    Attributes
    ----------
    ber : float
        Per-bit error rate (equiprobable data) of the bits of the *selected
        row* (``inputs.selected_row``; by default the worst row, the one of
        largest closed-form BER) [-]. With a fixed reference this is the
        worst row's rate, not the array average (see ``array_ber``).
    ber_ci : tuple of float
        95 % confidence interval of ``ber`` [-].
    ber_p, ber_ap : float
        Failure probability of P and AP reads [-].
    method : str
        Estimator behind ``ber`` ('mc', 'is', 'analytic').
    margin_sigma : float
        BER-equivalent margin ``-Phi^-1(ber)`` [-] (the sigma of a Gaussian
        margin with the same failure rate; equal to ``beta``).
    margin_mean_over_std : float
        ``min over states of mean(margin)/std(margin)`` from Monte Carlo
        (the smallest FORM beta when no Monte Carlo was run) [-]; the former
        ``margin_sigma``: not a failure-rate equivalent when the margin is
        not Gaussian.
    array_ber : float
        Array-average per-bit BER [-]: ``ber`` scaled by the ratio of the
        closed-form array average to the closed-form BER of the selected row
        (nan when the closed form is unavailable).
    rows : RowStats or None
        Closed-form BER of every IR-map row, its average and the worst row.
    disagreements : dict
        Per state, Monte Carlo and tail estimates whose 95 % intervals are
        disjoint ('auto'): ``mc_p``, ``mc_ci``, ``mc_fails``, ``tail_p``, ``tail_ci``.
    beta : float
        Equivalent normal sigma of the BER, ``-Phi^-1(ber)`` [-].
    mc : MonteCarloEstimate or None
        Plain Monte Carlo (None when not run).
    importance, analytic : dict of str to ImportanceEstimate / FormEstimate
        Tail estimates per state ('p', 'ap') that needed them.
    nominal : NominalReads
        Nominal signals and margins per column at the selected row.
    ir_map : IRMap
        Nominal min margins per row (IR drop).
    samples : KeptSamples
        Signals and margins of the first ``n_keep`` samples (histograms).
    inputs : MarginInputs
        Array, variation, read scheme, seed, sample counts, block size.
    timings : Timings
        Wall times [s].
    """

    ber: float
    ber_ci: tuple
    ber_p: float
    ber_ap: float
    method: str
    margin_sigma: float
    beta: float
    mc: MonteCarloEstimate | None = None
    importance: dict = field(default_factory=dict)
    analytic: dict = field(default_factory=dict)
    nominal: NominalReads | None = None
    ir_map: IRMap | None = None
    samples: KeptSamples | None = None
    inputs: MarginInputs | None = None
    timings: Timings | None = None
    margin_mean_over_std: float = float("nan")
    array_ber: float = float("nan")
    rows: RowStats | None = None
    disagreements: dict = field(default_factory=dict)

    @property
    def worst_cells(self):
        """Worst Monte Carlo reads (smallest margins) with their cell parameters (dicts, ``state`` 'P'/'AP')."""
        out = []
        if self.mc is not None:
            for st in ("p", "ap"):
                for w in self.mc[st].worst:
                    out.append(dict(asdict(w), state=st.upper()))
        return sorted(out, key=lambda w: w["margin"])

    def yield_(self, array_bits, correctable=0):
        r"""Probability that an array of ``array_bits`` bits reads without uncorrectable error.

        Independent bits with the per-bit ``ber`` and an ECC that corrects up
        to ``correctable`` errors per array: ``Y = P(Binom(N, BER) <= t)``;
        for ``t = 0`` ``Y = exp(N log1p(-BER))``. Die-level variation and
        shared periphery make bits of one die correlated; this formula then
        misjudges the die yield (pessimistic without ECC, optimistic with it):
        use :func:`mramsim.array.yield_.read_yield` for a die.

        Parameters
        ----------
        array_bits : int
            Number of bits N [-].
        correctable : int
            Correctable errors t [-].
        """
        if isinstance(array_bits, bool) or not isinstance(array_bits, (int, np.integer)) or array_bits < 1:
            raise ParameterError("array_bits", array_bits, "an integer >= 1")
        if isinstance(correctable, bool) or not isinstance(correctable, (int, np.integer)) or correctable < 0:
            raise ParameterError("correctable", correctable, "an integer >= 0")
        if correctable == 0:
            return float(np.exp(array_bits * np.log1p(-self.ber)))
        return float(_binom.cdf(correctable, array_bits, self.ber))

    def plot(self, axes=None):
        """Histograms, margins, IR-drop map and BER summary (see :mod:`mramsim.plotting.margin`)."""
        from ...plotting.margin import plot_read_margin

        return plot_read_margin(self, axes=axes)

    def to_dict(self) -> dict:
        """Plain JSON types (non-finite floats as strings)."""
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, d) -> "ReadMarginResult":
        """Inverse of :meth:`to_dict`."""
        d = _unconv(d)

        def opt(kind, v):
            return None if v is None else kind.from_dict(v)

        return cls(
            ber=d["ber"], ber_ci=tuple(d["ber_ci"]), ber_p=d["ber_p"], ber_ap=d["ber_ap"], method=d["method"],
            margin_sigma=d["margin_sigma"], beta=d["beta"], mc=opt(MonteCarloEstimate, d.get("mc")),
            importance={k: ImportanceEstimate.from_dict(v) for k, v in (d.get("importance") or {}).items()},
            analytic={k: FormEstimate.from_dict(v) for k, v in (d.get("analytic") or {}).items()},
            nominal=opt(NominalReads, d.get("nominal")), ir_map=opt(IRMap, d.get("ir_map")),
            samples=None if d.get("samples") is None else KeptSamples.from_dict(
                d["samples"], cols=(d.get("inputs") or {}).get("cells_per_sample")),
            inputs=opt(MarginInputs, d.get("inputs")),
            timings=opt(Timings, d.get("timings")),
            margin_mean_over_std=d.get("margin_mean_over_std", float("nan")),
            array_ber=d.get("array_ber", float("nan")), rows=opt(RowStats, d.get("rows")),
            disagreements={k: {**v, "mc_ci": tuple(v["mc_ci"]), "tail_ci": tuple(v["tail_ci"])}
                           for k, v in (d.get("disagreements") or {}).items()},
        )

    def to_json(self, path):
        """Write the result with all inputs and the seed to ``path`` (JSON); return ``path``."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=1)
        return path

    @classmethod
    def from_json(cls, path) -> "ReadMarginResult":
        """Read a result written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))
