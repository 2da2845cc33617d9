"""drafter's import graph, counting imports inside functions too.

    python tests/import_graph.py          # every module and what it imports
    python tests/import_graph.py --check  # only the problems; exit 1 if there are any

An import inside a function is still an edge: it runs sooner or later, and a cycle through
it is a cycle in the design (issue 11: templates → template_check → render → templates).
The problems reported are: import cycles, library modules that import drafter.commands
(the CLI sits on the library, never the other way round), and private names (`_name`)
imported from another module. A package's implicit import of its parent (`drafter.check`
for `drafter.check.rules`) is not counted: Python's package structure, not a design choice.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "drafter"


@dataclass
class Graph:
    edges: dict[str, set[str]] = field(default_factory=dict)
    private: list[tuple[str, str, str]] = field(default_factory=list)  # importer, module, name


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def build(root: Path = PACKAGE) -> Graph:
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph = Graph({name: set() for name in files})
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [(base, alias.name) for alias in node.names]
            else:
                continue
            for module, imported in targets:
                submodule = f"{module}.{imported}" if imported else None
                if submodule in files:
                    graph.edges[name].add(submodule)  # from drafter import resume
                elif module in files:
                    graph.edges[name].add(module)
                    if imported and imported.startswith("_") and not imported.startswith("__"):
                        graph.private.append((name, module, imported))
        graph.edges[name].discard(name)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.edges):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def commands_imported_by_library(graph: Graph) -> list[tuple[str, str]]:
    def is_commands(name: str) -> bool:
        return name == "drafter.commands" or name.startswith("drafter.commands.")

    return sorted((name, target) for name, targets in graph.edges.items() if not is_commands(name)
                  for target in targets if is_commands(target) and name != "drafter.cli")


def problems(graph: Graph) -> list[str]:
    found = [f"cycle: {' ↔ '.join(component)}" for component in cycles(graph)]
    found += [f"library imports the CLI: {a} → {b}" for a, b in commands_imported_by_library(graph)]
    found += [f"private import: {a} imports {name} from {b}" for a, b, name in graph.private]
    return found


def main(argv: list[str]) -> int:
    graph = build()
    if "--check" not in argv:
        for name in sorted(graph.edges):
            print(f"{name} → {', '.join(sorted(graph.edges[name])) or '（无）'}")
        print()
    found = problems(graph)
    for problem in found:
        print(problem)
    if not found:
        print("no cycle, no library module imports drafter.commands, no private imports")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
