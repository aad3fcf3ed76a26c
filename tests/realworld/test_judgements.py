"""Regression on real articles: judged false alarms stay away, judged-true findings stay found.

Runs the checks on every development-set article that has a judgement
(``judgements.yaml``, made by opening each article at its evidence and recomputing),
and fails when

* a finding judged a false alarm (``c``) comes back at error severity, or
* a finding judged a true inconsistency (``a``) disappears (at any severity), unless
  the entry says why it was superseded.

Skipped when the development set (``../shared/realworld`` beside the repository) is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT.parent / "shared" / "realworld" / "articles"
JUDGEMENTS = Path(__file__).with_name("judgements.yaml")

pytestmark = pytest.mark.skipif(not ARTICLES.is_dir(), reason="development set ../shared/realworld absent")


def _judgements() -> list[dict]:
    return yaml.safe_load(JUDGEMENTS.read_text(encoding="utf-8")) or []


def test_judgement_file_is_well_formed() -> None:
    seen = set()
    for j in _judgements():
        assert j["verdict"] in {"a", "a*", "c", "u"}, j
        assert j.get("reason"), f"judgement without a reason: {j}"
        assert j["fingerprint"] not in seen, f"judged twice: {j['fingerprint']}"
        seen.add(j["fingerprint"])


@pytest.fixture(scope="module")
def findings() -> dict[str, tuple[str, str, str]]:
    from trialaudit.api import check_paths
    from trialaudit.validation.settings import Settings

    arts = sorted({j["article"] for j in _judgements()})
    paths = [ARTICLES / f"{a}.nxml" for a in arts if (ARTICLES / f"{a}.nxml").exists()]
    run = check_paths([str(p) for p in paths], Settings(jobs=2))
    out = {}
    for a in run.articles:
        for f in a.findings:
            out[f.fingerprint] = (a.id, f.code, f.severity)
            for fp in (f.details or {}).get("merged_fingerprints", []):  # the same value in another place
                out.setdefault(fp, (a.id, f.code, f.severity))
    return out


def test_judged_false_alarms_are_not_errors(findings) -> None:
    """A false alarm may come back as a warning (asking a reviewer to look), never as an error.
    Entries marked ``open`` are false alarms not fixed yet, each with the reason written down."""
    back = [f"{j['article']} {j['code']}: {j.get('cause') or ''} — {j['reason'][:120]}"
            for j in _judgements()
            if j["verdict"] == "c" and not j.get("open")
            and findings.get(j["fingerprint"], ("", "", ""))[2] == "error"]
    assert not back, "judged false alarms are errors again:\n" + "\n".join(back)


def test_judged_true_findings_are_still_found(findings) -> None:
    lost = [f"{j['article']} {j['code']}: {j['reason'][:120]}" for j in _judgements()
            if j["verdict"] == "a" and not j.get("superseded") and j["fingerprint"] not in findings]
    assert not lost, "judged-true findings disappeared:\n" + "\n".join(lost)
