"""Config or preset -> objects: the one place that builds a study's objects.

stack -> device -> R(V,T) table -> compact model -> array -> variation -> read
scheme. The command line (``device``, ``export``, ``netlist``,
``check-spice``, ``margin``, ``run``), the flow and the cross-checks all
call these functions, so the same config always gives the same objects.
"""
from __future__ import annotations

import math
from dataclasses import replace

from .config import FlowConfig
from .config.sections import build_stack

__all__ = ["build_stack", "build_anneal", "build_device", "build_table", "fit_options", "build_compact",
           "build_access", "build_wires", "build_array", "build_variation", "build_read", "build_free_layer",
           "preset_compact", "compact_from_config", "preset_device", "junction_cd", "measured_table"]


def build_anneal(an):
    """The :class:`mramsim.Anneal` of an [anneal] table (None: as deposited)."""
    from ..stack import Anneal

    return None if an is None else Anneal(temperature=an.temperature, time=an.time, cap=an.cap)


def build_device(cfg: FlowConfig, anneal_temperature: float | None = None):
    """The :class:`mramsim.MTJDevice` of the config (``anneal_temperature`` [K] overrides [anneal])."""
    from ..physics.device import MTJDevice

    from ..stack import Anneal

    anneal = build_anneal(cfg.anneal)
    if anneal_temperature is not None:
        anneal = replace(anneal, temperature=anneal_temperature) if anneal else Anneal(anneal_temperature)
    return MTJDevice(build_stack(cfg.stack), anneal=anneal)


def build_table(cfg: FlowConfig, device=None):
    """The R(V,T) table of the config's [device] grid (or of [stack] measurement, see :func:`measured_table`)."""
    if cfg.stack.measurement:
        return measured_table(cfg)
    V, T = cfg.device.grid()
    return (device or build_device(cfg)).rv_table(V=V, T=T)


def measured_table(cfg: FlowConfig):
    """The R(V,T) table resampled from the [stack] measurement file.

    The [device] bias grid clipped to the measured range; the measured temperatures
    (missing ones taken as 300 K); the file's area, else the stack's. The table is the
    device as measured (series resistance included).
    """
    from pathlib import Path

    import numpy as np

    from ..measure.io import read_measurements

    path = Path(cfg.stack.measurement)
    if not path.is_absolute() and cfg.source:
        path = Path(cfg.source).parent / path
    ms = read_measurements(path)
    V, _ = cfg.device.grid()
    ok = np.isfinite(ms.R)
    lo = max(float(ms.V[ok & (ms.state == s)].min()) for s in ("P", "AP"))
    hi = min(float(ms.V[ok & (ms.state == s)].max()) for s in ("P", "AP"))
    tab = ms.to_rvtable(V=V[(V >= lo) & (V <= hi)], default_T=300.0)
    if not np.isfinite(tab.area):
        tab = replace(tab, area=build_stack(cfg.stack).area)
    return tab


def fit_options(cfg: FlowConfig) -> dict:
    """Keyword arguments of :func:`mramsim.fit_compact` from [compact] and the table's span."""
    c = cfg.compact
    return {"name": c.name, "v_window": min(c.v_window, cfg.device.v_max),
            "t_window": (cfg.device.t_min, cfg.device.t_max), "tmr_temperature": c.tmr_temperature,
            "magnon": c.magnon}


def build_compact(cfg: FlowConfig, table):
    """The compact model fitted to ``table`` with the [compact] options."""
    from ..compact.fit import fit_compact

    return fit_compact(table, **fit_options(cfg))


def compact_from_config(cfg: FlowConfig, anneal_temperature: float | None = None):
    """physics -> table -> compact model of a config (what ``run``, ``netlist`` and ``check-spice`` use)."""
    return build_compact(cfg, build_table(cfg, build_device(cfg, anneal_temperature)))


def preset_compact(preset: str, anneal_temperature: float | None = 673.15, anneal_time: float = 3600.0,
                   cap: str = "Ta"):
    """Compact model of a stack preset (``mramsim.compact.presets.preset_model``; the card is named
    after the preset); ``anneal_temperature`` None: as deposited, on the same grid."""
    from ..compact.presets import PRESET_GRID, preset_model

    if anneal_temperature is not None:
        return preset_model(preset, anneal_temperature=anneal_temperature, anneal_time=anneal_time, cap=cap)
    import numpy as np

    from .._text import check_name
    from ..compact.fit import fit_compact
    from ..physics.device import MTJDevice
    from ..stack import Stack

    check_name("preset", preset)
    tab = MTJDevice(Stack.preset(preset)).rv_table(V=np.linspace(*PRESET_GRID["V"]), T=np.linspace(*PRESET_GRID["T"]))
    return fit_compact(tab, name=preset)


def build_access(cfg: FlowConfig):
    """The :class:`mramsim.AccessNMOS` of [array.access]."""
    from ..circuit.elements import AccessNMOS

    return AccessNMOS(**cfg.array.access.given())


def build_wires(cfg: FlowConfig):
    """The :class:`mramsim.Wires` of [array.wires]."""
    from ..circuit.elements import Wires

    return Wires(**cfg.array.wires.given())


def build_array(cfg: FlowConfig, mtj, *, rows: int | None = None, cols: int | None = None, **kw):
    """The :class:`mramsim.Array1T1MTJ` of ``mtj`` ([array]; ``rows``/``cols`` override the size)."""
    from ..circuit.graph import Array1T1MTJ

    return Array1T1MTJ(rows=rows or cfg.array.rows, cols=cols or cfg.array.cols, mtj=mtj, access=build_access(cfg),
                       wires=build_wires(cfg), v_wl=cfg.array.v_wl, **kw)


def build_variation(cfg: FlowConfig, stack=None, anneal=None):
    """The :class:`mramsim.Variation` of [variation] (with its AnnealMap for ``stack``/``anneal``)."""
    from ..array.variation import AnnealMap, Variation
    from .config import anneal_map_kwargs

    var = cfg.variation
    amap = None
    if var.anneal_map is not None:
        amap = AnnealMap(stack=stack, **anneal_map_kwargs(var.anneal_map, anneal))
    kw = {k: v for k, v in var.__dict__.items() if k != "anneal_map"}
    return Variation(anneal=amap, **kw)


def build_read(cfg: FlowConfig, **changes):
    """The :class:`mramsim.ReadScheme` of [read] (``changes`` applied, e.g. a sweep point)."""
    return cfg.read.build(**changes)


def build_free_layer(cfg: FlowConfig, stack):
    """The :class:`mramsim.physics.switching.FreeLayer` of [write.free_layer] (diameter omitted: the junction
    diameter ``sqrt(4 A / pi)`` of ``stack``, so the write and read models describe the same pillar)."""
    return cfg.write.free_layer.build(stack)


def junction_cd(cfg: FlowConfig, stack) -> float:
    """Nominal junction diameter [m]: [variation] cd_nm or from the stack's area."""
    return cfg.variation.cd if cfg.variation.cd is not None else math.sqrt(4.0 * stack.area / math.pi)


def preset_device(preset: str, anneal_temperature: float | None = 673.15, anneal_time: float = 3600.0,
                  cap: str = "Ta"):
    """The :class:`mramsim.MTJDevice` of a stack preset after an anneal (None: as deposited)."""
    from ..physics.device import MTJDevice
    from ..stack import Anneal, Stack

    anneal = None if anneal_temperature is None else Anneal(anneal_temperature, anneal_time, cap)
    return MTJDevice(Stack.preset(preset), anneal=anneal)
