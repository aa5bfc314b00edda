"""Stage caches: JSON with a format version, a hash and an input key; a bad file is recomputed."""
from __future__ import annotations

import json

from mramsim.run.cache import CACHE_FILE, cached


def _run(folder, key, calls):
    def compute():
        calls.append(1)
        return {"x": [1.0, 2.5]}

    return cached(folder, key, compute, lambda v: v, lambda d: d)


def test_cache_hit_miss_and_tampered_file(tmp_path):
    calls = []
    v, hit = _run(tmp_path, "k1", calls)
    assert not hit and v == {"x": [1.0, 2.5]} and len(calls) == 1
    assert _run(tmp_path, "k1", calls)[1] and len(calls) == 1
    # another key: recomputed
    assert not _run(tmp_path, "k2", calls)[1] and len(calls) == 2
    # a tampered value (hash no longer matches): recomputed, not trusted
    path = tmp_path / CACHE_FILE
    doc = json.loads(path.read_text())
    doc["data"]["value"]["x"][0] = 99.0
    path.write_text(json.dumps(doc))
    v, hit = _run(tmp_path, "k2", calls)
    assert not hit and v["x"][0] == 1.0 and len(calls) == 3
    # a truncated file: recomputed
    path.write_text(path.read_text()[:20])
    assert not _run(tmp_path, "k2", calls)[1] and len(calls) == 4
    assert not list(tmp_path.glob("*.pkl"))
