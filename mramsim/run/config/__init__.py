"""TOML study description -> validated, frozen pydantic models in SI units (stack, anneal, R(V,T) grid,
compact model, export, array, variation, read scheme, Monte Carlo, sweeps, yield, executor).

Units live at the edge: a key with a unit carries it in its name (``temperature_C``, ``diameter_nm``,
``v_read_V``) and is converted to SI once, when loaded. Every problem is a :class:`mramsim.errors.ConfigError`
naming the dotted key and its line. Defaults and limits come from the classes each table configures;
``describe()`` prints every key. Example: ``[stack] preset = "cofeb_mgo"``, ``[anneal] temperature_C = 400``.
"""
from ...array.read import REFERENCES as _REFERENCES
from ...compact.export import DIALECTS as _DIALECTS
from ._keys import key_lines
from .flow_config import FlowConfig, describe, load_config, parse_config
from .sections import (AccessConfig, AnnealConfig, AnnealMapConfig, ArrayConfig, BarrierConfig, CompactConfig,
                       DeviceConfig, ElectrodeConfig, ExportConfig, MonteCarloConfig, ReadConfig, RunConfig,
                       SpiceCheckConfig, StackConfig, SweepsConfig, VariationConfig, WiresConfig, check_executor)

DIALECTS = tuple(_DIALECTS)  #: export dialects (``[export] dialects``): the compact-model exporters' registry
REFERENCES = tuple(_REFERENCES)  #: read reference schemes (``[read] reference``)

__all__ = ["load_config", "parse_config", "describe", "key_lines", "check_executor", "FlowConfig", "RunConfig",
           "StackConfig", "BarrierConfig", "ElectrodeConfig", "AnnealConfig", "DeviceConfig", "CompactConfig",
           "ExportConfig", "ArrayConfig", "AccessConfig", "WiresConfig", "VariationConfig", "AnnealMapConfig",
           "ReadConfig", "MonteCarloConfig", "SweepsConfig", "SpiceCheckConfig", "DIALECTS", "REFERENCES"]
