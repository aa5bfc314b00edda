"""Typed inputs and results of :func:`mramsim.array.yield_.read_yield` (JSON round trips)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import ParameterError
from ..parallel.jsonio import to_jsonable
from ..parallel.jsonio import from_jsonable as _unconv

__all__ = ["Sharing", "CodeYield", "YieldResult", "BruteForceYield"]



@dataclass(frozen=True)
class Sharing:
    """Who shares the periphery (hierarchical variation die -> periphery -> bit).

    Parameters
    ----------
    cols_per_sa : int or None
        Columns of a tile served by one sense amplifier, whose static offset
        is drawn once per chip [-]; None: a fresh offset per read (flat model).
    cols_per_ref : int or None
        Columns of a tile served by one reference pair (cells drawn once per
        chip) [-]; None: fresh reference cells per read (flat model).
    """

    cols_per_sa: int | None = None
    cols_per_ref: int | None = None

    def __post_init__(self):
        for f in ("cols_per_sa", "cols_per_ref"):
            v = getattr(self, f)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1):
                raise ParameterError(f"Sharing.{f}", v, "None or an integer >= 1")

    @property
    def flat(self) -> bool:
        return self.cols_per_sa is None and self.cols_per_ref is None

    def to_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class CodeYield:
    """Yield of one code: ``code`` (name, k, check_bits, t), die yield and its 95 % interval [-],
    the mean word failure probability [-], the expected failing words per die [-],
    and the die failure probability ``1 - die_yield`` [-]."""

    code: dict
    die_yield: float
    die_yield_ci: tuple
    word_failure: float
    failing_words_per_die: float
    die_failure: float
    words_per_die: int


@dataclass
class YieldResult:
    """Result of :func:`read_yield`.

    Attributes
    ----------
    n_bits : int
        Data bits per die [-].
    codes : list of CodeYield
        One entry per code asked for (the first is the headline).
    ber : float
        Array-average per-bit error probability (over dies, rows, columns) [-].
    ber_by_row : dict
        ``rows`` evaluated [-] and their average BER [-].
    integration : str
        'quadrature' (die variables, Simpson) or 'monte-carlo' (die and periphery).
    n_shared : int
        Quadrature nodes or Monte Carlo dies [-].
    sharing : dict
        :class:`Sharing` fields.
    inputs : dict
        Seed, grid, lines, row classes.
    seconds : float
        Wall time [s].
    """

    n_bits: int
    codes: list
    ber: float
    ber_by_row: dict
    integration: str
    n_shared: int
    sharing: dict
    inputs: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def die_yield(self) -> float:
        return self.codes[0].die_yield

    @property
    def die_yield_ci(self) -> tuple:
        return self.codes[0].die_yield_ci

    def code(self, name) -> CodeYield:
        for c in self.codes:
            if c.code["name"] == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, d) -> "YieldResult":
        d = _unconv(d)
        codes = [CodeYield(**{**c, "die_yield_ci": tuple(c["die_yield_ci"])}) for c in d["codes"]]
        return cls(**{**d, "codes": codes})

    def to_json(self, path):
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=1)
        return path

    @classmethod
    def from_json(cls, path) -> "YieldResult":
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))


@dataclass
class BruteForceYield:
    """Whole-die simulation: dies [-], failing dies per code [-], yields and 95 % Clopper-Pearson
    intervals [-], bit error fraction [-]."""

    n_dies: int
    fails: dict
    die_yield: dict
    die_yield_ci: dict
    ber: float
    seconds: float = 0.0
