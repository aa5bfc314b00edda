"""Stack presets, Stack/Anneal validation."""
import dataclasses

import pytest

from mramsim.constants import eV
from mramsim.errors import MramsimError, ParameterError, UnknownNameError
from mramsim.materials import CITATIONS, Barrier, Electrode
from mramsim.stack import CAPS, PRESETS, Anneal, Stack

NAMES = ("cofeb_mgo", "fe_mgo_fe", "cofe_alox", "cofeb_mgo_psv")


@pytest.mark.parametrize("name", NAMES)
def test_preset_builds_a_valid_stack(name):
    s = Stack.preset(name)
    assert isinstance(s, Stack) and s.name == name
    assert isinstance(s.left, Electrode) and isinstance(s.right, Electrode) and isinstance(s.barrier, Barrier)
    assert s.thickness == s.barrier.thickness
    assert 0 < s.left.polarization < 1 and 0 < s.right.polarization < 1
    assert s.citations and all(key in CITATIONS for key in s.citations)
    # a fresh, equal object each call (frozen dataclass, no shared mutable state)
    assert Stack.preset(name) == s


def test_preset_names_are_the_registry():
    assert set(Stack.preset_names()) == set(NAMES) == set(PRESETS)


def test_presets_differ_physically():
    mgo, fe, alox = (Stack.preset(n) for n in NAMES[:3])
    assert mgo.coherent_barrier and fe.coherent_barrier and not alox.coherent_barrier
    assert alox.barrier.channel_offsets == (0.0, 0.0, 0.0, 0.0)  # amorphous: no symmetry filter
    assert mgo.barrier.channel_offsets[0] == 0.0 and min(mgo.barrier.channel_offsets[1:]) > 0  # Delta1 slowest
    assert mgo.left.boron_fraction > 0 and fe.left.boron_fraction == 0
    assert fe.crystalline_as_grown == 1.0 and mgo.crystalline_as_grown == 0.0
    assert alox.barrier.height > mgo.barrier.height


@pytest.mark.parametrize("bad", ["CoFeB_MgO", "cofeb-mgo", "", None, 3, ["cofeb_mgo"]])
def test_unknown_preset_lists_valid_names(bad):
    with pytest.raises(UnknownNameError) as info:
        Stack.preset(bad)
    msg = str(info.value)
    assert "Stack.preset" in msg
    for name in NAMES:
        assert repr(name) in msg
    assert info.value.valid == sorted(NAMES)


def test_with_thickness_and_replace_revalidate():
    s = Stack.preset("cofeb_mgo")
    t = s.with_thickness(1.3e-9)
    assert t.thickness == 1.3e-9 and s.thickness != 1.3e-9
    assert t.barrier.height == s.barrier.height
    with pytest.raises(ParameterError, match="thickness"):
        s.with_thickness(0.1e-9)
    assert s.replace(area=1e-14).area == 1e-14
    with pytest.raises(ParameterError, match="Stack.area"):
        s.replace(area=0.0)
    with pytest.raises(ParameterError, match="Stack.r_series"):
        s.replace(r_series=-1.0)


def test_stack_is_frozen():
    s = Stack.preset("fe_mgo_fe")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.area = 1.0


@pytest.mark.parametrize(
    "field, value",
    [("left", "CoFeB"), ("right", None), ("barrier", 1.0)],
)
def test_stack_rejects_wrong_component_types(field, value):
    with pytest.raises(ParameterError, match=f"Stack.{field}"):
        Stack.preset("cofeb_mgo").replace(**{field: value})


@pytest.mark.parametrize(
    "field, value",
    [("correlation_length", 0.0), ("diffuse_fraction", 1.5), ("crystalline_as_grown", -0.1), ("area", 1.0)],
)
def test_stack_rejects_out_of_range(field, value):
    with pytest.raises(ParameterError) as info:
        Stack.preset("cofeb_mgo").replace(**{field: value})
    assert info.value.field == f"Stack.{field}"
    assert str(value) in str(info.value)


# -- Anneal ---------------------------------------------------------------------------------
def test_anneal_defaults_and_caps():
    a = Anneal(temperature=673.15)
    assert a.time == 3600.0 and a.cap == "Ta"
    for cap in CAPS:
        assert Anneal(temperature=623.15, time=1800.0, cap=cap).cap == cap


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(temperature=400.0 + 273.15 + 1000), "Anneal.temperature"),
        (dict(temperature=200.0), "Anneal.temperature"),  # a Celsius value passed as kelvin
        (dict(temperature=673.15, time=0.0), "Anneal.time"),
        (dict(temperature=673.15, time=-60.0), "Anneal.time"),
    ],
)
def test_anneal_rejects_bad_values(kwargs, field):
    with pytest.raises(ParameterError) as info:
        Anneal(**kwargs)
    assert info.value.field == field
    assert info.value.allowed.endswith(" K" if field == "Anneal.temperature" else " s")


def test_anneal_rejects_nan():
    with pytest.raises(ParameterError, match="Anneal.temperature = nan .*finite"):
        Anneal(temperature=float("nan"))


def test_anneal_unknown_cap_lists_caps():
    with pytest.raises(UnknownNameError) as info:
        Anneal(temperature=673.15, cap="Ru")
    for cap in CAPS:
        assert repr(cap) in str(info.value)
    assert isinstance(info.value, MramsimError)


def test_barrier_height_units_guard():
    # heights are in joules; a height given in eV as a bare number is caught
    with pytest.raises(ParameterError, match="height"):
        Barrier(name="MgO", height=0.55, thickness=1e-9)
    assert Barrier(name="MgO", height=0.55 * eV, thickness=1e-9).height == 0.55 * eV
