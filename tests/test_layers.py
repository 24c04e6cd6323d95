"""The stages only look down: a package imports only packages below it (docs/design.md,
"Package layout"). The imports are read with `ast`, lazy imports inside functions and
`TYPE_CHECKING` blocks included, so the picture in design.md cannot drift from the code."""

import ast
from pathlib import Path

import pytest

KPB = Path(__file__).parents[1] / "kpb"

# Bottom to top; a unit imports units of lower layers only (and itself). The base modules may
# import each other (project reads errors).
LAYERS = (
    ("kpb", "kpb.errors", "kpb.money", "kpb.project", "kpb.steps", "kpb.sqlfiles",
     "kpb.integrity"),
    ("kpb.load", "kpb.rules", "kpb.synth"),
    ("kpb.flow",),
    ("kpb.check",),
    ("kpb.allocate",),
    ("kpb.analyse",),
    ("kpb.write", "kpb.report"),
    ("kpb.network",),
    ("kpb.text",),
    ("kpb.api",),
    ("kpb.cli",),
)
LAYER = {unit: level for level, units in enumerate(LAYERS) for unit in units}
BASE = set(LAYERS[0])


def unit_of(module: str) -> str:
    """kpb.load.csvfile -> kpb.load; kpb.api -> kpb.api; kpb -> kpb."""
    return ".".join(module.split(".")[:2])


def imports_of(source: str, module: str, is_package: bool) -> set[str]:
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            else:
                found.add(node.module or "")
    return {m for m in found if m == "kpb" or m.startswith("kpb.")}


def module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(KPB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def violations(graph: dict[str, set[str]]) -> list[str]:
    """`importer -> imported` lines that break the layering."""
    found = []
    for module, imported in sorted(graph.items()):
        mine = unit_of(module)
        for other in sorted(imported):
            theirs = unit_of(other)
            if theirs == mine or (mine in BASE and theirs in BASE):
                continue
            if mine not in LAYER or theirs not in LAYER:
                found.append(f"{module} -> {other}: {mine if mine not in LAYER else theirs} "
                             "has no layer in LAYERS (add it to design.md and here)")
            elif LAYER[theirs] >= LAYER[mine]:
                found.append(f"{module} -> {other}")
    return found


def the_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(KPB.rglob("*.py")):
        module, is_package = module_name(path)
        graph[module] = imports_of(path.read_text(encoding="utf-8"), module, is_package)
    return graph


def test_every_import_goes_down():
    assert violations(the_graph()) == []


def test_the_cli_talks_to_the_api_only():
    cli = the_graph()["kpb.cli"]
    assert cli <= {"kpb", "kpb.api", "kpb.errors"}, cli


@pytest.mark.parametrize("module, source, broken", [
    ("kpb.check.stage", "from kpb.allocate.engine import allocate", True),
    ("kpb.check.stage", "def f():\n    from kpb.report import tables", True),  # lazy
    ("kpb.allocate.engine", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from kpb.analyse import households", True),
    ("kpb.load.csvfile", "from kpb.rules import Rules", True),  # same layer, other stage
    ("kpb.write.commit", "from kpb.report.build import render_report", True),
    ("kpb.check.stage", "from kpb.flow.facts import Facts", False),
    ("kpb.load.csvfile", "from . import textfile", False),
    ("kpb.api", "from kpb.cli import main", True),
])
def test_the_rule_catches_a_broken_import(module, source, broken):
    graph = {module: imports_of(source, module, is_package=False)}
    assert bool(violations(graph)) is broken
