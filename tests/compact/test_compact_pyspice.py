"""cm.pyspice_subcircuit(): a SubCircuitFactory users add to their own PySpice circuits."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from mramsim.constants import T0_CELSIUS
from mramsim.errors import ParameterError


def test_import_mramsim_does_not_import_pyspice():
    import subprocess

    code = "import mramsim, mramsim.compact.model, mramsim.compact.fit, sys; print('PySpice' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("state", [0, 1])
def test_pyspice_subcircuit_equals_model(libngspice, make_model, state):
    from PySpice.Spice.Netlist import Circuit, SubCircuitFactory

    from mramsim.circuit.sim.pyspice import configure_ngspice_shared

    assert configure_ngspice_shared() is not None
    cm = make_model()
    Sub = cm.pyspice_subcircuit()
    assert issubclass(Sub, SubCircuitFactory)
    assert Sub.NAME == "mtjg" and tuple(Sub.NODES) == ("te", "be")
    c = Circuit("user circuit")
    c.subcircuit(Sub())
    c.V("in", "a", c.gnd, 0.0)
    c.R("s", "a", "b", 1e-3)  # a user's own series element
    c.X("m1", Sub.NAME, "b", c.gnd, state=state, rscale=1.1, tmrscale=0.95)
    sim = c.simulator(simulator="ngspice-shared", temperature=85, nominal_temperature=27)
    sim.options(reltol=1e-9, abstol=1e-18)
    a = sim.dc(Vin=slice(-0.5, 0.5, 0.05))
    V = np.array(a.sweep)
    I = -np.array(a.branches["vin"])
    m = np.abs(V) > 1e-9
    Vj = V[m] - I[m] * 1e-3
    ref = cm.current(state, Vj, 85 + T0_CELSIUS, r_scale=1.1, tmr_scale=0.95)
    np.testing.assert_allclose(I[m], ref, rtol=1e-6)


def test_pyspice_subcircuit_rejects_unknown_parameter(libngspice, make_model):
    Sub = make_model().pyspice_subcircuit()
    with pytest.raises(ParameterError, match="rscal"):
        Sub(rscal=2)
