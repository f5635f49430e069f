"""Imports point downwards: apps above brief, above verify, above index, grouping and ingest,
above text and the base seams; ``store`` imports no wing. Lazy imports inside functions count."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = {"models", "settings", "errors", "llm"}
RANK = {"base": 0, "text": 0, "ingest": 1, "grouping": 1, "index": 1, "verify": 2, "brief": 3, "apps": 4}


def wing_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "pipeline":
        return None
    if len(parts) == 1 or parts[1] in BASE or parts[1] == "__init__":
        return "base"
    return parts[1]


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # "from pipeline.verify import align" names a module
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def upward_imports() -> list[str]:
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        own = wing_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for line, module in imported_modules(path):
            other = wing_of(module)
            if other in RANK and RANK[other] > RANK[own]:
                found.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {module} ({other})")
    return found


def test_no_module_imports_from_a_wing_above_its_own():
    assert upward_imports() == []


def test_store_imports_no_wing():
    wings = {w for w in RANK if w != "base"}
    found = [f"{path.name}:{line} imports {module}" for path in sorted((ROOT / "store").glob("*.py"))
             for line, module in imported_modules(path) if wing_of(module) in wings]
    assert found == []


def test_every_module_belongs_to_a_known_wing():
    flat = {p.stem for p in (ROOT / "pipeline").glob("*.py")} - {"__init__"}
    assert flat <= BASE
    assert {p.name for p in (ROOT / "pipeline").iterdir() if p.is_dir() and p.name != "__pycache__"} <= set(RANK)
