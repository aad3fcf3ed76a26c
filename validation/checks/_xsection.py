"""Shared helpers for the cross-section consistency rules (TA302–TA315).

* section kinds come repaired from the Study (``Study.section_repairs``, see
  :mod:`trialaudit.extractor.study.sections`; rules read ``ctx.section_kinds()``).
* :func:`sample_sizes` reads every statement of the study's total size and of
  each arm's size (text, table headers, table and figure captions) and picks
  the total and arm sizes most places agree on.
* :func:`study_columns` tells which table columns describe this study (arms or
  the whole cohort) rather than cited comparison cohorts.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from trialaudit.extractor.memo import article_cache
from trialaudit.extractor.study.arms import arm_mentions, resolve_arm, strip_n
from trialaudit.extractor.study.drugs import drug_set
from trialaudit.extractor.study.sections import cited_sentences, effective_kinds, real_arms
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.study import Arm
from trialaudit.validation.context import CheckContext

# ---------------------------------------------------------------------------------------------- sizes

PATIENTS = (r"(?:patients?|participants?|subjects?|cases|individuals|children|adolescents|adults|women|men|"
            r"persons|people)")
_SUBSET_VERB = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:had|have|experienced|developed|achieved|showed|exhibited|died|"
                          r"(?:were\s+)?(?:screened|assessed\s+for|evaluated\s+for|approached|considered|"
                          r"identified|registered\s+for\s+screening)|"
                          r"discontinued|progressed|responded|reported|suffered|required|needed|presented|demonstrated|"
                          r"were\s+(?:alive|censored|lost|excluded|withdrawn|still|not|free|male|female|aged)|"
                          r"was\s+(?:alive|censored|lost|excluded)|remained|continued|stopped|relapsed|underwent\s+"
                          r"(?:surgery|resection|local|radio))\b", re.I)
_PLANNED = re.compile(r"\b(?:aim\w*|plan\w*|requir\w*|assum\w*|expect\w*|anticipat\w*|would|target\w*|sample\s+size|"
                      r"dropout|drop-out|power|needed\s+to|to\s+enrol+|calculated)\b", re.I)
_TOTAL_PATTERNS = [
    # "A total of 95 osteosarcoma patients ...", "In total, 33 patients who received ... were identified"
    re.compile(rf"\b(?:a\s+total\s+of|in\s+total,?|altogether,?|overall,?)\s+(?P<n>\d{{1,5}})\s+(?:[\w\-]+\s+){{0,3}}?"
               rf"{PATIENTS}\b", re.I),
    # "81 patients were enrolled", "95 patients were included"
    re.compile(rf"(?<![\d./])(?P<n>\d{{1,5}})\s+(?:[\w\-]+\s+){{0,3}}?{PATIENTS}\s+(?:[\w\-,]+\s+){{0,4}}?"
               rf"(?:were|was|had\s+been)\s+(?:\w+\s+)?(?:enrol+ed|included|randomi[sz]ed|recruited|registered|"
               rf"identified|reviewed|analy[sz]ed|eligible)\b", re.I),
    # "of whom 81 were enrolled"
    re.compile(r"\bof\s+whom\s+(?P<n>\d{1,5})\s+(?:were|was)\s+(?:enrol+ed|included|randomi[sz]ed|eligible|recruited)",
               re.I),
    # "clinical data from 95 patients", "the data of 26 patients"
    re.compile(rf"\b(?:data|records|charts)\s+(?:from|of|on)\s+(?P<n>\d{{1,5}})\s+(?:[\w\-]+\s+){{0,3}}?{PATIENTS}\b",
               re.I),
    # "Of the 26 patients, ...", "Among the 26 patients"
    re.compile(rf"\b(?:of|among|in)\s+(?:the|these|all|all\s+the|all\s+of\s+the)\s+(?P<n>\d{{1,5}})\s+"
               rf"(?:[\w\-]+\s+){{0,2}}?{PATIENTS}\b", re.I),
]
_CAPTION_TOTAL = re.compile(rf"\b(?:of|in|for|from|among|on)\s+(?P<n>\d{{1,5}})\s+(?:[\w\-]+\s+){{0,3}}?{PATIENTS}\b",
                            re.I)
_N_EQ = re.compile(r"[\(\[,;]\s*[nN]\s*=\s*(?P<n>\d{1,5})\s*[\)\],;]")


@dataclass
class SizeStatement:
    value: int
    scope: str                  # "total" or an arm id ("?" when the clause names several arms)
    place: str                  # abstract / methods / results / table / table-caption / figure-caption / other
    strength: str               # "strong" (enrolled/included/total column), "caption", "weak"
    evidence: Evidence
    text: str = ""


@dataclass
class Sizes:
    statements: list[SizeStatement] = field(default_factory=list)
    total: int | None = None
    total_source: str | None = None                              # "statements", "arms" or "study"
    total_statements: list[SizeStatement] = field(default_factory=list)
    arms: dict[str, int] = field(default_factory=dict)            # arm id -> size most places agree on
    table_arm_sets: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)  # (table, [(arm, n)])
    known_sizes: set[int] = field(default_factory=set)           # every group size stated anywhere


def _arm_for_clause(text: str, start: int, arms: list[Arm]) -> tuple[str | None, bool]:
    """(arm id, ambiguous) for the patients a size statement at ``start`` describes."""
    real = real_arms(arms)
    if len(real) < 2:
        return None, False
    clause = re.split(r"[;.]|,\s+(?=\w+\s+(?:were|was|had)\b)", text[start:start + 160])[0]
    prev = None
    while prev != clause:
        prev = clause
        clause = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", clause)
    if re.search(r"\b(?:or|either|versus|vs\.?|both)\b", clause, re.I):
        return None, True
    ments = arm_mentions(clause, real)
    if ments:
        ids = {m[0].id for m in ments}
        return (next(iter(ids)), False) if len(ids) == 1 else (None, True)
    drugs = set(drug_set(clause))
    if drugs:
        same = [a for a in real if a.drugs and set(a.drugs) == drugs]
        if len(same) == 1:
            return same[0].id, False
        return None, True
    return None, False


def _sentence_place(kind: str) -> str:
    return {"abstract": "abstract", "methods": "methods", "statistics": "statistics", "results": "results",
            "figure": "figure-caption", "front": "title", "title": "title", "conclusion": "conclusion"}.get(kind, kind)


def sample_sizes(ctx: CheckContext) -> Sizes:
    """Every statement of the total and per-arm sizes, with the agreed total and arm sizes."""
    memo = article_cache()  # several rules read it: computed once per article (callers only read it)
    key = ("sample_sizes", id(ctx.document), id(ctx.study))
    hit = memo.get(key) if memo is not None else None
    if hit is not None and hit[0] is ctx.document and hit[1] is ctx.study:
        return hit[2]
    out = _sample_sizes(ctx)
    if memo is not None:
        memo[key] = (ctx.document, ctx.study, out)
    return out


def _sample_sizes(ctx: CheckContext) -> Sizes:
    doc, arms = ctx.document, ctx.study.arms
    kinds = effective_kinds(doc)
    cited = cited_sentences(doc)
    real = real_arms(arms)
    out = Sizes()
    for s in doc.sentences:
        kind = kinds.get(s.id, s.section_kind)
        if kind in ("introduction", "discussion", "references", "declarations", "acknowledgements", "statistics",
                    "keywords") or s.id in cited:
            continue
        text = s.text
        if _PLANNED.search(text) and kind != "figure":
            continue
        place = _sentence_place(kind)
        taken: list[tuple[int, int]] = []
        if kind == "figure":
            for m in _CAPTION_TOTAL.finditer(text):
                arm_id, amb = _arm_for_clause(text, m.end(), arms)
                out.statements.append(SizeStatement(int(m.group("n")), "?" if amb else arm_id or "total",
                                                    "figure-caption", "caption",
                                                    ctx.sentence_evidence(s, m.start("n"), m.end("n"),
                                                                          role="stated size"), text))
            continue
        for rx in _TOTAL_PATTERNS:
            for m in rx.finditer(text):
                a, b = m.span("n")
                if any(x <= a < y for x, y in taken):
                    continue
                if _SUBSET_VERB.match(text[m.end():]):
                    continue
                if re.search(r"\b(?:screened|assessed|approached|evaluated\s+for)\b|\d\s+(?:were|was)\b",
                             text[m.end("n"):m.end()], re.I):
                    continue  # "134 patients screened, 120 were randomised": the verb belongs to another number
                if re.match(r"\s*(?:\(\s*\d+(?:\.\d+)?\s*%|%|/)", text[m.end("n"):]):
                    continue
                if re.search(r"\b(?:in|among|for|with|of|to|by)\s*$", text[:m.start()], re.I) and \
                        re.match(r"(?i)a\s+total", m.group(0)):
                    continue  # "occurred in a total of 6 patients": a subset
                if re.match(r"\s*,?\s*(?:representing|accounting|i\.e\.|or\s+\d)|\s*\(\s*\d+(?:\.\d+)?\s*%",
                            text[m.end():], re.I):
                    continue
                if rx is _TOTAL_PATTERNS[4] and re.match(r"\s*(?:with|who|having|whose|that|in\s+whom)\b",
                                                        text[m.end():], re.I):
                    arm_id, amb = _arm_for_clause(text, m.end(), arms)
                    if arm_id is None:
                        continue  # "Of the 20 patients with lung metastases": a subgroup
                arm_id, amb = _arm_for_clause(text, m.end(), arms)
                taken.append((a, b))
                out.statements.append(SizeStatement(int(m.group("n")), "?" if amb else arm_id or "total", place,
                                                    "strong", ctx.sentence_evidence(s, a, b, role="stated size"), text))
        for m in _N_EQ.finditer(text):
            a, b = m.span("n")
            if any(x <= a < y for x, y in taken):
                continue
            before = text[max(0, m.start() - 80):m.start() + 1]
            ments = arm_mentions(before, real) if real else []
            if ments:
                arm_id = ments[-1][0].id
            elif len(real) >= 2:
                continue
            else:
                arm_id = None
            out.statements.append(SizeStatement(int(m.group("n")), arm_id or "total", place,
                                                "strong" if arm_id else "weak",
                                                ctx.sentence_evidence(s, a, b, role="stated size"), text))
    # table captions and headers
    for t in doc.tables:
        if t.caption and t.caption_span is not None:
            for m in _CAPTION_TOTAL.finditer(t.caption):
                if re.search(r"\(\s*\d+(?:\s*[,\-–]\s*\d+)*\s*\)", t.caption[m.end():m.end() + 8]):
                    continue
                arm_id, amb = _arm_for_clause(t.caption, m.end(), arms)
                sp = t.caption_span
                ev = Evidence(quote=t.caption, line=sp.line, line_end=sp.line_end, char_start=sp.char_start,
                              char_end=sp.char_end, table=t.label, section=ctx.section_title(t.section),
                              page=sp.page, bbox=sp.bbox, role="stated size")
                out.statements.append(SizeStatement(int(m.group("n")), "?" if amb else arm_id or "total",
                                                    "table-caption", "caption", ev, t.caption))
        header_arms: list[tuple[str, int]] = []
        for j, col in enumerate(t.columns):
            if j == 0:
                continue
            top = col.split(" / ")[0]
            if re.search(r"\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)", top):
                out.known_sizes.update(n for n in [strip_n(top)[1]] if n)
                continue  # a cited external cohort
            base, n = strip_n(top)
            if n is None:
                continue
            out.known_sizes.add(n)
            from trialaudit.validation.tablekit import header_cell_evidence
            ev = header_cell_evidence(ctx, t, j)
            if not ev.quote.strip():
                continue
            ev = ev.model_copy(update={"role": "stated size"})
            from trialaudit.extractor.study.arms import TOTAL_WORDS
            if TOTAL_WORDS.match(base):
                out.statements.append(SizeStatement(n, "total", "table", "strong", ev, col))
                continue
            arm = resolve_arm(col, arms)
            if arm is not None and not arm.is_total and all(a != arm.id for a, _ in header_arms):
                header_arms.append((arm.id, n))
                out.statements.append(SizeStatement(n, arm.id, "table", "strong", ev, col))
        if len(header_arms) >= 2:
            out.table_arm_sets.append((t.label, header_arms))
    # arm sizes from arm definitions recorded by the arm extractor (outside planned/statistics passages)
    for a in real:
        for ss in a.sizes:
            p = ss.provenance
            if p.method == "table-cell" or not p.quote.strip():
                continue
            if any(st.scope == a.id and st.evidence.line == p.span.line and st.value == ss.value
                   for st in out.statements):
                continue
            sent = _sentence_at(doc, p.span.char_start)
            if sent is None:
                continue
            if not re.search(rf"(?<![\d.,]){ss.value}(?![\d]|[.,]\d)", sent.text):
                continue  # the size must be printed as a whole number ("6.4" is not 4 patients)
            kind = kinds.get(sent.id, sent.section_kind)
            if kind in ("statistics", "introduction", "discussion") or _PLANNED.search(sent.text):
                continue
            pos = sent.text.find(str(ss.value))
            ev = ctx.sentence_evidence(sent, pos, pos + len(str(ss.value)), role="stated size") if pos >= 0 else \
                ctx.sentence_evidence(sent, role="stated size")
            out.statements.append(SizeStatement(ss.value, a.id, _sentence_place(kind), "strong", ev, sent.text))
    # agreed sizes; every "N patients" anywhere in the text is a group size the article knows about
    for st in out.statements:
        out.known_sizes.add(st.value)
    for s in doc.sentences:
        if s.section_kind in ("references",):
            continue
        for m in re.finditer(rf"(?<![\d./])(\d{{1,5}})\s+(?:[\w\-]+\s+){{0,2}}?{PATIENTS}\b", s.text, re.I):
            out.known_sizes.add(int(m.group(1)))
        for m in re.finditer(r"[nN]\s*=\s*(\d{1,5})", s.text):
            out.known_sizes.add(int(m.group(1)))
    for a in real:
        vals = [st.value for st in out.statements if st.scope == a.id and st.strength == "strong"]
        if vals:
            out.arms[a.id] = _mode(vals, [st for st in out.statements if st.scope == a.id and st.strength == "strong"])
    # a statement naming several arms ("81 patients were enrolled (53 in … and 28 in …)") is the total when its
    # value is the sum of the arms; otherwise it is left out
    arm_sum = sum(out.arms.values()) if len(out.arms) >= 2 else None
    kept = []
    for st in out.statements:
        if st.scope == "?":
            if arm_sum is None or st.value != arm_sum:
                continue
            st.scope = "total"
        elif st.scope != "total" and arm_sum is not None and st.value == arm_sum and st.value not in out.arms.values():
            st.scope = "total"
        kept.append(st)
    out.statements = kept
    totals = [st for st in out.statements if st.scope == "total" and st.strength in ("strong", "weak")]
    # a "total" that equals one arm's size in a multi-arm study is an arm statement, not a total
    if len(out.arms) >= 2:
        arm_values = set(out.arms.values())
        totals = [st for st in totals if st.value not in arm_values or st.value == sum(out.arms.values())]
    out.total_statements = totals
    strong = [st for st in totals if st.strength == "strong"] or totals
    if strong:
        # votes: strong statements 2, other statements and captions 1, the arms' sum 2, and each sentence whose
        # fractions use the value as denominator ("16/33 (48.5%)") 1
        cands = {st.value for st in totals}
        votes: Counter = Counter()
        for st in out.statements:
            if st.scope == "total" and st.value in cands:
                votes[st.value] += 2 if st.strength == "strong" else 1
        if arm_sum is not None and arm_sum in cands:
            votes[arm_sum] += 2
        for s in doc.sentences:
            if kinds.get(s.id, s.section_kind) not in ("abstract", "results", "methods") or s.id in cited:
                continue
            dens = {int(m.group(1)) for m in re.finditer(r"(?<![\d./])\d{1,4}\s*/\s*(\d{1,5})(?![\d/])", s.text)}
            for v in dens & cands:
                votes[v] += 1
        best = max(votes.values())
        tied = [v for v, k in votes.items() if k == best]
        out.total = tied[0] if len(tied) == 1 else _mode([st.value for st in strong if st.value in tied] or tied,
                                                          [st for st in strong if st.value in tied] or strong)
        out.total_source = "statements"
    elif len(out.arms) >= 2:
        out.total = sum(out.arms.values())
        out.total_source = "arms"
    elif ctx.study.total_n and len(real) < 2:
        out.total = ctx.study.total_n
        out.total_source = "study"
    return out


def _mode(values: list[int], statements: list[SizeStatement]) -> int:
    c = Counter(values)
    best = max(c.values())
    tied = [v for v, k in c.items() if k == best]
    if len(tied) == 1:
        return tied[0]
    pref = {"methods": 0, "results": 1, "table": 2, "abstract": 3}
    for st in sorted(statements, key=lambda s: pref.get(s.place, 9)):
        if st.value in tied:
            return st.value
    return tied[0]


def _sentence_at(doc: Document, offset: int) -> Sentence | None:
    for s in doc.sentences:
        if s.span.char_start <= offset <= s.span.char_end:
            return s
    return None



# ---------------------------------------------------------------------------------------------- tables

def study_columns(table, arms: list[Arm], total_n: int | None) -> dict[int, str | None]:
    """Data columns of ``table`` that describe this study: column index -> arm id (None = whole cohort).

    Cited cohorts ("Apatinib (11), n=37"), p-value and test-statistic columns
    are left out; a column whose n is the study's total, a "Total" column, or
    the only data column is the whole cohort.
    """
    from trialaudit.extractor.study.arms import TOTAL_WORDS

    real = real_arms(arms)
    out: dict[int, str | None] = {}
    data = []
    for j in range(1, len(table.columns)):
        lab = table.column_label(j)
        if re.search(r"\bp\s*[\-‑]?\s*values?\b|^\s*p\s*$|χ|chi|statistic|^\s*[tFzZ]\s*$|\bHR\b|\bOR\b|95\s*%", lab, re.I):
            continue
        data.append(j)
        top = lab.split(" / ")[0]
        if re.search(r"\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)", top):
            continue
        base, n = strip_n(top)
        if TOTAL_WORDS.match(base or ""):
            out[j] = None
            continue
        arm = resolve_arm(lab, arms)
        if arm is None:
            continue
        if arm.is_total or (total_n and n == total_n) or (total_n and arm.n == total_n and len(real) < 2):
            out[j] = None
        else:
            out[j] = arm.id
    if len(data) == 1 and data[0] not in out and not any(re.search(r"\(\s*\d+", table.column_label(j)) for j in data):
        out[data[0]] = None
    return out
