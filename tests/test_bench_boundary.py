"""Nothing in the product imports mlpviz.bench: the benchmarks measure the app
and are never part of it. The one entry is ``mlpviz bench``, which loads them
inside the command's dispatch, never at import."""

from __future__ import annotations

import ast
from pathlib import Path

import mlpviz

PACKAGE = Path(mlpviz.__file__).resolve().parent


def _bench_imports(tree: ast.AST) -> list[ast.stmt]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        if any(n == "mlpviz.bench" or n.startswith("mlpviz.bench.") for n in names):
            found.append(node)
    return found


def test_only_the_cli_imports_the_benchmarks_and_only_when_asked():
    importers = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "bench":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if found := _bench_imports(tree):
            importers[rel.as_posix()] = (tree, found)
    assert set(importers) == {"cli.py"}
    tree, found = importers["cli.py"]
    in_functions = {
        id(node)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(f)
    }
    assert all(id(node) in in_functions for node in found), "cli.py imports mlpviz.bench at import"
    # The tree walk sees nested imports too: the test cannot pass by missing them.
    assert len(_bench_imports(ast.parse("def f():\n    import mlpviz.bench.main\n"))) == 1
