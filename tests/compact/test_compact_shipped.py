"""Shipped model cards (compact_models/): current, equal to the model in ngspice and PySpice, ADMS-clean.

Regenerate with ``mramsim export --preset NAME --dialect all --out compact_models/``.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from mramsim.circuit.sim.ngspice import run_ngspice
from mramsim.compact.export import DIALECTS, filename
from mramsim.compact.export.reader import mask_numbers
from mramsim.compact.model import CompactMTJ
from mramsim.compact.presets import PRESET_GRID, preset_model
from mramsim.constants import T0_CELSIUS

ROOT = Path(__file__).resolve().parents[2] / "compact_models"
PRESETS = ("cofeb_mgo", "fe_mgo_fe", "cofe_alox")
TEMPS_C = (-40.0, 27.0, 85.0, 125.0)


@pytest.fixture(scope="module")
def models():
    return {p: preset_model(p) for p in PRESETS}


def test_all_shipped_cards_exist():
    for p in PRESETS:
        for d in DIALECTS:
            assert (ROOT / filename(p, d)).is_file(), filename(p, d)


@pytest.mark.parametrize("preset", PRESETS)
def test_shipped_cards_are_current(models, preset):
    """Behaviour and structure, never fitted digits (the fit may differ in the last bits across machines)."""
    cm = models[preset]
    V = np.linspace(*PRESET_GRID["V"])[:, None]
    T = np.linspace(*PRESET_GRID["T"])[None, :]
    hint = f"stale: run 'mramsim export --preset {preset} --dialect all --out compact_models/'"
    for d in DIALECTS:
        path = ROOT / filename(preset, d)
        shipped = path.read_text()
        assert mask_numbers(shipped) == mask_numbers(cm.to_netlist(d)), (filename(preset, d), hint)
        back = CompactMTJ.from_card(path)
        assert back.name == cm.name and back.area == cm.area
        assert set(back.sensitivities) == set(cm.sensitivities)
        for s in (0, 1):
            err = np.abs(back.resistance(s, V, T) / cm.resistance(s, V, T) - 1)
            assert err.max() <= 1e-4, (filename(preset, d), s, err.max(), hint)


def test_stale_cards_finds_a_changed_card(tmp_path):
    from mramsim.compact.export import stale_cards

    for d in DIALECTS:
        (tmp_path / filename("cofe_alox", d)).write_text((ROOT / filename("cofe_alox", d)).read_text())
    assert stale_cards(tmp_path) == []
    # behaviour: a 1 % change of r_p0 in the parameter list (structure unchanged)
    ng = tmp_path / filename("cofe_alox", "ngspice")
    back = CompactMTJ.from_card(ng)
    ng.write_text(back.replace(r_p0=1.01 * back.r_p0).to_netlist("ngspice"))
    # structure: a line removed
    va = tmp_path / filename("cofe_alox", "verilog-a")
    va.write_text(va.read_text().replace("        tk = $temperature;\n", ""))
    (tmp_path / filename("cofe_alox", "xyce")).unlink()
    assert stale_cards(tmp_path) == sorted(filename("cofe_alox", d) for d in ("ngspice", "verilog-a", "xyce"))


def _dc_netlist(card_path, preset, state, temp_c):
    return (f"shipped card check\n.include {card_path}\n.options reltol=1e-7 abstol=1e-18\n"
            f"V1 a 0 0\nX1 a 0 {preset} state={state}\n.dc V1 -0.5 0.5 0.01\n.temp {temp_c}\n.end\n")


@pytest.mark.parametrize("preset", PRESETS)
def test_shipped_ngspice_cards_match_model(ngspice, models, preset):
    cm = models[preset]
    card = ROOT / filename(preset, "ngspice")
    for state in (0, 1):
        net = (f"shipped card check\n.include {card}\n.options reltol=1e-7 abstol=1e-18\n"
               f"V1 a 0 0\nX1 a 0 {preset} state={state}\n.dc V1 -0.5 0.5 0.01 TEMP -40 125 165\n.end\n")
        # TEMP -40..125 step 165 gives -40 and 125; 27 and 85 run separately below
        res = run_ngspice(net)
        V, T = res["v-sweep"], res["temp-sweep"] + T0_CELSIUS
        for tc in (27.0, 85.0):
            r2 = run_ngspice(_dc_netlist(card, preset, state, tc))
            V = np.concatenate([V, r2["v-sweep"]])
            T = np.concatenate([T, np.full(r2["v-sweep"].size, tc + T0_CELSIUS)])
            res.vectors["i(v1)"] = np.concatenate([res["i(v1)"], r2["i(v1)"]])
        assert set(np.round(T - T0_CELSIUS, 6)) == set(TEMPS_C)
        R = -V / res["i(v1)"]
        m = np.abs(V) > 1e-9
        err = np.abs(R[m] / cm.resistance(state, V[m], T[m]) - 1)
        assert err.max() < 1e-3, (preset, state, err.max())


def test_shipped_card_through_pyspice(ngspice, libngspice, models):
    from PySpice.Spice.Netlist import Circuit

    from mramsim.circuit.sim.pyspice import configure_ngspice_shared

    configure_ngspice_shared()
    preset = "cofeb_mgo"
    cm = models[preset]
    card = ROOT / filename(preset, "ngspice")
    for state in (0, 1):
        for tc in TEMPS_C:
            c = Circuit("pyspice shipped card")
            c.include(str(card))
            c.V("in", "a", c.gnd, 0.0)
            c.X("m1", preset, "a", c.gnd, state=state)
            sim = c.simulator(simulator="ngspice-shared", temperature=tc, nominal_temperature=27)
            sim.options(reltol=1e-7, abstol=1e-18)
            a = sim.dc(Vin=slice(-0.5, 0.5, 0.05))
            V = np.array(a.sweep)
            I = -np.array(a.branches["vin"])
            m = np.abs(V) > 1e-9
            ref = run_ngspice(_dc_netlist(card, preset, state, tc).replace("0.01", "0.05"))
            np.testing.assert_allclose(-ref["v-sweep"][m] / ref["i(v1)"][m], V[m] / I[m], rtol=1e-6)
            np.testing.assert_allclose(V[m] / I[m], cm.resistance(state, V[m], tc + T0_CELSIUS), rtol=1e-3)


def test_shipped_verilog_a_parse_with_adms(admsxml, tmp_path):
    for p in PRESETS:
        src = ROOT / filename(p, "verilog-a")
        out = subprocess.run([admsxml, str(src)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert "[fatal" not in out.stdout + out.stderr, (p, out.stdout + out.stderr)
