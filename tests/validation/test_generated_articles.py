"""Property-based suite: generated article-like texts never crash, hang or misquote.

Articles are built from headings, sentences with numbers and pipe tables with
the forms journals print: n (%), n/N (%), mean (SD), median (IQR), ratios with
CIs and p-values, Lancet middle-dot decimals, Unicode minus, thousands
separators, and absurd values (zero and huge denominators, zero CI bounds).
For every article: no exception escapes, no rule crashes (TA900) or overruns
the budget (TA901), the whole check finishes within the budget, and every
finding's evidence quote is found verbatim in the document text at its span.

``bench/bench_generated.py`` runs the same property on 10,000+ examples.
"""
from __future__ import annotations

import os
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings

BUDGET_S = 20.0
CHECK_SETTINGS = Settings(article_time_budget_s=BUDGET_S)

DASHES = ["–", "-", " to ", "—", "‑"]
MINUS = ["-", "−", "–"]


@st.composite
def decimal(draw, lo=0.0, hi=100.0, mark=None):
    d = draw(st.integers(0, 3))
    v = draw(st.one_of(st.floats(lo, hi, allow_nan=False, allow_infinity=False), st.sampled_from([lo, hi, 0.0])))
    s = f"{v:.{d}f}"
    m = mark if mark is not None else draw(st.sampled_from([".", ".", ".", "·"]))
    return s.replace(".", m)


@st.composite
def count(draw):
    n = draw(st.one_of(st.integers(0, 500), st.integers(0, 10**12), st.sampled_from([0, 1, 999999999999])))
    if n >= 1000 and draw(st.booleans()):
        return f"{n:,}"
    return str(n)


@st.composite
def signed(draw):
    s = draw(decimal(lo=0, hi=50))
    return (draw(st.sampled_from(MINUS)) + s) if draw(st.booleans()) else s


@st.composite
def p_value(draw):
    op = draw(st.sampled_from(["=", "<", "<", "≤", " = ", " < ", ">"]))
    v = draw(st.sampled_from(["0.001", "0.05", "0·04", ".03", "0.5", "1.0", "0", "1.2", "0.0001", "1e-5", "0.049"]))
    tok = draw(st.sampled_from(["p", "P", "*P*", "p-value"]))
    return f"{tok}{op}{v}"


@st.composite
def ci(draw):
    lo = draw(st.one_of(decimal(0, 3), st.just("0"), st.just("0.00")))
    hi = draw(st.one_of(decimal(0, 5), st.just("0")))
    dash = draw(st.sampled_from(DASHES))
    level = draw(st.sampled_from(["95% CI ", "95% CI: ", "CI ", "99% confidence interval ", ""]))
    return f"{level}{lo}{dash}{hi}"


@st.composite
def sentence(draw):
    kind = draw(st.integers(0, 11))
    arm = draw(st.sampled_from(["the drug group", "the placebo group", "arm A", "the control arm", "all patients"]))
    if kind == 0:
        k, n, p = draw(count()), draw(count()), draw(decimal())
        return f"Response occurred in {k}/{n} ({p}%) patients in {arm}."
    if kind == 1:
        k, p = draw(count()), draw(decimal())
        return f"In {arm}, {k} patients ({p}%) had grade 3 adverse events."
    if kind == 2:
        m, sd = draw(decimal(0, 120)), draw(decimal(0, 40))
        return f"Mean age was {m} ({sd}) years in {arm}."
    if kind == 3:
        m, sd = draw(signed()), draw(decimal(0, 40))
        return f"The mean change was {m} ± {sd} points in {arm}."
    if kind == 4:
        r = draw(st.sampled_from(["HR", "OR", "hazard ratio", "RR"]))
        return f"The {r} was {draw(decimal(0, 5))} ({draw(ci())}; {draw(p_value())})."
    if kind == 5:
        return f"Median overall survival was {draw(decimal(0, 60))} months ({draw(ci())}) in {arm}."
    if kind == 6:
        return f"A total of {draw(count())} patients were randomised and {draw(count())} were analysed."
    if kind == 7:
        return (f"The 12-month survival rate was {draw(decimal())}% and median survival {draw(decimal(0, 40))} "
                f"months in {arm}.")
    if kind == 8:
        return f"The difference was significant ({draw(p_value())}); t = {draw(signed())}, df = {draw(count())}."
    if kind == 9:
        return f"Patients were aged {draw(count())}–{draw(count())} years; {draw(count())} of {draw(count())} were women."
    if kind == 10:
        a, b = draw(decimal(mark="·")), draw(decimal(mark="·"))
        return f"Values were {a} ({b}) and {a}/{b}, {draw(count())}% of {draw(count())}."
    return draw(st.sampled_from([
        "Patients were randomly assigned to drug or placebo.",
        "The primary endpoint was progression-free survival.",
        "Adverse events were graded by CTCAE version 5.0.",
        "This trial is registered with ClinicalTrials.gov, NCT01234567.",
    ]))


@st.composite
def cell(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"{draw(count())} ({draw(decimal())})"
    if kind == 1:
        return f"{draw(count())} ({draw(decimal())}%)"
    if kind == 2:
        return f"{draw(decimal(0, 100))} ({draw(decimal(0, 30))})"
    if kind == 3:
        return f"{draw(decimal(0, 100))} ({draw(decimal(0, 50))}–{draw(decimal(0, 100))})"
    if kind == 4:
        return f"{draw(count())}/{draw(count())}"
    return draw(st.sampled_from(["NR", "—", "0", "<0.001", "0·04", "NA"]))


@st.composite
def table(draw):
    n1, n2 = draw(count()), draw(count())
    rows = draw(st.lists(st.sampled_from(["Age, years", "Male sex", "ECOG 0", "ECOG 1", "Response",
                                          "Grade ≥3 events", "Neutropenia", "Rash", "Death"]),
                         min_size=1, max_size=8))
    pcol = draw(st.booleans())
    head = f"| Characteristic | Drug (n={n1}) | Placebo (n={n2}) |" + (" P value |" if pcol else "")
    sep = "|---|---|---|" + ("---|" if pcol else "")
    body = []
    for r in rows:
        line = f"| {r} | {draw(cell())} | {draw(cell())} |"
        if pcol:
            line += f" {draw(st.sampled_from(['0.04', '<0.001', '0·51', '1.00', 'NS']))} |"
        body.append(line)
    label = draw(st.integers(1, 4))
    return f"Table {label}. Characteristics of the patients\n\n" + "\n".join([head, sep, *body])


@st.composite
def article(draw):
    parts = ["# A randomised trial of drug versus placebo", ""]
    for heading in ("Abstract", "Methods", "Results", "Discussion"):
        parts += [f"## {heading}", ""]
        for _ in range(draw(st.integers(0, 3))):
            parts += [" ".join(draw(st.lists(sentence(), min_size=1, max_size=4))), ""]
        if heading == "Results" and draw(st.booleans()):
            parts += [draw(table()), ""]
    return "\n".join(parts) + "\n"


def _norm(s: str) -> str:
    return re.sub(r"[\s|]+", "", s)


def check_article(text: str, settings: Settings = CHECK_SETTINGS) -> list[str]:
    """Run the whole pipeline on ``text``; return the violated properties (empty: all hold)."""
    problems: list[str] = []
    t0 = time.monotonic()
    doc = parse_text(text, doc_id="generated", source="generated.md", fmt="markdown")
    study = extract_study(doc)
    findings, _ = run_checks(doc, study, settings)
    elapsed = time.monotonic() - t0
    if elapsed > settings.article_time_budget_s:
        problems.append(f"took {elapsed:.1f} s")
    for f in findings:
        if f.code in ("TA900", "TA901"):
            problems.append(f"{f.code}: {f.message} {f.evidence[0].quote if f.evidence else ''}")
            continue
        for e in f.evidence:
            if e.char_start is None or e.char_end is None:
                continue
            if not (0 <= e.char_start < e.char_end <= len(doc.text)):
                problems.append(f"{f.code}: span {e.char_start}-{e.char_end} outside the text")
                continue
            lo = max(0, e.char_start - len(e.quote) - 200)
            hi = min(len(doc.text), e.char_end + len(e.quote) + 200)
            region = _norm(doc.text[lo:hi])
            pieces = [p for p in re.split(r"…|\.\.\.", e.quote) if _norm(p)]
            if not all(_norm(p) in region for p in pieces):
                problems.append(f"{f.code}: quote {e.quote[:80]!r} not found at {e.char_start}-{e.char_end}")
            elif _norm(doc.text[e.char_start:e.char_end]) and not any(
                    _norm(doc.text[e.char_start:e.char_end])[:20] in _norm(p) or _norm(p) in region for p in pieces):
                problems.append(f"{f.code}: span text not in quote {e.quote[:80]!r}")
    return problems


#: examples per run: 200 in CI; the "thorough" profile (tests/conftest.py) or the variable raise it
GENERATED_EXAMPLES = int(os.environ.get("TRIALAUDIT_GENERATED_EXAMPLES", "0")) or max(200, settings.default.max_examples)


@settings(max_examples=GENERATED_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article())
def test_generated_articles_hold_the_properties(text):
    problems = check_article(text)
    assert not problems, "\n".join(problems) + "\n--- article ---\n" + text


def test_issue_inputs_hold_the_properties():
    """The hand-written hostile cases of the issue, small versions."""
    for body in ["Response occurred in 5/999999999999 (29.973%) patients.",
                 "Response occurred in 3/0 (12%) patients in the drug group.",
                 "Mean age was 4·57 (1·2) years; the ratio was 1·5/1·5 and HR 0·82 (95% CI 0·70–0·96; p=0·012).",
                 "The hazard ratio was 0.85 (95% CI 0–1.2; p=0.04). Risk ratio 1.2 (95% CI 0.00-2.5).",
                 "The hazard ratio was 5.00 (CI 3.0-3.1; *P*<1e-5).",   # found by the 10,000-example run
                 "Values " + "–".join(str(i % 100) for i in range(1, 600)) + ".",
                 "Value " + "7" * 5000 + "a here.",
                 "Counts " + ", ".join(f"{i},{i % 1000:03d}" for i in range(1, 500)) + "."]:
        text = f"# Trial\n\n## Results\n\n{body}\n"
        assert not check_article(text), body[:80]
