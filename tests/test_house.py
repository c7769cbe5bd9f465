"""The house rules of the code (issue 13, item 9): no import cycles, not even behind imports inside
functions; no module imports another module's private names; only the model changes a budget's
cells."""

from __future__ import annotations

import ast
from pathlib import Path

import budgetxl

PACKAGE = Path(budgetxl.__file__).parent


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports():
    """module -> [(imported module, names, line)] for every import, wherever it stands."""
    mods = {_module(p): p for p in PACKAGE.rglob("*.py")}
    out = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text("utf-8"))
        pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = pkg.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.append((sub if sub in mods else target, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("budgetxl"):
                        found.append((alias.name, "", node.lineno))
        out[mod] = [(t, n, line) for t, n, line in found if t in mods]
    return out


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in imps if t != m} for m, imps in _imports().items()}
    # the package's own __init__ re-exports the API lazily: an edge into it is a cycle in waiting
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, "\n".join(" → ".join(c) for c in cycles)


def test_no_private_names_imported_from_another_module():
    bad = [(m, t, n, line) for m, imps in _imports().items() for t, n, line in imps
           if n.startswith("_") and not n.startswith("__") and t != m]
    assert not bad, bad


def test_only_the_model_writes_cells():
    """No module outside model.py assigns into a budget's inputs, given or origin, or clears its cache."""
    bad = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "model.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute) and \
                            t.value.attr in ("inputs", "given", "origin", "_inputs", "_given", "_origin"):
                        bad.append((path.name, node.lineno))
            if isinstance(node, ast.Attribute) and node.attr in ("_cache", "_inputs", "_given", "_origin"):
                if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                    bad.append((path.name, node.lineno))
    assert not bad, bad
