"""Regenerate tests/compact/golden/ from the fixed test model (review the diff by hand!)."""
from pathlib import Path

from conftest import full_model

HERE = Path(__file__).parent
for dialect, ext in (("hspice", "lib"), ("spectre", "scs"), ("xyce", "lib")):
    for stat in (False, True):
        path = HERE / "golden" / f"mtjg{'_stat' if stat else ''}.{dialect}.{ext}"
        path.write_text(full_model().to_netlist(dialect, statistical=stat))
        print("wrote", path)
