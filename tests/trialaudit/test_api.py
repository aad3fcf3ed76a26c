"""trialaudit.api: one article's bug is its own status, with the traceback kept for the developer."""
from __future__ import annotations

from typer.testing import CliRunner

import trialaudit.api as api
from trialaudit.cli import app


def test_a_bug_in_extraction_is_a_per_article_error_with_its_traceback(tmp_path, monkeypatch):
    art = tmp_path / "trial.md"
    art.write_text("# A randomised trial\n\n## Methods\n\nPatients were randomised to drug A or placebo.\n")

    def boom(doc, **kw):
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr(api, "extract_study", boom)
    specs, stack = api.collect_inputs([art])
    with stack:
        res, doc, study = api.check_one(specs[0])
    assert res.status == "error" and "ZeroDivisionError: planted bug" in res.error and study is None
    assert "Traceback" in res.traceback and "boom" in res.traceback

    r = CliRunner().invoke(app, ["check", str(art), "-v"])
    assert r.exit_code == 2 and "planted bug" in r.output and "Traceback" in r.output
    r = CliRunner().invoke(app, ["check", str(art)])
    assert "Traceback" not in r.output
