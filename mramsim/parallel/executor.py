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

With ``checkpoint_dir`` every finished block is written atomically as
``block_<b>.npz`` (no pickle; see :mod:`mramsim.parallel.checkpoint` for the
contract on what a block function may return) next to a ``manifest.json``
that records ``n_items``, ``block_size``, ``seed``, a hash of the task and a
hash of the mramsim source. A run stopped by Ctrl-C or ``kill -9`` resumes
where it stopped: finished blocks are read back, never recomputed; a damaged
or foreign block file is reported and recomputed; blocks written by other
mramsim code are never reused. A checkpoint folder written by a different task
raises :class:`CheckpointMismatchError` instead of mixing two runs, and a
second run into a folder in use stops at once (:class:`FolderLockedError`).
Checkpoints are written by the calling process, so Dask workers on other
machines need no shared file system.

Ctrl-C stops the local worker processes at once and raises one
:class:`KeyboardInterrupt`; workers of ``"processes"`` ignore SIGINT
themselves and die with the process that started them (also after ``kill -9``).

Dask is imported only when ``executor`` asks for it.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import ExecutorError, MramsimError, ParameterError, UnknownNameError

#: How long a connection to a remote dask scheduler may take before ExecutorError.
SCHEDULER_TIMEOUT = "10s"
from . import checkpoint as _ck
from .checkpoint import CheckpointMismatchError, FolderLockedError, folder_lock, task_hash

__all__ = [
    "map_blocks",
    "block_bounds",
    "block_rng",
    "n_blocks",
    "task_hash",
    "CheckpointMismatchError",
    "FolderLockedError",
    "folder_lock",
    "EXECUTORS",
    "open_executor",
    "local_dask_cluster",
]

#: Executor names accepted by :func:`map_blocks` (besides an address or an object).
EXECUTORS = ("serial", "processes", "dask")

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


# -- executors -------------------------------------------------------------------------
#: glibc malloc settings for Dask worker processes (see :func:`local_dask_cluster`) [bytes].
WORKER_MALLOC_ENV = {"MALLOC_TRIM_THRESHOLD_": 1 << 27, "MALLOC_MMAP_THRESHOLD_": 1 << 26}

_log = logging.getLogger(__name__)


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

    The worker processes are started with SIGINT ignored (a disposition
    they inherit), so Ctrl-C in a terminal -- which reaches the whole process
    group -- interrupts only this process, which then closes the cluster,
    instead of printing a traceback from every nanny and worker.

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
    with dask.config.set(env), _sigint_ignored():
        return LocalCluster(**opts)


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore SIGINT while child processes are started (they inherit it); main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


# -- worker processes that neither print on Ctrl-C nor outlive their parent ------------------
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with(parent_pid: int) -> None:
    """Block until process ``parent_pid`` ends, then kill this process (runs in a daemon thread)."""
    try:
        fd = os.pidfd_open(parent_pid)  # Linux >= 5.3: readable when the process ends
    except ProcessLookupError:
        os.kill(os.getpid(), signal.SIGKILL)
        return
    except (AttributeError, OSError):  # other OS or pidfd not allowed: poll
        fd = None
    if fd is not None:
        import select

        select.select([fd], [], [])
    else:
        import time

        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:  # pid reused by another user's process: the parent is gone
                break
            time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGKILL)


def _worker_init(parent_pid: int, pid_queue) -> None:
    """Initializer of the ``"processes"`` workers.

    * SIGINT is ignored: Ctrl-C reaches the whole process group, and the
      parent alone decides what happens (it kills the workers), so no worker
      prints a traceback.
    * The worker dies with the process that started the pool: a daemon
      thread waits on that process (``pidfd``, or polling), and on Linux
      ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` also kills it when its direct
      parent (the forkserver) goes.
    * Its pid goes to the parent, which kills it on Ctrl-C.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            ppid = os.getppid()
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != ppid:  # the parent died before prctl took effect
                os.kill(os.getpid(), signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no libc / prctl
            pass
    threading.Thread(target=_die_with, args=(parent_pid,), daemon=True, name="mramsim-parent-watch").start()
    pid_queue.put(os.getpid())


class _WorkerPool(cf.ProcessPoolExecutor):
    """A process pool whose workers ignore SIGINT, die with this process and can be killed at once."""

    def __init__(self, n_workers: int, ctx):
        self.n_workers = int(n_workers)
        self._worker_pids = ctx.SimpleQueue()
        super().__init__(max_workers=self.n_workers, mp_context=ctx, initializer=_worker_init,
                         initargs=(os.getpid(), self._worker_pids))

    def kill_workers(self) -> None:
        """SIGKILL every worker started so far and shut the pool down without waiting for blocks."""
        # Kill first, cancel nothing: the pool's manager thread then fails every pending future as
        # broken. Cancelling futures first races with it (CPython's terminate_broken calls
        # set_exception on cancelled futures and prints InvalidStateError from its thread).
        while not self._worker_pids.empty():
            try:
                os.kill(self._worker_pids.get(), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.shutdown(wait=True)


def _close_dask(client, cluster, interrupted: bool) -> None:
    quiet = logging.getLogger("distributed")
    level = quiet.level
    if interrupted:  # the workers being torn down mid-task log errors nobody needs to read
        quiet.setLevel(logging.CRITICAL)
    try:
        client.close(timeout=5 if interrupted else None) if interrupted else client.close()
        if cluster is not None:
            cluster.close(timeout=5) if interrupted else cluster.close()
    except Exception as exc:  # a failing teardown must not hide the interrupt or the result
        _log.warning("closing the Dask cluster failed: %s", exc)
    finally:
        quiet.setLevel(level)


def _resolve_executor(executor):
    """Return ``(kind, backend, close)``; kind in {'serial', 'futures', 'dask'}.

    ``close(interrupted)`` tears down what was created here (``None`` for
    executors passed in, which stay open).
    """
    if isinstance(executor, str):
        if executor == "serial":
            return "serial", None, None
        if executor == "processes":
            import multiprocessing as mp

            # forkserver: fresh, single-threaded parents for the workers (fork after threads is unsafe)
            if "forkserver" in mp.get_all_start_methods():
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(["numpy", "mramsim.parallel.executor"])
            else:  # pragma: no cover - Windows
                ctx = mp.get_context("spawn")
            pool = _WorkerPool(os.cpu_count() or 1, ctx)

            def close(interrupted=False):
                if interrupted:
                    pool.kill_workers()
                else:
                    pool.shutdown(wait=True, cancel_futures=True)

            return "futures", pool, close
        if executor == "dask" or executor.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            try:
                from distributed import Client
            except ImportError:  # pragma: no cover - depends on the install
                raise MramsimError("executor='dask' needs dask[distributed]: pip install 'mramsim[distributed]'") from None
            if executor != "dask" and not executor.split("://", 1)[1].strip():
                raise ParameterError("executor", executor, "a scheduler address 'tcp://host:port'")
            cluster = local_dask_cluster() if executor == "dask" else None
            if cluster is not None:
                client = Client(cluster)
            else:
                try:  # a short timeout and a named error, not an OSError after 30 s
                    client = Client(executor, timeout=SCHEDULER_TIMEOUT)
                except (OSError, TimeoutError, ValueError, TypeError) as exc:
                    raise ExecutorError(f"executor = {executor!r}: cannot reach the dask scheduler within "
                                        f"{SCHEDULER_TIMEOUT} ({type(exc).__name__}: {exc})") from None
            return "dask", client, lambda interrupted=False: _close_dask(client, cluster, interrupted)
        raise UnknownNameError("executor", executor, list(EXECUTORS) + ["tcp://<scheduler address>"])
    mod = type(executor).__module__ or ""
    if mod.startswith("distributed") and hasattr(executor, "submit") and hasattr(executor, "gather"):
        return "dask", executor, None
    if isinstance(executor, cf.Executor) or hasattr(executor, "submit"):
        return "futures", executor, None
    raise ParameterError(
        "executor", executor, "'serial', 'processes', 'dask', a scheduler address 'tcp://...', "
        "a dask.distributed.Client or a concurrent.futures.Executor"
    )


class open_executor:
    """Context manager: one executor for many :func:`map_blocks` calls.

    ``with open_executor("dask") as ex: map_blocks(..., executor=ex)`` starts
    one LocalCluster (or process pool, or scheduler connection) for a whole
    study instead of one per call, and closes it on exit (on Ctrl-C the
    local workers are killed instead of waited for). ``"serial"`` and
    objects passed in are returned unchanged (and not closed).

    Parameters
    ----------
    executor : str or object
        As for :func:`map_blocks`.
    """

    def __init__(self, executor="serial"):
        self.executor = executor
        self._close = None

    def __enter__(self):
        if isinstance(self.executor, str) and self.executor != "serial":
            _, backend, self._close = _resolve_executor(self.executor)
            return backend
        if not isinstance(self.executor, str):
            _resolve_executor(self.executor)  # validates
        return self.executor

    def __exit__(self, exc_type, exc, tb):
        if self._close is not None:
            self._close(exc_type is not None and issubclass(exc_type, KeyboardInterrupt))
            self._close = None
        return False


def _n_workers(kind, backend) -> int:
    if kind == "futures":
        # concurrent.futures has no public worker count; our own pool records it, others count as the cores
        return int(getattr(backend, "n_workers", None) or os.cpu_count() or 1)
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
        Folder for ``manifest.json`` and ``block_<b>.npz``; sound finished
        blocks of the same task, seed and mramsim source found there are
        reused, not recomputed; damaged ones are recomputed (with a
        :class:`~mramsim.parallel.checkpoint.CheckpointWarning`). The folder
        is locked for the duration of the call. ``func`` must then return
        what :mod:`mramsim.parallel.checkpoint` can store: a (nested) dict,
        list or tuple of arrays, numpy scalars, float, int, bool, str, None.
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
    FolderLockedError
        Another run is writing into ``checkpoint_dir``.
    BlockResultError
        With ``checkpoint_dir``: ``func`` returned something outside the contract.
    KeyboardInterrupt
        On Ctrl-C, once, after the local workers were stopped; finished blocks are on disk.
    """
    if not callable(func):
        raise ParameterError("func", func, "a callable func(start, stop, rng)")
    n_items = _check_count("n_items", n_items, 0)
    block_size = _check_count("block_size", block_size, 1)
    if chunk_blocks is not None:
        chunk_blocks = _check_count("chunk_blocks", chunk_blocks, 1)
    seed = _check_seed(seed)
    nb = n_blocks(n_items, block_size)
    if checkpoint_dir is None:
        return _map(func, n_items, block_size, seed, nb, executor, chunk_blocks, progress, desc, None)
    cdir = Path(checkpoint_dir)
    manifest = {
        "n_items": n_items,
        "block_size": block_size,
        "n_blocks": nb,
        "seed": seed,
        "task": task_hash(func, desc),
        "source": _ck.package_source_hash(),
    }
    with folder_lock(cdir):
        key, done = _ck.open_checkpoint(cdir, manifest, nb)
        return _map(func, n_items, block_size, seed, nb, executor, chunk_blocks, progress, desc,
                    (cdir, key, done))


def _map(func, n_items, block_size, seed, nb, executor, chunk_blocks, progress, desc, ck):
    results: dict[int, Any] = {} if ck is None else dict(ck[2])
    pending = [b for b in range(nb) if b not in results]

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=nb, initial=nb - len(pending), desc=desc or "blocks", unit="block")

    def finish(pairs):
        for b, r in pairs:
            if ck is not None:
                _ck.save_block(_ck.block_path(ck[0], b), b, ck[1], r)
            results[b] = r
        if bar is not None:
            bar.update(len(pairs))

    try:
        if pending:
            kind, backend, close = _resolve_executor(executor)
            interrupted = False
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
                    except BaseException as exc:
                        if not isinstance(exc, KeyboardInterrupt):  # on Ctrl-C the pool is killed instead
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
                        if close is None:  # a client passed in stays open: drop our tasks from it
                            backend.cancel(futs)
                        raise  # a cluster of our own is closed below, with its tasks
            except KeyboardInterrupt:
                interrupted = True
                raise
            finally:
                if close is not None:
                    close(interrupted)
    finally:
        if bar is not None:
            bar.close()
    return [results[b] for b in range(nb)]
