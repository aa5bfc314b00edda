"""The compact-model example scripts run and print what they promise."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(script, *args, cwd):
    out = subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True, text=True,
                         cwd=cwd, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_export_model_card_example(ngspice, tmp_path):
    text = _run("export_model_card.py", str(tmp_path / "cards"), cwd=tmp_path)
    assert (tmp_path / "cards" / "cofeb_mgo.ngspice.lib").is_file()
    m = re.search(r"ngspice read current ([\d.]+) uA, Python model ([\d.]+) uA", text)
    assert m, text
    i_spice, i_py = float(m.group(1)), float(m.group(2))
    assert i_spice == pytest.approx(i_py, rel=1e-3)


def test_pyspice_subcircuit_example(libngspice, tmp_path):
    text = _run("pyspice_subcircuit.py", cwd=tmp_path)
    rows = re.findall(r"V_read =\s*([\d.]+) V\s+I =\s*([-\d.]+) uA", text)
    assert len(rows) >= 8, text
    v, i = np.array(rows, float).T
    assert np.all(np.diff(i) > 0) and i[0] == pytest.approx(0.0, abs=1e-6)
