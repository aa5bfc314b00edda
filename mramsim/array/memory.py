"""Memory estimates checked before large allocations (array size, sample counts, block lists).

The limit, in this order: the ``limit`` argument [bytes]; the environment
variable ``MRAMSIM_MEMORY_LIMIT`` (bytes, or a number with a suffix K, M, G,
KiB, MiB, GiB); half the machine's physical memory (``os.sysconf``), or
8 GiB where that is not available. An estimate above the limit raises
:class:`~mramsim.errors.ParameterError` naming the key, the estimate and the
limit in GiB, before anything is allocated.
"""
from __future__ import annotations

from .._validation import ENV_VAR, _GIB, check_memory, memory_limit  # noqa: F401  (re-exported)
from ..errors import ParameterError

__all__ = ["memory_limit", "check_memory", "check_blocks", "ENV_VAR"]

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
