"""Block-wise map over a Monte Carlo: serial, local processes or Dask, reproducibly.

A study of ``n_items`` samples is cut into blocks of ``block_size`` items.
Block ``b`` covers items ``[b*block_size, min((b+1)*block_size, n_items))`` and
draws its random numbers from its own stream

.. code-block:: python

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))

-- one stream per *block index*, never per worker or per task -- so the result
does not depend on the executor (serial, a local process pool, a Dask cluster),
on the number of workers, or on how many blocks go into one task
(``chunk_blocks``). This is NumPy's recommended way of making independent
parallel streams (O'Neill, "PCG: a family of simple fast space-efficient
statistically good algorithms for random number generation", HMC-CS-2014-0905,
2014; NumPy ``SeedSequence`` documentation, "Parallel random number generation").

With ``checkpoint_dir`` every finished block is written atomically (a temporary
file, then :func:`os.replace`) as ``block_<b>.pkl`` next to a ``manifest.json``
that records ``n_items``, ``block_size``, ``seed`` and a hash of the task. A run
stopped by Ctrl-C or ``kill -9`` resumes where it stopped: finished blocks are
read back, never recomputed, and no block is lost. A checkpoint folder written
by a different task raises :class:`CheckpointMismatchError` instead of mixing
two runs. Checkpoints are written by the calling process, so Dask workers on
other machines need no shared file system.

Dask is imported only when ``executor`` asks for it.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import functools
import hashlib
import json
import os
import pickle
import tempfile
import types
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import MramsimError, ParameterError, UnknownNameError

__all__ = [
    "map_blocks",
    "block_bounds",
    "block_rng",
    "n_blocks",
    "task_hash",
    "CheckpointMismatchError",
    "EXECUTORS",
    "open_executor",
    "local_dask_cluster",
]

#: Executor names accepted by :func:`map_blocks` (besides an address or an object).
EXECUTORS = ("serial", "processes", "dask")

_MANIFEST = "manifest.json"
_MANIFEST_VERSION = 1


class CheckpointMismatchError(MramsimError):
    """A checkpoint folder belongs to another run (other size, seed or task)."""


# -- blocks and streams ----------------------------------------------------------
def n_blocks(n_items: int, block_size: int) -> int:
    """Number of blocks ``ceil(n_items / block_size)`` [-]."""
    return -(-int(n_items) // int(block_size))


def block_bounds(b: int, n_items: int, block_size: int) -> tuple[int, int]:
    """Items ``(start, stop)`` covered by block ``b``."""
    start = b * block_size
    return start, min(start + block_size, n_items)


def block_rng(seed, b: int) -> np.random.Generator:
    """The random generator of block ``b``: ``SeedSequence(seed, spawn_key=(b,))``.

    Parameters
    ----------
    seed : int or sequence of int
        Entropy of the whole study [-].
    b : int
        Block index [-].
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(b),)))


def _run_blocks(func, n_items, block_size, seed, blocks):
    """Worker side: run ``func`` on each block of ``blocks``; return [(b, result)]."""
    out = []
    for b in blocks:
        start, stop = block_bounds(b, n_items, block_size)
        out.append((b, func(start, stop, block_rng(seed, b))))
    return out


# -- validation -------------------------------------------------------------------
def _check_seed(seed):
    if isinstance(seed, (bool, np.bool_)):
        raise ParameterError("seed", seed, "a non-negative integer or a sequence of them")
    if isinstance(seed, (int, np.integer)):
        if seed < 0:
            raise ParameterError("seed", seed, "a non-negative integer or a sequence of them")
        return int(seed)
    try:
        seq = [int(s) for s in seed]
    except TypeError:
        raise ParameterError("seed", seed, "a non-negative integer or a sequence of them") from None
    if any(s < 0 for s in seq) or any(isinstance(s, bool) for s in seed):
        raise ParameterError("seed", seed, "a non-negative integer or a sequence of them")
    return seq


def _check_count(field, value, lo):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ParameterError(field, value, f"an integer >= {lo}")
    return int(value)


# -- task identity ------------------------------------------------------------------
#: Attribute names that record wall-clock measurements, not task state (left out of the task hash).
_WALL_CLOCK = frozenset({"fit_time", "timings", "elapsed", "wall_time", "runtime"})


def _canon(obj, h, path: tuple, depth: int) -> None:
    """Feed a canonical description of ``obj``'s public state into hash ``h``.

    Pickle bytes are not a stable identity (memo references, dict insertion
    order and lazily cached attributes change them for equal objects), so
    objects are described by value: numbers by ``repr``, arrays by dtype,
    shape and bytes, dataclasses by their fields, other objects by their
    public attributes (names starting with ``_`` and ``functools.cached_property``
    values are caches, not state; :data:`_WALL_CLOCK` names are timings),
    functions by module and qualified name.
    """
    up = h.update
    if depth > 24 or id(obj) in path:
        up(b"<deep>")
        return
    if obj is None or isinstance(obj, (bool, int, str, bytes, np.bool_)):
        up(f"{type(obj).__name__}:{obj!r};".encode())
        return
    if isinstance(obj, (float, np.floating)):
        up(f"f:{float(obj)!r};".encode())
        return
    if isinstance(obj, np.integer):
        up(f"i:{int(obj)};".encode())
        return
    if isinstance(obj, complex):
        up(f"c:{obj!r};".encode())
        return
    if isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        up(f"a:{arr.dtype.str}:{arr.shape};".encode())
        if arr.dtype.kind == "O":
            for x in arr.ravel():
                _canon(x, h, path + (id(obj),), depth + 1)
        else:
            up(arr.tobytes())
        return
    sub = path + (id(obj),)
    if isinstance(obj, functools.partial):
        up(b"partial(")
        _canon(obj.func, h, sub, depth + 1)
        _canon(obj.args, h, sub, depth + 1)
        _canon(dict(obj.keywords), h, sub, depth + 1)
        up(b")")
        return
    if isinstance(obj, dict):
        up(f"d{len(obj)}{{".encode())
        for k in sorted(obj, key=repr):
            _canon(k, h, sub, depth + 1)
            _canon(obj[k], h, sub, depth + 1)
        up(b"}")
        return
    if isinstance(obj, (list, tuple)):
        up(f"{type(obj).__name__}{len(obj)}[".encode())
        for x in obj:
            _canon(x, h, sub, depth + 1)
        up(b"]")
        return
    if isinstance(obj, (set, frozenset)):
        parts = []
        for x in obj:
            hx = hashlib.sha256()
            _canon(x, hx, sub, depth + 1)
            parts.append(hx.hexdigest())
        up(("set[" + ",".join(sorted(parts)) + "]").encode())
        return
    if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)) or (
        callable(obj) and not hasattr(obj, "__dict__") and hasattr(obj, "__qualname__")
    ):
        target = getattr(obj, "__func__", obj)
        up(f"fn:{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))};".encode())
        if isinstance(obj, types.MethodType):
            _canon(obj.__self__, h, sub, depth + 1)
        return
    cls = type(obj)
    up(f"o:{cls.__module__}.{cls.__qualname__}{{".encode())
    if dataclasses.is_dataclass(obj):
        names = [f.name for f in dataclasses.fields(obj)]
    else:
        try:
            names = sorted(vars(obj))
        except TypeError:  # no __dict__ (slots, C objects): the type is all we can say
            up(b"}")
            return
    for name in names:
        if name.startswith("_") or name in _WALL_CLOCK or isinstance(getattr(cls, name, None), functools.cached_property):
            continue
        up(f"{name}=".encode())
        _canon(getattr(obj, name, None), h, sub, depth + 1)
    up(b"}")


def task_hash(func, desc: str = "") -> str:
    """SHA-256 (hex, 16 chars) of a task: ``desc`` and a canonical description of ``func``.

    ``func`` is described by value (its name, and for a
    :func:`functools.partial` the public state of every bound argument), so
    the same task built again in another process hashes the same, and a task
    with other inputs (another array, seed-independent parameter, model)
    hashes differently. Used in the checkpoint manifest.
    """
    h = hashlib.sha256()
    h.update(str(desc).encode())
    h.update(b"\0")
    _canon(func, h, (), 0)
    return h.hexdigest()[:16]


# -- checkpoints ----------------------------------------------------------------------
def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _block_path(cdir: Path, b: int) -> Path:
    return cdir / f"block_{b}.pkl"


def _open_checkpoint(cdir: Path, manifest: dict, nb: int) -> dict:
    """Create or check the manifest; return {b: result} of finished blocks."""
    cdir.mkdir(parents=True, exist_ok=True)
    mpath = cdir / _MANIFEST
    if mpath.exists():
        try:
            old = json.loads(mpath.read_text())
        except (OSError, ValueError) as exc:
            raise CheckpointMismatchError(f"checkpoint manifest {mpath} is unreadable ({exc}); delete the folder to start again") from None
        diffs = [f"{k}: folder has {old.get(k)!r}, this run has {v!r}" for k, v in manifest.items() if old.get(k) != v]
        if diffs:
            raise CheckpointMismatchError(
                f"checkpoint folder {cdir} holds a different run ({'; '.join(diffs)}); "
                "delete it or choose another checkpoint_dir -- results of two runs are never mixed"
            )
    else:
        _atomic_write(mpath, json.dumps(manifest, indent=1, sort_keys=True).encode())
    done = {}
    for b in range(nb):
        p = _block_path(cdir, b)
        if p.exists():
            with open(p, "rb") as fh:
                done[b] = pickle.load(fh)
    return done


# -- executors -------------------------------------------------------------------------
#: glibc malloc settings for Dask worker processes (see :func:`local_dask_cluster`) [bytes].
WORKER_MALLOC_ENV = {"MALLOC_TRIM_THRESHOLD_": 1 << 27, "MALLOC_MMAP_THRESHOLD_": 1 << 26}


def local_dask_cluster(n_workers: int | None = None, **kwargs):
    """A :class:`distributed.LocalCluster` tuned for block-wise NumPy Monte Carlo.

    One single-threaded worker process per core. Dask starts its workers with
    ``MALLOC_TRIM_THRESHOLD_=65536``, which also switches off glibc's dynamic
    mmap threshold, so every NumPy temporary above 128 kB is mmapped and
    unmapped again: measured here, a read-margin block ran 1.6x slower in
    such a worker than in the parent process. The workers get
    :data:`WORKER_MALLOC_ENV` instead (temporaries reused from the heap,
    memory still returned above 128 MB); with it the same block runs within
    ~10 % of the parent's speed.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes [-] (default: one per core).
    **kwargs
        Passed to :class:`distributed.LocalCluster`.
    """
    import dask
    from distributed import LocalCluster

    opts = {"n_workers": n_workers or os.cpu_count() or 1, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None, **kwargs}
    env = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_MALLOC_ENV.items()}
    with dask.config.set(env):
        return LocalCluster(**opts)


def _resolve_executor(executor):
    """Return (kind, backend, owned) with kind in {'serial', 'futures', 'dask'}."""
    if isinstance(executor, str):
        if executor == "serial":
            return "serial", None, False
        if executor == "processes":
            import multiprocessing as mp

            # forkserver: fresh, single-threaded parents for the workers (fork after threads is unsafe)
            if "forkserver" in mp.get_all_start_methods():
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(["numpy", "mramsim.parallel.executor"])
            else:  # pragma: no cover - Windows
                ctx = mp.get_context("spawn")
            return "futures", cf.ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=ctx), True
        if executor == "dask" or executor.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            try:
                from distributed import Client, LocalCluster
            except ImportError:  # pragma: no cover - depends on the install
                raise MramsimError("executor='dask' needs dask[distributed]: pip install 'mramsim[distributed]'") from None
            if executor == "dask":
                cluster = local_dask_cluster()
                client = Client(cluster)
                client._mramsim_cluster = cluster
            else:
                client = Client(executor)
            return "dask", client, True
        raise UnknownNameError("executor", executor, list(EXECUTORS) + ["tcp://<scheduler address>"])
    mod = type(executor).__module__ or ""
    if mod.startswith("distributed") and hasattr(executor, "submit") and hasattr(executor, "gather"):
        return "dask", executor, False
    if isinstance(executor, cf.Executor) or hasattr(executor, "submit"):
        return "futures", executor, False
    raise ParameterError(
        "executor", executor, "'serial', 'processes', 'dask', a scheduler address 'tcp://...', "
        "a dask.distributed.Client or a concurrent.futures.Executor"
    )


def _close(kind, backend):
    if kind == "futures":
        backend.shutdown(wait=True, cancel_futures=True)
    elif kind == "dask":
        cluster = getattr(backend, "_mramsim_cluster", None)
        backend.close()
        if cluster is not None:
            cluster.close()


class open_executor:
    """Context manager: one executor for many :func:`map_blocks` calls.

    ``with open_executor("dask") as ex: map_blocks(..., executor=ex)`` starts
    one LocalCluster (or process pool, or scheduler connection) for a whole
    study instead of one per call, and closes it on exit. ``"serial"`` and
    objects passed in are returned unchanged (and not closed).

    Parameters
    ----------
    executor : str or object
        As for :func:`map_blocks`.
    """

    def __init__(self, executor="serial"):
        self.executor = executor
        self._kind = self._backend = None
        self._owned = False

    def __enter__(self):
        if isinstance(self.executor, str) and self.executor != "serial":
            self._kind, self._backend, self._owned = _resolve_executor(self.executor)
            return self._backend
        if not isinstance(self.executor, str):
            _resolve_executor(self.executor)  # validates
        return self.executor

    def __exit__(self, *exc):
        if self._owned:
            _close(self._kind, self._backend)
        return False


def _n_workers(kind, backend) -> int:
    if kind == "futures":
        return int(getattr(backend, "_max_workers", None) or os.cpu_count() or 1)
    if kind == "dask":
        try:
            return max(1, sum(backend.nthreads().values()))
        except Exception:
            return os.cpu_count() or 1
    return 1


def map_blocks(
    func: Callable[[int, int, np.random.Generator], Any],
    n_items: int,
    *,
    seed,
    block_size: int = 4096,
    executor="serial",
    chunk_blocks: int | None = None,
    checkpoint_dir=None,
    progress: bool = False,
    desc: str = "",
) -> list:
    """Run ``func(start, stop, rng)`` on every block of ``n_items``; results in block order.

    Parameters
    ----------
    func : callable
        ``func(start, stop, rng) -> result`` for the items ``[start, stop)``
        [-]; must be picklable (a module-level function or a
        :func:`functools.partial` of one) for ``"processes"`` and Dask.
    n_items : int
        Number of items (Monte Carlo samples) [-], >= 0.
    seed : int or sequence of int
        Entropy of the study [-]; block ``b`` uses
        ``default_rng(SeedSequence(seed, spawn_key=(b,)))``.
    block_size : int
        Items per block [-], >= 1. Part of the result's identity (it decides
        which stream draws which item); keep it fixed to reproduce a study.
    executor : str or object
        ``"serial"`` (in this process), ``"processes"`` (a local
        :class:`concurrent.futures.ProcessPoolExecutor`, one worker per
        core), ``"dask"`` (a new :class:`distributed.LocalCluster`), a
        scheduler address ``"tcp://host:port"``, an existing
        :class:`distributed.Client`, or any :class:`concurrent.futures.Executor`.
        Executors passed in are left open; those created here are closed.
        Worker processes start fresh (forkserver / spawn): a script that
        uses ``"processes"`` or ``"dask"`` needs the usual
        ``if __name__ == "__main__":`` guard.
    chunk_blocks : int, optional
        Blocks per task [-] (default: 1 for serial, else enough tasks for
        ~4 per worker). Any value gives identical results.
    checkpoint_dir : str or Path, optional
        Folder for ``manifest.json`` and ``block_<b>.pkl``; finished blocks
        found there are reused, not recomputed.
    progress : bool
        Show a tqdm progress bar over blocks.
    desc : str
        Label of the progress bar; also part of the task hash in the manifest.

    Returns
    -------
    list
        ``[func(start_b, stop_b, rng_b) for b in range(n_blocks)]``.

    Raises
    ------
    ParameterError
        Bad ``n_items``, ``block_size``, ``chunk_blocks``, ``seed`` or ``executor``.
    CheckpointMismatchError
        ``checkpoint_dir`` holds blocks of a different run.
    """
    if not callable(func):
        raise ParameterError("func", func, "a callable func(start, stop, rng)")
    n_items = _check_count("n_items", n_items, 0)
    block_size = _check_count("block_size", block_size, 1)
    if chunk_blocks is not None:
        chunk_blocks = _check_count("chunk_blocks", chunk_blocks, 1)
    seed = _check_seed(seed)
    nb = n_blocks(n_items, block_size)

    results: dict[int, Any] = {}
    cdir = None
    if checkpoint_dir is not None:
        cdir = Path(checkpoint_dir)
        manifest = {
            "version": _MANIFEST_VERSION,
            "n_items": n_items,
            "block_size": block_size,
            "n_blocks": nb,
            "seed": seed,
            "task": task_hash(func, desc),
        }
        results = _open_checkpoint(cdir, manifest, nb)
    pending = [b for b in range(nb) if b not in results]

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=nb, initial=nb - len(pending), desc=desc or "blocks", unit="block")

    def finish(pairs):
        for b, r in pairs:
            if cdir is not None:
                _atomic_write(_block_path(cdir, b), pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
            results[b] = r
        if bar is not None:
            bar.update(len(pairs))

    try:
        if pending:
            kind, backend, owned = _resolve_executor(executor)
            try:
                if chunk_blocks is None:
                    chunk = 1 if kind == "serial" else max(1, len(pending) // (4 * _n_workers(kind, backend)))
                else:
                    chunk = chunk_blocks
                tasks = [pending[i : i + chunk] for i in range(0, len(pending), chunk)]
                if kind == "serial":
                    for blocks in tasks:
                        finish(_run_blocks(func, n_items, block_size, seed, blocks))
                elif kind == "futures":
                    futs = [backend.submit(_run_blocks, func, n_items, block_size, seed, t) for t in tasks]
                    try:
                        for f in cf.as_completed(futs):
                            finish(f.result())
                    except BaseException:
                        for f in futs:
                            f.cancel()
                        raise
                else:
                    from distributed import as_completed

                    futs = [
                        backend.submit(_run_blocks, func, n_items, block_size, seed, t, pure=False) for t in tasks
                    ]
                    try:
                        for f in as_completed(futs):
                            finish(f.result())
                    except BaseException:
                        backend.cancel(futs)
                        raise
            finally:
                if owned:
                    _close(kind, backend)
    finally:
        if bar is not None:
            bar.close()
    return [results[b] for b in range(nb)]
