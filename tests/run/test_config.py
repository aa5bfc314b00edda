"""load_config / parse_config: units converted once, every error names its key and line."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from mramsim.constants import T0_CELSIUS
from mramsim.errors import ConfigError
from mramsim.run.config import DIALECTS, FlowConfig, describe, key_lines, load_config, parse_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

GOOD = """\
[run]
name = "test study"
executor = "serial"

[stack]
preset = "cofeb_mgo"   # a comment
diameter_nm = 50
thickness_nm = 1.1

[stack.barrier]
height_eV = 0.6

[anneal]
temperature_C = 400
time_s = 1800
cap = "Ta"

[device]
n_v = 21
t_min_C = -40
t_max_C = 125

[export]
dialects = ["ngspice", "verilog-a"]

[array]
rows = 32
cols = 16
array_bits = 1048576

[array.access]
w_nm = 200
vto_V = 0.45

[variation]
ra_sigma = 0.03
cd_sigma_nm = 1.5
thickness_sigma_nm = 0.01

[read]
v_read_V = 0.12
temperature_C = 125

[montecarlo]
n_samples = 2000
seed = 7

[sweeps]
temperature_C = [25, 85, 125]
"""


def test_good_config_converts_units_once():
    cfg = parse_config(GOOD, "good.toml")
    assert isinstance(cfg, FlowConfig)
    assert cfg.anneal.temperature == pytest.approx(400 + T0_CELSIUS, rel=1e-15)
    assert cfg.anneal.time == 1800.0
    assert cfg.stack.diameter == pytest.approx(50e-9, rel=1e-15)
    assert cfg.stack.junction_area == pytest.approx(math.pi * 25e-9**2, rel=1e-12)
    assert cfg.stack.thickness == pytest.approx(1.1e-9, rel=1e-15)
    assert cfg.variation.cd_sigma == pytest.approx(1.5e-9, rel=1e-15)
    assert cfg.variation.thickness_sigma == pytest.approx(0.01e-9, rel=1e-12)
    assert cfg.read.temperature == pytest.approx(125 + T0_CELSIUS)
    assert cfg.sweeps.temperature == pytest.approx(tuple(t + T0_CELSIUS for t in (25, 85, 125)))
    assert cfg.export.dialects == ("ngspice", "verilog-a")
    assert cfg.array.bits == 2**20 and cfg.array.read_row == 31
    assert cfg.device.t_min == pytest.approx(233.15) and cfg.device.n_v == 21
    # untouched keys take their documented defaults (in SI)
    assert cfg.read.sa_offset_sigma == 5e-3 and cfg.read.reference == "current-midpoint"
    assert cfg.variation.anneal_map is None


def test_built_objects_carry_the_config_values():
    from mramsim.run.build import build_access, build_anneal, build_read, build_stack, build_variation

    cfg = parse_config(GOOD)
    stack = build_stack(cfg.stack)
    assert stack.barrier.thickness == pytest.approx(1.1e-9)
    assert stack.area == pytest.approx(math.pi * 25e-9**2)
    from mramsim.constants import eV

    assert stack.barrier.height == pytest.approx(0.6 * eV)
    acc = build_access(cfg)
    assert acc.W == pytest.approx(200e-9) and acc.VTO == 0.45
    read = build_read(cfg)
    assert read.v_read == 0.12 and read.temperature == pytest.approx(398.15)
    var = build_variation(cfg, stack, build_anneal(cfg.anneal))
    assert var.ra_sigma == 0.03 and var.cd_sigma == pytest.approx(1.5e-9)


def _replace_line(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text, needle):
    return next(i for i, l in enumerate(text.splitlines(), start=1) if needle in l)


@pytest.mark.parametrize(
    "old, new, key, needle",
    [
        # unknown keys, at three depths
        ("ra_sigma = 0.03", "ra_sigma = 0.03\nra_sigmaa = 0.1", "variation.ra_sigmaa", "ra_sigmaa"),
        ("height_eV = 0.6", "height_eV = 0.6\nheight = 0.6", "stack.barrier.height", "height = 0.6"),
        ("[montecarlo]", "[montecarol]", "montecarol", "[montecarol]"),
        # a unit-less key where the schema wants the unit in the name
        ("v_read_V = 0.12", "v_read = 0.12", "read.v_read", "v_read = 0.12"),
        # wrong types
        ("rows = 32", 'rows = "32"', "array.rows", 'rows = "32"'),
        ("cols = 16", "cols = 16.0", "array.cols", "cols = 16.0"),
        ("n_samples = 2000", "n_samples = true", "montecarlo.n_samples", "n_samples = true"),
        ("temperature_C = [25, 85, 125]", "temperature_C = 25", "sweeps.temperature_C", "temperature_C = 25"),
        # out of range / negative
        ("cd_sigma_nm = 1.5", "cd_sigma_nm = -1.5", "variation.cd_sigma_nm", "cd_sigma_nm"),
        ("ra_sigma = 0.03", "ra_sigma = -0.03", "variation.ra_sigma", "ra_sigma"),
        ("v_read_V = 0.12", "v_read_V = 0", "read.v_read_V", "v_read_V"),
        ("time_s = 1800", "time_s = nan", "anneal.time_s", "time_s"),
        # unknown names
        ('dialects = ["ngspice", "verilog-a"]', 'dialects = ["ngspice", "eldo"]', "export.dialects", "dialects"),
        ('preset = "cofeb_mgo"', 'preset = "cofeb"', "stack.preset", "preset ="),
        ('cap = "Ta"', 'cap = "Cu"', "anneal.cap", "cap ="),
        ('executor = "serial"', 'executor = "mpi"', "run.executor", "executor ="),
    ],
)
def test_bad_config_names_key_and_line(old, new, key, needle):
    text = _replace_line(GOOD, old, new)
    with pytest.raises(ConfigError) as ei:
        parse_config(text, "bad.toml")
    err = ei.value
    assert err.key == key
    assert err.line == _line_of(text, needle)
    assert err.path == "bad.toml"
    assert key in str(err) and f"bad.toml:{err.line}" in str(err)


def test_unknown_dialect_lists_the_valid_ones():
    text = _replace_line(GOOD, 'dialects = ["ngspice", "verilog-a"]', 'dialects = ["spice3"]')
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    for d in DIALECTS:
        assert repr(d) in str(ei.value)
    assert "'spice3'" in str(ei.value)


def test_negative_sigma_message_gives_value_and_range():
    text = _replace_line(GOOD, "cd_sigma_nm = 1.5", "cd_sigma_nm = -1.5")
    with pytest.raises(ConfigError, match=r"-1\.5 is out of range; allowed: \[0, .*\] nm"):
        parse_config(text)


def test_cross_field_errors():
    # CD sigma above CD/8 of the configured 50 nm junction
    text = _replace_line(GOOD, "cd_sigma_nm = 1.5", "cd_sigma_nm = 7")
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    assert ei.value.key == "variation.cd_sigma_nm" and "6.25" in str(ei.value)
    # thickness given twice
    text = _replace_line(GOOD, "height_eV = 0.6", "height_eV = 0.6\nthickness_nm = 1.0")
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    assert ei.value.key == "stack.barrier.thickness_nm"
    # a ReadScheme rule enforced by the read layer, mapped back to the key
    text = _replace_line(GOOD, "v_read_V = 0.12", "v_read_V = 0.12\nn_ref_pairs = 4")
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    assert ei.value.key == "read.n_ref_pairs" and ei.value.line == _line_of(text, "n_ref_pairs")


def test_missing_required_keys():
    with pytest.raises(ConfigError) as ei:
        parse_config("[anneal]\ntime_s = 10\n")
    assert ei.value.key == "anneal.temperature_C" and ei.value.line == 1
    # no [stack]: the default preset (an explicit stack needs [stack.barrier], [stack.left], [stack.right])
    assert parse_config("[read]\nv_read_V = 0.1\n").stack.preset == "cofeb_mgo"


def test_toml_syntax_error_has_line():
    text = GOOD.replace("rows = 32", "rows = = 32")
    with pytest.raises(ConfigError) as ei:
        parse_config(text)
    assert ei.value.line == _line_of(text, "rows = = 32")


def test_explicit_stack_without_preset():
    text = """
[stack]
diameter_nm = 80
[stack.barrier]
height_eV = 1.5
thickness_nm = 1.5
mass_ratio = 0.4
[stack.left]
dos_up = 0.7
dos_down = 0.3
[stack.right]
dos_up = 0.65
dos_down = 0.35
"""
    from mramsim.run.build import build_stack

    st = build_stack(parse_config(text).stack)
    assert st.name == "custom" and st.barrier.thickness == pytest.approx(1.5e-9)
    assert st.right.polarization == pytest.approx(0.3)
    with pytest.raises(ConfigError) as ei:
        parse_config(text.replace("dos_up = 0.65\n", ""))
    assert ei.value.key == "stack.right.dos_up"


def test_key_lines_handles_dotted_keys_and_multiline_arrays():
    text = 'a.b = 1\n[t]\nx = [\n  1,\n  2,\n]\ny = """\nz = 3\n"""\nw = 4\n'
    lines = key_lines(text)
    assert lines[("a", "b")] == 1 and lines[("t",)] == 2 and lines[("t", "x")] == 3
    assert lines[("t", "y")] == 7 and lines[("t", "w")] == 10
    assert ("t", "z") not in lines  # inside a multi-line string


def test_load_config_missing_file(tmp_path):
    with pytest.raises(ConfigError) as ei:
        load_config(tmp_path / "nope.toml")
    assert "nope.toml" in str(ei.value)


def test_describe_lists_every_table():
    text = describe()
    for t in ("[run]", "[stack.barrier]", "[array.access]", "[variation.anneal_map]", "[sweeps]"):
        assert t in text
    assert "temperature_C" in text


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_shipped_examples_load(name):
    cfg = load_config(EXAMPLES / name)
    assert cfg.sha256 and cfg.source.endswith(name)


@pytest.mark.parametrize(
    "old, new, key, needle",
    [
        ("temperature_C = [25, 85, 125]", "temperature_C = [25, 999]", "sweeps.temperature_C", "[25, 999]"),
        ("temperature_C = [25, 85, 125]", "temperature_C = [25]\nv_read_V = [1.9]", "sweeps.v_read_V", "[1.9]"),
        ("temperature_C = [25, 85, 125]", "anneal_temperature_C = [2000]", "sweeps.anneal_temperature_C", "[2000]"),
        ("t_min_C = -40", "t_min_C = -273", "device.t_min_C", "t_min_C"),
        ("[sweeps]", '[compact]\nname = "end"\n[sweeps]', "compact.name", '"end"'),
        ("[sweeps]", '[compact]\nname = "temper"\n[sweeps]', "compact.name", '"temper"'),
        ("[sweeps]", f'[compact]\nname = "{"m" * 80}"\n[sweeps]', "compact.name", '"mmm'),
        ('executor = "serial"', 'executor = "tcp://"', "run.executor", "executor ="),
    ],
)
def test_ranges_and_names_checked_at_load(old, new, key, needle):
    text = _replace_line(GOOD, old, new)
    with pytest.raises(ConfigError) as ei:
        parse_config(text, "bad.toml")
    assert ei.value.key == key and ei.value.line == _line_of(text, needle), str(ei.value)


def test_defaults_come_from_the_configured_classes():
    from mramsim.array.read import ReadScheme
    from mramsim.stack import Anneal

    cfg = parse_config("[anneal]\ntemperature_C = 300\n")
    assert cfg.read.temperature == ReadScheme().temperature
    assert cfg.anneal.time == Anneal(600.0).time and cfg.anneal.cap == Anneal(600.0).cap


def test_bom_and_encoding(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_config(p).array.rows == 32
    p.write_bytes(GOOD.replace("test study", "\u00e9tude").encode("latin-1"))
    with pytest.raises(ConfigError) as ei:
        load_config(p)
    assert "UTF-8" in str(ei.value) and ei.value.line == 2


def test_describe_shows_units_and_ranges():
    text = describe()
    line = next(l for l in text.splitlines() if l.strip().startswith("n_t "))
    assert "[1, 200]" in line
    assert "[compact]" in text and "v_window_V" in text


def test_mirrored_tables_take_defaults_and_docs_from_their_classes():
    from dataclasses import fields

    from mramsim.array.read import ReadScheme
    from mramsim.array.variation import Variation

    cfg = parse_config("")
    for section, cls, own in ((cfg.read, ReadScheme, {"sa_offset_sigma"}), (cfg.variation, Variation, {"anneal"})):
        for f in fields(cls):
            if f.name in type(section).model_fields and f.name not in own:
                assert getattr(section, f.name) == f.default, f.name
    assert cfg.read.sa_offset_sigma == 5e-3 != ReadScheme().sa_offset_sigma  # the study default, documented
    assert all(v is None for v in cfg.array.access.__dict__.values())      # unset: the class's own defaults
    assert "Channel width" in describe()                                     # w_nm's doc, from AccessNMOS


def test_write_arrays_checked_per_element_with_key_and_line():
    text = GOOD + "\n[write]\nenabled = true\nv_write_V = [0.9,\n  7.0]\n"
    with pytest.raises(ConfigError) as ei:
        parse_config(text, "w.toml")
    assert ei.value.key == "write.v_write_V" and ei.value.line == _line_of(text, "v_write_V")
    assert "7.0 is out of range; allowed: (0, 5] V" in str(ei.value)
