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


def test_table_cache_key_holds_the_measurement_file_contents(tmp_path):
    """[stack] measurement: editing the file (same path, same config) recomputes the table."""
    import shutil
    from pathlib import Path

    import numpy as np

    from mramsim.run.config import load_config
    from mramsim.run.stages import _table

    ex = Path(__file__).resolve().parents[2] / "examples" / "measurements" / "clean_multiT.csv"
    shutil.copy(ex, tmp_path / "junction.csv")
    cfg_path = tmp_path / "study.toml"
    cfg_path.write_text('[stack]\npreset = "cofeb_mgo"\nmeasurement = "junction.csv"\n')
    cfg = load_config(cfg_path)
    folder = tmp_path / "device"
    tab1, hit1 = _table(cfg, folder)
    assert not hit1
    assert _table(cfg, folder)[1]  # unchanged file: cache hit
    # edit the file: every current / 2 (I_uA column, so R x 2); the table must be recomputed
    lines = (tmp_path / "junction.csv").read_text().splitlines()
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    cols = body[0].split(",")
    ir = [i for i, c in enumerate(cols) if c.strip() == "I_uA"]
    assert ir, cols
    out = [body[0]]
    for ln in body[1:]:
        f = ln.split(",")
        if len(f) > ir[0] and f[ir[0]].strip():
            f[ir[0]] = repr(float(f[ir[0]]) / 2.0)
        out.append(",".join(f))
    (tmp_path / "junction.csv").write_text("\n".join(head + out) + "\n")
    tab2, hit2 = _table(cfg, folder)
    assert not hit2
    np.testing.assert_allclose(tab2.r_p, 2.0 * tab1.r_p, rtol=1e-9)
