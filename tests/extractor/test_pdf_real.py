"""Real journal PDFs read as their pages show them (expectations in ``real_pdfs/*.yaml``).

Skipped when the shared folder of real PDFs (repo_root.parent/"shared"/"pdfs") is absent. Each
PDF is read once per test session (module-scoped cache). ``known_gaps`` in a file name the checks
the reader does not pass yet; those checks are skipped for that table, not silently passed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
REAL_DIR = HERE.parents[1].parent / "shared" / "pdfs"
SPECS = sorted((HERE / "real_pdfs").glob("*.yaml"))

pytestmark = pytest.mark.skipif(not REAL_DIR.is_dir(), reason=f"real PDFs not found at {REAL_DIR}")


@pytest.fixture(scope="module")
def docs():
    from trialaudit.extractor.pdf import read_pdf

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            path = REAL_DIR / f"{name}.pdf"
            if not path.is_file():
                pytest.skip(f"{path.name} not in {REAL_DIR}")
            cache[name] = read_pdf(path)
        return cache[name]

    return get


def _spec(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cell_texts(row) -> list[str]:
    return [c.text if hasattr(c, "text") else str(c) for c in row.cells]


def _flat(text: str) -> str:
    """The text as one line: wrapped lines joined, end-of-line hyphens removed, markup dropped."""
    text = re.sub(r"</?sup>", "", text)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


def _find_table(doc, t: dict):
    by_label = [x for x in doc.tables if (x.label or "").lower() == t["label"].lower()]
    if by_label:
        return by_label[0]
    if "label" in (t.get("known_gaps") or {}):
        # the label is a known gap: find the table by its first expected cell's row label
        first = (t.get("cells") or [[None]])[0][0]
        for x in doc.tables:
            if any(_cell_texts(r) and _cell_texts(r)[0] == first for r in x.rows):
                return x
    return None


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.stem for p in SPECS])
def test_tables(spec_path: Path, docs):
    spec = _spec(spec_path)
    doc = docs(spec_path.stem)
    assert doc.pages == spec["pages"]
    problems: list[str] = []
    for t in spec.get("tables", []):
        gaps = t.get("known_gaps") or {}
        tab = _find_table(doc, t)
        if tab is None:
            problems.append(f"{t['label']}: not found (tables read: {[x.label for x in doc.tables]})")
            continue
        where = t["label"]
        if "caption" not in gaps and "label" not in gaps:
            cap = re.sub(r"^\s*Table\s+\w+\s*[.:|]?\s*", "", tab.caption or "", flags=re.I)
            if not cap.lower().startswith(t["caption_starts"].lower()):
                problems.append(f"{where}: caption {tab.caption!r} does not start with {t['caption_starts']!r}")
        ncols = len(tab.columns) if tab.columns else max((len(r.cells) for r in tab.rows), default=0)
        if ncols != t["cols"]:
            problems.append(f"{where}: {ncols} columns, expected {t['cols']}")
        if "rows" not in gaps:
            if "rows" in t and len(tab.rows) != t["rows"]:
                problems.append(f"{where}: {len(tab.rows)} rows, expected {t['rows']}")
            if "rows_min" in t and len(tab.rows) < t["rows_min"]:
                problems.append(f"{where}: {len(tab.rows)} rows, expected at least {t['rows_min']}")
        header = " | ".join(" ".join(_cell_texts(r)) for r in tab.header_rows) + " | " + " | ".join(tab.columns or [])
        for h in t.get("header_contains", []):
            if h not in header:
                problems.append(f"{where}: header lacks {h!r}: {header[:200]!r}")
        if "cells" not in gaps:
            for label, col, text in t.get("cells", []):
                rows = [_cell_texts(r) for r in tab.rows if _cell_texts(r) and _cell_texts(r)[0] == label]
                if not rows:
                    problems.append(f"{where}: no row {label!r}")
                elif not any(col < len(r) and r[col] == text for r in rows):
                    problems.append(f"{where}: row {label!r} column {col} is {[r[col] for r in rows if col < len(r)]}, "
                                    f"expected {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.stem for p in SPECS])
def test_arms_text_and_warnings(spec_path: Path, docs):
    spec = _spec(spec_path)
    doc = docs(spec_path.stem)
    headers = " ".join(" ".join(_cell_texts(r)) + " " + " ".join(t.columns or [])
                       for t in doc.tables for r in t.header_rows)
    for n in spec.get("arms", []):
        assert re.search(rf"(?<![\d.]){n}(?![\d.])", headers), f"arm size {n} in no table header"
    flat = _flat(doc.text)
    for s in spec.get("sentences", []):
        assert s in flat, f"{s!r} not in the text"
    allowed = {w.lower() for w in spec.get("long_words", [])}
    glued = [w for w in re.findall(r"[A-Za-z]{25,}", flat) if w.lower() not in allowed]
    assert not glued, f"glued words: {glued[:10]}"
    for w in spec.get("warnings_contain", []):
        assert any(w in x for x in doc.warnings), f"no warning containing {w!r}: {doc.warnings}"
