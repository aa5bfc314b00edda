"""The package's import structure (DESIGN.md): imports point down the layers, no cycles, small modules.

The import graph is computed here from the source with ``ast`` (every import statement, also
the ones inside functions), so a lazy import that points up a layer fails too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "mramsim"

#: layer of each top-level module or package of mramsim; imports may only point to a lower or equal rank
RANK = {"errors": 0, "constants": 0, "_validation": 0, "_version": 0, "_text": 0,
        "materials": 1, "stack": 1, "parallel": 1, "physics": 2, "compact": 3, "measure": 4, "circuit": 4,
        "array": 5, "run": 7, "plotting": 8, "cli": 9, "__init__": 9}


def _modules():
    out = {}
    for p in ROOT.rglob("*.py"):
        name = ".".join(("mramsim",) + p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        out[name] = p
    return out


def _graph():
    mods = _modules()
    g = nx.DiGraph()
    for m, p in mods.items():
        g.add_node(m)
        pkg = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != m and t.startswith("mramsim"):
                    g.add_edge(m, t)
    return g, mods


def _layer(m: str) -> str:
    parts = m.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_top_level_part_has_a_layer():
    assert {_layer(m) for m in _modules()} <= set(RANK)


def test_no_import_cycles():
    g, _ = _graph()
    g.remove_nodes_from([m for m in list(g) if _layer(m) == "__init__"])  # the lazy public namespace
    cycles = [c for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not cycles, cycles


def test_imports_point_down_the_layers():
    g, _ = _graph()
    up = [(a, b) for a, b in g.edges if _layer(b) != "plotting" and _layer(a) != _layer(b)
          and RANK[_layer(b)] > RANK[_layer(a)]]
    assert not up, up


def test_no_module_over_600_lines():
    big = {str(p.relative_to(ROOT)): n for p in ROOT.rglob("*.py") if (n := p.read_text().count("\n")) > 600}
    assert not big, big


def test_the_check_itself_can_fail():
    """An upward edge added to a copy of the graph is found (the test is not vacuous)."""
    g, _ = _graph()
    g.add_edge("mramsim.physics.device", "mramsim.array.margin")
    assert any(_layer(a) == "physics" and _layer(b) == "array" for a, b in g.edges
               if RANK[_layer(b)] > RANK[_layer(a)])
