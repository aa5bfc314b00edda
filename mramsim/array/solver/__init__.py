"""Read currents of a 1T-1MTJ array: fast vectorised solver and full sparse check.

Modules, one idea each:

* :mod:`.ladder` -- column equivalents: each column's linear network reduced
  (banded solve) to the Thevenin equivalent its selected cell sees;
* :mod:`.spline` -- the MTJ's 1/R_P(V) and TMR(V) as a checked cubic spline;
* :mod:`.newton` -- Newton on the selected cells' MTJ voltages: the numpy
  reference kernel and the dispatch to the compiled kernel (:mod:`.kernels`,
  numba, imported lazily);
* :mod:`.read` -- :func:`read_currents` (checked), :func:`read_uniform` (the
  unchecked fast entry of the Monte Carlo) and the per-row solve;
* :mod:`.nodal` -- :func:`solve_full`, modified nodal analysis of every node
  with sparse Newton, for checks;
* :mod:`.checks` -- the checks of every fast read on the voltages it solved:
  unselected transistors off (else :class:`~mramsim.errors.ParameterError`)
  and a bound of the unselected MTJs' linearisation error (samples above
  1e-6 relative solved by :func:`solve_full`);
* :mod:`.common` -- :class:`ReadSolution` and the input checks both solvers share.

Memory is estimated before allocation (:mod:`mramsim.array.memory`).
"""
from __future__ import annotations

from .ladder import column_equivalents
from .nodal import FullSolution, solve_full
from .read import (CHUNK, ReadSolution, array_key, clear_caches, default_solver, read_currents,
                   read_uniform)

__all__ = ["ReadSolution", "FullSolution", "read_currents", "read_uniform", "solve_full", "column_equivalents",
           "default_solver", "clear_caches", "array_key", "CHUNK"]
