"""The HSPICE and Xyce cards run in ngspice's compatibility modes; the Spectre ahdl_include netlist.

ngspice User's Manual (version 39), "Compatibility": ``set ngbehavior=hs``
(HSPICE) or ``ps`` (PSPICE; its syntax covers the Xyce card's ``PARAMS:`` and
``{...}`` expressions) in a ``.spiceinit`` of the working folder, which
ngspice reads before the netlist; it then prints ``Compatibility modes
selected``. ``set rndseed=N`` there fixes the random numbers of ``agauss``.
Comparison target: ``cm.current`` of the model the card was rendered from,
<= 1e-6 relative at ``reltol=1e-7``.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mramsim.circuit.sim.ngspice import parse_raw
from mramsim.compact.export.verilog_a import spectre_ahdl
from mramsim.constants import T0_CELSIUS
from mramsim.errors import NetlistError

TEMPS_C = (-40.0, 27.0, 85.0, 125.0)
MODES = {"hspice": "hs", "xyce": "ps", "ngspice": None}
INSTANCES = {
    "p": {"state": 0},
    "ap": {"state": 1},
    "ps": {"state": 0, "area": 2.0e-15, "rscale": 1.25, "tmrscale": 0.8},
    "ab": {"state": 1, "area": 4.5e-15, "rscale": 0.9, "tmrscale": 1.2},
}


def run_mode(folder: Path, mode, card: str, body: str, seed: int | None = None):
    """Run ``body`` with ``card`` included in ngspice with ``.spiceinit`` selecting ``mode``; vectors, output."""
    folder.mkdir(parents=True, exist_ok=True)
    init = ([f"set ngbehavior={mode}"] if mode else []) + ([f"set rndseed={seed}"] if seed is not None else [])
    (folder / ".spiceinit").write_text("\n".join(init) + "\n")
    (folder / "card.lib").write_text(card)
    (folder / "net.cir").write_text(f"dialect mode check\n.include card.lib\n{body}\n.end\n")
    proc = subprocess.run(["ngspice", "-b", "-r", "out.raw", "net.cir"], cwd=folder, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, SPICE_ASCIIRAWFILE="1"))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and (folder / "out.raw").is_file(), out
    assert not re.search(r"^\s*error", out, re.IGNORECASE | re.MULTILINE), out
    if mode:
        assert re.search(rf"Compatibility modes selected:.*\b{mode}\b", out), out
    return parse_raw((folder / "out.raw").read_text()), out


def _params(d: dict) -> str:
    return " ".join(f"{k}={v!r}" for k, v in d.items())


@pytest.mark.parametrize("dialect", ["hspice", "xyce"])
def test_card_in_compat_mode_equals_model(ngspice, preset_fit, tmp_path, dialect):
    cm = preset_fit("cofeb_mgo")
    card = cm.to_netlist(dialect)
    name = cm.name
    lines = [".options reltol=1e-7 abstol=1e-18", "V1 a 0 0"]
    for k, p in INSTANCES.items():
        lines += [f"X{k} a b{k} {name} {_params(p)}", f"VA{k} b{k} 0 0"]
    worst = 0.0
    for tc in TEMPS_C:
        vec, _ = run_mode(tmp_path / f"t{tc:g}", MODES[dialect], card,
                          "\n".join(lines + [".dc V1 -0.5 0.5 0.025", f".temp {tc}"]))
        V = vec["v-sweep"]
        assert V.size == 41
        m = np.abs(V) > 1e-9
        for k, p in INSTANCES.items():
            I = vec[f"i(va{k})"]
            r_scale = p.get("rscale", 1.0) * cm.area / p.get("area", cm.area)
            ref = cm.current(p["state"], V[m], tc + T0_CELSIUS, r_scale=r_scale, tmr_scale=p.get("tmrscale", 1.0))
            err = np.abs(I[m] / ref - 1).max()
            worst = max(worst, err)
            assert err <= 1e-6, (dialect, tc, k, err)
        assert not np.allclose(vec["i(vaap)"], vec["i(vap)"])


@pytest.mark.parametrize("dialect", ["hspice", "xyce"])
def test_statistical_card_zero_sigma_in_compat_mode(ngspice, preset_fit, tmp_path, dialect):
    cm = preset_fit("cofeb_mgo")
    card = cm.to_netlist(dialect, statistical=True, sigma_thickness=0.0, sigma_area_rel=0.0, sigma_anneal=0.0)
    body = (".options reltol=1e-7 abstol=1e-18\nV1 a 0 0\nX1 a b cofeb_mgo state=1\nVA b 0 0\n"
            ".dc V1 -0.5 0.5 0.05\n.temp 85")
    vec, _ = run_mode(tmp_path, MODES[dialect], card, body)
    V = vec["v-sweep"]
    m = np.abs(V) > 1e-9
    ref = cm.current(1, V[m], 85 + T0_CELSIUS)
    assert np.abs(vec["i(va)"][m] / ref - 1).max() <= 1e-6


def _expected_spread(cm, sig: dict) -> float:
    """Standard deviation of ln R_P per instance from the physics sensitivities and the sigmas."""
    s = cm.sensitivities
    var = (s["dlnRP_dthickness"] * sig["sigma_thickness"]) ** 2 + (s["dlnRP_danneal"] * sig["sigma_anneal"]) ** 2
    # var of ln(1 + dA/A), dA/A ~ N(0, sigma): Gauss-Hermite quadrature
    x, w = np.polynomial.hermite_e.hermegauss(40)
    w = w / w.sum()
    la = np.log1p(sig["sigma_area_rel"] * x)
    var += float(w @ la**2 - (w @ la) ** 2)
    return float(np.sqrt(var))


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["ngspice", "hspice", "xyce"])
def test_agauss_draws_per_instance(ngspice, preset_fit, tmp_path, dialect):
    """1600 instances: distinct draws, spread of ln R_P within 5 % of the physics (sampling error 1.8 %)."""
    from mramsim.compact.export._common import DEFAULT_SIGMAS

    cm = preset_fit("cofeb_mgo")
    n = 1600
    card = cm.to_netlist(dialect, statistical=True)
    lines = [".options reltol=1e-7 abstol=1e-18", "V1 a 0 0.01"]
    for k in range(n):
        lines += [f"X{k} a b{k} {cm.name} state=0", f"VA{k} b{k} 0 0"]
    vec, _ = run_mode(tmp_path, MODES[dialect], card, "\n".join(lines + [".op"]), seed=20240611)
    current = np.array([vec[f"i(va{k})"][0] for k in range(n)])
    assert np.unique(current).size == n
    ln_r = np.log(cm.current(0, 0.01, 27 + T0_CELSIUS) / current)
    expected = _expected_spread(cm, DEFAULT_SIGMAS)
    assert abs(ln_r.std(ddof=1) / expected - 1) < 0.05, (ln_r.std(ddof=1), expected)
    assert abs(ln_r.mean()) < 4 * expected / np.sqrt(n)


def test_spectre_ahdl_include_netlist(preset_fit):
    cm = preset_fit("cofeb_mgo")
    va = cm.to_netlist("verilog-a")
    inst = re.findall(r'\(\*type="instance"\*\)\s*parameter\s+(?:real|integer)\s+(\w+)', va)
    text = spectre_ahdl(cm, va_file="models/cofeb_mgo.va")
    code = [ln for ln in text.splitlines() if not ln.startswith("//")]
    assert code == ["simulator lang=spectre", 'ahdl_include "models/cofeb_mgo.va"']
    usage = [ln for ln in text.splitlines() if ln.startswith("// usage:")]
    assert len(usage) == 1 and re.fullmatch(r"// usage: X1 \(te be\) cofeb_mgo( \w+=\S+)+", usage[0])
    assert re.findall(r"(\w+)=", usage[0]) == inst  # every instance parameter of the module, in order
    # module name in the usage line equals the module the .va declares
    assert re.search(r"^module (\w+)\(", va, re.MULTILINE).group(1) == "cofeb_mgo"
    with pytest.raises(NetlistError):
        spectre_ahdl(cm, va_file='x.va"\nsimulator lang=spice')


def test_spectre_ahdl_statistical_wrapper(preset_fit):
    cm = preset_fit("cofeb_mgo")
    text = spectre_ahdl(cm, statistical=True, sigma_thickness=2e-11)
    va = cm.to_netlist("verilog-a", statistical=True)
    inst = re.findall(r'\(\*type="instance"\*\)\s*parameter\s+(?:real|integer)\s+(\w+)', va)
    code = [ln for ln in text.splitlines() if not ln.startswith("//")]
    assert code[:2] == ["simulator lang=spectre", 'ahdl_include "cofeb_mgo.va"']
    varied = re.findall(r"^\s*vary (\w+) dist=gauss std=(\S+)$", text, re.MULTILINE)
    assert [v for v, _ in varied] == ["cofeb_mgo_dthk", "cofeb_mgo_darea", "cofeb_mgo_dann"]
    assert float(varied[0][1]) == 2e-11
    sub = code[code.index("subckt cofeb_mgo_mc (te be)"):]
    assert sub[-1] == "ends cofeb_mgo_mc"
    m1 = [ln for ln in sub if ln.startswith("M1 ")]
    assert len(m1) == 1 and m1[0].startswith("M1 (te be) cofeb_mgo ")
    assigned = dict(re.findall(r"(\w+)=(\w+)", m1[0]))
    assert list(assigned) == inst  # every instance parameter of the module is passed
    assert assigned["dthk"] == "cofeb_mgo_dthk" and assigned["state"] == "state"
    # braces balance (statistics { mismatch { ... } })
    body = "\n".join(code)
    assert body.count("{") == body.count("}") == 2


def test_shipped_spectre_ahdl_netlists_include_the_shipped_modules():
    """The ``spectre-ahdl`` dialect (``mramsim export --dialect spectre-ahdl``) ships beside each ``.va``:
    it includes that file, names its module, and reads back to the same model as the ``.va``."""
    from mramsim.compact.export import DIALECTS, filename
    from mramsim.compact.model import CompactMTJ

    assert "spectre-ahdl" in DIALECTS
    folder = Path(__file__).resolve().parents[2] / "compact_models"
    presets = sorted(p.name.removesuffix(".va") for p in folder.glob("*.va"))
    assert len(presets) >= 4
    for preset in presets:
        text = (folder / filename(preset, "spectre-ahdl")).read_text()
        inc = re.findall(r'^ahdl_include "([^"]+)"$', text, re.MULTILINE)
        assert inc == [filename(preset, "verilog-a")] and (folder / inc[0]).is_file()
        module = re.search(r"^module (\w+)\(", (folder / inc[0]).read_text(), re.MULTILINE).group(1)
        assert re.search(rf"^// usage: X1 \(te be\) {module} ", text, re.MULTILINE)
        a, b = CompactMTJ.from_card(folder / filename(preset, "spectre-ahdl")), CompactMTJ.from_card(folder / inc[0])
        assert a.parameters() == b.parameters() and a.name == b.name == module
