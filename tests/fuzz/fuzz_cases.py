"""Generated inputs for the public API, the TOML config and the command line.

Shared by the hypothesis suite (tests/fuzz/test_fuzz_*.py, few examples) and
benchmarks/bench_fuzz.py (thousands). Each *case* draws the arguments of one
public constructor or function: every argument is, with some probability, a
plausible value or a "chaos" value (NaN, inf, huge, negative, a list, a
string with line breaks or a netlist payload, None, a bool, ...).

:func:`classify` runs a call and sorts its outcome into

* ``"ok"``        -- returned, every number in the result finite (or a
  documented non-finite marker, see :data:`ALLOWED_NONFINITE`),
* ``"named"``     -- raised a :class:`mramsim.errors.MramsimError`,
* ``"traceback"`` -- raised anything else,
* ``"silent"``    -- returned NaN/inf, or returned after a numpy
  overflow/invalid warning (a number computed through an overflow is wrong).
"""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
from hypothesis import strategies as st

from mramsim.constants import eV as EV
from mramsim.errors import MramsimError

#: every code point str.splitlines() breaks on (as tests/circuit/test_injection.py)
BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
#: netlist-injection payloads; SENTINEL is replaced by a path that must never be created
SENTINEL = "@SENTINEL@"
INJECTIONS = [br.join(["x", ".control", f"shell touch {SENTINEL}", ".endc", "y"]) for br in BREAKS] + [
    f"x; shell touch {SENTINEL}", f"$(touch {SENTINEL})", f"`touch {SENTINEL}`", f"x\n.include {SENTINEL}",
    f"x */ `include \"{SENTINEL}\" /*", f"x\n`define X $system(\"touch {SENTINEL}\")",
]

# -- value strategies -----------------------------------------------------------------
nonfinite = st.sampled_from([math.nan, math.inf, -math.inf])
weird_float = st.sampled_from([0.0, -0.0, -1.0, 1e-300, 5e-324, 1e300, -1e300, 1.7976931348623157e308, 1e-30, 1e30])
weird_text = st.one_of(
    st.sampled_from(["", " ", "abc", "P", "AP", "nan", "1e999", "é", "\x00", "None", "{}", "[]"] + BREAKS),
    st.sampled_from(INJECTIONS),
    st.text(max_size=12),
)
chaos = st.one_of(
    nonfinite, weird_float,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(), st.none(), weird_text,
    st.lists(st.floats(-10, 10), max_size=3),
    st.just([[1.0, 2.0], [3.0]]),  # ragged
    st.just(np.zeros((2, 2))), st.just(np.array([np.nan])),
    st.just({"a": 1}), st.just(object()),
)


_P_CHAOS = 0.1


def maybe(good, p_chaos: float | None = None):
    """``good`` most of the time, a chaos value otherwise (hypothesis shrinks towards good)."""
    p = _P_CHAOS if p_chaos is None else p_chaos
    if p <= 0:
        return good
    weight = max(1, int(round(1 / p)) - 1)
    return st.one_of(*([good] * weight), chaos)


def logu(lo, hi):
    """Log-uniform floats in [lo, hi]."""
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda x: min(max(10.0**x, lo), hi))


def around(lo, hi):
    """Floats across [lo, hi] and somewhat beyond (edges included)."""
    span = hi - lo
    inside = st.floats(lo, hi)
    return st.one_of(inside, inside, inside, inside, st.sampled_from([lo, hi]), st.floats(lo - span, hi + span))


# -- classification ----------------------------------------------------------------
#: (case, path) of results that may be non-finite by documentation
ALLOWED_NONFINITE = {
    ("device_half_tmr", ""),  # inf: TMR stays above half up to v_max (documented)
    ("read_margin", "[1]"),  # margin_sigma = +-inf when the signal spread is 0 (array/margin/api.py, deliberate)
}


def _numbers(obj, path="", depth=0):
    """Yield (path, float) of every number reachable in a result (arrays, dataclasses, dicts, tuples)."""
    if depth > 6:
        return
    if isinstance(obj, (bool, np.bool_)) or obj is None or isinstance(obj, str):
        return
    if isinstance(obj, (int, float, np.number)):
        yield path, float(obj)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fiuc" and obj.size:
            a = obj.astype(complex if obj.dtype.kind == "c" else float)
            bad = ~np.isfinite(a)
            yield path, (float("nan") if bad.any() else 0.0)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _numbers(getattr(obj, f.name), f"{path}.{f.name}", depth + 1)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _numbers(v, f"{path}[{k!r}]", depth + 1)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj[:1000]):
            yield from _numbers(v, f"{path}[{i}]", depth + 1)


def classify(case: str, func, *args, allowed_nonfinite=(), **kwargs):
    """Run ``func``; return (kind, detail) with kind in ok / named / traceback / silent."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", invalid="warn", divide="warn"):
            try:
                out = func(*args, **kwargs)
            except MramsimError as exc:
                return "named", f"{type(exc).__name__}: {exc}"
            except RecursionError as exc:  # pragma: no cover
                return "traceback", f"RecursionError: {exc}"
            except Exception as exc:  # noqa: BLE001 -- this is what we count
                return "traceback", f"{type(exc).__name__}: {exc}"
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:
        return "silent", f"returned after a warning: {numeric[0].message}"
    for path, x in _numbers(out):
        if not math.isfinite(x) and (case, path) not in ALLOWED_NONFINITE and path not in allowed_nonfinite:
            return "silent", f"non-finite value at result{path}"
    return "ok", ""


# -- fixtures built once ------------------------------------------------------------
_CACHE: dict = {}


def preset_stack(name="cofeb_mgo"):
    from mramsim.stack import Stack

    key = ("stack", name)
    if key not in _CACHE:
        _CACHE[key] = Stack.preset(name)
    return _CACHE[key]


def device(preset="cofeb_mgo", annealed=True):
    from mramsim.physics.device import MTJDevice
    from mramsim.stack import Anneal

    key = ("dev", preset, annealed)
    if key not in _CACHE:
        _CACHE[key] = MTJDevice(preset_stack(preset), Anneal(673.15) if annealed else None)
    return _CACHE[key]


def compact():
    """A small hand-made compact model (no fit: fitting is slow)."""
    from mramsim.compact.model import CompactMTJ

    if "cm" not in _CACHE:
        _CACHE["cm"] = CompactMTJ(name="mtj", r_p0=3000.0, tmr0=1.2, b2=-0.3, area=2.8e-15)
    return _CACHE["cm"]


def small_table():
    from mramsim.physics.rvtable import RVTable

    if "tab" not in _CACHE:
        cm = compact()
        V, T = np.linspace(-0.3, 0.3, 5), np.array([250.0, 300.0, 350.0])
        _CACHE["tab"] = RVTable(V=V, T=T, r_p=cm.resistance(0, V[:, None], T[None, :]),
                                r_ap=cm.resistance(1, V[:, None], T[None, :]), area=2.8e-15)
    return _CACHE["tab"]


def tiny_array(rows=2, cols=2):
    from mramsim.circuit.graph import Array1T1MTJ

    key = ("arr", rows, cols)
    if key not in _CACHE:
        _CACHE[key] = Array1T1MTJ(rows, cols, mtj=compact())
    return _CACHE[key]


# -- cases: name -> (strategy of a kwargs dict, function of that dict) ---------------------
def _electrode(d):
    from mramsim.materials import Electrode

    el = Electrode(**d)
    return el.polarization, el.channel_weights


def _barrier(d):
    from mramsim.materials import Barrier

    b = Barrier(**d)
    return b.phi1, b.phi2


def _stack(d):
    import dataclasses as dc

    s = dc.replace(preset_stack(d.pop("preset")), **d)
    return s.thickness, s.area


def _anneal(d):
    from mramsim.stack import Anneal

    a = Anneal(**d)
    return a.temperature, a.time


def _device_ctor(d):
    from mramsim.physics.device import MTJDevice

    return MTJDevice(preset_stack(d["preset"]), anneal=d["anneal"], resonances=d["resonances"]).resistance(
        "P", 0.0, 300.0)


def _anneal_obj(t):
    from mramsim.stack import Anneal

    return Anneal(t)


def _device_res(d):
    return device(d["preset"], d["annealed"]).resistance(d["state"], d["V"], d["T"])


def _device_cur(d):
    return device(d["preset"], d["annealed"]).current(d["state"], d["V"], d["T"])


def _device_table(d):
    tab = device(d["preset"], d["annealed"]).rv_table(V=d["V"], T=d["T"])
    return tab.r_p, tab.r_ap, tab.sensitivities


def _device_half(d):
    return device("cofeb_mgo", True).half_tmr_bias(T=d["T"], polarity=d["polarity"], v_max=d["v_max"])


def _rvtable(d):
    from mramsim.physics.rvtable import RVTable

    tab = RVTable(**d)
    back = RVTable.from_json(tab.to_json())
    return tab.tmr, back.r_p  # area/thickness may be NaN (= unknown, documented)


def _compact_ctor(d):
    from mramsim.compact.model import CompactMTJ

    cm = CompactMTJ(**d)
    return cm.resistance("P", 0.1, 300.0), cm.resistance("AP", -0.1, 350.0)


def _compact_res(d):
    return compact().resistance(d["state"], d["V"], d["T"], r_scale=d["r_scale"], tmr_scale=d["tmr_scale"])


def _fit(d):
    import mramsim as ms

    table = small_table() if d.pop("table") else d.pop("bad_table")
    d.pop("bad_table", None)
    cm = ms.fit_compact(table, **d)
    return cm.resistance("P", 0.1, 300.0), cm.fit_report.max_rel_error


def _access(d):
    from mramsim.circuit.elements import AccessNMOS

    T = d.pop("T")
    acc = AccessNMOS(**d)
    return acc.current(1.2, 0.1, T), acc.model_card(T)


def _wires(d):
    from mramsim.circuit.elements import Wires

    return Wires(**d)


def _array(d):
    from mramsim.circuit.graph import Array1T1MTJ

    sel = d.pop("selected_row")
    arr = Array1T1MTJ(mtj=compact(), **d)
    return arr.netlist(selected_row=sel)


def _variation(d):
    from mramsim.array.variation import Variation

    return Variation(**d)


def _readscheme(d):
    from mramsim.array.read import ReadScheme

    return ReadScheme(**d)


def _read_margin(d):
    from mramsim.array.margin import read_margin
    from mramsim.array.read import ReadScheme
    from mramsim.array.variation import Variation

    r = read_margin(tiny_array(), Variation(**d["var"]), ReadScheme(**d["read"]), n_samples=d["n_samples"],
                    seed=d["seed"], method=d["method"])
    return r.ber, r.margin_sigma


def _disturb(d):
    from mramsim.array import disturb as db

    fn = d.pop("fn")
    return getattr(db, fn)(**d)


def _netlist_injection(d):
    """A payload as model name, provenance, stack name or title: the text must stay one card per line."""
    where, payload, dialect = d["where"], d["payload"], d["dialect"]
    cm = compact()
    if where == "name":
        cm = dataclasses.replace(cm, name=payload)
    elif where == "provenance":
        cm = dataclasses.replace(cm, provenance={"preset": payload, "source": payload})
    if where == "title":
        from mramsim.circuit.netlist import array_netlist

        return array_netlist(tiny_array(), title=payload)
    return cm.to_netlist(dialect)


def make_cases(p_chaos: float = 0.1) -> dict:
    """name -> (strategy of a kwargs dict, function of it); ``p_chaos`` = share of chaos values per argument."""
    global _P_CHAOS
    _P_CHAOS = p_chaos
    presets = st.sampled_from(["cofeb_mgo", "fe_mgo_fe", "cofe_alox"])
    states = maybe(st.sampled_from(["P", "AP", 0, 1, "p", "ap"]))
    bias = maybe(st.one_of(around(-2.0, 2.0), st.lists(st.floats(-2, 2), min_size=1, max_size=3)))
    temp = maybe(st.one_of(around(1.0, 800.0), st.lists(st.floats(1, 800), min_size=1, max_size=3)))
    names = maybe(st.sampled_from(["h", "mtj", "x1"]))
    # state / V / T of (mis)matching lengths: broadcast, or a named shape error
    shapes = st.fixed_dictionaries({
        "state": st.one_of(st.sampled_from(["P", "AP"]), st.lists(st.sampled_from([0, 1]), min_size=0, max_size=4)),
        "V": st.one_of(st.floats(-1, 1), st.lists(st.floats(-1, 1), min_size=0, max_size=4)),
        "T": st.one_of(st.floats(250, 400), st.lists(st.floats(250, 400), min_size=0, max_size=4))})
    cases = {
        "electrode": (st.fixed_dictionaries({
            "name": maybe(st.sampled_from(["e", "CoFeB"])), "dos_up": maybe(logu(1e-3, 10)), "dos_down": maybe(logu(1e-3, 10)),
            "velocity_up": maybe(logu(1e3, 1e7)), "velocity_down": maybe(logu(1e3, 1e7)),
            "weights_up": maybe(st.lists(st.floats(0, 2), min_size=4, max_size=4)),
            "weights_down": maybe(st.lists(st.floats(0, 2), min_size=4, max_size=4)),
            "spin_wave_alpha": maybe(around(0.0, 1e-3)), "boron_fraction": maybe(around(0.0, 0.5))}), _electrode),
        "barrier": (st.fixed_dictionaries({
            "name": maybe(st.just("b")), "height": maybe(around(0.01 * EV, 20 * EV)),
            "thickness": maybe(st.one_of(st.sampled_from([0.2e-9, 10e-9]), around(0.2e-9, 10e-9))),
            "mass_ratio": maybe(around(0.01, 10.0)), "asymmetry": maybe(st.floats(-1e-19, 1e-19)),
            "channel_offsets": maybe(st.lists(st.floats(0, 1e-19), min_size=4, max_size=4))}), _barrier),
        "stack": (st.fixed_dictionaries({
            "preset": presets, "area": maybe(logu(1e-18, 1e-6)), "r_series": maybe(around(0.0, 1e4)),
            "correlation_length": maybe(logu(0.1e-9, 1e-3)), "diffuse_fraction": maybe(around(0.0, 1.0)),
            "magnon_coupling": maybe(around(0.0, 10.0)), "si_ratio": maybe(around(0.0, 100.0)),
            "name": names}), _stack),
        "anneal": (st.fixed_dictionaries({
            "temperature": maybe(st.one_of(around(250.0, 1100.0), st.floats(-300, 900).map(lambda c: c + 273.15))),
            "time": maybe(logu(1.0, 1e7)), "cap": maybe(st.sampled_from(["Ta", "W", "Mo", "Pt", "Ru"]))}), _anneal),
        "device_ctor": (st.fixed_dictionaries({
            "preset": presets, "anneal": maybe(st.one_of(st.none(), st.sampled_from([573.15, 673.15]).map(_anneal_obj))),
            "resonances": maybe(st.just(()))}), _device_ctor),
        "device_resistance": (st.fixed_dictionaries({
            "preset": presets, "annealed": st.booleans(), "state": states, "V": bias, "T": temp}), _device_res),
        "device_current": (st.fixed_dictionaries({
            "preset": presets, "annealed": st.booleans(), "state": states, "V": bias, "T": temp}), _device_cur),
        "device_rv_table": (st.fixed_dictionaries({
            "preset": presets, "annealed": st.booleans(),
            "V": maybe(st.lists(st.floats(-2, 2), min_size=1, max_size=4, unique=True).map(sorted)),
            "T": maybe(st.lists(st.floats(1, 800), min_size=1, max_size=3, unique=True).map(sorted))}), _device_table),
        "device_half_tmr": (st.fixed_dictionaries({
            "T": maybe(around(1.0, 800.0)), "polarity": maybe(st.sampled_from([1, -1])),
            "v_max": maybe(around(0.05, 2.0))}), _device_half),
        "rvtable": (st.fixed_dictionaries({
            "V": maybe(st.just([0.0, 0.1, 0.2])), "T": maybe(st.just([300.0, 350.0])),
            "r_p": maybe(st.sampled_from([np.full((3, 2), 1e3), np.full((2, 3), 1e3), np.full(6, 1e3), [[1e3] * 2] * 3])),
            "r_ap": maybe(st.sampled_from([np.full((3, 2), 2e3), np.full((2, 3), 2e3), [[2e3] * 2] * 3])),
            "area": maybe(st.sampled_from([math.nan, 1e-15, 2.8e-15])),
            "thickness": maybe(st.sampled_from([math.nan, 1e-9]))}), _rvtable),
        "compact_ctor": (st.fixed_dictionaries({
            "r_p0": maybe(logu(1.0, 1e9)), "tmr0": maybe(around(0.0, 10.0)), "area": maybe(logu(1e-18, 1e-6)),
            "vh_pos": maybe(around(0.05, 5.0)), "vh_neg": maybe(around(0.05, 5.0)), "b2": maybe(st.floats(-1, 1)),
            "tc_rp": maybe(st.floats(-1e-2, 1e-2)), "tc_tmr": maybe(st.floats(-1e-2, 1e-2)),
            "name": names}), _compact_ctor),
        "compact_resistance": (st.fixed_dictionaries({
            "state": states, "V": bias, "T": temp, "r_scale": maybe(logu(1e-3, 1e3)),
            "tmr_scale": maybe(around(0.0, 3.0))}), _compact_res),
        "fit_compact": (st.fixed_dictionaries({
            "table": st.booleans() if p_chaos > 0 else st.just(True), "bad_table": chaos, "max_nfev": maybe(st.integers(1, 4)),
            "v_window": maybe(around(0.05, 1.0)), "t_window": maybe(st.just((233.15, 398.15))),
            "tmr_temperature": maybe(st.sampled_from(["auto", "exp", "shang"]))}), _fit),
        "access_nmos": (st.fixed_dictionaries({
            "W": maybe(logu(1e-8, 1e-4)), "L": maybe(logu(1e-8, 1e-5)), "VTO": maybe(around(0.1, 2.0)),
            "KP": maybe(logu(1e-6, 1e-2)), "LAMBDA": maybe(around(0.0, 1.0)), "name": names,
            "T": maybe(around(1.0, 600.0))}), _access),
        "wires": (st.fixed_dictionaries({
            "r_bl": maybe(around(0.01, 100.0)), "r_sl": maybe(around(0.01, 100.0)), "c_bl": maybe(around(0.0, 1e-15)),
            "c_sl": maybe(around(0.0, 1e-15))}), _wires),
        "array": (st.fixed_dictionaries({
            "rows": maybe(st.integers(-1, 4)), "cols": maybe(st.integers(-1, 4)), "v_wl": maybe(around(0.0, 3.0)),
            "selected_row": maybe(st.integers(-1, 4))}), _array),
        "variation": (st.fixed_dictionaries({
            "ra_sigma": maybe(around(0.0, 0.5)), "thickness_sigma": maybe(around(0.0, 5e-10)),
            "cd_sigma": maybe(around(0.0, 5e-9)), "tmr_sigma": maybe(around(0.0, 0.5)),
            "vth_sigma": maybe(around(0.0, 0.2)), "defect_rate": maybe(around(0.0, 1.0)),
            "defect_tmr": maybe(around(0.0, 1.0))}), _variation),
        "read_scheme": (st.fixed_dictionaries({
            "v_read": maybe(around(0.01, 1.5)), "sensing": maybe(st.sampled_from(["current", "voltage", "x"])),
            "reference": maybe(st.sampled_from(["current-midpoint", "fixed", "x"])),
            "sa_offset_sigma": maybe(around(0.0, 0.1)), "r_sense": maybe(logu(1.0, 1e7)),
            "temperature": maybe(around(1.0, 600.0))}), _readscheme),
        "read_margin": (st.fixed_dictionaries({
            "var": st.fixed_dictionaries({"ra_sigma": maybe(around(0.0, 0.3)), "vth_sigma": maybe(around(0.0, 0.1)),
                                          "tmr_sigma": maybe(around(0.0, 0.3))}),
            "read": st.fixed_dictionaries({"v_read": maybe(around(0.02, 0.5)),
                                           "sa_offset_sigma": maybe(around(0.0, 0.05))}),
            "n_samples": maybe(st.sampled_from([8, 16, 32])), "seed": maybe(st.integers(-2, 2**31)),
            "method": maybe(st.sampled_from(["auto", "mc", "analytic", "importance"]))}), _read_margin),
        "disturb": (st.one_of(
            st.fixed_dictionaries({"fn": st.just("switching_probability"), "t": maybe(logu(1e-12, 1e3)),
                                   "delta": maybe(around(0.0, 200.0)), "i_over_ic0": maybe(around(0.0, 2.0)),
                                   "k": maybe(st.integers(0, 4))}),
            st.fixed_dictionaries({"fn": st.just("retention_time"), "delta": maybe(around(0.0, 200.0))}),
            st.fixed_dictionaries({"fn": st.just("retention_failure"), "t": maybe(logu(1e-9, 1e12)),
                                   "delta": maybe(around(0.0, 200.0))}),
            st.fixed_dictionaries({"fn": st.just("delta_at"), "T": maybe(around(1.0, 1200.0)),
                                   "delta_ref": maybe(around(1.0, 200.0))}),
            st.fixed_dictionaries({"fn": st.just("ic0_at"), "T": maybe(around(1.0, 1200.0)),
                                   "ic0_ref": maybe(around(1e-6, 1e-3))}),
            st.fixed_dictionaries({"fn": st.just("bloch_magnetization"), "T": maybe(around(0.0, 1200.0)),
                                   "t_curie": maybe(around(100.0, 1500.0))}),
        ), _disturb),
        "device_shapes": (shapes, lambda d: device().resistance(d["state"], d["V"], d["T"])),
        "compact_shapes": (shapes, lambda d: compact().resistance(d["state"], d["V"], d["T"])),
        "netlist_injection": (st.fixed_dictionaries({
            "where": st.sampled_from(["name", "provenance", "title"]), "payload": st.sampled_from(INJECTIONS),
            "dialect": st.sampled_from(["ngspice", "hspice", "spectre", "xyce", "verilog-a"])}), _netlist_injection),
    }
    return cases


CASES = make_cases(0.1)
#: the same classes with (nearly) only in-range values: finds silent wrong answers
VALID_CASES = make_cases(0.0)


CONTROL_WORDS = (".control", "shell", ".include", ".endc", "`include", "`define", ".lib")


def injected_lines(text: str) -> list:
    """Lines of ``text`` (split at every line break a simulator may honour) that start a smuggled control card."""
    bad = []
    for line in str(text).splitlines():
        words = line.split()
        if words and words[0].lower().startswith(CONTROL_WORDS) and ("touch" in line or SENTINEL in line):
            bad.append(line)
    return bad


# -- TOML config -----------------------------------------------------------------------
EXAMPLE_CONFIG = "examples/read_margin.toml"
SECTIONS = ["run", "stack", "anneal", "device", "array", "variation", "read", "montecarlo", "sweeps",
            "spice_check", "bogus", "stack.sub", ""]
KEYS = ["preset", "diameter_nm", "temperature_C", "time_s", "cap", "n_v", "n_t", "t_min_C", "t_max_C", "rows",
        "cols", "array_bits", "ra_sigma", "thickness_sigma_nm", "v_read_V", "reference", "n_samples", "seed",
        "executor", "enabled", "name", "x", "v_max_V", "temperature_K", "é", "a b", "\u2028"]
toml_scalar = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(str), st.floats(allow_nan=True, allow_infinity=True).map(
        lambda x: "nan" if x != x else ("inf" if x == math.inf else ("-inf" if x == -math.inf else repr(x)))),
    st.sampled_from(["true", "false", '""', '"cofeb_mgo"', '"tcp://"', '"processes"', "1979-05-27", "[]", "{}",
                     "[1, \"a\"]", "[[1], [2]]", "999", "-273", "1e400", "0x10", "'''a\nb'''"]),
    st.text(max_size=10).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.lists(st.floats(-1000, 1000), max_size=3).map(lambda v: "[" + ", ".join(repr(x) for x in v) + "]"),
)


@st.composite
def config_text(draw):
    """The example config with a few keys set, added or broken (and sometimes raw garbage)."""
    text = open(EXAMPLE_CONFIG, encoding="utf-8").read()
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["set", "add", "garbage", "delete"]))
        if kind == "set":
            idx = [i for i, ln in enumerate(lines) if "=" in ln and not ln.startswith("#")]
            i = draw(st.sampled_from(idx))
            key = lines[i].split("=")[0].strip()
            lines[i] = f"{key} = {draw(toml_scalar)}"
        elif kind == "add":
            lines += [f"[{draw(st.sampled_from(SECTIONS))}]", f"{draw(st.sampled_from(KEYS))} = {draw(toml_scalar)}"]
        elif kind == "delete" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
        else:
            lines.insert(draw(st.integers(0, len(lines))), draw(st.text(max_size=20)))
    sep = draw(st.sampled_from(["\n", "\r\n", "\n"]))
    data = sep.join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"])),
                                  errors="replace")
    return data


def load_config_bytes(data: bytes, tmpdir):
    """Write ``data`` to a config file in ``tmpdir`` and load it (no run)."""
    from pathlib import Path

    from mramsim.run.config import load_config

    path = Path(tmpdir) / "fuzz.toml"
    path.write_bytes(data)
    return load_config(path)


# -- command line ------------------------------------------------------------------------
CLI_BAD_VALUES = ["nan", "inf", "-1", "0", "1e999", "", "abc", "400F", "-300C", "1e-30", "x;y", "é",
                  "\n", "tcp://", "2**70"] + INJECTIONS[:3]


@st.composite
def cli_argv(draw, tmpdir):
    """argv for mramsim.cli.main, always with at least one invalid piece (valid runs are slow)."""
    import os

    bad_cfg = os.path.join(str(tmpdir), "bad.toml")
    afile = os.path.join(str(tmpdir), "afile")
    outs = [os.path.join(str(tmpdir), "out"), afile, "/proc/forbidden/out", os.path.join(afile, "sub")]
    cmd = draw(st.sampled_from(["device", "export", "netlist", "check-spice", "margin", "run", "bogus", ""]))
    argv = [cmd] if cmd else []
    opts = {"device": ["--preset", "--anneal-temp", "--anneal-time", "--cap"],
            "export": ["--preset", "--dialect", "--anneal-temp", "--cap"],
            "netlist": ["--rows", "--cols", "--preset", "--anneal-temp", "--v-read", "--v-wl", "--temp", "--cap"],
            "check-spice": ["--rows", "--cols", "--preset", "--v-read", "--temp", "--seed", "--tolerance"],
            "margin": ["--config", "--executor"], "run": ["--executor"]}.get(cmd, ["--x"])
    if cmd == "run":
        argv.append(draw(st.sampled_from([bad_cfg, str(tmpdir), "/nonexistent.toml"])))
    if cmd in ("device", "export", "netlist", "margin", "run") and draw(st.booleans()):
        argv += ["--out", draw(st.sampled_from(outs))]
    if cmd == "margin":
        argv += ["--config", draw(st.sampled_from([bad_cfg, str(tmpdir), "/nonexistent.toml"]))]
    if cmd == "check-spice" and draw(st.booleans()):
        argv.append("--mc")
    n = draw(st.integers(1, 3))
    for i in range(n):
        flag = draw(st.sampled_from(opts + ["--debug-not", "--quiet"]))
        val = draw(st.one_of(st.sampled_from(CLI_BAD_VALUES), st.text(max_size=6))) if i == 0 else \
            draw(st.sampled_from(CLI_BAD_VALUES + ["1", "300K", "cofeb_mgo", "ngspice"]))
        argv += [flag, val]
    if draw(st.integers(0, 9)) == 0:
        argv.insert(0, "--help")
    return argv


def run_cli(argv):
    """(exit code, stdout, stderr) of mramsim.cli.main(argv); a raise propagates."""
    import contextlib
    import io

    from mramsim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def cli_problem(argv, rc, out, err):
    """What is wrong with a CLI outcome ("" if nothing)."""
    if not isinstance(rc, int) or rc not in (0, 1, 2):
        return f"exit code {rc!r}"
    if "Traceback" in err or "internal error" in err:
        return f"traceback: {err.strip().splitlines()[-1] if err.strip() else err!r}"
    if rc in (1, 2) and "--help" not in argv:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        if not lines:
            return "exit code without a message"
        if not lines[-1].startswith("mramsim"):
            return f"last stderr line is not a mramsim message: {lines[-1]!r}"
    return ""


def make_cli_fixture(tmpdir):
    """Files the CLI argv refer to: a bad (latin-1, bad value) config and a plain file."""
    import os

    with open(os.path.join(str(tmpdir), "bad.toml"), "wb") as fh:
        fh.write(open(EXAMPLE_CONFIG, "rb").read().replace(b"v_read_V = 0.12", b"v_read_V = 9.0"))
    with open(os.path.join(str(tmpdir), "afile"), "w") as fh:
        fh.write("x")
