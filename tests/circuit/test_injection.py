"""Netlist injection: free text and names can never open a new card or netlist line.

Every line-break code point that ``str.splitlines`` (or a simulator) may honour
and the SPICE control words are fed in as stack name, provenance, title,
analysis and subcircuit text; the output must have exactly the lines of a
clean render, none starting with a control word, and ngspice must never run
a smuggled ``shell`` command.
"""
from __future__ import annotations

import dataclasses

import pytest

from mramsim.circuit.elements import AccessNMOS
from mramsim.circuit.graph import Array1T1MTJ
from mramsim.circuit.netlist import array_netlist, check_analysis
from mramsim.compact.model import CompactMTJ
from mramsim.errors import NetlistError, ParameterError

#: every code point str.splitlines() breaks on, and \r\n
BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
CONTROL_WORDS = (".control", "shell", ".include", ".endc")
DIALECTS = ("ngspice", "hspice", "spectre", "xyce", "verilog-a")


def _payload(br: str, cmd: str = "shell touch pwned") -> str:
    return br.join(["x", ".control", cmd, ".include /etc/passwd", ".endc", "y"])


def _model(**prov) -> CompactMTJ:
    return CompactMTJ(name="mtj", r_p0=3000.0, tmr0=1.2, b2=-0.3, provenance=prov)


def _assert_like_clean(dirty: str, clean: str):
    """Same number of lines however split; no line starts with a control word."""
    assert len(dirty.split("\n")) == len(clean.split("\n"))
    assert len(dirty.splitlines()) == len(clean.splitlines())
    for line in dirty.splitlines():
        words = line.split()
        assert not (words and words[0].lower().startswith(CONTROL_WORDS)), line


@pytest.mark.parametrize("br", BREAKS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_provenance_cannot_inject_into_any_dialect(dialect, br):
    clean = _model(preset="x", anneal="a", source="s")
    dirty = _model(preset=_payload(br), anneal=_payload(br), source=_payload(br))
    for statistical in (False, True):
        c = clean.to_netlist(dialect, statistical=statistical)
        d = dirty.to_netlist(dialect, statistical=statistical)
        _assert_like_clean(d, c)
        assert "x .control shell touch pwned .include /etc/passwd .endc y" in d  # kept, on one line


@pytest.mark.parametrize("br", BREAKS)
def test_stack_name_cannot_inject(br):
    from mramsim.physics.device import MTJDevice
    from mramsim.stack import Stack

    def model(name):
        dev = MTJDevice(dataclasses.replace(Stack.preset("cofeb_mgo"), name=name))
        return _model(**dev.provenance())

    clean, dirty = model("x"), model(_payload(br))
    assert dirty.provenance["preset"] == _payload(br)
    for dialect in DIALECTS:
        _assert_like_clean(dirty.to_netlist(dialect), clean.to_netlist(dialect))
    arr_c, arr_d = Array1T1MTJ(2, 2, mtj=clean), Array1T1MTJ(2, 2, mtj=dirty)
    _assert_like_clean(arr_d.netlist(0, [0, 1]), arr_c.netlist(0, [0, 1]))


@pytest.mark.parametrize("br", BREAKS)
def test_pyspice_subcircuit_cannot_be_injected(br):
    pytest.importorskip("PySpice", reason="PySpice not installed: pip install PySpice")
    clean = _model(preset="x").pyspice_subcircuit()
    dirty = _model(preset=_payload(br), source=_payload(br)).pyspice_subcircuit()
    c, d = str(clean()), str(dirty())
    _assert_like_clean(d, c)
    assert d == c  # the comments are not part of the PySpice subcircuit at all


def test_pyspice_card_with_a_stray_line_break_is_refused(monkeypatch):
    pytest.importorskip("PySpice", reason="PySpice not installed: pip install PySpice")
    cm = _model()
    text = cm.to_netlist("ngspice")
    monkeypatch.setattr(CompactMTJ, "to_netlist",
                        lambda self, *a, **k: text.replace("\n.ends", "\u2028.control\u2028.ends"))
    with pytest.raises(NetlistError, match="u2028"):
        cm.pyspice_subcircuit()


@pytest.mark.parametrize("br", BREAKS)
def test_array_title_is_one_line(br):
    arr = Array1T1MTJ(2, 2, mtj=_model())
    clean = array_netlist(arr, states=[0, 1], title="x")
    for title in (_payload(br), _payload(br)[2:], "\x00" + br + "shell rm -rf /"):
        dirty = array_netlist(arr, states=[0, 1], title=title)
        _assert_like_clean(dirty, clean)
        assert dirty.split("\n")[1:] == clean.split("\n")[1:]


@pytest.mark.parametrize("br", BREAKS)
def test_analysis_with_a_line_break_or_control_word_is_refused(br):
    arr = Array1T1MTJ(1, 1, mtj=_model())
    for bad in (".op" + br + ".control", ".op" + br + "shell touch pwned", _payload(br),
                ".dc vbl0 0 0.4 0.01" + br):
        with pytest.raises(NetlistError, match="analysis"):
            arr.netlist(0, [0], analysis=bad)


@pytest.mark.parametrize("bad", [".control", ".endc", "shell touch pwned", ".include x.lib", ".op; shell ls",
                                 ".dc shell 0 1 0.1", ".dc vbl0 0 1", ".tran 1n", ".op .op", "op", "", None,
                                 ".dc vbl0 0 0.4 0.01 control 0 1 1"])
def test_check_analysis_refuses(bad):
    with pytest.raises(NetlistError, match="analysis"):
        check_analysis(bad)


@pytest.mark.parametrize("good", [".op", " .OP ", ".dc vbl0 0 0.4 0.01", ".dc V1 -0.5 0.5 0.01 TEMP -40 125 55",
                                  ".dc vbl0  0 0.4 10m", ".tran 1n 10n", ".tran 1n 10n 0 1p uic",
                                  ".ac dec 10 1 1meg"])
def test_check_analysis_accepts(good):
    assert check_analysis(good) == " ".join(good.split())


@pytest.mark.parametrize("br", BREAKS)
def test_spliced_subcircuit_text_is_checked(br):
    arr = Array1T1MTJ(1, 1, mtj=_model())
    card = _model().to_netlist("ngspice")
    assert "mtj" in array_netlist(arr, states=[0], mtj_subckt_text=card)
    bad = card.replace("\n.ends", br + ".control" + br + "shell touch pwned" + br + ".endc\n.ends")
    with pytest.raises(NetlistError):
        array_netlist(arr, states=[0], mtj_subckt_text=bad)
    if br != "\n":  # any other break inside a line is refused (a plain \n only starts a new card line)
        with pytest.raises(NetlistError):
            array_netlist(arr, states=[0], mtj_subckt_text=card.replace(".subckt mtj", ".subckt mtj" + br + "x"))


@pytest.mark.parametrize("br", BREAKS)
def test_names_with_line_breaks_are_refused(br):
    cm = _model()
    for dialect in DIALECTS:
        with pytest.raises(NetlistError):
            cm.to_netlist(dialect, name="mtj" + br + "shell")
    with pytest.raises(ParameterError, match="AccessNMOS.name"):
        AccessNMOS(name="nacc" + br + "shell")
    with pytest.raises(NetlistError):
        AccessNMOS().model_card(300.15, name="n" + br + ".control")


# -- in ngspice: the smuggled command never runs ----------------------------------------------
def test_unsanitised_control_block_would_run(ngspice, tmp_path):
    """Positive control: a real line break before .control makes ngspice -b run shell."""
    from mramsim.circuit.sim.ngspice import run_ngspice

    target = tmp_path / "pwned_control"
    net = f"t\nv1 a 0 1\nr1 a 0 1k\n.control\nshell touch {target}\n.endc\n.op\n.end\n"
    run_ngspice(net, workdir=tmp_path)
    assert target.exists()


@pytest.mark.parametrize("br", BREAKS)
def test_smuggled_shell_never_runs_in_ngspice(ngspice, tmp_path, br):
    from mramsim.circuit.sim.ngspice import run_ngspice

    target = tmp_path / "pwned"
    payload = _payload(br, cmd=f"shell touch {target}")
    cm = _model(preset=payload, anneal=payload, source=payload)
    arr = Array1T1MTJ(1, 2, mtj=cm)
    net = arr.netlist(0, [0, 1], title=payload)
    res = run_ngspice(net, workdir=tmp_path)
    assert "i(vcell0)" in res
    assert not target.exists()


def test_smuggled_shell_never_runs_through_pyspice(libngspice, tmp_path):
    from PySpice.Spice.Netlist import Circuit

    from mramsim.circuit.sim.pyspice import configure_ngspice_shared

    configure_ngspice_shared()
    for k, br in enumerate(BREAKS):
        target = tmp_path / f"pwned{k}"
        payload = _payload(br, cmd=f"shell touch {target}")
        Sub = _model(preset=payload, source=payload).pyspice_subcircuit()
        c = Circuit("injection")
        c.subcircuit(Sub())
        c.V("in", "a", c.gnd, 0.1)
        c.X("m1", Sub.NAME, "a", c.gnd, state=1)
        a = c.simulator(simulator="ngspice-shared").operating_point()
        assert float(a.branches["vin"][0]) < 0
        assert not target.exists(), repr(br)
