"""Use the MTJ compact model as a subcircuit in your own PySpice circuit.

A 1-MTJ read path: a read source, a 2 kohm series (access device + wire),
and the MTJ in the AP state, swept with ngspice-shared at 27 C.

Run: python examples/pyspice_subcircuit.py
"""
import numpy as np
from PySpice.Spice.Netlist import Circuit

from mramsim.circuit.sim.pyspice import configure_ngspice_shared
from mramsim.compact.presets import preset_model

configure_ngspice_shared()               # point PySpice at the ngspice shared library (Debian: libngspice.so.0)
cm = preset_model("cofeb_mgo")
MTJ = cm.pyspice_subcircuit()            # a PySpice SubCircuitFactory subclass

circuit = Circuit("read path")
circuit.subcircuit(MTJ())
circuit.V("read", "bl", circuit.gnd, 0.0)
circuit.R("access", "bl", "te", 2e3)
circuit.X("mtj", MTJ.NAME, "te", circuit.gnd, state=1)

sim = circuit.simulator(simulator="ngspice-shared", temperature=27, nominal_temperature=27)
analysis = sim.dc(Vread=slice(0.0, 0.4, 0.05))
V = np.array(analysis.sweep)
I = -np.array(analysis.branches["vread"])
for v, i in zip(V, I):
    print(f"V_read = {v:5.2f} V   I = {i * 1e6:8.3f} uA")
