"""Statistical tests: names, statistics, degrees of freedom, p values and what they compare.

Sources:

* tables: P columns, statistic columns (χ², t, "t/χ²") and cells such as
  ``χ² =8.23, P =0.32 (degrees of freedom =8)`` (the table modules build those rows with
  :func:`table_test`; :func:`tests_from_cells` scans every other table);
* results/abstract sentences: every p value, with the statistic and the test named in the
  same sentence (thresholds such as "P<0.05 was considered significant" are not tests);
* methods: tests named without values ("compared using the log-rank test").
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document, Table
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import StatTest

from trialaudit.extractor.quantities import find_quantities, parse_cell

from ._util import (MEASURE_KIND, abstract_tail_sections, comparison_from_text, cell_prov, cited_sentence_ids, effective_kind, find_measures, fold_case,
                    Prefilter, result_kinds,
                    mknum, normalise_for_parse, sentence_prov)

#: canonical test name -> pattern
TEST_NAMES: list[tuple[str, re.Pattern[str]]] = [
    ("hosmer-lemeshow", re.compile(r"hosmer[- –]lemeshow", re.I)),
    ("fisher", re.compile(r"fisher'?s?(?:\s+exact)?(?:\s+(?:probability\s+)?test)?|\(fisher\)|fisher\b", re.I)),
    ("mann-whitney", re.compile(r"mann[- –]+whitney|wilcoxon\s+rank[- ]sum", re.I)),
    ("wilcoxon", re.compile(r"wilcoxon(?:\s+signed[- ]rank)?(?!\s+rank[- ]sum)", re.I)),
    ("kruskal-wallis", re.compile(r"kruskal[- –]wallis", re.I)),
    ("friedman", re.compile(r"friedman(?:'s)?\s+test", re.I)),
    ("mcnemar", re.compile(r"mcnemar", re.I)),
    ("log-rank", re.compile(r"log[- ]?rank", re.I)),
    ("cox", re.compile(r"\bcox\b", re.I)),
    ("anova", re.compile(r"\banova\b|analysis\s+of\s+variance", re.I)),
    ("t-test", re.compile(r"\bt[- ]tests?\b|student'?s?\s+t\b|independent[- ]samples?\s+t\b|\bt\s+test", re.I)),
    ("chi-square", re.compile(r"chi[- ]?squared?|[χΧ]\s*[2²]\s*[- ]?test|pearson'?s?\s+chi", re.I)),
]

#: thresholds and planning statements, not tests
THRESHOLD = re.compile(r"considered\s+(?:to\s+(?:be|indicate)\s+)?(?:statistically\s+)?significan|significance\s+level|"
                       r"level\s+of\s+significance|significant\s+at|was\s+set\s+at|alpha|two-sided\s+p\s*[<≤]|"
                       r"defined\s+as\s+(?:statistically\s+)?significant|threshold", re.I)

#: the patterns with the words their matches need, so most texts skip most regexes
_TEST_FAST = [(name, Prefilter(rx)) for name, rx in TEST_NAMES]

_STAT_MAP = {"chi2": "chi-square", "t": "t-test", "F": "anova", "U": "mann-whitney", "H": "kruskal-wallis"}


def test_names_in(text: str) -> list[str]:
    """Canonical names of the tests named in ``text`` (in order of first mention)."""
    found: list[tuple[int, str]] = []
    low = fold_case(text)
    for name, pf in _TEST_FAST:
        if not pf.possible(text, low):
            continue
        m = pf.rx.search(text)
        if m and not any(name == n for _, n in found):
            if name == "wilcoxon" and any(n == "mann-whitney" for _, n in found):
                continue
            found.append((m.start(), name))
    names = [n for _, n in sorted(found)]
    if "fisher" in names and "chi-square" in names and re.search(r"χ\s*[2²]\s*\(\s*fisher\s*\)", text, re.I):
        names.remove("chi-square")
    return names


def table_test(doc: Document, t: Table, row, j: int, *, p: tuple[Num, str] | None, stat: Num | None = None,
               statistic: str | None = None, test: str | None = None, compares: str | None = None,
               df: float | None = None, column: str | None = None) -> StatTest:
    return StatTest(test=test, statistic=statistic, stat_value=stat, df=df, p=p[0] if p else None,
                    p_operator=p[1] if p else None, compares=compares,
                    provenance=cell_prov(doc, t, row, j, column=column))


def footnote_test_name(t: Table, measure: str | None, label: str = "", notes: list[str] | None = None) -> str | None:
    """The test a table's notes/caption say compared ``measure`` (or the only test they name)."""
    texts = [t.caption, *(t.footnotes if notes is None else notes)]
    sentences = [x for txt in texts for x in re.split(r"(?<=[.;])\s+", txt) if x.strip()]
    named = [(s, test_names_in(s)) for s in sentences]
    named = [(s, ns) for s, ns in named if ns]
    if not named:
        return None
    if measure:
        for s, ns in named:
            hits = {h.code for h in find_measures(s)}
            if measure in hits or (MEASURE_KIND.get(measure) == "tte" and re.search(r"time[- ]to[- ]event", s, re.I)):
                return ns[0]
    all_names = {n for _, ns in named for n in ns}
    if len(all_names) == 1:
        return next(iter(all_names))
    return None


_DF = re.compile(r"(?i)(?:\bdf|d\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*(\d+(?:\.\d+)?)")


def _stat_test_from_quantity(q: Quantity, text: str) -> tuple[str | None, Num | None, float | None]:
    df = q.df
    if df is None:
        m = _DF.search(text)
        if m:
            df = float(m.group(1))
    return q.statistic, q.stat_value, df


def tests_from_cells(doc: Document, t: Table) -> list[StatTest]:
    """Cells of any table that print a test statistic with its p ('χ² =8.23, P =0.32')."""
    out: list[StatTest] = []
    for row in t.rows:
        for j, c in enumerate(row.cells):
            if j == 0 or not c.text or not re.search(r"(?:χ|chi|\bt\s*\(|\bt\s*=|\bF\s*=|\bz\s*=)", c.text, re.I):
                continue
            for q in parse_cell(c.text):
                if q.kind != "test_stat":
                    continue
                stat, val, df = _stat_test_from_quantity(q, c.text)
                names = test_names_in(row.label + " " + t.caption) or ([_STAT_MAP[stat]] if stat in _STAT_MAP else [])
                out.append(StatTest(test=names[0] if names else None, statistic=stat, stat_value=val, df=df, p=q.p,
                                    p_operator=q.p_operator, compares=row.label or None,
                                    provenance=cell_prov(doc, t, row, j)))
    return out


def _compares_from_sentence(text: str, end: int) -> str | None:
    """The measure a p value refers to: the last time-to-event or rate named before it, else
    the last response category ('NE' printed as a bound is not a measure here)."""
    hits = [h for h in find_measures(text[:end]) if h.code != "NE"]
    main = [h for h in hits if MEASURE_KIND.get(h.code) in ("tte", "rate")]
    if main:
        return main[-1].code
    return hits[-1].code if hits else None


def tests_from_sentences(doc: Document) -> list[StatTest]:
    out: list[StatTest] = []
    tail = abstract_tail_sections(doc)
    cited = cited_sentence_ids(doc)
    wanted = result_kinds(doc)
    for s in doc.sentences:
        kind = effective_kind(doc, s, tail)
        if kind not in wanted:
            continue
        if s.id in cited or THRESHOLD.search(s.text):
            continue
        text = normalise_for_parse(s.text)
        names = test_names_in(text)
        for q in find_quantities(text):
            if q.kind == "test_stat":
                stat, val, df = _stat_test_from_quantity(q, text)
                out.append(StatTest(test=names[0] if names else None, statistic=stat, stat_value=val, df=df, p=q.p,
                                    p_operator=q.p_operator, compares=_compares_from_sentence(text, q.start),
                                    provenance=sentence_prov(doc, s, q.start, q.end)))
            elif q.p is not None and q.kind in ("p_value", "ratio"):
                test = names[0] if names else ("cox" if q.kind == "ratio" and q.ratio_type == "HR" and
                                                re.search(r"\bcox\b", text, re.I) else None)
                compares = _compares_from_sentence(text, q.start)
                if q.kind == "ratio":
                    compares = comparison_from_text(text, q.start, []) or compares
                out.append(StatTest(test=test, p=q.p, p_operator=q.p_operator, compares=compares,
                                    provenance=sentence_prov(doc, s, q.start, q.end)))
    return out


def tests_named_in_methods(doc: Document) -> list[StatTest]:
    """Tests named in the methods, statistics section, table notes and figure legends (no values)."""
    out: list[StatTest] = []
    seen: set[str] = set()
    for s in doc.sentences:
        if s.section_kind not in ("methods", "statistics", "figure", "results", "abstract"):
            continue
        for name in test_names_in(s.text):
            if name in seen:
                continue
            seen.add(name)
            hits = find_measures(s.text)
            out.append(StatTest(test=name, compares=", ".join(dict.fromkeys(h.code for h in hits)) or None,
                                provenance=sentence_prov(doc, s)))
    for t in doc.tables:
        for txt in [t.caption, *t.columns, *t.footnotes, *(r.label for r in t.rows)]:
            for name in test_names_in(txt):
                if name in seen:
                    continue
                seen.add(name)
                from ._util import caption_prov

                out.append(StatTest(test=name, compares=None, provenance=caption_prov(doc, t)))
    return out


def merge_tests(groups: list[list[StatTest]]) -> list[StatTest]:
    """All tests; name-only mentions are dropped when a valued test already carries the name."""
    valued: list[StatTest] = []
    named: list[StatTest] = []
    for g in groups:
        for x in g:
            (named if x.p is None and x.stat_value is None else valued).append(x)
    have = {x.test for x in valued if x.test}
    return valued + [x for x in named if x.test not in have]


def p_of(q: Quantity) -> tuple[Num, str] | None:
    return (q.p, q.p_operator or "=") if q.p is not None else None


__all__ = ["TEST_NAMES", "test_names_in", "table_test", "footnote_test_name", "tests_from_cells",
           "tests_from_sentences", "tests_named_in_methods", "merge_tests", "mknum"]
