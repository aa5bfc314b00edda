"""[write.free_layer]: the free layer of the error budget, set from the config (issue 17)."""
from __future__ import annotations

import dataclasses

import pytest

from mramsim.errors import ConfigError
from mramsim.physics.switching.macrospin import FreeLayer
from mramsim.run.build import build_free_layer, build_read, build_stack
from mramsim.run.config import parse_config

TEXT = """\
[stack]
preset = "cofeb_mgo"
diameter_nm = 50

[write]
enabled = true

[write.free_layer]
ms_A_per_m = 8e5
hk_A_per_m = 2.0e5
thickness_nm = 1.5
alpha = 0.02
polarization = 0.5
geometry = "in_plane"
t_curie_K = 900
barrier_ms_exponent = 1.5
"""


def _line_of(text, needle):
    return next(i for i, l in enumerate(text.splitlines(), start=1) if needle in l)


def _layer(text):
    cfg = parse_config(text)
    return build_free_layer(cfg, build_stack(cfg.stack))


def test_keys_parse_with_units_into_the_built_layer():
    layer = _layer(TEXT)
    assert isinstance(layer, FreeLayer)
    assert layer.ms == 8e5 and layer.hk == 2.0e5
    assert layer.thickness == pytest.approx(1.5e-9, rel=1e-15)
    assert layer.alpha == 0.02 and layer.polarization == 0.5 and layer.geometry == "in_plane"
    assert layer.t_curie == 900.0 and layer.n == 1.5
    assert layer.diameter == pytest.approx(50e-9, rel=1e-12)  # not given: the stack's


def test_defaults_come_from_free_layer():
    fl = parse_config("").write.free_layer
    ref = FreeLayer()
    for f in dataclasses.fields(FreeLayer):
        if f.name not in ("diameter", "t_ref"):
            assert getattr(fl, f.name) == getattr(ref, f.name), f.name
    assert fl.diameter is None


@pytest.mark.parametrize("stack_nm", [35, 50, 70])
def test_default_diameter_follows_the_stack(stack_nm):
    text = TEXT.replace("diameter_nm = 50", f"diameter_nm = {stack_nm}")
    assert _layer(text).diameter == pytest.approx(stack_nm * 1e-9, rel=1e-12)
    # an explicit diameter wins over the stack's
    text = text.replace("alpha = 0.02", "alpha = 0.02\ndiameter_nm = 42")
    assert _layer(text).diameter == pytest.approx(42e-9, rel=1e-12)


def test_delta_follows_hk():
    low = _layer(TEXT)
    high = _layer(TEXT.replace("hk_A_per_m = 2.0e5", "hk_A_per_m = 3.0e5"))
    assert high.delta() > low.delta()
    assert high.delta() / low.delta() == pytest.approx(1.5, rel=1e-12)  # Delta = mu0 Ms Hk V / (2 kB T)


@pytest.mark.parametrize(
    "old, new, key",
    [
        ("ms_A_per_m = 8e5", "ms_A_per_m = 10", "write.free_layer.ms_A_per_m"),
        ("hk_A_per_m = 2.0e5", "hk_A_per_m = -1.0", "write.free_layer.hk_A_per_m"),
        ("thickness_nm = 1.5", "thickness_nm = 0", "write.free_layer.thickness_nm"),
        ("thickness_nm = 1.5", 'thickness_nm = "1.5"', "write.free_layer.thickness_nm"),
        ("alpha = 0.02", "alpha = 0", "write.free_layer.alpha"),
        ("alpha = 0.02", "alpha = 0.02\ndiameter_nm = -3", "write.free_layer.diameter_nm"),
        ("polarization = 0.5", "polarization = 1.0", "write.free_layer.polarization"),
        ('geometry = "in_plane"', 'geometry = "vertical"', "write.free_layer.geometry"),
        ("t_curie_K = 900", "t_curie_K = 200", "write.free_layer.t_curie_K"),
        ("barrier_ms_exponent = 1.5", "barrier_ms_exponent = 7", "write.free_layer.barrier_ms_exponent"),
        ("barrier_ms_exponent = 1.5", "n = 2", "write.free_layer.n"),
    ],
)
def test_bad_value_names_key_and_line(old, new, key):
    text = TEXT.replace(old, new)
    assert text != TEXT
    with pytest.raises(ConfigError) as ei:
        parse_config(text, "bad.toml")
    needle = new.split("\n")[-1]
    assert ei.value.key == key, str(ei.value)
    assert ei.value.line == _line_of(text, needle) and f"bad.toml:{ei.value.line}" in str(ei.value)


def test_curie_below_the_budget_temperature_names_t_curie():
    text = TEXT.replace("t_curie_K = 900", "t_curie_K = 320") + "[read]\ntemperature_C = 85\n"
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    assert ei.value.key == "write.free_layer.t_curie_K" and ei.value.line == _line_of(text, "t_curie_K")
    assert parse_config(text.replace("enabled = true", "enabled = false")).write.free_layer.t_curie == 320.0


def test_a_stack_too_large_for_a_usable_delta_is_rejected_when_enabled():
    text = "[stack]\npreset = \"cofeb_mgo\"\ndiameter_nm = 2000\n[write]\nenabled = true\n"
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    assert ei.value.key == "write.free_layer.diameter_nm" and "Delta" in str(ei.value)
    assert parse_config(text + "[write.free_layer]\ndiameter_nm = 40\n").write.free_layer.diameter == pytest.approx(40e-9)
    assert not parse_config(text.replace("true", "false")).write.enabled  # not used: not checked


def test_the_error_budget_stage_uses_the_configured_layer(monkeypatch, tmp_path):
    import mramsim.array.budget as budget
    from mramsim.run import stages

    seen = {}

    class Stop(Exception):
        pass

    def fake(arr, var, read, layer, **kw):
        seen["layer"] = layer
        raise Stop

    monkeypatch.setattr(budget, "error_budget", fake)
    import mramsim as ms
    from mramsim.array.variation import Variation

    cfg = parse_config(TEXT)
    with pytest.raises(Stop):
        stages._error_budget(cfg, ms.Array1T1MTJ(rows=4, cols=4), Variation(), build_read(cfg), tmp_path)
    assert seen["layer"] == build_free_layer(cfg, build_stack(cfg.stack))
    assert seen["layer"].hk == 2.0e5 and seen["layer"].diameter == pytest.approx(50e-9, rel=1e-12)
