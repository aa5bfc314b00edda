"""Block functions used by the executor tests (importable by worker processes).

Not a test module: pytest collects only ``test_*.py``.
"""
from __future__ import annotations

import functools
import os
import time

import numpy as np

#: Blocks computed in this process by :func:`slow_draw` (start indices).
CALLS: list[int] = []


def draw(start, stop, rng):
    """Per-item normal draws plus the item indices (checks placement and streams)."""
    return np.arange(start, stop), rng.standard_normal(stop - start)


def slow_draw(start, stop, rng):
    """Like :func:`draw`, but takes a while, and records the call."""
    CALLS.append(start)
    delay = float(os.environ.get("MRAMSIM_TEST_BLOCK_DELAY", "0"))
    if delay:
        time.sleep(delay)
    return draw(start, stop, rng)


def scaled_draw(start, stop, rng, scale=1.0):
    """Draws times ``scale`` (for partials with different bound arguments)."""
    return scale * rng.standard_normal(stop - start)


class Holder:
    """A task input with a public parameter, a private attribute and a lazy cache."""

    def __init__(self, scale, table=None):
        self.scale = scale
        self.table = {} if table is None else table

    @functools.cached_property
    def doubled(self):
        return 2 * self.scale


def held_draw(start, stop, rng, holder):
    """Draws times ``holder.scale``."""
    return holder.scale * rng.standard_normal(stop - start)


def pid_draw(start, stop, rng):
    """Like :func:`slow_draw`, and leaves a file named after this worker's pid in ``$MRAMSIM_TEST_PID_DIR``."""
    folder = os.environ.get("MRAMSIM_TEST_PID_DIR")
    if folder:
        open(os.path.join(folder, str(os.getpid())), "w").close()
    return slow_draw(start, stop, rng)


def tree_block(start, stop, rng):
    """A block result using every kind of leaf of the checkpoint contract."""
    x = rng.standard_normal(stop - start)
    return {
        "n": stop - start,
        "sum": float(x.sum()),
        "np_sum": x.sum(),
        "any": bool(x.max() > 0),
        "label": f"block {start}",
        "none": None,
        "x": x,
        "ints": np.arange(start, stop, dtype=np.int32),
        "nested": {"pair": (start, float(x[0])), "list": [{"k": int(start)}, x[:2].copy()]},
    }
