"""Memory estimates checked before large allocations (array size, sample counts, block lists).

The limit, in this order: the ``limit`` argument [bytes]; the environment
variable ``MRAMSIM_MEMORY_LIMIT`` (bytes, or a number with a suffix K, M, G,
KiB, MiB, GiB); half the machine's physical memory (``os.sysconf``), or
8 GiB where that is not available. An estimate above the limit raises
:class:`~mramsim.errors.ParameterError` naming the key, the estimate and the
limit in GiB, before anything is allocated.
"""
from __future__ import annotations

import os
import re

from ..errors import ParameterError

__all__ = ["memory_limit", "check_memory", "check_blocks", "ENV_VAR"]

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


#: bytes per Monte Carlo block held until the run ends (result record, kept worst samples)
BLOCK_BYTES = 1024
#: float64 per sample and column of one block in flight (variables, currents, margins)
BLOCK_FLOATS = 32


def check_blocks(n_samples: int, block_size: int, cols: int, limit=None) -> None:
    """Refuse a Monte Carlo whose block list or one block would exceed the memory limit.

    ``n_samples`` samples in blocks of ``block_size`` [-] over ``cols``
    columns: about ``BLOCK_BYTES`` per block kept, plus ``BLOCK_FLOATS``
    float64 per sample and column of a block in flight.
    """
    n_blocks = -(-int(n_samples) // max(int(block_size), 1))
    check_memory("n_samples / block_size", float(n_blocks) * BLOCK_BYTES, limit,
                 f"{n_samples} samples in blocks of {block_size}: {n_blocks} blocks")
    check_memory("block_size", 8.0 * BLOCK_FLOATS * block_size * cols, limit,
                 f"{block_size} samples x {cols} columns")
