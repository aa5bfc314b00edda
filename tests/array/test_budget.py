"""Combined read/write error budget (mramsim.array.budget)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mramsim as ms
from mramsim.array.budget import MECHANISMS, ErrorBudget, combine_probabilities, default_disturb, error_budget
from mramsim.array.read import ReadScheme
from mramsim.array.variation import Variation
from mramsim.array.write import WriteVariation
from mramsim.errors import ParameterError, UnknownNameError
from mramsim.physics.switching.macrospin import FreeLayer

LAYER = FreeLayer()
READ = ReadScheme(sa_offset_sigma=0.005)
KW = dict(v_read=[0.05, 0.3], v_write=[1.0], pulse_width=[5e-9, 20e-9], temperature=[300.15],
          write_variation=WriteVariation(), retention_time=1.0, n_bits=2**16, n_write=200, table_cells=100)


@pytest.fixture(scope="module")
def arr():
    return ms.Array1T1MTJ(rows=16, cols=4)


@pytest.fixture(scope="module")
def budget(arr):
    return error_budget(arr, Variation(), READ, LAYER, **KW)


def _parts(b):
    return np.stack([b.misread, b.disturb, b.write, b.retention])


def test_total_is_one_minus_product_and_union_bound_when_small(budget):
    p = _parts(budget)
    assert budget.total.shape == (2, 1, 2, 1)
    np.testing.assert_allclose(budget.total, 1.0 - np.prod(1.0 - p, axis=0), rtol=1e-9, atol=1e-15)
    s = p.sum(axis=0)
    small = np.all(p < 1e-3, axis=0)
    assert np.any(small)
    # Bonferroni: sum - sum_{i<j} p_i p_j <= total <= sum
    assert np.all(budget.total[small] <= s[small] * (1 + 1e-12))
    assert np.all(budget.total[small] >= s[small] - 0.5 * s[small] ** 2 - 1e-300)
    # tiny parts keep their digits (log-space product)
    q = np.array([[1e-18], [2e-18], [0.0]])
    assert combine_probabilities(q)[0] == pytest.approx(3e-18, rel=1e-12)


def test_dominant_mechanism_moves_with_v_read_and_pulse(budget):
    b = budget
    # higher V_read: more signal over the fixed sense offset (less misread), more read current (more disturb)
    assert b.misread[1, 0, 0, 0] < b.misread[0, 0, 0, 0]
    assert b.disturb[1, 0, 0, 0] > 1e3 * b.disturb[0, 0, 0, 0]
    # longer pulse: lower write error rate
    assert b.write[0, 0, 1, 0] < 1e-3 * b.write[0, 0, 0, 0]
    names = b.dominant_names()
    assert names[0, 0, 0, 0] == "write"        # short pulse, low V_read
    assert names[0, 0, 1, 0] == "misread"      # long pulse, low V_read
    assert names[1, 0, 1, 0] == "disturb"      # long pulse, high V_read
    np.testing.assert_array_equal(b.dominant, np.argmax(_parts(b), axis=0))


def test_retention_is_the_neel_brown_closed_form(budget):
    dm = default_disturb(LAYER)
    rate = 1.0 / (dm.tau0 * np.exp(float(LAYER.delta(300.15))))
    assert budget.retention[0, 0, 0, 0] == pytest.approx(-np.expm1(-1.0 * rate), rel=1e-9)


def test_yield_with_ecc_not_below_raw_and_falls_with_total(budget):
    assert np.all(budget.yield_ecc >= budget.yield_raw)
    order = np.argsort(budget.total.ravel())
    assert np.all(np.diff(budget.yield_raw.ravel()[order]) <= 1e-15)
    assert budget.ecc["name"] == "secded" and budget.ecc["t"] == 1


def test_json_round_trip(budget, tmp_path):
    path = budget.to_json(tmp_path / "budget.json")
    back = ErrorBudget.from_json(path)
    for k in ("v_read", "v_write", "pulse_width", "temperature", "misread", "disturb", "write", "retention",
              "total", "yield_raw", "yield_ecc"):
        np.testing.assert_array_equal(getattr(back, k), getattr(budget, k))
    np.testing.assert_array_equal(back.dominant, budget.dominant)
    assert back.ecc == budget.ecc and back.n_bits == budget.n_bits and back.n_reads == budget.n_reads
    assert back.part("write").shape == budget.shape


@pytest.mark.parametrize("change, field", [
    ({"v_read": []}, "v_read"), ({"v_read": [2.0]}, "v_read"), ({"v_write": [-1.0]}, "v_write"),
    ({"pulse_width": [0.0]}, "pulse_width"), ({"temperature": [float("nan")]}, "temperature"),
    ({"n_reads": 0}, "n_reads"), ({"n_bits": 1.5}, "n_bits"), ({"retention_time": -1.0}, "retention_time"),
    ({"disturb": "x"}, "disturb"),
])
def test_bad_input_names_the_field(arr, change, field):
    with pytest.raises(ParameterError) as e:
        error_budget(arr, Variation(), READ, LAYER, **{**KW, **change})
    assert e.value.field == field


def test_bad_ecc_and_read_and_parts(arr):
    with pytest.raises(UnknownNameError):
        error_budget(arr, Variation(), READ, LAYER, **{**KW, "ecc": "bch9"})
    with pytest.raises(ParameterError):
        error_budget(arr, Variation(), "read", LAYER, **KW)
    with pytest.raises(ParameterError):
        combine_probabilities([0.1, 1.5])
    with pytest.raises(UnknownNameError):
        error_budget(arr, Variation(), READ, LAYER, **{**KW, "write_method": "exact"})
    with pytest.raises(UnknownNameError):
        ErrorBudget.part(None, "leakage")


def test_plot_budget_shmoo(budget):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mramsim.plotting.margin import plot_budget_shmoo

    fig, ax = plt.subplots()
    assert plot_budget_shmoo(budget, ax=ax) is ax
    img = ax.get_images()[0].get_array()
    assert img.shape == (2, 2)                      # rows: pulse width, columns: V_read
    np.testing.assert_array_equal(np.asarray(img), budget.dominant[:, 0, :, 0].T)
    assert len(ax.texts) == 4
    with pytest.raises(ParameterError):
        plot_budget_shmoo(budget, ax=ax, x="v_read", y="v_read")
    plt.close(fig)
    assert MECHANISMS[0] == "misread"


FLOW = """\
[run]
name = "budget flow test"
progress = false

[device]
n_v = 21
n_t = 3

[array]
rows = 8
cols = 8
array_bits = 65536

[montecarlo]
n_samples = 256
seed = 3
block_size = 64

[spice_check]
enabled = false

[write]
enabled = true
v_read_V = [0.05, 0.3]
v_write_V = [1.0]
pulse_width_s = [5e-9, 20e-9]
retention_time_s = 1.0
n_write = 50
"""


def test_flow_write_section_runs_the_budget(tmp_path):
    from mramsim.run.config import parse_config
    from mramsim.run.flow import run_flow

    cfg = parse_config(FLOW)
    assert not parse_config("").write.enabled            # off by default
    res = run_flow(cfg, tmp_path / "out", stages=("physics", "compact", "margin", "report"))
    bud = res.results["margin"]["budget"]
    assert bud["shape"] == [2, 1, 2, 1] and bud["ecc"] == "secded"
    assert sum(bud["dominant_counts"].values()) == 4
    best = bud["best"]
    assert best["total"] <= max(best[m] for m in MECHANISMS) + sum(best[m] for m in MECHANISMS)
    assert best["total"] >= max(best[m] for m in MECHANISMS)
    back = ErrorBudget.from_json(tmp_path / "out" / "margin" / "budget.json")
    assert float(back.total.min()) == best["total"]
    assert [Path(f).name for f in bud["figures"]] == ["fig_budget_shmoo_" + f"{back.temperature[0] - 273.15:.0f}C.png"]
    assert all(Path(f).stat().st_size > 0 for f in bud["figures"])
    assert "Read/write error budget" in (tmp_path / "out" / "report.md").read_text()
