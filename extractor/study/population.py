"""The study's and its arms' sizes, as each place states them, and the sizes most places agree on.

:func:`extract_population_sizes` builds ``Study.population_sizes`` (a
:class:`~trialaudit.schemas.study.PopulationSizes`): every statement of the total size and of each
arm's size — results, methods and abstract sentences, table and figure captions, table headers, the
arms' own definitions — with its evidence; the agreed total and arm sizes; every group size the
article prints anywhere; and, per table, the columns that describe this study. The cross-section
rules (TA302, TA303, TA307, TA310, TA311) read it; none of them reads sizes from the text itself.

Only statements about the study population count: planned sizes ("we aimed to enrol 100"),
subsets ("Of the 20 patients with lung metastases", "6 patients had ..."), screening counts
("134 patients screened"), the statistics section, the introduction and discussion, and sentences
that cite other work are left out.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from trialaudit.extractor.evidence import header_cell_evidence, section_title, sentence_evidence
from trialaudit.schemas.document import Document, Sentence, Table
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.study import Arm, PopulationSizes, SizeStatement, StatedPopulation, TableArmSizes

from ._util import Prefilter, fold_case
from .arms import TOTAL_WORDS, arm_mentions, resolve_arm, strip_n
from .drugs import drug_set
from .sections import cited_sentences, effective_kinds, real_arms

__all__ = ["PATIENTS", "extract_population_sizes", "extract_stated_populations", "populations_by_sentence",
           "study_columns"]

#: the nouns a group of participants is counted in ("95 patients", "of 40 women")
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
_OF_THE = _TOTAL_PATTERNS[4]
#: each pattern with the words its matches need: most sentences skip most of the regexes
_TOTAL_FAST = [(rx, Prefilter(rx)) for rx in _TOTAL_PATTERNS]
_DIGIT = re.compile(r"\d")
_CAPTION_TOTAL = re.compile(rf"\b(?:of|in|for|from|among|on)\s+(?P<n>\d{{1,5}})\s+(?:[\w\-]+\s+){{0,3}}?{PATIENTS}\b",
                            re.I)
_N_EQ = re.compile(r"[\(\[,;]\s*[nN]\s*=\s*(?P<n>\d{1,5})\s*[\)\],;]")
_CITED_COHORT = re.compile(r"\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)")     # "Apatinib (11)": a cited cohort's header
#: "of the 47 evaluable patients", "among 120 participants": a population stated in a sentence
STATED_POPULATION = re.compile(
    rf"\b(?P<prep>of|among|in|for|with\s+regard\s+to|regarding|out\s+of)\s+"
    rf"(?:(?P<det>all\s+of\s+the|all\s+the|the|all|these|those)\s+)?(?P<n>\d{{1,5}})\s+"
    rf"(?P<qual>(?:(?!\d)[\w\-]+\s+){{0,2}}?)(?P<noun>{PATIENTS})\b", re.I)   # no number among the qualifiers
_STATED_POPULATION_PF = Prefilter(STATED_POPULATION)
_SKIPPED_KINDS = ("introduction", "discussion", "references", "declarations", "acknowledgements", "statistics",
                  "keywords")


def extract_population_sizes(doc: Document, arms: list[Arm], study_total_n: int | None) -> PopulationSizes:
    """Every statement of the total and per-arm sizes, with the agreed total and arm sizes."""
    kinds = effective_kinds(doc)
    cited = cited_sentences(doc)
    real = real_arms(arms)
    out = PopulationSizes()
    known: set[int] = set()
    out.statements.extend(_sentence_statements(doc, arms, real, kinds, cited))
    for t in doc.tables:
        out.statements.extend(_caption_statements(doc, t, arms))
        header, header_arms = _header_statements(doc, t, arms, known)
        out.statements.extend(header)
        if len(header_arms) >= 2:
            out.table_arm_sets.append(TableArmSizes(table=t.label, sizes=header_arms))
    out.statements.extend(_definition_statements(doc, real, kinds, out.statements))
    known.update(st.value for st in out.statements)
    known.update(_printed_group_sizes(doc))
    out.known_sizes = sorted(known)
    _agree(out, doc, real, kinds, cited, study_total_n)
    out.study_columns = [study_columns(t, arms, out.total) for t in doc.tables]
    return out


#: "a sample of 36 patients", "sample size of 120 participants": the size of a sample to be drawn
_SAMPLE_BEFORE = re.compile(r"\bsample(?:\s+size)?\s*$", re.I)
#: a power or sample-size calculation: every size it states is planned
_POWER_CALCULATION = re.compile(r"\bpower\b|\bsample\s+size\b|\b(?:alpha|beta|type\s+I{1,2})\s+error|"
                                r"\bwould\s+be\s+(?:necessary|needed|required)\b", re.I)


def extract_stated_populations(doc: Document) -> list[StatedPopulation]:
    """Every "of the N patients" phrase of every sentence (outside the references), in reading order."""
    out: list[StatedPopulation] = []
    for s in doc.sentences:
        if s.section_kind == "references":
            continue
        if not _DIGIT.search(s.text) or not _STATED_POPULATION_PF.possible(s.text, fold_case(s.text)):
            continue  # the phrase has a number and a noun for people
        for m in STATED_POPULATION.finditer(s.text):
            out.append(StatedPopulation(
                sentence=s.id, start=m.start(), end=m.end(), n=int(m.group("n")), n_start=m.start("n"),
                noun=m.group("noun").lower(),
                preposition=" ".join(m.group("prep").lower().split()),
                determiner=" ".join((m.group("det") or "").lower().split()),
                qualifier=" ".join(m.group("qual").lower().split()),
                planned=bool(_SAMPLE_BEFORE.search(s.text[max(0, m.start() - 20):m.start()]) or
                             _POWER_CALCULATION.search(s.text))))
    return out


# ---------------------------------------------------------------------------------------------- statements

def populations_by_sentence(populations: Iterable[StatedPopulation], *, prepositions: Iterable[str],
                            qualifiers: Iterable[str], nouns: Iterable[str],
                            determiners: Iterable[str] = ("", "the", "all", "these")
                            ) -> dict[str, list[StatedPopulation]]:
    """The stated populations ("of the 47 evaluable patients") a reader trusts, by sentence id, in reading order:
    those whose preposition, determiner, qualifier ("" for none) and noun are among the given ones; planned sizes
    (a power calculation's) never."""
    preps, dets, quals, ns = set(prepositions), set(determiners), set(qualifiers), set(nouns)
    out: dict[str, list[StatedPopulation]] = {}
    for p in populations:
        if not p.planned and p.preposition in preps and p.determiner in dets and p.qualifier in quals and p.noun in ns:
            out.setdefault(p.sentence, []).append(p)
    return out


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


def _scope(arm_id: str | None, ambiguous: bool) -> str:
    return "?" if ambiguous else arm_id or "total"


def _sentence_statements(doc: Document, arms: list[Arm], real: list[Arm], kinds: dict[str, str],
                         cited: set[str]) -> list[SizeStatement]:
    out: list[SizeStatement] = []
    for s in doc.sentences:
        kind = kinds.get(s.id, s.section_kind)
        if kind in _SKIPPED_KINDS or s.id in cited:
            continue
        if kind == "figure":
            out.extend(_figure_caption_statements(doc, s, arms))
            continue
        if _PLANNED.search(s.text):
            continue
        place = _sentence_place(kind)
        taken: list[tuple[int, int]] = []
        out.extend(_total_pattern_statements(doc, s, arms, place, taken))
        out.extend(_n_equals_statements(doc, s, real, place, taken))
    return out


def _figure_caption_statements(doc: Document, s: Sentence, arms: list[Arm]) -> list[SizeStatement]:
    out = []
    for m in _CAPTION_TOTAL.finditer(s.text):
        arm_id, amb = _arm_for_clause(s.text, m.end(), arms)
        out.append(SizeStatement(value=int(m.group("n")), scope=_scope(arm_id, amb), place="figure-caption",
                                 strength="caption", text=s.text,
                                 evidence=sentence_evidence(doc, s, m.start("n"), m.end("n"), role="stated size")))
    return out


#: a measurement taken in some patients, right before their number ("tests were taken from", "samples were
#: obtained in", "was measured in"): those patients are a subset, not a population
_MEASURED_IN = re.compile(r"\b(?:tests?|samples?|specimens?|cultures?|measurements?|biops\w+|levels?)\b[^.;]{0,40}?"
                          r"\b(?:taken|obtained|collected|drawn|performed|done|measured|available)\s+(?:from|in|on|for)"
                          r"(?:\s+(?:the|all|only))?\s*$", re.I)


def _not_a_population(text: str, m: re.Match, rx: re.Pattern, arms: list[Arm]) -> bool:
    """The match counts a subset, a screening step or a share, not the study's (or an arm's) population."""
    if _SUBSET_VERB.match(text[m.end():]):
        return True
    if _MEASURED_IN.search(text[max(0, m.start() - 80):m.start("n")]):
        return True  # "urine tests were taken from 36 patients in the intervention group": those measured
    if re.match(r"\s*(?:in|per|for)\s+(?:each|every)\s+(?:\w+\s+)?(?:group|arm)\b", text[m.end():], re.I):
        return True  # "data of 47 patients in each group": one arm's size, not the study's
    if re.search(r"\b(?:screened|assessed|approached|evaluated\s+for)\b|\d\s+(?:were|was)\b",
                 text[m.end("n"):m.end()], re.I):
        return True  # "134 patients screened, 120 were randomised": the verb belongs to another number
    if re.match(r"\s*(?:\(\s*\d+(?:\.\d+)?\s*%|%|/)", text[m.end("n"):]):
        return True
    if re.search(r"\b(?:in|among|for|with|of|to|by)\s*$", text[:m.start()], re.I) and \
            re.match(r"(?i)a\s+total", m.group(0)):
        return True  # "occurred in a total of 6 patients": a subset
    if re.match(r"\s*,?\s*(?:representing|accounting|i\.e\.|or\s+\d)|\s*\(\s*\d+(?:\.\d+)?\s*%", text[m.end():], re.I):
        return True
    if rx is _OF_THE and re.match(r"\s*(?:with|who|having|whose|that|in\s+whom)\b", text[m.end():], re.I):
        arm_id, _ = _arm_for_clause(text, m.end(), arms)
        if arm_id is None:
            return True  # "Of the 20 patients with lung metastases": a subgroup
    return False


def _total_pattern_statements(doc: Document, s: Sentence, arms: list[Arm], place: str,
                              taken: list[tuple[int, int]]) -> list[SizeStatement]:
    out: list[SizeStatement] = []
    text = s.text
    if not _DIGIT.search(text):  # every pattern reads a number
        return out
    low = fold_case(text)
    for rx, pf in _TOTAL_FAST:
        if not pf.possible(text, low):
            continue
        for m in rx.finditer(text):
            a, b = m.span("n")
            if any(x <= a < y for x, y in taken) or _not_a_population(text, m, rx, arms):
                continue
            arm_id, amb = _arm_for_clause(text, m.end(), arms)
            taken.append((a, b))
            out.append(SizeStatement(value=int(m.group("n")), scope=_scope(arm_id, amb), place=place,
                                     strength="strong", text=text,
                                     evidence=sentence_evidence(doc, s, a, b, role="stated size")))
    return out


def _n_equals_statements(doc: Document, s: Sentence, real: list[Arm], place: str,
                         taken: list[tuple[int, int]]) -> list[SizeStatement]:
    """'(n = 53)' after an arm's name is that arm's size; without an arm (one-arm study) a weak total."""
    out: list[SizeStatement] = []
    text = s.text
    if "=" not in text:  # "(n = 53)"
        return out
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
        out.append(SizeStatement(value=int(m.group("n")), scope=arm_id or "total", place=place,
                                 strength="strong" if arm_id else "weak", text=text,
                                 evidence=sentence_evidence(doc, s, a, b, role="stated size")))
    return out


def _caption_statements(doc: Document, t: Table, arms: list[Arm]) -> list[SizeStatement]:
    out: list[SizeStatement] = []
    if not t.caption or t.caption_span is None:
        return out
    for m in _CAPTION_TOTAL.finditer(t.caption):
        if re.search(r"\(\s*\d+(?:\s*[,\-–]\s*\d+)*\s*\)", t.caption[m.end():m.end() + 8]):
            continue
        arm_id, amb = _arm_for_clause(t.caption, m.end(), arms)
        sp = t.caption_span
        ev = Evidence(quote=t.caption, line=sp.line, line_end=sp.line_end, char_start=sp.char_start,
                      char_end=sp.char_end, table=t.label, section=section_title(doc, t.section),
                      page=sp.page, bbox=sp.bbox, role="stated size")
        out.append(SizeStatement(value=int(m.group("n")), scope=_scope(arm_id, amb), place="table-caption",
                                 strength="caption", evidence=ev, text=t.caption))
    return out


def _header_statements(doc: Document, t: Table, arms: list[Arm],
                       known: set[int]) -> tuple[list[SizeStatement], list[tuple[str, int]]]:
    """Sizes in a table's column headers ("Drug A (n = 53)", "Total (n = 96)"), and the arms' sizes in order."""
    out: list[SizeStatement] = []
    header_arms: list[tuple[str, int]] = []
    for j, col in enumerate(t.columns):
        if j == 0:
            continue
        top = col.split(" / ")[0]
        if _CITED_COHORT.search(top):
            known.update(n for n in [strip_n(top)[1]] if n)
            continue  # a cited external cohort
        base, n = strip_n(top)
        if n is None:
            continue
        known.add(n)
        ev = header_cell_evidence(doc, t, j, role="stated size")
        if not ev.quote.strip():
            continue
        if TOTAL_WORDS.match(base):
            out.append(SizeStatement(value=n, scope="total", place="table", strength="strong", evidence=ev, text=col))
            continue
        arm = resolve_arm(col, arms)
        if arm is not None and not arm.is_total and all(a != arm.id for a, _ in header_arms):
            header_arms.append((arm.id, n))
            out.append(SizeStatement(value=n, scope=arm.id, place="table", strength="strong", evidence=ev, text=col))
    return out, header_arms


def _definition_statements(doc: Document, real: list[Arm], kinds: dict[str, str],
                           found: list[SizeStatement]) -> list[SizeStatement]:
    """Arm sizes the arm extractor read in the arms' definitions (outside planned/statistics passages)."""
    out: list[SizeStatement] = []
    for a in real:
        for ss in a.sizes:
            p = ss.provenance
            if p.method == "table-cell" or not p.quote.strip():
                continue
            if any(st.scope == a.id and st.evidence.line == p.span.line and st.value == ss.value
                   for st in found + out):
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
            ev = sentence_evidence(doc, sent, pos, pos + len(str(ss.value)), role="stated size") if pos >= 0 else \
                sentence_evidence(doc, sent, role="stated size")
            out.append(SizeStatement(value=ss.value, scope=a.id, place=_sentence_place(kind), strength="strong",
                                     evidence=ev, text=sent.text))
    return out


def _printed_group_sizes(doc: Document) -> set[int]:
    """Every "N patients" and "n = N" anywhere in the text: group sizes the article knows about."""
    out: set[int] = set()
    for s in doc.sentences:
        if s.section_kind in ("references",) or not _DIGIT.search(s.text):
            continue  # both patterns read a number
        for m in re.finditer(rf"(?<![\d./])(\d{{1,5}})\s+(?:[\w\-]+\s+){{0,2}}?{PATIENTS}\b", s.text, re.I):
            out.add(int(m.group(1)))
        for m in (re.finditer(r"[nN]\s*=\s*(\d{1,5})", s.text) if "=" in s.text else ()):
            out.add(int(m.group(1)))
    return out


# ---------------------------------------------------------------------------------------------- agreement

def _agree(out: PopulationSizes, doc: Document, real: list[Arm], kinds: dict[str, str], cited: set[str],
           study_total_n: int | None) -> None:
    """Choose the arm sizes and the total most statements agree on (in place)."""
    for a in real:
        strong = [st for st in out.statements if st.scope == a.id and st.strength == "strong"]
        if strong:
            out.arms[a.id] = _mode([st.value for st in strong], strong)
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
        out.total = _voted_total(out, doc, totals, strong, arm_sum, kinds, cited)
        out.total_source = "statements"
    elif len(out.arms) >= 2:
        out.total = sum(out.arms.values())
        out.total_source = "arms"
    elif study_total_n and len(real) < 2:
        out.total = study_total_n
        out.total_source = "study"


def _voted_total(out: PopulationSizes, doc: Document, totals: list[SizeStatement], strong: list[SizeStatement],
                 arm_sum: int | None, kinds: dict[str, str], cited: set[str]) -> int:
    """Votes: strong statements 2, other statements and captions 1, the arms' sum 2, and each sentence whose
    fractions use the value as denominator ("16/33 (48.5%)") 1; a tie goes to the most frequent value."""
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
    if len(tied) == 1:
        return tied[0]
    return _mode([st.value for st in strong if st.value in tied] or tied,
                 [st for st in strong if st.value in tied] or strong)


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

def study_columns(table: Table, arms: list[Arm], total_n: int | None) -> dict[int, str | None]:
    """Data columns of ``table`` that describe this study: column index -> arm id (None = whole cohort).

    Cited cohorts ("Apatinib (11), n=37"), p-value and test-statistic columns
    are left out; a column whose n is the study's total, a "Total" column, or
    the only data column is the whole cohort.
    """
    real = real_arms(arms)
    out: dict[int, str | None] = {}
    data = []
    for j in range(1, len(table.columns)):
        lab = table.column_label(j)
        if re.search(r"\bp\s*[\-‑]?\s*values?\b|^\s*p\s*$|χ|\bchi(?![a-z])|\bstatistic|^\s*[tFzZ]\s*$|\bHR\b|\bOR\b|95\s*%", lab, re.I):
            continue
        data.append(j)
        top = lab.split(" / ")[0]
        if _CITED_COHORT.search(top):
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
