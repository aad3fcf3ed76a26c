"""The statistical tests an article names: in a table (caption, headers, notes under it) and in the methods.

``Study.named_tests`` holds the tests the methods or statistics text names for categorical data (χ²,
Fisher) and for continuous data (Student's t, Welch, Mann–Whitney), with a quote; ``TableTest.named_tests``
the tests a table itself names; ``NamedTests.continuous_models`` the adjusted or multi-factor models (ANCOVA,
two-way ANOVA, mixed models, adjusted linear regression) named for continuous data; ``NamedTests.exact_tests`` the
exact or resampling tests (other than Fisher's) the methods name, whose P is not the asymptotic tail of a printed
statistic; ``NamedTests.bootstrap_intervals`` whether the article declares its confidence intervals bootstrap
intervals; ``NamedTests.mean_spread`` whether the methods call their "±" an SD or an SE (:mod:`.spread`).
TA202 and TA203 compare a recomputed test with the one named; TA201 and TA204 use the last two.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document, Sentence, Table
from trialaudit.schemas.study import NamedTests

from .spread import article_spread
from .stat_labels import stat_kind_of_label
from .tablefacts import norm_label

__all__ = ["RANK_TEST", "declared_alpha_levels", "tests_named_in", "table_notes", "table_test_names", "article_test_names", "continuous_models_named",
           "exact_tests_named", "bootstrap_intervals_declared", "one_sided_declared",
           "extract_named_tests"]


_NAMED = {
    "chi2": re.compile(r"\bchi[\s-]*squared?\b|χ\s*2|χ²|\bx2[\s-]*test|\bpearson'?s? (?:chi|χ)", re.I),
    "fisher": re.compile(r"\bfisher'?s?\b", re.I),
    "student": re.compile(r"\bstudent'?s?\s*t\b|\b(?:independent|two)[\s-]*samples?\s*t[\s-]*tests?\b|\bt[\s-]*tests?\b|"
                          r"\bunpaired\s*t\b", re.I),
    "welch": re.compile(r"\bwelch", re.I),
    "mann-whitney": re.compile(r"mann[\s–-]*whitney|wilcoxon rank[\s-]*sum|\bu[\s-]*test", re.I),
}
_CATEGORICAL_CONTEXT = re.compile(r"categor|proportion|frequenc|rates?\b|counts?\b|n \(%\)|percentage|ORR|DCR|"
                                  r"response|incidence|dichotom", re.I)
_CONTINUOUS_CONTEXT = re.compile(r"continuous|mean|normally distributed|\bSD\b|standard deviation|measurement", re.I)


#: a rank (non-parametric) test named for group comparisons
RANK_TEST = re.compile(r"mann[\s–-]*whitney|wilcoxon|kruskal|non-?parametric|\bu[\s-]*tests?\b|rank[\s-]*sum", re.I)


_LEVEL = r"(0?\.\d{1,4})"
#: a declared significance level: "P < 0.01 was considered significant", "significant at P<0.01", "significance
#: level (P<0.01)", "level of significance was set at 0.05", "α = 0.05", "alpha level of 0.01"
_ALPHA = re.compile(
    rf"\bp\s*(?:-?\s*values?\s*)?(?:<|≤|<=|of\s+less\s+than|less\s+than|below)\s*{_LEVEL}\s*(?:\([^)]*\)\s*)?"
    rf"(?:was|were|is|are)?\s*(?:considered|regarded|taken|accepted|defined|deemed|set)\b[^.;]{{0,30}}?\bsignifican|"
    rf"\bsignifican\w*\s+(?:was\s+)?(?:at|when|if)\s+(?:a\s+|the\s+)?(?:p\s*(?:<|≤|<=)\s*)?{_LEVEL}|"
    rf"\b(?:significance|alpha|α)\s*(?:level|threshold)?\s*(?:was|of|at|:|=|\()?\s*(?:set\s+at\s+|set\s+to\s+)?"
    rf"(?:p\s*(?:<|≤|<=|=)\s*)?{_LEVEL}|"
    rf"\blevel\s+of\s+(?:statistical\s+)?significance\s+(?:was\s+)?(?:set\s+at\s+|of\s+|at\s+)?"
    rf"(?:p\s*(?:<|≤|<=|=)\s*)?{_LEVEL}",
    re.I)


def declared_alpha_levels(doc: Document) -> tuple[list[float], str | None]:
    """The significance levels the methods or statistics text declares (at most 0.1), with the first quote."""
    found: set[float] = set()
    quote = None
    for s in doc.sentences:
        if s.section_kind not in ("methods", "statistics", "abstract", "other"):
            continue
        for m in _ALPHA.finditer(s.text):
            v = next((float(g) for g in m.groups() if g), None)
            if v is not None and 0 < v <= 0.1:
                found.add(v)
                quote = quote or s.text
    return sorted(found), quote


def tests_named_in(text: str) -> set[str]:
    return {k for k, rx in _NAMED.items() if rx.search(text or "")}


def table_notes(doc: Document, table: Table, reach: int = 400, max_sentences: int = 4) -> list[Sentence]:
    """Sentences printed right under a table (its notes), when the converter left them as prose."""
    end = table.span.char_end
    nxt = min([t.span.char_start for t in doc.tables if t.span.char_start > end] + [len(doc.text)])
    out = []
    for s in doc.sentences:
        if end <= s.span.char_start <= min(end + reach, nxt) and len(out) < max_sentences:
            out.append(s)
    return out


def table_test_names(doc: Document, table: Table) -> tuple[set[str], str]:
    """Tests the table itself names (caption, headers, footnotes, notes under it); with where."""
    labels = {norm_label(r.label) for r in table.rows if r.label and len(norm_label(r.label)) >= 3}
    notes = []
    for s in table_notes(doc, table):
        low = s.text.lower()
        if re.search(r"(?:χ|chi)[\s-]*(?:2|²|square[d]?)\s*(?:\(\d+\))?\s*=", s.text, re.I):
            continue  # a reported statistic, not a note on methods
        if any(lab in low for lab in labels) or re.search(r"\b(?:this|the above) table\b|\bin the table\b", low):
            notes.append(s.text)
    parts = [table.caption, *table.footnotes, *notes]
    for c in table.columns:
        if stat_kind_of_label(c):
            # a "χ²" statistic column names no test for rows where it is empty (Fisher rows);
            # "χ² (Fisher)" names both
            if re.search(r"fisher", c, re.I):
                parts.append(c)
        else:
            parts.append(c)
    named = set()
    for p in parts:
        named |= tests_named_in(p)
    return named, f"{table.label} (caption, headers or notes)"


def article_test_names(doc: Document, kind: str) -> tuple[set[str], str | None]:
    """Tests the methods/statistics text names for categorical ('categorical') or continuous data."""
    named: set[str] = set()
    quote = None
    ctx_rx = _CATEGORICAL_CONTEXT if kind == "categorical" else _CONTINUOUS_CONTEXT
    for s in doc.sentences:
        if s.section_kind not in ("statistics", "methods"):
            continue
        # split at ';' so "continuous ... t-test; categorical ... chi-square test" are kept apart
        for clause in re.split(r";|\.\s", s.text):
            found = tests_named_in(clause)
            if not found or not ctx_rx.search(clause):
                continue
            if kind == "categorical":
                found &= {"chi2", "fisher"}
            else:
                found &= {"student", "welch", "mann-whitney"}
            if found:
                named |= found
                quote = quote or s.text
    return named, quote


#: adjusted or multi-factor models for continuous data: their P is not that of an unadjusted two-sample test
_CONTINUOUS_MODELS = {
    "ancova": re.compile(r"\bANCOVA\b|\banalys[ie]s\s+of\s+covariance\b", re.I),
    "multi-way-anova": re.compile(
        r"\b(?:two|three|multi|2|3)[\s-]*(?:way|factor)\s+(?:\w+\s+){0,2}?(?:ANOVA|analys[ie]s\s+of\s+variance)\b|"
        r"\bfactorial\s+(?:ANOVA|analys[ie]s\s+of\s+variance)\b|"
        r"\b(?:ANOVA|analys[ie]s\s+of\s+variance)\b[^.;]{0,80}?\b(?:factors?|fixed[\s-]+effects?|covariates?)\b", re.I),
    "mixed-model": re.compile(r"\b(?:linear\s+)?mixed[\s-]*(?:effects?\s+)?(?:linear\s+)?models?\b|\bMMRM\b", re.I),
    "adjusted-regression": re.compile(
        r"\blinear\s+regression\b[^.;]{0,120}?\b(?:adjust\w*|covariates?)\b|"
        r"\b(?:adjust\w*|covariates?)\b[^.;]{0,120}?\blinear\s+regression\b", re.I),
}
#: a model for categorical or time-to-event data, not for the continuous measures compared by t-tests
_OTHER_MODEL = re.compile(r"\blogistic\b|\bCox\b|\bPoisson\b|\bnegative\s+binomial\b|\bproportional\s+hazards?\b|"
                          r"\bcategorical\b", re.I)


def continuous_models_named(doc: Document) -> tuple[list[str], str | None]:
    """The adjusted or multi-factor models (ANCOVA, two-way ANOVA, mixed models, adjusted linear regression) the
    methods or statistics text names for continuous data, with the first sentence naming one."""
    named: set[str] = set()
    quote = None
    for s in doc.sentences:
        if s.section_kind not in ("statistics", "methods"):
            continue
        for clause in re.split(r";|\.\s", s.text):
            if _OTHER_MODEL.search(clause):
                continue
            found = {k for k, rx in _CONTINUOUS_MODELS.items() if rx.search(clause)}
            if found:
                named |= found
                quote = quote or s.text
    return sorted(named), quote


#: exact or resampling tests other than Fisher's (Freeman–Halton): "exact linear-by-linear test", "Exact
#: Probability-linear by linear test", "exact Cochran–Armitage trend test", "permutation test", "Monte Carlo"
_EXACT_TESTS = {
    "exact": re.compile(
        r"(?<!fisher's )(?<!fisher’s )(?<!fischer's )(?<!fischer’s )(?<!fisher )(?<!freeman-halton )"
        r"\bexact\b(?![\s-]+(?:confidence|binomial\s+confidence|CI|interval|date|same|number|time|dose))"
        r"[^.;]{0,40}?\b(?:tests?|probabilit\w*|p[\s-]*values?|linear[\s-]*by[\s-]*linear|trend|"
        r"Cochran|Mantel|Wilcoxon|Mann|Kruskal|chi|χ)", re.I),
    "permutation": re.compile(r"\b(?:permutation|re-?randomi[sz]ation)[\s-]+tests?\b", re.I),
    "monte-carlo": re.compile(r"\bmonte[\s-]*carlo\b[^.;]{0,60}?\b(?:tests?|p[\s-]*values?|significance|exact)\b|"
                              r"\b(?:tests?|χ2|χ²|chi[\s-]*squared?|U)\b[^.;]{0,40}?\(?monte[\s-]*carlo", re.I),
}
_FISHER_EXACT = re.compile(r"\b(?:fisher|fischer|freeman[\s–-]*halton)\W{0,4}(?:s\s+)?exact\b", re.I)


def exact_tests_named(doc: Document) -> tuple[list[str], str | None]:
    """The exact or resampling tests other than Fisher's that the methods or statistics text names ("exact
    linear-by-linear test", "permutation test", "Monte Carlo"), with the first sentence naming one."""
    named: set[str] = set()
    quote = None
    for s in doc.sentences:
        if s.section_kind not in ("statistics", "methods"):
            continue
        text = _FISHER_EXACT.sub(" ", s.text)
        found = {k for k, rx in _EXACT_TESTS.items() if rx.search(text)}
        if found:
            named |= found
            quote = quote or s.text
    return sorted(named), quote


#: "percentile bootstrap confidence intervals", "bias-corrected and accelerated (BCa) bootstrap CIs", "All
#: presented CI's are bootstrap CI's", "95% CIs were obtained by bootstrapping"
_BOOTSTRAP_CI = re.compile(
    r"\bbootstrap\w*\b(?:[\s-]+(?:\w+|\(\w+\))){0,4}?[\s-]+(?:\d+\s*%\s*)?(?:confidence[\s-]+intervals?|CIs?|CI['’]s)\b|"
    r"\b(?:confidence[\s-]+intervals?|CIs?|CI['’]s)\b[^.;]{0,80}?\b(?:bootstrap\w*|BCa)\b|"
    r"\bBCa\b[^.;]{0,40}?\b(?:confidence[\s-]+intervals?|CIs?|intervals?)\b", re.I)


def bootstrap_intervals_declared(doc: Document) -> tuple[bool, str | None]:
    """Whether the article says its confidence intervals are bootstrap (percentile, BCa) intervals — in the text,
    a table caption or a table footnote; with the quote."""
    texts = [s.text for s in doc.sentences]
    for t in doc.tables:
        texts += [t.caption or "", *t.footnotes]
    for text in texts:
        m = _BOOTSTRAP_CI.search(text or "")
        if m:
            return True, text
    return False, None


#: "one-sided", "one-tailed", "1-sided" tests or P values
_ONE_SIDED = re.compile(r"\b(?:one|1)[\s-]*(?:sided|tailed)\b", re.I)


def one_sided_declared(doc: Document) -> tuple[bool, str | None]:
    """Whether the article says (text, table caption, header or footnote) that tests or P values are one-sided; with
    the quote."""
    texts = [s.text for s in doc.sentences]
    for t in doc.tables:
        texts += [t.caption or "", *t.footnotes, *t.columns]
    for text in texts:
        if _ONE_SIDED.search(text or ""):
            return True, text
    return False, None


def extract_named_tests(doc: Document) -> NamedTests:
    """The tests the methods or statistics text names for categorical and for continuous data, and the tests
    any table names (caption, headers, notes)."""
    cat, cat_quote = article_test_names(doc, "categorical")
    cont, cont_quote = article_test_names(doc, "continuous")
    in_tables: set[str] = set()
    for t in doc.tables:
        in_tables |= table_test_names(doc, t)[0]
    models, models_quote = continuous_models_named(doc)
    exact, exact_quote = exact_tests_named(doc)
    boot, boot_quote = bootstrap_intervals_declared(doc)
    one, one_quote = one_sided_declared(doc)
    spread, spread_quote = article_spread(doc)
    rank_quote = next((x.text for x in doc.sentences if x.section_kind in ("methods", "statistics", "table", "figure")
                       and RANK_TEST.search(x.text)), None)
    alphas, alpha_quote = declared_alpha_levels(doc)
    return NamedTests(categorical=sorted(cat), categorical_quote=cat_quote, continuous=sorted(cont),
                      continuous_quote=cont_quote, in_tables=sorted(in_tables), continuous_models=models,
                      continuous_models_quote=models_quote, exact_tests=exact, exact_tests_quote=exact_quote,
                      bootstrap_intervals=boot, bootstrap_intervals_quote=boot_quote, one_sided=one,
                      one_sided_quote=one_quote, mean_spread=spread, mean_spread_quote=spread_quote,
                      rank_tests=rank_quote is not None, rank_tests_quote=rank_quote, alpha_levels=alphas,
                      alpha_quote=alpha_quote)
