"""The layer order holds: schemas <- extractor <- validation <- command line / API.

Every import in a package folder (module level or inside functions) is read with ``ast``; a
layer may import only itself and the layers below it. ``trialaudit`` itself (the namespace
root: name and version only) may be imported by any layer.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"schemas": 0, "extractor": 1, "validation": 2, "corpus": 1}
CLI_MODULES = {"cli", "cli_extract", "cli_review", "api", "extract_api", "batch", "backends", "tasks", "inputs", "sarif",
               "meta", "_entry"}  # trialaudit._lazy (a lazy-import helper) is neutral


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "trialaudit" or len(parts) < 2:
        return None
    if parts[1] in LAYERS:
        return LAYERS[parts[1]]
    if parts[1] in CLI_MODULES:
        return 3
    return None


def test_no_layer_imports_a_layer_above_it():
    bad = []
    for folder, level in LAYERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, mod in _imports(path):
                target = _layer_of(mod)
                if target is not None and target > level and not (folder == "corpus" and target == 1):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {mod}")
    assert not bad, "layer order broken:\n" + "\n".join(bad)


def test_old_top_level_names_are_not_imported():
    """Everything goes through the trialaudit namespace (no bare `import schemas`)."""
    bad = []
    for folder in list(LAYERS) + ["trialaudit", "tests", "bench"]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, mod in _imports(path):
                if mod.split(".")[0] in LAYERS:
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {mod}")
    assert not bad, "\n".join(bad)


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["trialaudit", *parts]) if parts[0] != "trialaudit" else ".".join(parts)


def _all_imports(path: Path, name: str) -> set[str]:
    """Absolute names of the trialaudit modules ``path`` imports (relative imports resolved, any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)  # `from .pkg import module`
    return {m for m in out if m.startswith("trialaudit.")}


def test_no_import_cycles_between_modules():
    """No module reaches itself through imports, not even through imports hidden inside functions."""
    graph: dict[str, set[str]] = {}
    for folder in list(LAYERS) + ["trialaudit"]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            graph[_module_name(path)] = set()
    for folder in list(LAYERS) + ["trialaudit"]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = _module_name(path)
            graph[name] = {m for m in _all_imports(path, name) if m in graph and m != name}
    # a package's __init__ importing its own modules is not a cycle of interest
    edges = {a: {b for b in bs if not a.startswith(b + ".") and not b.startswith(a + ".")} for a, bs in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    import sys
    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)
