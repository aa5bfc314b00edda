"""TOML study description -> validated, frozen pydantic models in SI units.

A config file describes one device-to-array study: the stack (a preset, with
any field overridden, or fully explicit), the anneal, the R(V,T) grid, the
compact-model and export options, the array, the variation, the read scheme,
the Monte Carlo size and seed, the sweeps and the executor.

Units live at the edge: every key with a unit carries it in its name
(``temperature_C``, ``time_s``, ``thickness_nm``, ``v_read_V`` ...) and is
converted to SI exactly once, when loaded. Every problem is a
:class:`mramsim.errors.ConfigError` naming the dotted key and its line.
Defaults and limits come from the classes each table configures;
``describe()`` prints every key (built from ``FlowConfig.model_json_schema()``).

Example
-------
.. code-block:: toml

    [stack]
    preset = "cofeb_mgo"
    diameter_nm = 60

    [anneal]
    temperature_C = 400

    [read]
    v_read_V = 0.15
    temperature_C = 125
"""
from ...array.read import REFERENCES as _REFERENCES
from ...compact.export import DIALECTS as _DIALECTS
from ._keys import key_lines
from .flow_config import FlowConfig, describe, load_config, parse_config
from .sections import (AccessConfig, AnnealConfig, AnnealMapConfig, ArrayConfig, BarrierConfig, CompactConfig,
                       DeviceConfig, ElectrodeConfig, ExportConfig, MonteCarloConfig, ReadConfig, RunConfig,
                       SpiceCheckConfig, StackConfig, SweepsConfig, VariationConfig, WiresConfig, check_executor)

#: Export dialects (``[export] dialects``): the compact-model exporters' registry.
DIALECTS = tuple(_DIALECTS)
#: Read reference schemes (``[read] reference``).
REFERENCES = tuple(_REFERENCES)

__all__ = ["load_config", "parse_config", "describe", "key_lines", "check_executor", "FlowConfig", "RunConfig",
           "StackConfig", "BarrierConfig", "ElectrodeConfig", "AnnealConfig", "DeviceConfig", "CompactConfig",
           "ExportConfig", "ArrayConfig", "AccessConfig", "WiresConfig", "VariationConfig", "AnnealMapConfig",
           "ReadConfig", "MonteCarloConfig", "SweepsConfig", "SpiceCheckConfig", "DIALECTS", "REFERENCES"]
