"""mramsim: MRAM device-to-array simulation.

physics (R_P/R_AP(V,T) from stack + anneal) -> compact model (fitted, exported
to SPICE / Verilog-A) -> array (1T-1MTJ netlists, fast solver, read margin/BER).

The public names below are imported lazily, so ``import mramsim`` stays light
(no matplotlib, PySpice or Dask until a function needs them).
"""
from __future__ import annotations

import importlib

from ._version import __version__

_EXPORTS = {
    # errors
    "MramsimError": "mramsim.errors",
    "ParameterError": "mramsim.errors",
    "UnknownNameError": "mramsim.errors",
    "ConfigError": "mramsim.errors",
    "NetlistError": "mramsim.errors",
    "SimulationError": "mramsim.errors",
    "ConvergenceError": "mramsim.errors",
    # materials and stack
    "Electrode": "mramsim.materials",
    "Barrier": "mramsim.materials",
    "Stack": "mramsim.stack",
    "Anneal": "mramsim.stack",
    # physics
    "MTJDevice": "mramsim.physics.device",
    "RVTable": "mramsim.physics.rvtable",
    # compact model
    "CompactMTJ": "mramsim.compact.model",
    "fit_compact": "mramsim.compact.fit",
    "FitReport": "mramsim.compact.fit",
    # array
    "Array1T1MTJ": "mramsim.circuit.graph",
    "AccessNMOS": "mramsim.circuit.elements",
    "Wires": "mramsim.circuit.elements",
    "Variation": "mramsim.array.variation",
    "AnnealMap": "mramsim.array.variation",
    "ReadScheme": "mramsim.array.read",
    "read_margin": "mramsim.array.margin",
    "ReadMarginResult": "mramsim.array.margin",
    # flow
    "load_config": "mramsim.run.config",
    "run_flow": "mramsim.run.flow",
    "FlowConfig": "mramsim.run.config",
    "FlowResult": "mramsim.run.flow",
    "SpiceCrossCheck": "mramsim.array.crosscheck",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'mramsim' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
