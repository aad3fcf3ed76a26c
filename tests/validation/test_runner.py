"""The runner isolates a crashing check and reports it as an internal finding."""
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text
from trialaudit.validation import registry
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings


def test_crashing_rule_becomes_internal_finding(monkeypatch):
    rules = registry.load_rules()
    bad = rules["TA101"]

    def boom(ctx):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(registry._RULES, "TA101", registry.Rule(bad.code, bad.name, bad.severity, bad.family, boom, bad.module))
    doc = parse_text("Results\n\nAll 12 patients were treated with drug A in this study.\n", doc_id="x", source="x")
    findings, ran = run_checks(doc, extract_study(doc), Settings())
    crash = [f for f in findings if f.code == "TA900"]
    assert crash and "TA101" in crash[0].message and crash[0].severity == "warning"
    assert ran >= 4


def _doc():
    doc = parse_text("Results\n\nAll 12 patients were treated with drug A in this study.\n", doc_id="x", source="x")
    return doc, extract_study(doc)


def test_rule_that_overruns_the_budget_is_stopped(monkeypatch):
    import time

    rules = registry.load_rules()
    bad = rules["TA101"]

    def slow(ctx):
        while True:
            time.sleep(0.01)

    monkeypatch.setitem(registry._RULES, "TA101", registry.Rule(bad.code, bad.name, bad.severity, bad.family, slow, bad.module))
    doc, study = _doc()
    t0 = time.monotonic()
    findings, ran = run_checks(doc, study, Settings(article_time_budget_s=0.5))
    assert time.monotonic() - t0 < 5
    over = [f for f in findings if f.code == "TA901"]
    assert over and "timed out in rule TA101" in over[0].message


def test_partial_findings_of_a_crashing_rule_are_kept(monkeypatch):
    rules = registry.load_rules()
    bad = rules["TA101"]

    def half(ctx):
        from trialaudit.schemas.findings import Evidence
        yield ctx.finding("TA101", severity="warning", message="first", evidence=[Evidence(quote="All 12 patients")],
                          key="k") if hasattr(ctx, "finding") else None
        raise ValueError("second item")

    monkeypatch.setitem(registry._RULES, "TA101", registry.Rule(bad.code, bad.name, bad.severity, bad.family, half, bad.module))
    doc, study = _doc()
    findings, _ = run_checks(doc, study, Settings())
    crash = [f for f in findings if f.code == "TA900"]
    assert crash and "after the first 1" in crash[0].message
    assert any(f.code == "TA101" for f in findings)


def test_coverage_is_counted_for_crashed_and_stopped_rules(monkeypatch):
    import time

    from trialaudit.schemas.findings import Coverage

    rules = registry.load_rules()
    a, b = rules["TA101"], rules["TA102"]

    def crashes(ctx):
        ctx.coverage.count("percentages", 3)
        raise ValueError("boom")
        yield  # a generator, like the rules

    def overruns(ctx):
        ctx.coverage.count("category_sets", 2)
        while True:
            time.sleep(0.01)
        yield

    monkeypatch.setitem(registry._RULES, "TA101", registry.Rule(a.code, a.name, a.severity, a.family, crashes, a.module))
    monkeypatch.setitem(registry._RULES, "TA102", registry.Rule(b.code, b.name, b.severity, b.family, overruns, b.module))
    doc, study = _doc()
    cov = Coverage()
    findings, _ = run_checks(doc, study, Settings(select=["TA101", "TA102"], article_time_budget_s=0.5), coverage=cov)
    assert {f.code for f in findings} >= {"TA900", "TA901"}
    assert cov.checked["percentages"].checked == 3 and cov.checked["category_sets"].checked == 2
    assert cov.read["sentences"] >= 1


def test_same_contradiction_in_several_places_is_one_finding():
    """One problem, one finding: a misprinted rate repeated in abstract and results is merged,
    with every place as evidence, and the first finding's fingerprint kept."""
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    from trialaudit.validation.runner import run_checks
    from trialaudit.validation.settings import Settings

    text = ("Abstract\n\nOverall, 18/33 (56.1%) patients had lung metastases.\n\n"
            "Results\n\nIn total, 18/33 (56.1%) patients had lung metastases at baseline.\n")
    doc = parse_text(text, doc_id="t", source="t")
    findings, _ = run_checks(doc, extract_study(doc), Settings(select=["TA101"]))
    mine = [f for f in findings if f.code == "TA101"]
    assert len(mine) == 1, [f.message for f in mine]
    assert len({e.line for e in mine[0].evidence}) == 2
    assert len(mine[0].details["merged_fingerprints"]) == 1


def test_preview_rules_run_only_when_asked():
    """A preview rule (measured precision too low to run by default) runs with preview=True or when
    selected by code or name; --ignore still wins."""
    previews = [r for r in registry.all_rules() if r.preview]
    assert {"TA104", "TA107", "TA302", "TA501"} <= {r.code for r in previews}
    assert all("development set" in r.preview and "true" in r.preview for r in previews)  # what was measured
    r = previews[0]
    assert not Settings().wants(r.code, r.name, True)
    assert Settings(preview=True).wants(r.code, r.name, True)
    assert Settings(select=[r.code]).wants(r.code, r.name, True)
    assert Settings(select=[r.name]).wants(r.code, r.name, True)
    assert not Settings(preview=True, ignore=[r.code]).wants(r.code, r.name, True)
    assert Settings().wants("TA101", "percent-vs-count", False)


def test_preview_rule_is_silent_by_default_and_heard_with_preview():
    text = ("Table 4 | Comparison of the patients' demographics\n\n| Items | Apatinib+IE, n=33 | IE, n=41 |\n"
            "|---|---|---|\n| Osteosarcoma subtypes, canonical, n (%) | 32 (96.97) | 42 (97.67) |\n"
            "| Telangiectatic, n (%) | 1 (3.03) | 1 (2.33) |\n")
    doc = parse_text(text, doc_id="t", source="t")
    st = extract_study(doc)
    off, _ = run_checks(doc, st, Settings())
    on, _ = run_checks(doc, st, Settings(preview=True))
    assert not any(f.code == "TA104" for f in off)
    assert any(f.code == "TA104" for f in on)


_WRONG_T = """Results

Table 2 | Anxiety scores

| Time | Exercise group (n = 20) | Control group (n = 19) | t-test Value | P Value |
|---|---|---|---|---|
| Baseline | 21.37 ± 4.12 | 21.42 ± 4.60 | -0.41 | 0.97 |

Participants were randomly divided into the exercise group (n = 20) and the control group (n = 19).
"""


def test_a_wrong_t_checked_by_two_rules_is_one_finding():
    # TA201 (t vs its P) and TA203 (t and P vs the means) flag the same printed t: one finding, TA203's, which
    # lists TA201's fingerprint as merged
    doc = parse_text(_WRONG_T, doc_id="t", source="t")
    study = extract_study(doc)
    alone, _ = run_checks(doc, study, Settings(select=["TA201"]))
    assert [f.code for f in alone] == ["TA201"]
    both, _ = run_checks(doc, study, Settings(select=["TA201", "TA203"]))
    assert [f.code for f in both] == ["TA203"]
    assert alone[0].fingerprint in both[0].details["merged_fingerprints"]
