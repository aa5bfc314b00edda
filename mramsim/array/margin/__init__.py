"""Read margin and bit-error rate of a 1T-1MTJ array: Monte Carlo, closed form (FORM), importance sampling.

One *read* of a bit draws ``u ~ N(0, I)`` over the active variables and
returns the P and AP margins (:mod:`.evaluate`). The per-bit error rate for
equiprobable data is

.. math:: \\mathrm{BER} = \\tfrac12\\,[P(m_P < 0) + P(m_{AP} < 0)],

estimated by plain Monte Carlo (:mod:`.montecarlo`), the closed form and
importance sampling (:mod:`.tails`); :func:`read_margin` (:mod:`.api`) runs
them and returns a :class:`ReadMarginResult` (:mod:`.result`).
"""
from __future__ import annotations

from .api import METHODS, read_margin
from .evaluate import ReadContext, evaluate_reads, nominal_reads
from .montecarlo import CELLS_PER_BLOCK, SUB_BLOCK_CELLS, clopper_pearson
from .result import (FormEstimate, ImportanceEstimate, IRMap, KeptSamples, MarginInputs, MonteCarloEstimate,
                     NominalReads, ReadMarginResult, RowStats, StateMonteCarlo, TailWorld, Timings, WorstRead)
from .tails import design_point

__all__ = [
    "ReadMarginResult", "read_margin", "evaluate_reads", "nominal_reads", "ReadContext", "clopper_pearson",
    "design_point", "METHODS", "CELLS_PER_BLOCK", "SUB_BLOCK_CELLS", "MonteCarloEstimate", "StateMonteCarlo",
    "WorstRead", "TailWorld", "FormEstimate", "ImportanceEstimate", "NominalReads", "IRMap", "KeptSamples",
    "MarginInputs", "Timings", "RowStats",
]
