"""The README's Python tour runs as written (with a smaller Monte Carlo)."""
import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_runs(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README has no python block"
    code = blocks[0].replace("n_samples=100_000", "n_samples=8_192")
    assert "n_samples=8_192" in code
    monkeypatch.chdir(tmp_path)
    ns = {}
    exec(compile(code, str(README), "exec"), ns)
    res, cm = ns["res"], ns["cm"]
    assert 0.0 < res.ber < 1.0 and res.ber_ci[0] <= res.ber <= res.ber_ci[1]
    assert cm.fit_report.max_rel_error < 0.02
    assert (tmp_path / "cofeb_mgo.lib").read_text().lower().count(".subckt") == 1
    assert (tmp_path / "margin.json").stat().st_size > 0
    assert np.all(np.isfinite(ns["tab"].tmr))
