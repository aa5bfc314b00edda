"""Spectre ``ahdl_include`` renderer: a Spectre netlist that compiles the Verilog-A module.

The form most Spectre users use for Verilog-A models: ``simulator
lang=spectre``, ``ahdl_include "<name>.va"`` (the module written by the
``verilog-a`` dialect, expected next to this file), and a usage line
``X1 (te be) <name> state=0 area=... rscale=1 tmrscale=1``; the statistical
variant adds a ``subckt <name>_mc`` wrapper with ``statistics { mismatch { vary
... } }``. The text comes from :func:`mramsim.compact.export.verilog_a.spectre_ahdl`
(syntax and references there). Spectre itself was not run here; the included
module is the one verified in VACASK (OpenVAF).
"""
from __future__ import annotations

from .verilog_a import spectre_ahdl


def render(cm, name: str, statistical: bool = False, **options) -> str:
    """Spectre netlist that ``ahdl_include``s ``<name>.va`` (see module docstring)."""
    return spectre_ahdl(cm, name=name, statistical=statistical, **options)
