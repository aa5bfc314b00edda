"""Fuzz the TOML config loader and the command line.

Config: the example config with keys set to random TOML values, keys added
or deleted, garbage lines, other encodings (UTF-8 BOM, latin-1, UTF-16):
``load_config`` returns a config or raises a mramsim error, never another
exception. CLI: ``mramsim.cli.main(argv)`` with generated argv (always with
one invalid piece, valid runs are slow) returns 0/1/2, never raises, and an
error exit ends with one ``mramsim...`` line on stderr.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_cases as fc

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def test_config_loads_or_names_the_problem(tmp_path):
    @FUZZ
    @given(fc.config_text())
    def check(data):
        kind, detail = fc.classify("config", fc.load_config_bytes, data, tmp_path)
        assert kind in ("ok", "named"), f"{kind}: {detail}\ninput: {data[:400]!r}"

    check()


def test_cli_returns_a_code_and_one_line(tmp_path):
    fc.make_cli_fixture(tmp_path)

    @FUZZ
    @given(fc.cli_argv(tmp_path))
    def check(argv):
        rc, out, err = fc.run_cli(argv)
        assert fc.cli_problem(argv, rc, out, err) == "", (argv, rc, err[-500:])

    check()


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["--help", "-h", "--version", "--debug", "run",
                                                                  "device", "--out", "margin"])), max_size=4))
def test_cli_random_tokens_never_raise(argv):
    """Free token lists (no valid run possible without --out and a config): a code, never a raise."""
    if "device" in argv and "--out" in argv:  # could be a valid (slow) device run
        argv = argv + ["--anneal-time", "nan"]
    if "--debug" in argv:  # --debug re-raises by design
        argv = [a for a in argv if a != "--debug"]
    rc, out, err = fc.run_cli(argv)
    assert fc.cli_problem(argv, rc, out, err) == "", (argv, rc, err[-500:])
