"""Each input the hardening pass found mishandled (silent wrong answer, raw traceback,
valid edge rejected), pinned so it stays fixed."""
from __future__ import annotations

import dataclasses
import math
import re
import time
from types import SimpleNamespace

import numpy as np
import pytest

import fuzz_cases as fc
from mramsim import _validation as v
from mramsim import errors
from mramsim.errors import ConfigError, MramsimError, ParameterError
from mramsim.materials import Barrier
from mramsim.physics.device import MTJDevice
from mramsim.physics.rvtable import RVTable
from mramsim.stack import Anneal, Stack

T0 = 273.15


# -- shared checks -------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [[1.0, 2.0], [[1.0], [2.0, 3.0]], np.zeros(2), "1", None, True, math.nan, math.inf,
                                 {"a": 1}, object()])
def test_check_scalar_rejects_everything_but_one_finite_number(bad):
    with pytest.raises(ParameterError, match="x.y"):
        v.check_scalar("x.y", bad)


def test_check_scalar_accepts_numbers_and_0d_arrays():
    assert v.check_scalar("f", 3) == 3.0
    assert v.check_scalar("f", np.float32(2.5)) == 2.5
    assert v.check_scalar("f", np.array(1.5)) == 1.5


def test_closed_bound_tolerates_a_few_ulp_but_not_more():
    assert v.check_range("t", -23.15 + T0, 250.0, 1100.0) == -23.15 + T0  # 249.99999999999997
    with pytest.raises(ParameterError):
        v.check_range("t", 250.0 - 1e-9, 250.0, 1100.0)
    with pytest.raises(ParameterError):  # no slack at 0 and none on an open bound
        v.check_range("t", -5e-324, 0.0)
    with pytest.raises(ParameterError):
        v.check_range("t", 0.0, 0.0, lo_open=True)


def test_check_shape_names_expected_and_given():
    with pytest.raises(ParameterError, match=r"\(2, 3\).*\(3, 2\)"):
        v.check_shape("tab", np.ones((2, 3)), (3, 2))


def test_parameter_error_message_is_one_line_for_arrays():
    err = ParameterError("f", np.zeros((4, 4)), "scalar")
    assert "\n" not in str(err)


# -- records -------------------------------------------------------------------------------
def test_rvtable_rejects_a_transposed_table_naming_both_shapes():
    with pytest.raises(ParameterError) as info:
        RVTable(V=[0, 0.1, 0.2], T=[300, 350], r_p=np.ones((2, 3)), r_ap=2 * np.ones((3, 2)))
    assert "(2, 3)" in str(info.value) and "(3, 2)" in str(info.value)


def test_rvtable_rejects_a_flat_table():
    with pytest.raises(ParameterError, match=r"\(3, 2\)"):
        RVTable(V=[0, 0.1, 0.2], T=[300, 350], r_p=np.ones(6), r_ap=2 * np.ones((3, 2)))


def test_rvtable_area_must_be_one_positive_number_or_nan():
    with pytest.raises(ParameterError, match="RVTable.area"):
        RVTable(V=[0.0], T=[300.0], r_p=[[1.0]], r_ap=[[2.0]], area=[1e-15, 2e-15])
    assert math.isnan(RVTable(V=[0.0], T=[300.0], r_p=[[1.0]], r_ap=[[2.0]]).area)


@pytest.mark.parametrize("field", ["r_series", "area", "diffuse_fraction", "si_ratio"])
def test_stack_scalar_fields_reject_sequences(field):
    stack = Stack.preset("cofeb_mgo")
    with pytest.raises(ParameterError, match=f"Stack.{field}"):
        dataclasses.replace(stack, **{field: [getattr(stack, field)] * 2})


def test_stack_name_must_be_text():
    with pytest.raises(ParameterError, match="Stack.name"):
        dataclasses.replace(Stack.preset("cofeb_mgo"), name=np.zeros(3))


@pytest.mark.parametrize("weights", ["abcd", None, [1, 2, 3], [[1, 2], [3, 4]], [1, 2, "x", 4], 5])
def test_electrode_weights_give_a_named_error(weights):
    el = Stack.preset("cofeb_mgo").left
    with pytest.raises(ParameterError, match="weights_up"):
        dataclasses.replace(el, weights_up=weights)


def test_anneal_at_the_documented_minus_23_15_celsius_is_accepted():
    assert Anneal(-23.15 + T0).temperature == pytest.approx(250.0)


@pytest.mark.parametrize("resonances", [5, "ab", [1, 2]])
def test_device_resonances_give_a_named_error(resonances):
    with pytest.raises(ParameterError, match="MTJDevice.resonances"):
        MTJDevice(Stack.preset("cofeb_mgo"), resonances=resonances)


@pytest.mark.parametrize("v_max", [-1.0, 0.0, 2.5, math.nan, [0.5, 1.0], "1"])
def test_half_tmr_bias_validates_v_max(v_max):
    with pytest.raises(ParameterError, match="v_max"):
        fc.device().half_tmr_bias(v_max=v_max)


@pytest.mark.parametrize("thickness", [0.2e-9, 10e-9])
def test_barrier_at_the_documented_edges_gives_a_table(thickness):
    stack = Stack.preset("cofeb_mgo").with_thickness(thickness)
    tab = MTJDevice(stack).rv_table(V=[0.0, 0.1], T=[300.0])
    assert np.all(np.isfinite(tab.r_p)) and np.all(tab.r_p > 0)
    assert all(math.isfinite(x) for x in tab.sensitivities.values())
    assert tab.sensitivities["dlnRP_dthickness"] > 0  # thicker barrier, higher R


def test_barrier_edge_thickness_itself_is_valid():
    b = Stack.preset("cofeb_mgo").barrier
    assert dataclasses.replace(b, thickness=0.2e-9).thickness == 0.2e-9
    assert isinstance(dataclasses.replace(b, thickness=10e-9), Barrier)


@pytest.mark.parametrize("V", [[], [[0.1], [0.2, 0.3]], "x", {"a": 1}])
def test_rv_table_grid_gives_a_named_error(V):
    with pytest.raises(ParameterError):
        fc.device().rv_table(V=V, T=[300.0])


@pytest.mark.parametrize("V", ["x", {"a": 1}, [[0.1], [0.2, 0.3]]])
def test_current_validates_before_converting(V):
    with pytest.raises(ParameterError):
        fc.device().current("P", V, 300.0)


@pytest.mark.parametrize("state, V, T", [("P", [0.1, 0.2], [300.0, 310.0, 320.0]), ([0, 1, 1], [0.1, 0.2], 300.0),
                                         ("P", [], 300.0), ("AP", 0.1, [])])
def test_device_shapes_that_do_not_broadcast_give_a_named_error(state, V, T):
    with pytest.raises(ParameterError):
        fc.device().resistance(state, V, T)


def test_device_shapes_that_broadcast_still_work():
    r = fc.device().resistance([0, 1, 1, 0], 0.1, 300.0)
    assert r.shape == (4,) and r[1] > r[0]


@pytest.mark.parametrize("state", [[[0], [1, 1]], "X", 2, None])
def test_state_gives_a_named_error(state):
    with pytest.raises(ParameterError, match="state"):
        v.parse_state(state)


# -- executor ------------------------------------------------------------------------------
def test_empty_scheduler_address_is_rejected():
    from mramsim.parallel.executor import open_executor

    pytest.importorskip("distributed")
    with pytest.raises(ParameterError, match="executor"):
        with open_executor("tcp://"):
            pass


def test_unreachable_scheduler_is_a_named_error_after_a_short_timeout(monkeypatch):
    import mramsim.parallel.executor as ex

    pytest.importorskip("distributed")
    monkeypatch.setattr(ex, "SCHEDULER_TIMEOUT", "1s")
    t0 = time.perf_counter()
    with pytest.raises(errors.ExecutorError, match="127.0.0.1:1"):
        with ex.open_executor("tcp://127.0.0.1:1"):
            pass
    assert time.perf_counter() - t0 < 20.0


# -- config --------------------------------------------------------------------------------
def _config(tmp_path, section, key, value):
    text = open(fc.EXAMPLE_CONFIG, encoding="utf-8").read()
    out, sec, done = [], None, False
    for line in text.splitlines():
        m = re.match(r"\[(\w+)\]", line)
        if m:
            sec = m.group(1)
        if sec == section and re.match(rf"{key}\s*=", line):
            line, done = f"{key} = {value}", True
        out.append(line)
    if not done:
        out = [ln if ln != f"[{section}]" else f"[{section}]\n{key} = {value}" for ln in out]
    path = tmp_path / "c.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("section, key, value", [("sweeps", "temperature_C", "[999]"),
                                                 ("sweeps", "v_read_V", "[1.9]"),
                                                 ("device", "t_min_C", "-273")])
def test_config_out_of_range_values_fail_at_load(tmp_path, section, key, value):
    from mramsim.run.config import load_config

    with pytest.raises(ConfigError, match=key):
        load_config(_config(tmp_path, section, key, value))


def test_config_anneal_at_minus_23_15_c_loads(tmp_path):
    from mramsim.run.config import load_config

    cfg = load_config(_config(tmp_path, "anneal", "temperature_C", "-23.15"))
    assert cfg is not None


# -- command line --------------------------------------------------------------------------
def test_cli_help_returns_instead_of_exiting():
    rc, out, _ = fc.run_cli(["--help"])
    assert rc == 0 and "usage" in out.lower()
    rc, _, _ = fc.run_cli(["device", "--help"])
    assert rc == 0


def test_cli_without_command_says_so():
    rc, _, err = fc.run_cli([])
    assert rc == 2 and err.strip().splitlines()[-1].startswith("mramsim: error")


@pytest.mark.parametrize("argv, words", [
    (["check-spice", "--mc", "--seed", "-1"], "--seed"),
    (["device", "--out", "@FILE@"], "--out"),
    (["device", "--out", "@FILE@/sub"], "--out"),
    (["run", "@LATIN1@", "--out", "@OUT@"], "UTF-8"),
])
def test_cli_errors_are_one_named_line(tmp_path, argv, words):
    (tmp_path / "f").write_text("x")
    (tmp_path / "latin1.toml").write_bytes(b'[stack]\npreset = "cofeb_mgo"\n# caf\xe9\n')
    subs = {"@FILE@": str(tmp_path / "f"), "@LATIN1@": str(tmp_path / "latin1.toml"), "@OUT@": str(tmp_path / "o")}
    for key, sub in subs.items():
        argv = [a.replace(key, sub) for a in argv]
    rc, _, err = fc.run_cli(argv)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc == 1 and len(lines) == 1 and lines[0].startswith("mramsim: error") and words in lines[0]


def test_utf8_bom_config_loads(tmp_path):
    from mramsim.run.config import load_config

    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + open(fc.EXAMPLE_CONFIG, "rb").read())
    assert load_config(path) is not None


def test_incomplete_flow_exit_has_a_message(capsys):
    from mramsim.cli import _flow_exit

    res = SimpleNamespace(complete=False, status={"device": "done", "margin": "failed: boom"}, report_path="r.html")
    assert _flow_exit(res) == 1
    err = capsys.readouterr().err
    assert "mramsim: error" in err and "margin=failed: boom" in err
    assert _flow_exit(SimpleNamespace(complete=True, status={}, report_path="r")) == 0


def test_every_mramsim_error_is_a_value_error():
    assert issubclass(errors.ExecutorError, MramsimError) and issubclass(errors.ExecutorError, ValueError)
