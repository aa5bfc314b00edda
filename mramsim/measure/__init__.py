"""Measured junction data: readers, extraction fits with uncertainties, diagnosis.

Layer: with :mod:`mramsim.circuit`, above :mod:`mramsim.compact` (imports
errors/constants/_validation, stack/materials, physics, compact; never array/run).

* :mod:`.io` -- :func:`read_measurements`, :func:`read_wafer_map`, :class:`MeasurementSet`
* :mod:`.extract` -- :func:`fit_bdr`, :func:`fit_shang`, :func:`fit_vh`, :func:`fit_series_resistance`
* :mod:`.diagnose` -- pinholes (Rowell criteria), series resistance, asymmetry, magnon share
* :mod:`.superconducting` -- spin polarization from Meservey-Tedrow spectroscopy
* :mod:`.wafer` -- wafer-map statistics
"""
from .extract import FitResult, fit_bdr, fit_series_resistance, fit_shang, fit_vh
from .diagnose import Diagnosis, diagnose
from .io import MeasurementFileError, MeasurementSet, WaferMap, from_arrays, read_measurements, read_wafer_map

__all__ = ["Diagnosis", "diagnose", "FitResult", "fit_bdr", "fit_series_resistance", "fit_shang", "fit_vh", "MeasurementFileError",
           "MeasurementSet", "WaferMap", "from_arrays", "read_measurements", "read_wafer_map"]
