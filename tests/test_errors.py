"""mramsim.errors and mramsim._validation: types and message contents (field, value, range)."""
import math

import numpy as np
import pytest

from mramsim import _validation as v
from mramsim.errors import (
    ConfigError,
    ConvergenceError,
    MramsimError,
    NetlistError,
    ParameterError,
    SimulationError,
    UnknownNameError,
)


# -- error classes ---------------------------------------------------------------------
def test_hierarchy():
    for cls in (ParameterError, UnknownNameError, ConfigError, NetlistError, SimulationError, ConvergenceError):
        assert issubclass(cls, MramsimError)
    assert issubclass(MramsimError, ValueError)
    assert issubclass(UnknownNameError, ParameterError)
    assert issubclass(SimulationError, RuntimeError) and issubclass(ConvergenceError, RuntimeError)


def test_parameter_error_message_and_attributes():
    err = ParameterError("Barrier.thickness", -1e-9, "[2e-10, 1e-08] m", hint="thickness is in metres")
    msg = str(err)
    assert "Barrier.thickness" in msg and "-1e-09" in msg and "[2e-10, 1e-08] m" in msg
    assert "thickness is in metres" in msg
    assert (err.field, err.value, err.allowed) == ("Barrier.thickness", -1e-9, "[2e-10, 1e-08] m")


def test_unknown_name_error_lists_sorted_valid_names():
    err = UnknownNameError("dialect", "spice3", ["xyce", "ngspice", "hspice"])
    msg = str(err)
    assert "dialect" in msg and "'spice3'" in msg
    assert msg.index("'hspice'") < msg.index("'ngspice'") < msg.index("'xyce'")
    assert err.valid == ["hspice", "ngspice", "xyce"]


@pytest.mark.parametrize(
    "kwargs, expect",
    [
        (dict(), "config key 'array.rows': must be > 0"),
        (dict(line=12), "line 12: config key 'array.rows'"),
        (dict(path="run.toml"), "run.toml: config key"),
        (dict(path="run.toml", line=12), "run.toml:12: config key 'array.rows': must be > 0"),
    ],
)
def test_config_error_location(kwargs, expect):
    err = ConfigError("array.rows", "must be > 0", **kwargs)
    assert expect in str(err)
    assert err.key == "array.rows"


def test_simulation_error_carries_path_and_tail_of_output():
    out = "\n".join(f"line {i}" for i in range(100))
    err = SimulationError("ngspice failed", netlist_path="/tmp/x.cir", simulator_output=out)
    msg = str(err)
    assert "ngspice failed" in msg and "/tmp/x.cir" in msg
    assert "line 99" in msg and "line 70" in msg and "line 69" not in msg  # last 30 lines
    assert err.simulator_output == out


# -- validators ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lo, hi, lo_open, hi_open, value, text",
    [
        (0.0, 1.0, False, False, 1.5, "[0, 1]"),
        (0.0, 1.0, True, False, 0.0, "(0, 1]"),
        (0.0, 1.0, False, True, 1.0, "[0, 1)"),
        (0.0, math.inf, True, False, -2.0, "(0, inf"),  # closing bracket of an infinite bound: cosmetic
        (-math.inf, 3.0, False, False, 4.0, "-inf, 3]"),
    ],
)
def test_check_range_message(lo, hi, lo_open, hi_open, value, text):
    with pytest.raises(ParameterError) as info:
        v.check_range("Stack.area", value, lo, hi, lo_open=lo_open, hi_open=hi_open, unit="m^2")
    msg = str(info.value)
    assert "Stack.area" in msg and repr(value) in msg and text in msg and msg.endswith(" m^2")
    assert info.value.field == "Stack.area"


def test_check_range_passes_value_through_and_reports_first_bad_element():
    arr = np.array([0.1, 0.5, 2.0, 3.0])
    assert v.check_range("x", 0.5, 0, 1) == 0.5
    with pytest.raises(ParameterError) as info:
        v.check_range("x", arr, 0, 1)
    assert info.value.value == 2.0
    good = arr[:2]
    assert v.check_range("x", good, 0, 1) is good  # valid input comes back unchanged


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, "abc", None, [1.0, np.nan]])
def test_nonfinite_or_nonnumeric_is_rejected(bad):
    with pytest.raises(ParameterError, match="real number"):
        v.check_range("x", bad, 0, 10)
    with pytest.raises(ParameterError):
        v.check_finite("x", bad)


def test_specialised_checks():
    with pytest.raises(ParameterError, match=r"T = 0\.0 .*\(0, inf. K"):
        v.check_temperature("T", 0.0)
    assert v.check_temperature("T", 1e-3) == 1e-3
    with pytest.raises(ParameterError, match=r"\(-1, 1\)"):
        v.check_polarization("P", -1.0)
    assert v.check_polarization("P", 0.999) == 0.999
    with pytest.raises(ParameterError, match=r"R = 0\.0 .*\(0, inf. ohm"):
        v.check_positive("R", 0.0, "ohm")
    assert v.check_nonnegative("R", 0.0) == 0.0
    with pytest.raises(ParameterError):
        v.check_nonnegative("R", -1e-300)


def test_check_choice_with_registry_and_sequence():
    reg = {"serial": 1, "processes": 2, "dask": 3}
    assert v.check_choice("executor", "dask", reg) == "dask"
    with pytest.raises(UnknownNameError) as info:
        v.check_choice("executor", "mpi", reg)
    assert "'dask', 'processes', 'serial'" in str(info.value)
    with pytest.raises(UnknownNameError):
        v.check_choice("cap", 3, ("Ta", "W"))  # not a string


@pytest.mark.parametrize("state, expect", [("P", 0), ("p", 0), ("AP", 1), ("ap", 1), (0, 0), (1, 1)])
def test_parse_state_scalars(state, expect):
    assert v.parse_state(state) == expect


def test_parse_state_arrays_and_errors():
    out = v.parse_state(np.array([0, 1, 1, 0]))
    assert out.dtype == np.int8 and out.tolist() == [0, 1, 1, 0]
    assert v.parse_state(np.array([True, False])).tolist() == [1, 0]
    for bad in ("X", 2, 0.5, np.array([0, 2]), np.array([0.0, 1.0])):
        with pytest.raises(ParameterError, match="'P', 'AP', 0 or 1"):
            v.parse_state(bad, field="states")
