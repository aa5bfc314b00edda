"""report.md, Compact model section: value + standard error (or 'fixed: <reason>') per parameter,
the card's V_h against the physics' half-TMR bias, the worst correlation."""
from __future__ import annotations

import re

import pytest

from mramsim.run.config import parse_config
from mramsim.run.flow import run_flow
from mramsim.run.report import write_report

# physics + compact of a small study (coarse R(V,T) grid)
SMALL = """\
[run]
name = "report compact test"
executor = "serial"
progress = false

[stack]
preset = "cofeb_mgo"
diameter_nm = 60

[anneal]
temperature_C = 400
time_s = 3600
cap = "Ta"

[device]
n_v = 21
n_t = 3
"""


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rep")
    cfg = parse_config(SMALL)
    res = run_flow(cfg, tmp / "out", stages=["compact"])
    assert res.status["compact"] == "done"
    return cfg, res, tmp / "out"


def _section(text: str) -> str:
    return text.split("## Compact model", 1)[1].split("\n## ", 1)[0]


def test_compact_section_has_standard_errors_and_vh_comparison(flow):
    cfg, res, out = flow
    sec = _section(write_report(out / "report_test.md", res.results, cfg).read_text())
    assert "| parameter | value | standard error |" in sec
    cmp_ = res.results["compact"]
    rows = {m.group(1): m.group(3) for m in re.finditer(r"^\| (\w+) \| ([^|]+) \| ([^|]+) \|$", sec, re.M)}
    for name in cmp_["parameters"]:
        assert name in rows, name
        status = rows[name].strip()
        if name in cmp_["std_errors"]:
            assert float(status) >= 0.0
        elif name in cmp_["fixed"]:
            assert status == f"fixed: {cmp_['fixed'][name][1]}"
        else:
            assert status != "n/a", name     # every parameter says how it is set
    assert any(n in cmp_["std_errors"] for n in cmp_["parameters"])
    assert any(r.strip().startswith("fixed: constraint") for r in rows.values())
    vh = res.results["physics"]["half_tmr_bias"]
    assert vh["vh_pos_V"] > 0 and vh["vh_neg_V"] > 0
    assert "card vs physics MTJDevice.half_tmr_bias" in sec
    assert f"physics {vh['vh_pos_V']:.4g} V" in sec and f"physics {vh['vh_neg_V']:.4g} V" in sec
    assert f"card {cmp_['parameters']['vh_pos']:.4g} V" in sec
    a, b, rho = cmp_["worst_correlation"]
    assert a in cmp_["free"] and b in cmp_["free"] and abs(rho) <= 0.99
    assert f"Worst correlation of the free parameters: {rho:+.3f} ({a}, {b})" in sec
