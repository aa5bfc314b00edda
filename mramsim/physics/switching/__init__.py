"""Write-path physics: macrospin spin-transfer switching, Fokker-Planck WER, stochastic LLGS.

Modules: :mod:`.macrospin` (free layer, I_c0, Delta(T), Slonczewski efficiency, regimes and
closed forms), :mod:`.fokker_planck` (WER solver), :mod:`.llgs` (stochastic LLGS ensemble, numba,
imported lazily).
"""
from .macrospin import (FreeLayer, brown_tau0, closed_form_wer, precessional_switching_time,
                        retention_failure, retention_time, slonczewski_g, switching_regime,
                        thermal_switching_probability, zero_temperature_switching_time)
from .fokker_planck import FPSolution, WERResult, fp_wer, switching_time_stats, write_error_rate

__all__ = ["FreeLayer", "brown_tau0", "closed_form_wer", "precessional_switching_time",
           "retention_failure", "retention_time", "slonczewski_g", "switching_regime",
           "thermal_switching_probability", "zero_temperature_switching_time",
           "FPSolution", "WERResult", "fp_wer", "switching_time_stats", "write_error_rate"]
