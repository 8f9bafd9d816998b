"""Imports run one way: from features down to shared layers, with no cycle between packages.

Every import in tingia/ and workers/ (module level or inside a function) is read with `ast` and
mapped to its component (a package or top-level module of tingia). The layers below are the
README's architecture picture: a component may import only components of lower layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Components in one layer are siblings: they do not import each other.
LAYERS = [
    {
        "tingia.config",
        "tingia.database",
        "tingia.text",
        "tingia.tracking_codes",
        "tingia.errors",
        "tingia.budget",
    },
    {"tingia.extensions", "tingia.storage"},
    {"tingia.models", "tingia.request_guard"},
    {"tingia.pagination", "tingia.centres", "tingia.i18n"},
    {"tingia.audit"},
    {"tingia.cases", "tingia.auth", "tingia.privacy"},
    {"tingia.web", "tingia.matching"},
    {"tingia.publishing"},
    {"tingia.sources"},
    {"tingia.takedowns"},
    {"tingia.triage", "tingia.intake", "tingia.statistics", "tingia.notifications"},
    {"tingia.jobs"},
    {"tingia.api", "tingia.demo", "tingia.ops"},
    {"tingia.cli"},
    {"tingia"},  # the app factory, tingia/__init__.py
    {"workers"},
]
LAYER_OF = {component: rank for rank, layer in enumerate(LAYERS) for component in layer}


def component_of_module(module: str) -> str:
    """`tingia.triage.views.queue` -> `tingia.triage`; `workers.__main__` -> `workers`."""
    parts = module.split(".")
    if parts[0] != "tingia":
        return parts[0]
    return ".".join(parts[:2])


def module_name(path: Path) -> str:
    """The dotted module name of a source file."""
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every project module a source file imports (absolute names)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                # `from tingia import storage` imports a module; `from tingia import create_app`
                # imports a name of the package itself.
                is_module = (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    ROOT / Path(*candidate.split(".")) / "__init__.py"
                ).exists()
                found.add(candidate if is_module else base)
    return {name for name in found if name.split(".")[0] in ("tingia", "workers")}


def component_graph() -> dict[str, set[str]]:
    """component -> the other components it imports."""
    graph: dict[str, set[str]] = {}
    for path in [*ROOT.glob("tingia/**/*.py"), *ROOT.glob("workers/**/*.py")]:
        source = component_of_module(module_name(path))
        targets = {component_of_module(name) for name in imported_modules(path)}
        graph.setdefault(source, set()).update(targets - {source})
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def test_every_component_has_a_layer():
    assert set(component_graph()) - set(LAYER_OF) == set()


def test_no_import_cycle_between_components():
    assert find_cycle(component_graph()) is None


def test_imports_only_go_down_the_layers():
    upward = sorted(
        f"{source} -> {target}"
        for source, targets in component_graph().items()
        for target in targets
        if target in LAYER_OF and LAYER_OF[target] >= LAYER_OF[source]
    )
    assert upward == []


def test_the_checker_sees_a_cycle_and_an_upward_import():
    # The checks above could pass on an empty graph; this shows they would fail on a bad one.
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    graph = component_graph()
    assert "tingia.matching" in graph["tingia.jobs"]
    assert "tingia.cases" in graph["tingia.matching"]
