"""run_ngspice with a relative work directory (the flow passes one inside --out)."""
import os

import pytest

from mramsim.circuit.sim.ngspice import run_ngspice

DIVIDER = """divider
V1 in 0 1.0
R1 in mid 1k
R2 mid 0 3k
.op
.end
"""


@pytest.mark.parametrize("backend", ["subprocess"])
def test_relative_workdir(ngspice, tmp_path, backend):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        res = run_ngspice(DIVIDER, backend=backend, workdir="rel/sub")
    finally:
        os.chdir(cwd)
    assert res["v(mid)"][0] == pytest.approx(0.75, rel=1e-9)
    assert (tmp_path / "rel" / "sub").is_dir()
