"""No import cycles among the modules of core/ and ui/ (issue 11).

The graph is read from the source with `ast`, not by importing: every `import` and
`from … import` statement counts, wherever it stands (at the top, inside a function,
under `if TYPE_CHECKING:`), because a lazy import only moves a cycle, it does not
remove it. The edges of one statement:

- `import a.b.c` and `from a.b import c` (c a module) lead to the module a.b.c;
  `from a.b import name` (name defined in a/b/__init__.py) leads to the package a.b.
- Importing a.b.c runs a/__init__.py and a/b/__init__.py first, so it also leads to
  those packages, unless the importer lives inside that package itself (a child is
  only imported once its package has started, and importing a sibling adds nothing
  to the package). A child that imports a name from its own package's __init__ does
  lead to it, by the first rule.

A cycle is a strongly connected component with more than one module, or a module
that imports itself. The failure names each cycle with the statements that close it.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "ui")

Edge = tuple[str, str, int]  # importer, imported, line


def module_files() -> dict[str, Path]:
    """Dotted module name → file, for every .py under core/ and ui/ (a package is its __init__.py)."""
    found = {}
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _targets(node: ast.AST, name: str, is_package: bool, modules: dict[str, Path]) -> Iterator[str]:
    """The modules of core/ and ui/ that one import statement names."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in modules:
                yield alias.name
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:
            if f"{source}.{alias.name}" in modules:
                yield f"{source}.{alias.name}"
            elif source in modules:
                yield source


def import_edges(modules: dict[str, Path]) -> list[Edge]:
    edges: set[Edge] = set()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _targets(node, name, is_package, modules):
                edges.add((name, target, node.lineno))
                parts = target.split(".")
                for i in range(1, len(parts)):
                    parent = ".".join(parts[:i])
                    if parent in modules and name != parent and not name.startswith(parent + "."):
                        edges.add((name, parent, node.lineno))
    return sorted(edges)


def cycles(modules: list[str], edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components with more than one module, and self-loops (Tarjan, iterative)."""
    graph: dict[str, list[str]] = {m: [] for m in modules}
    for a, b, _line in edges:
        graph[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[v] = min(low[v], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1 or v in graph[v]:
                    found.append(sorted(component))
    return sorted(found)


def describe(component: list[str], edges: list[Edge]) -> str:
    inside = set(component)
    lines = [f"  {a} -> {b} (line {line})" for a, b, line in edges if a in inside and b in inside]
    return "cycle among " + ", ".join(component) + ":\n" + "\n".join(lines)


def test_the_graph_sees_every_kind_of_import(tmp_path: Path):
    modules = {name: tmp_path / f"{name}.py" for name in ("core.a", "core.b", "core.c", "core.pkg.m")}
    modules["core.pkg"] = tmp_path / "pkg" / "__init__.py"
    modules["core.pkg"].parent.mkdir()
    modules["core.pkg"].write_text("from core.pkg import m\n", encoding="utf-8")
    modules["core.pkg.m"].write_text("from . import VALUE\n", encoding="utf-8")
    modules["core.a"].write_text("def f():\n    from core import b\n", encoding="utf-8")
    modules["core.b"].write_text("import core.pkg.m\n", encoding="utf-8")
    modules["core.c"].write_text("from core.c import x\n", encoding="utf-8")
    edges = import_edges(modules)
    assert ("core.a", "core.b", 2) in edges                      # inside a function
    assert ("core.b", "core.pkg", 1) in edges                    # a package runs before its module
    assert ("core.pkg.m", "core.pkg", 1) in edges                # a name from its own package
    assert not any(a == "core.pkg" and b == "core.pkg" for a, b, _ in edges)
    assert cycles(sorted(modules), edges) == [["core.c"], ["core.pkg", "core.pkg.m"]]


def test_no_import_cycles_in_core_or_ui():
    modules = module_files()
    edges = import_edges(modules)
    found = cycles(sorted(modules), edges)
    assert not found, "\n".join(describe(c, edges) for c in found)
