"""Print the structure figures issue 9 asks for: import cycles, largest modules, functions over 40 lines."""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import grimp

PACKAGE = "benchclub"
ROOT = Path(__file__).resolve().parent.parent


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other (directly or through others): each group is a cycle."""
    downstream = {m: graph.find_downstream_modules(m) for m in graph.modules}
    groups: set[tuple[str, ...]] = set()
    for module, below in downstream.items():
        group = sorted({module} | {other for other in below if module in downstream[other]})
        if len(group) > 1:
            groups.add(tuple(group))
    return [list(g) for g in sorted(groups)]


def largest_modules(count: int) -> list[tuple[int, str]]:
    """Modules by number of lines, largest first."""
    sizes = [(len(p.read_text().splitlines()), str(p.relative_to(ROOT))) for p in (ROOT / PACKAGE).rglob("*.py")]
    return sorted(sizes, reverse=True)[:count]


def long_functions(limit: int) -> list[tuple[int, str]]:
    """Functions (and methods) whose body spans more than `limit` lines."""
    found = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append((length, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    return sorted(found, reverse=True)


def main() -> None:
    """Print the three figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    cycles = import_cycles(graph)
    print(f"import cycles (strongly connected groups): {len(cycles)}")
    for group in cycles:
        print("  " + " <-> ".join(group))
    print(f"largest modules (top {args.top}):")
    for lines, name in largest_modules(args.top):
        print(f"  {lines:5d} {name}")
    functions = long_functions(args.limit)
    print(f"functions over {args.limit} lines: {len(functions)}")
    for lines, name in functions:
        print(f"  {lines:5d} {name}")


if __name__ == "__main__":
    main()
