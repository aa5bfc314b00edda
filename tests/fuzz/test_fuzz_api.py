"""Fuzz the public API: every generated input gives a finite result or a mramsim error.

Inputs come from ``fuzz_cases.py`` (each argument in range or a chaos value:
NaN, inf, huge, a list, a ragged list, a string with line breaks or a netlist
payload, None, a bool, an object). ``derandomize=True``: the same inputs on
every machine; benchmarks/bench_fuzz.py runs many more of them.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings

import fuzz_cases as fc

#: classes with known failures (none open now; an entry runs as a non-strict xfail)
OPEN: dict = {}
#: fewer examples where one valid call costs ~0.1-1 s
EXAMPLES = {"fit_compact": 6, "read_margin": 6, "device_rv_table": 15}


def _settings(name, known_open=False):
    # a known-open class is not shrunk (that costs ~30 s and the reproducer is in OPEN already)
    phases = [Phase.explicit, Phase.generate] if known_open else list(Phase)
    return settings(max_examples=EXAMPLES.get(name, 20), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), phases=phases)


def _params():
    for name in fc.CASES:
        for valid in (False, True):
            marks = [pytest.mark.xfail(reason=OPEN[name, valid], strict=False)] if (name, valid) in OPEN else []
            yield pytest.param(name, valid, id=f"{name}-{'inrange' if valid else 'chaos'}", marks=marks)


@pytest.mark.parametrize("name, valid", list(_params()))
def test_finite_result_or_named_error(name, valid):
    strategy, func = (fc.VALID_CASES if valid else fc.CASES)[name]

    @_settings(name, known_open=(name, valid) in OPEN)
    @given(strategy)
    def check(d):
        kind, detail = fc.classify(name, func, dict(d))
        assert kind in ("ok", "named"), f"{kind}: {detail}"

    check()


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(fc.CASES["netlist_injection"][0])
def test_payload_never_opens_a_control_card(d):
    """A netlist payload as a name is rejected; as provenance or title it stays on its comment line."""
    kind, detail = fc.classify("netlist_injection", fc.CASES["netlist_injection"][1], dict(d))
    assert kind in ("ok", "named"), detail
    if kind == "ok":
        text = fc.CASES["netlist_injection"][1](dict(d))
        assert fc.injected_lines(text) == []
