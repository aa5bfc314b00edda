"""Export an MTJ model card for your own SPICE deck.

Fits the compact model to the CoFeB/MgO physics preset (400 C, 1 h, Ta cap),
writes the ngspice card, and checks it in a small deck: a read bias of 0.15 V
on a P and an AP junction at 85 C.

Run: python examples/export_model_card.py [out_dir]
"""
import sys
from pathlib import Path

from mramsim.circuit.sim.ngspice import run_ngspice
from mramsim.compact.presets import preset_model
from mramsim.constants import T0_CELSIUS

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/export_example")
out.mkdir(parents=True, exist_ok=True)

cm = preset_model("cofeb_mgo")  # = ms.fit_compact(ms.MTJDevice(...).rv_table(...), name="cofeb_mgo")
print(cm.fit_report)
card = out / "cofeb_mgo.ngspice.lib"
cm.write(card, dialect="ngspice")        # also "hspice", "spectre", "xyce", "verilog-a"
cm.write(out / "cofeb_mgo_mc.ngspice.lib", dialect="ngspice", statistical=True)
print("wrote", card)

deck = f"""read bias check
.include {card.resolve()}
Vread bl 0 0.15
Xp bl 0 cofeb_mgo state=0
Xap bl 0 cofeb_mgo state=1 tmrscale=1.0
.temp 85
.op
.end
"""
res = run_ngspice(deck)
i_total = -res["i(vread)"][0]
T = 85 + T0_CELSIUS
i_py = cm.current("P", 0.15, T) + cm.current("AP", 0.15, T)
print(f"ngspice read current {i_total * 1e6:.4f} uA, Python model {i_py * 1e6:.4f} uA")
