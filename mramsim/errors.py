"""Error types of mramsim.

Every error a user can trigger with bad input is a :class:`MramsimError`
(a ``ValueError``), and its message names the field, the offending value and
the allowed range, so it can be fixed without reading a traceback.
"""
from __future__ import annotations

__all__ = [
    "MramsimError",
    "ParameterError",
    "UnknownNameError",
    "ConfigError",
    "NetlistError",
    "SimulationError",
    "ConvergenceError",
    "ExecutorError",
]


def _one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line (an array's repr spans several), shortened to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class MramsimError(ValueError):
    """Base class of every error mramsim raises on purpose."""


class ParameterError(MramsimError):
    """A parameter is outside its allowed range.

    Parameters
    ----------
    field : str
        Name of the parameter (as the user wrote it: ``"Barrier.thickness"``).
    value : object
        The offending value.
    allowed : str
        Human-readable allowed range, e.g. ``"> 0 m"`` or ``"[0, 1)"``.
    """

    def __init__(self, field: str, value: object, allowed: str, hint: str = ""):
        self.field = field
        self.value = value
        self.allowed = allowed
        msg = f"{_one_line(field)} = {_one_line(repr(value))} is invalid; allowed: {allowed}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class UnknownNameError(ParameterError):
    """A name (preset, dialect, scheme, ...) is not one of the known ones."""

    def __init__(self, field: str, value: object, valid):
        valid = sorted(valid)
        super().__init__(field, value, "one of " + ", ".join(repr(v) for v in valid))
        self.valid = valid


class ConfigError(MramsimError):
    """A configuration file is malformed; names the key and, where known, the line."""

    def __init__(self, key: str, message: str, line: int | None = None, path: str | None = None):
        self.key = key
        self.line = line
        self.path = path
        where = ""
        if path:
            where += f"{path}"
        if line is not None:
            where += f":{line}" if where else f"line {line}"
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}config key '{key}': {message}")


class NetlistError(MramsimError):
    """A netlist could not be built (bad name, floating node, unknown element)."""


class SimulationError(MramsimError, RuntimeError):
    """An external simulator failed; carries its own message and the netlist path."""

    def __init__(self, message: str, netlist_path: str | None = None, simulator_output: str = ""):
        self.netlist_path = netlist_path
        self.simulator_output = simulator_output
        text = message
        if netlist_path:
            text += f"\n  netlist: {netlist_path}"
        if simulator_output:
            text += "\n  simulator said:\n    " + "\n    ".join(simulator_output.strip().splitlines()[-30:])
        super().__init__(text)


class ConvergenceError(MramsimError, RuntimeError):
    """A nonlinear solve did not converge; never returns a silent result."""


class ExecutorError(MramsimError, RuntimeError):
    """A parallel executor could not be started or reached (e.g. an unreachable dask scheduler)."""
