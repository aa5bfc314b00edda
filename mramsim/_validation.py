"""Small validators used by the dataclasses' ``__post_init__``.

Each raises :class:`mramsim.errors.ParameterError` naming field, value and the
allowed range. They accept scalars or array-likes (every element is checked).
"""
from __future__ import annotations

import math
import os
import re
from typing import Iterable, Mapping

import numpy as np

from .errors import ParameterError, UnknownNameError


def _as_float_array(field: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(field, value, "a real number") from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(field, value, "a finite real number")
    return arr


def check_scalar(field: str, value, allowed: str = "a finite real number") -> float:
    """Check ``value`` is ONE finite real number (not a sequence, string, bool or None).

    Returns it as a Python float. A scalar field given a list would otherwise
    broadcast silently and make every result an array.
    """
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ParameterError(field, value, allowed)
    try:
        ndim = np.ndim(value)
    except (TypeError, ValueError):  # ragged nesting
        raise ParameterError(field, value, allowed + " (a scalar, not a sequence)") from None
    if ndim != 0:
        raise ParameterError(field, value, allowed + " (a scalar, not a sequence)")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(field, value, allowed) from None
    if not math.isfinite(x):
        raise ParameterError(field, value, allowed)
    return x


def check_str(field: str, value, allowed: str = "a string") -> str:
    """Check ``value`` is a ``str`` (a name or label); return it."""
    if not isinstance(value, str):
        raise ParameterError(field, value, allowed)
    return value


def check_scalars(prefix: str, obj, names: Iterable[str]) -> None:
    """Check each attribute ``names`` of ``obj`` with :func:`check_scalar` (field ``prefix.name``)."""
    for name in names:
        check_scalar(f"{prefix}.{name}", getattr(obj, name))


def check_shape(field: str, value, shape: tuple, what: str = "") -> np.ndarray:
    """Check ``value`` is a finite float array of exactly ``shape``; return it.

    No reshaping: a transposed (nT, nV) table given for (nV, nT) is an error,
    and the message names the expected and the given shape.
    """
    arr = _as_float_array(field, value)
    if arr.shape != tuple(shape):
        extra = f" {what}" if what else ""
        raise ParameterError(field, f"array of shape {arr.shape}", f"an array of shape {tuple(shape)}{extra}")
    return arr


def check_broadcast(fields: tuple, *arrays) -> tuple:
    """Broadcast ``arrays`` together (numpy rules) or raise naming each field's shape."""
    try:
        return tuple(np.broadcast_arrays(*[np.asarray(a) for a in arrays]))
    except ValueError:
        shapes = ", ".join(f"{f}: {np.shape(a)}" for f, a in zip(fields, arrays))
        raise ParameterError("/".join(fields), f"shapes {shapes}", "shapes that broadcast together (numpy rules)") from None


def check_finite(field: str, value) -> np.ndarray:
    """Check ``value`` is finite real; return it as a float array."""
    return _as_float_array(field, value)


def check_range(
    field: str,
    value,
    lo: float = -math.inf,
    hi: float = math.inf,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    unit: str = "",
):
    """Check ``lo <(=) value <(=) hi`` elementwise; return ``value`` unchanged.

    Parameters
    ----------
    field : str
        Name used in the error message.
    value : float or array_like
        Value(s) to check.
    lo, hi : float
        Bounds.
    lo_open, hi_open : bool
        Whether the bound itself is excluded.
    unit : str
        Unit shown in the message, e.g. ``"m"``.
    """
    arr = _as_float_array(field, value)
    ok = np.ones(arr.shape, dtype=bool)
    # A closed bound admits values a few ulp outside it: a documented edge given in
    # other units (-23.15 C -> 249.99999999999997 K for a 250 K bound) is the edge.
    if lo > -math.inf:
        ok &= (arr > lo) if lo_open else (arr >= lo - _slack(lo))
    if hi < math.inf:
        ok &= (arr < hi) if hi_open else (arr <= hi + _slack(hi))
    if not np.all(ok):
        left = "(" if lo_open or lo == -math.inf else "["
        right = ")" if hi_open or hi == math.inf else "]"
        u = f" {unit}" if unit else ""
        lo_s = "-inf" if lo == -math.inf else f"{lo:g}"
        hi_s = "inf" if hi == math.inf else f"{hi:g}"
        bad = arr[~ok].ravel()[0] if arr.ndim else float(arr)
        raise ParameterError(field, value if arr.ndim == 0 else bad, f"{left}{lo_s}, {hi_s}{right}{u}")
    return value


#: How many units in the last place a closed bound tolerates (floating-point round trips).
_ULP_SLACK = 4


def _slack(bound: float) -> float:
    """Tolerance of a closed bound: a few ulp of it (none at 0, where no unit conversion lands)."""
    return 0.0 if bound == 0.0 else _ULP_SLACK * float(np.spacing(abs(bound)))


def check_positive(field: str, value, unit: str = ""):
    """Check ``value > 0``."""
    return check_range(field, value, 0.0, lo_open=True, unit=unit)


def check_nonnegative(field: str, value, unit: str = ""):
    """Check ``value >= 0``."""
    return check_range(field, value, 0.0, unit=unit)


def check_temperature(field: str, value):
    """Check a temperature is > 0 K."""
    return check_range(field, value, 0.0, lo_open=True, unit="K")


def check_polarization(field: str, value):
    """Check a spin polarization lies in (-1, 1)."""
    return check_range(field, value, -1.0, 1.0, lo_open=True, hi_open=True)


def check_choice(field: str, value, valid: Iterable[str] | Mapping[str, object]):
    """Check ``value`` is one of ``valid`` (a registry's keys); return it."""
    keys = list(valid.keys()) if isinstance(valid, Mapping) else list(valid)
    if not isinstance(value, str) or value not in keys:
        raise UnknownNameError(field, value, keys)
    return value


_STATE_ALIASES = {"P": 0, "p": 0, "AP": 1, "ap": 1, 0: 0, 1: 1}


def parse_state(state, field: str = "state"):
    """Map a magnetic state to 0 (P) or 1 (AP).

    Accepts ``"P"``, ``"AP"``, 0, 1, or an integer array of 0/1.
    """
    if isinstance(state, str) or np.isscalar(state):
        try:
            return _STATE_ALIASES[state]
        except (KeyError, TypeError):
            raise ParameterError(field, state, "'P', 'AP', 0 or 1") from None
    try:
        arr = np.asarray(state)
    except (TypeError, ValueError):  # ragged nesting
        raise ParameterError(field, state, "'P', 'AP', 0 or 1 (or an integer array of 0/1)") from None
    if arr.dtype.kind not in "iub" or not np.all((arr == 0) | (arr == 1)):
        raise ParameterError(field, state, "'P', 'AP', 0 or 1 (or an integer array of 0/1)")
    return arr.astype(np.int8)


# -- memory estimates checked before large allocations (limit: argument, $MRAMSIM_MEMORY_LIMIT,
#    else half the physical memory; see mramsim.array.memory) ------------------------------------
ENV_VAR = "MRAMSIM_MEMORY_LIMIT"
_GIB = 2.0 ** 30
_SUFFIX = {"": 1, "k": 2 ** 10, "kib": 2 ** 10, "m": 2 ** 20, "mib": 2 ** 20, "g": 2 ** 30, "gib": 2 ** 30,
           "t": 2 ** 40, "tib": 2 ** 40}


def _physical_half() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES")) // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 2 ** 30


def memory_limit(limit=None) -> int:
    """The memory limit [bytes]: ``limit``, else ``$MRAMSIM_MEMORY_LIMIT``, else half the physical memory."""
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not limit > 0:
            raise ParameterError("memory_limit", limit, "a number of bytes > 0")
        return int(limit)
    text = os.environ.get(ENV_VAR, "").strip()
    if not text:
        return _physical_half()
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]*)?(?:[eE][0-9]+)?)\s*([A-Za-z]*)", text)
    if m is None or m.group(2).lower() not in _SUFFIX or not float(m.group(1)) > 0:
        raise ParameterError(ENV_VAR, text, "a number of bytes > 0, optionally with a suffix K, M, G, KiB, MiB, GiB")
    return int(float(m.group(1)) * _SUFFIX[m.group(2).lower()])


def check_memory(key: str, nbytes: float, limit=None, what: str = "") -> None:
    """Raise :class:`ParameterError` when ``nbytes`` [bytes] exceeds the memory limit.

    Parameters
    ----------
    key : str
        What sets the size (``"rows x cols"``, ``"n_samples"``, ...).
    nbytes : float
        Estimated memory [bytes].
    limit : int, optional
        Limit [bytes] (default :func:`memory_limit`).
    what : str
        The value of the key as the user wrote it (default: the estimate only).
    """
    lim = memory_limit(limit)
    if nbytes > lim:
        value = f"{what} (about {nbytes / _GIB:.3g} GiB)" if what else f"about {nbytes / _GIB:.3g} GiB"
        raise ParameterError(key, value, f"an estimated memory of at most {lim / _GIB:.3g} GiB "
                             f"(limit: argument memory_limit or ${ENV_VAR}; default half the physical memory)")
