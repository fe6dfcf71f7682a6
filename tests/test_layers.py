"""The package tree is the data flow: imports only run down the stages, never in a circle, and
never from inside a function (which would hide a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import nextword

PACKAGE = Path(nextword.__file__).parent
# the stages in flow order; a module may import its own stage or any stage before it
STAGES = {"errors": 0, "suggestion": 0, "files": 0, "userdata": 0, "progress": 0, "paths": 0,
          "text": 1, "core": 2, "lm": 3, "correct": 4, "series": 4, "__init__": 5, "app": 6, "cli": 7, "__main__": 8}
SIBLINGS_APART = {("correct", "series"), ("series", "correct")}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(("nextword", *parts))] = path
    return out


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether the import is inside a function) for each nextword import
    (an ``if TYPE_CHECKING:`` import is for type checkers only, never run)."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {id(n) for b in ast.walk(tree) if isinstance(b, ast.If) and ast.unparse(b.test) == "TYPE_CHECKING"
                   for n in ast.walk(b)}
    nested = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              for n in ast.walk(f) if n is not f}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nextword"):
            found += [(node.module, id(node) in nested)]
        elif isinstance(node, ast.Import):
            found += [(a.name, id(node) in nested) for a in node.names if a.name.startswith("nextword")]
    return found


def test_every_module_belongs_to_a_stage():
    assert {_stage(m) for m in _modules()} <= set(STAGES)


def test_imports_only_run_down_the_stages():
    wrong = []
    for module, path in _modules().items():
        own = _stage(module)
        for target, _ in _imports(path):
            other = _stage(target)
            if STAGES[other] > STAGES[own] or (own, other) in SIBLINGS_APART:
                wrong.append(f"{module} imports {target}")
    assert not wrong


def test_no_nextword_import_hides_inside_a_function():
    assert not [f"{m}: {t}" for m, p in _modules().items() for t, inner in _imports(p) if inner]


def test_no_import_circle_between_modules():
    modules = _modules()
    graph = {m: {t for t, _ in _imports(p) if t in modules and t != m} for m, p in modules.items()}
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        for nxt in graph[node]:
            cycle = visit(nxt, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for m in graph:
        cycle = visit(m, [])
        assert cycle is None, " -> ".join(cycle)
