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
CLI_MODULES = {"cli", "cli_extract", "cli_review", "api", "extract_api", "batch", "backends", "inputs", "sarif",
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
