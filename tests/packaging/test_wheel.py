"""The built wheel installs one top-level name, ``trialaudit``, and every package folder."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}")
    (whl,) = out.glob("trialaudit-*.whl")
    return whl


def test_wheel_top_level_is_only_trialaudit(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"trialaudit"}


def test_wheel_holds_every_package_folder_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    mapping = {"schemas": "trialaudit/schemas", "extractor": "trialaudit/extractor",
               "validation": "trialaudit/validation", "corpus": "trialaudit/corpus",
               "trialaudit": "trialaudit"}
    for folder, target in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.relative_to(ROOT / folder).as_posix()
            assert f"{target}/{rel}" in names, f"package {folder}/{rel} is missing from the wheel"
    assert "trialaudit/corpus/manifest.json" in names
    assert any(n.startswith("trialaudit/validation/fixtures/") for n in names)
    assert any(n.startswith("trialaudit/validation/templates/") for n in names)
    assert any(n.startswith("trialaudit/extractor/data/") for n in names)
