"""Checkpoints without pickle, one writer per folder, clean interrupts (mramsim.parallel.checkpoint)."""
from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import dataclasses

import numpy as np
import pytest

import run_blockfuncs as bf
from mramsim.errors import MramsimError
from mramsim.parallel import checkpoint as ckmod
from mramsim.parallel.checkpoint import (BlockResultError, CheckpointWarning, FolderLockedError,
                                         flatten_result, folder_lock, unflatten_result)
from mramsim.parallel.executor import map_blocks

HERE = Path(__file__).resolve().parent
N, BS, SEED = 1200, 100, 20240611  # 12 blocks


def _same(a, b):
    """Equal in value, dtype and Python type, recursively."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        np.testing.assert_array_equal(a, b)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name))
    else:
        assert a == b or (a != a and b != b)


# -- the contract ------------------------------------------------------------------------------
def test_every_leaf_kind_round_trips_exactly(tmp_path):
    r = bf.tree_block(300, 400, np.random.default_rng(1))
    r["nan"] = float("nan")
    r["big"] = 2**62
    r["np_i"] = np.int16(-3)
    r["empty"] = np.zeros((0, 4))
    p = tmp_path / "block_3.npz"
    ckmod.save_block(p, 3, "k" * 32, r)
    _same(ckmod.load_block(p, 3, "k" * 32), r)
    skel, arrays = flatten_result(r)
    assert "r/nested/list/0/k" in arrays  # key paths joined with the separator
    _same(unflatten_result(json.loads(json.dumps(skel)), arrays), r)


@pytest.mark.parametrize("bad", [
    {"x": object()}, {"x": {1, 2}}, {1: 2.0}, {"a/b": 1.0}, {"x": np.array([None, 1], dtype=object)},
    {"x": 2**70}, {"x": 1j}, [lambda: 0],
])
def test_results_outside_the_contract_raise_clearly(tmp_path, bad):
    with pytest.raises(BlockResultError, match="a block returns|int64") as ei:
        map_blocks(lambda s, e, rng: bad, 10, seed=1, block_size=10, checkpoint_dir=tmp_path / "ck")
    assert isinstance(ei.value, MramsimError)


def test_read_margin_blocks_fit_the_contract_and_resume_exactly(tmp_path):
    """The real Monte Carlo block function: a resumed run equals a fresh one in every number."""
    import mramsim as ms
    from mramsim.array.margin import read_margin
    from mramsim.array.read import ReadScheme
    from mramsim.array.variation import Variation

    arr = ms.Array1T1MTJ(rows=32, cols=8)
    var, read = Variation(ra_sigma=0.05, vth_sigma=0.03), ReadScheme(v_read=0.15, sa_offset_sigma=0.02)
    kw = dict(n_samples=3000, seed=3, method="mc", selected_row=5, block_size=500)
    ck = tmp_path / "ck"
    first = read_margin(arr, var, read, checkpoint_dir=ck, **kw)
    blocks = sorted(ck.glob("block_*.npz"))
    assert len(blocks) == 6
    for p in blocks[::2]:
        p.unlink()
    resumed = read_margin(arr, var, read, checkpoint_dir=ck, **kw)
    fresh = read_margin(arr, var, read, **kw)
    for res in (first, resumed):
        _same(res.mc, fresh.mc)
        _same(res.samples, fresh.samples)
        assert (res.ber, res.ber_ci, res.margin_sigma) == (fresh.ber, fresh.ber_ci, fresh.margin_sigma)


# -- what is (not) reused ------------------------------------------------------------------------
def test_resumed_run_equals_fresh_and_reuses_blocks(tmp_path):
    ck = tmp_path / "ck"
    fresh = map_blocks(bf.tree_block, N, seed=SEED, block_size=BS)
    map_blocks(bf.tree_block, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    bf.CALLS.clear()
    again = map_blocks(bf.slow_draw, 10, seed=1, block_size=10, checkpoint_dir=tmp_path / "other")
    assert bf.CALLS == [0]
    resumed = map_blocks(bf.tree_block, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    _same(resumed, fresh)
    assert again  # the other folder worked too


def test_code_change_reuses_nothing(tmp_path, monkeypatch):
    ck = tmp_path / "ck"
    map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    bf.CALLS.clear()
    map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert bf.CALLS == []  # same code: everything reused
    monkeypatch.setattr(ckmod, "_SOURCE_HASH", "0" * 64)  # as if a .py file of mramsim had changed
    with pytest.warns(CheckpointWarning, match="other mramsim source"):
        out = map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert sorted(bf.CALLS) == list(range(0, N, BS))  # every block recomputed
    _same(out, map_blocks(bf.draw, N, seed=SEED, block_size=BS))


def test_source_hash_covers_every_module():
    h = ckmod.package_source_hash()
    assert len(h) == 64 and h == ckmod.package_source_hash()
    ckmod._SOURCE_HASH = None
    try:
        assert ckmod.package_source_hash() == h  # deterministic
    finally:
        ckmod._SOURCE_HASH = h


class _Bomb:
    """Unpickling this creates the file ``path`` -- a stand-in for arbitrary code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _tamper(p: Path):
    with np.load(p, allow_pickle=False) as z:
        d = {k: z[k] for k in z.files}
    name = next(k for k in d if k != "__meta__" and d[k].dtype.kind == "f" and d[k].size)
    d[name] = d[name] + 1.0
    buf = io.BytesIO()
    np.savez(buf, **d)
    p.write_bytes(buf.getvalue())


def _truncate(p: Path):
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _swap(p: Path):
    shutil.copyfile(p.with_name("block_7.npz"), p)


def _pickle_as_npz(p: Path):
    p.write_bytes(pickle.dumps(_Bomb(str(p.parent.parent / "PWNED"))))


def _npz_with_object_array(p: Path):
    with np.load(p, allow_pickle=False) as z:
        meta = z["__meta__"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        arr = io.BytesIO()
        np.lib.format.write_array(arr, np.array([_Bomb(str(p.parent.parent / "PWNED"))], dtype=object),
                                  allow_pickle=True)
        zf.writestr("r/1.npy", arr.getvalue())
        m = io.BytesIO()
        np.lib.format.write_array(m, meta)
        zf.writestr("__meta__.npy", m.getvalue())
    p.write_bytes(buf.getvalue())


@pytest.mark.parametrize("damage", [_tamper, _truncate, _swap, _pickle_as_npz, _npz_with_object_array])
def test_damaged_block_is_reported_and_recomputed_never_loaded(tmp_path, damage):
    ck = tmp_path / "ck"
    ck.mkdir()
    # a planted pickle next to the blocks, and one in the old file name: never opened
    (ck / "block_3.pkl").write_bytes(pickle.dumps(_Bomb(str(tmp_path / "PWNED"))))
    fresh = map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    damage(ck / "block_3.npz")
    bf.CALLS.clear()
    with pytest.warns(CheckpointWarning, match="block 3 is recomputed"):
        out = map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert bf.CALLS == [3 * BS]
    _same(out, fresh)
    assert not (tmp_path / "PWNED").exists()
    bf.CALLS.clear()
    map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert bf.CALLS == []  # the recomputed block is sound again


@pytest.mark.parametrize("damage", ["truncate", "edit", "old-format"])
def test_damaged_manifest_starts_again(tmp_path, damage):
    ck = tmp_path / "ck"
    map_blocks(bf.draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    m = ck / "manifest.json"
    if damage == "truncate":
        m.write_text(m.read_text()[:40])
    elif damage == "edit":
        m.write_text(m.read_text().replace(str(SEED), str(SEED + 1)))
    else:
        m.write_text(json.dumps({"version": 1, "n_items": N, "block_size": BS, "seed": SEED}))
    bf.CALLS.clear()
    with pytest.warns(CheckpointWarning, match="manifest"):
        out = map_blocks(bf.slow_draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert len(bf.CALLS) == N // BS
    _same(out, map_blocks(bf.draw, N, seed=SEED, block_size=BS))


# -- one writer per folder -------------------------------------------------------------------------
_HOLD = """
import sys, time
from mramsim.parallel.checkpoint import folder_lock
with folder_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_second_writer_stops_at_once_naming_the_folder(tmp_path):
    ck = tmp_path / "ck"
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(ck)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(FolderLockedError, match=str(ck)):
            map_blocks(bf.draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
        assert time.monotonic() - t0 < 5
        assert not list(ck.glob("block_*")) and not (ck / "manifest.json").exists()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    # the holder died (even by SIGKILL): the folder is free again
    out = map_blocks(bf.draw, N, seed=SEED, block_size=BS, checkpoint_dir=ck)
    assert len(out) == N // BS


def test_folder_lock_is_exclusive_within_a_process_too(tmp_path):
    with folder_lock(tmp_path / "out"):
        with pytest.raises(FolderLockedError, match="in use"):
            with folder_lock(tmp_path / "out"):
                pass
    with folder_lock(tmp_path / "out"):  # released
        pass


# -- interrupts -------------------------------------------------------------------------------------
_RUN = """
import sys
sys.path.insert(0, {here!r})
import run_blockfuncs as bf
from mramsim.parallel.executor import map_blocks
map_blocks(bf.pid_draw, 40 * 100, seed=1, block_size=100, executor="processes", chunk_blocks=1,
           checkpoint_dir={ck!r})
print("finished")
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _start(tmp_path, delay="1.0"):
    pids = tmp_path / "pids"
    pids.mkdir()
    ck = tmp_path / "ck"
    env = dict(os.environ, MRAMSIM_TEST_BLOCK_DELAY=delay, MRAMSIM_TEST_PID_DIR=str(pids))
    proc = subprocess.Popen([sys.executable, "-c", _RUN.format(here=str(HERE), ck=str(ck))], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(list(ck.glob("block_*.npz"))) < 1:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    workers = [int(p.name) for p in pids.iterdir()]
    assert workers and proc.pid not in workers
    return proc, workers, ck


def _gone_within(pids, seconds):
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux /proc and process groups")
def test_ctrl_c_under_processes_stops_promptly_and_quietly(tmp_path):
    proc, workers, ck = _start(tmp_path)
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    out, err = proc.communicate(timeout=30)
    elapsed = time.monotonic() - t0
    assert elapsed < 5, elapsed  # blocks take 1 s each; nobody waits for the 40 of them
    assert b"finished" not in out and proc.returncode != 0
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith("KeyboardInterrupt"), lines[-5:]
    assert sum(line.startswith("Traceback") for line in lines) == 1, err.decode()  # one, from the parent
    assert len(lines) < 25, err.decode()
    assert _gone_within(workers, 5)
    done = list(ck.glob("block_*.npz"))
    assert 1 <= len(done) < 40  # finished blocks stay on disk for the resume


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    proc, workers, _ = _start(tmp_path, delay="5.0")
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _gone_within(workers, 5), [p for p in workers if _alive(p)]
    finally:
        for p in workers:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
        proc.stdout.close()
        proc.stderr.close()
