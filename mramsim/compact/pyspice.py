"""PySpice interop: the compact model as a ``SubCircuitFactory`` for your own circuits.

PySpice is imported here only (``import mramsim`` does not import it). The
subcircuit is the ngspice card (:mod:`mramsim.compact.export.ngspice`): a
B-source ``I = V/R(V, temper)``, with instance parameters ``state``, ``area``,
``rscale``, ``tmrscale``. This module only builds the subcircuit; to simulate
with ngspice-shared on Debian (which ships ``libngspice.so.0`` but no
``libngspice.so``), call
:func:`mramsim.circuit.sim.pyspice.configure_ngspice_shared` first.

Reference: F. Salvaire, PySpice 1.5 documentation, "SubCircuit" and
"NgSpiceShared" (https://pyspice.fabrice-salvaire.fr).
"""
from __future__ import annotations

from .._text import check_line, check_name
from ..errors import ParameterError

__all__ = ["pyspice_subcircuit"]


def _card_body(cm, name):
    """Element lines of the ngspice card between ``.subckt`` and ``.ends`` (continuations joined).

    The card's free text went through :func:`mramsim._text.sanitize_text` and its
    names through :func:`mramsim._text.check_name`, so ``"\\n"`` is its only line
    break; the text is split on ``"\\n"`` only (never ``str.splitlines``, which
    also breaks on U+2028, U+0085, ``\\v`` ...), and a line that still holds
    another line-break or control character is refused.
    """
    text = cm.to_netlist("ngspice", name=name)
    logical = []
    for line in text.split("\n"):
        check_line("ngspice card line", line)
        if line.startswith("*") or not line.strip():
            continue
        if line.startswith("+") and logical:
            logical[-1] += " " + line[1:].strip()
        else:
            logical.append(line)
    body = [ln for ln in logical if not ln.lower().startswith((".subckt", ".ends"))]
    return body


def pyspice_subcircuit(cm, name: str | None = None):
    """A PySpice ``SubCircuitFactory`` subclass carrying ``cm``.

    Parameters
    ----------
    cm : CompactMTJ
        The model.
    name : str, optional
        Subcircuit name (default ``cm.name``).

    Returns
    -------
    type
        Subclass of ``PySpice.Spice.Netlist.SubCircuitFactory`` with
        ``NAME``, ``NODES = ('te', 'be')`` and parameters ``state=0``,
        ``area=<fitted>``, ``rscale=1``, ``tmrscale=1``. Use it as::

            circuit.subcircuit(Sub())
            circuit.X('mtj1', Sub.NAME, 'bl', 'sl', state=1)
    """
    from PySpice.Spice.Netlist import SubCircuitFactory

    name = check_name("name", cm.name if name is None else name)
    body = _card_body(cm, name)
    defaults = {"state": 0, "area": cm.area, "rscale": 1, "tmrscale": 1}

    class _MTJSubCircuit(SubCircuitFactory):
        NAME = name
        NODES = ("te", "be")

        def __init__(self, **params):
            unknown = set(params) - set(defaults)
            if unknown:
                raise ParameterError(f"{name} parameter", sorted(unknown)[0], "one of " + ", ".join(defaults))
            merged = dict(defaults)
            merged.update(params)
            super().__init__(**merged)
            for line in body:
                self.raw_spice += line + "\n"

    _MTJSubCircuit.__name__ = f"{name}_subcircuit"
    _MTJSubCircuit.__qualname__ = _MTJSubCircuit.__name__
    _MTJSubCircuit.MODEL = cm
    return _MTJSubCircuit
