"""PySpice interop: the compact model as a ``SubCircuitFactory`` for your own circuits.

PySpice is imported here only (``import mramsim`` does not import it). The
subcircuit is the ngspice card (:mod:`mramsim.compact.export.ngspice`): a
B-source ``I = V/R(V, temper)``, with instance parameters ``state``, ``area``,
``rscale``, ``tmrscale``. To simulate with ngspice-shared, call
:func:`configure_ngspice_shared` first (it points PySpice at Debian's
``libngspice.so.0`` when no ``libngspice.so`` exists); ``pyspice_subcircuit``
does it for you.

Reference: F. Salvaire, PySpice 1.5 documentation, "SubCircuit" and
"NgSpiceShared" (https://pyspice.fabrice-salvaire.fr).
"""
from __future__ import annotations

from ..errors import ParameterError

__all__ = ["pyspice_subcircuit", "configure_ngspice_shared"]


def configure_ngspice_shared() -> str | None:
    """Point PySpice's ``NgSpiceShared.LIBRARY_PATH`` at an existing libngspice; return it.

    Leaves an explicit ``NGSPICE_LIBRARY_PATH`` environment variable or an
    already existing absolute library path alone.
    """
    import os

    from PySpice.Spice.NgSpice.Shared import NgSpiceShared

    from ..circuit.sim.ngspice import _shared_library_path

    if os.environ.get("NGSPICE_LIBRARY_PATH"):
        return os.environ["NGSPICE_LIBRARY_PATH"]
    current = NgSpiceShared.LIBRARY_PATH
    if current and os.path.isabs(current.format("")) and os.path.exists(current.format("")):
        return current
    lib = _shared_library_path()
    if lib is not None:
        NgSpiceShared.LIBRARY_PATH = lib
    return lib


def _card_body(cm, name):
    """Element lines of the ngspice card between ``.subckt`` and ``.ends`` (continuations joined)."""
    text = cm.to_netlist("ngspice", name=name)
    logical = []
    for line in text.splitlines():
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

    from .export import check_name

    name = check_name("name", cm.name if name is None else name)
    configure_ngspice_shared()
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
