"""map_blocks: identical results on every executor, chunking and resume after a kill."""
from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import run_blockfuncs as bf
from mramsim.errors import ParameterError, UnknownNameError
from mramsim.parallel.executor import CheckpointMismatchError, map_blocks

HERE = Path(__file__).resolve().parent
N, BS, SEED = 10_001, 1000, 20261125  # 11 blocks, the last one short


def _cat(res):
    idx = np.concatenate([r[0] for r in res])
    val = np.concatenate([r[1] for r in res])
    return idx, val


def _reference():
    # Independent of map_blocks: the documented stream of each block, drawn by hand.
    vals = []
    for b in range(-(-N // BS)):
        stop = min((b + 1) * BS, N)
        rng = np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(b,)))
        vals.append(rng.standard_normal(stop - b * BS))
    return np.concatenate(vals)


def test_serial_matches_documented_streams():
    idx, val = _cat(map_blocks(bf.draw, N, seed=SEED, block_size=BS))
    np.testing.assert_array_equal(idx, np.arange(N))
    np.testing.assert_array_equal(val, _reference())  # bit-identical, not approximate


@pytest.mark.parametrize("chunk", [1, 2, 5, 11, 50])
def test_chunk_blocks_invariance(chunk):
    _, val = _cat(map_blocks(bf.draw, N, seed=SEED, block_size=BS, chunk_blocks=chunk))
    np.testing.assert_array_equal(val, _reference())


def test_processes_equal_serial():
    _, val = _cat(map_blocks(bf.draw, N, seed=SEED, block_size=BS, executor="processes", chunk_blocks=3))
    np.testing.assert_array_equal(val, _reference())


def test_dask_threads_cluster_equals_serial():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            for chunk in (None, 4):
                _, val = _cat(map_blocks(bf.draw, N, seed=SEED, block_size=BS, executor=client, chunk_blocks=chunk))
                np.testing.assert_array_equal(val, _reference())
            # a scheduler address works too (the client is opened and closed inside)
            _, val = _cat(map_blocks(bf.draw, N, seed=SEED, block_size=BS, executor=lc.scheduler_address))
            np.testing.assert_array_equal(val, _reference())


def test_dask_multiprocess_cluster_equals_serial():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        with distributed.Client(lc) as client:
            assert len(client.nthreads()) == 2
            _, val = _cat(map_blocks(bf.draw, N, seed=SEED, block_size=BS, executor=client, chunk_blocks=2))
    np.testing.assert_array_equal(val, _reference())


def test_other_seed_differs_and_empty():
    _, val = _cat(map_blocks(bf.draw, N, seed=SEED + 1, block_size=BS))
    assert not np.array_equal(val, _reference())
    assert map_blocks(bf.draw, 0, seed=1) == []


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"block_size": 0}, "block_size"),
        ({"seed": -1}, "seed"),
        ({"chunk_blocks": 0}, "chunk_blocks"),
        ({"executor": "mpi"}, "executor"),
    ],
)
def test_bad_arguments_name_the_field(kw, field):
    args = {"seed": 1, **kw}
    with pytest.raises(ParameterError) as ei:
        map_blocks(bf.draw, 10, **args)
    assert ei.value.field == field
    if field == "executor":
        assert isinstance(ei.value, UnknownNameError)


def test_checkpoint_partial_rerun(tmp_path):
    ck = tmp_path / "ck"
    full = map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    for b in (0, 4, 10):
        (ck / f"block_{b}.npz").unlink()
    bf.CALLS.clear()
    again = map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert sorted(bf.CALLS) == [0, 4 * BS, 10 * BS]
    np.testing.assert_array_equal(_cat(again)[1], _cat(full)[1])


@pytest.mark.parametrize(
    "change",
    [{"seed": SEED + 1}, {"block_size": 500}, {"n_items": N + 1}, {"desc": "another study"}],
)
def test_checkpoint_mismatch_raises(tmp_path, change):
    ck = tmp_path / "ck"
    map_blocks(bf.draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    kw = {"seed": SEED, "block_size": BS, "n_items": N, **change}
    n = kw.pop("n_items")
    with pytest.raises(CheckpointMismatchError, match="different run"):
        map_blocks(bf.draw, n, checkpoint_dir=ck, **kw)


def test_checkpoint_mismatch_other_function_or_bound_args(tmp_path):
    ck = tmp_path / "ck"
    map_blocks(functools.partial(bf.scaled_draw, scale=1.0), 100, seed=1, block_size=10, checkpoint_dir=ck)
    with pytest.raises(CheckpointMismatchError):
        map_blocks(functools.partial(bf.scaled_draw, scale=2.0), 100, seed=1, block_size=10, checkpoint_dir=ck)
    with pytest.raises(CheckpointMismatchError):
        map_blocks(bf.draw, 100, seed=1, block_size=10, checkpoint_dir=ck)


_KILL_SCRIPT = """
import sys
sys.path.insert(0, {here!r})
import run_blockfuncs as bf
from mramsim.parallel.executor import map_blocks
map_blocks(bf.slow_draw, {n}, seed={seed}, block_size={bs}, checkpoint_dir={ck!r})
print("finished")
"""


def test_killed_run_resumes_and_equals_uninterrupted(tmp_path):
    n, bs = 30 * 100, 100  # 30 blocks, 0.05 s each in the child
    ck = tmp_path / "ck"
    script = _KILL_SCRIPT.format(here=str(HERE), n=n, seed=SEED, bs=bs, ck=str(ck))
    env = dict(os.environ, MRAMSIM_TEST_BLOCK_DELAY="0.05")
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(ck.glob("block_*.npz"))) < 5:
        assert proc.poll() is None, "child finished or died before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done = sorted(int(p.stem.split("_")[1]) for p in ck.glob("block_*.npz"))
    assert 5 <= len(done) < 30, done

    bf.CALLS.clear()
    resumed = map_blocks(bf.slow_draw, n, seed=SEED, block_size=bs, checkpoint_dir=ck)
    recomputed = sorted(s // bs for s in bf.CALLS)
    assert set(recomputed).isdisjoint(done)  # nothing finished is repeated
    assert sorted(recomputed + done) == list(range(30))  # nothing is lost
    uninterrupted = map_blocks(bf.draw, n, seed=SEED, block_size=bs)
    for (i1, v1), (i2, v2) in zip(resumed, uninterrupted):
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_array_equal(v1, v2)


def test_task_hash_follows_public_state_not_caches_or_pickling():
    import pickle

    from mramsim.parallel.executor import task_hash

    h1 = bf.Holder(1.0, table={"b": np.arange(3.0), "a": 1})
    h2 = bf.Holder(1.0, table={"a": 1, "b": np.arange(3.0)})  # other insertion order
    _ = h1.doubled  # a lazily cached value
    h1._scratch = object()  # a private attribute
    t1 = task_hash(functools.partial(bf.held_draw, holder=h1), "d")
    assert t1 == task_hash(functools.partial(bf.held_draw, holder=h2), "d")
    assert t1 == task_hash(pickle.loads(pickle.dumps(functools.partial(bf.held_draw, holder=h2))), "d")
    assert t1 != task_hash(functools.partial(bf.held_draw, holder=bf.Holder(1.0 + 1e-15, table=h2.table)), "d")
    assert t1 != task_hash(functools.partial(bf.held_draw, holder=bf.Holder(1.0, table={"a": 1, "b": np.arange(4.0)})), "d")
    assert t1 != task_hash(functools.partial(bf.held_draw, holder=h2), "e")
