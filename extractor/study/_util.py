"""Shared helpers for study extraction: provenance, sections, table reading, measures.

Private to :mod:`extractor.study`; nothing here knows about a particular article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.extractor.memo import per_article, per_document
from trialaudit.extractor.textutil import mknum
from trialaudit.schemas.document import Cell, Document, Sentence, Table, TableRow
from trialaudit.schemas.provenance import Provenance, Span
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm


# --------------------------------------------------------------------------- provenance


def section_title(doc: Document, sid: str | None) -> str | None:
    sec = doc.section_by_id(sid)
    return sec.title if sec else None


def sentence_prov(doc: Document, s: Sentence, start: int | None = None, end: int | None = None) -> Provenance:
    """Provenance of a sentence, the span narrowed to ``s.text[start:end]`` when given."""
    span = s.span
    if start is not None and s.offsets:
        a = s.offsets[max(0, min(start, len(s.offsets) - 1))]
        e = end if end is not None else len(s.offsets)
        b = s.offsets[max(0, min(e - 1, len(s.offsets) - 1))] + 1
        if b > a:
            line = doc.line_of(a)
            line_end = doc.line_of(b - 1)
            span = Span(line=line, line_end=line_end if line_end != line else None, char_start=a, char_end=b,
                        page=s.span.page, bbox=s.span.bbox)
    return Provenance(span=span, quote=s.quote, section=section_title(doc, s.section), method="sentence-pattern")


def clause_prov(doc: Document, s: Sentence, a: int, b: int) -> Provenance:
    """Provenance of the clause ``s.text[a:b]``: one line (no ``line_end``), offsets clamped to
    the sentence; the sentence's own span when it has no offsets."""
    cs, ce, line = s.span.char_start, s.span.char_end, s.span.line
    if s.offsets:
        cs = s.offsets[min(a, len(s.offsets) - 1)]
        ce = s.offsets[min(max(b - 1, a), len(s.offsets) - 1)] + 1
        line = doc.line_of(cs)
    return Provenance(span=Span(line=line, char_start=cs, char_end=ce, page=s.span.page, bbox=s.span.bbox),
                      quote=s.quote, section=section_title(doc, s.section), method="sentence-pattern")


def cell_prov(doc: Document, t: Table, row: TableRow, j: int, *, row_label: str | None = None,
              column: str | None = None) -> Provenance:
    cell = row.cells[j] if j < len(row.cells) else None
    span = cell.span if cell is not None and cell.raw else row.span
    quote = cell.raw if cell is not None and cell.raw else (row.cells[0].raw if row.cells else "")
    return Provenance(span=span, quote=quote, section=section_title(doc, t.section), table=t.label,
                      row=row_label if row_label is not None else row.label,
                      column=column if column is not None else t.column_label(j), method="table-cell")


def caption_prov(doc: Document, t: Table) -> Provenance:
    return Provenance(span=t.caption_span or t.span, quote=f"{t.label}. {t.caption}".strip(), table=t.label,
                      section=section_title(doc, t.section), method="caption")


# --------------------------------------------------------------------------- sections

RESULT_KINDS = ("abstract", "results", "conclusion")


def abstract_tail_sections(doc: Document) -> set[str]:
    """Ids of an *unheaded* 'introduction' section that directly follows the abstract while a
    headed Introduction comes later: in converted text that is the rest of the abstract (split
    across a column or page break)."""
    heading_starts = {h.span.char_start for h in doc.headings}
    abstract = next((x for x in doc.sections if x.kind == "abstract"), None)
    intros = sorted((s for s in doc.sections if s.kind == "introduction"), key=lambda x: x.span.char_start)
    if abstract is None or len(intros) < 2:
        return set()
    unheaded = [x for x in intros if x.span.char_start not in heading_starts]
    headed = [x for x in intros if x.span.char_start in heading_starts]
    out = set()
    for x in unheaded:
        if x.span.char_start > abstract.span.char_start and any(h.span.char_start > x.span.char_start for h in headed):
            out.add(x.id)
    return out


def effective_kind(doc: Document, s: Sentence, tail: set[str] | None = None) -> str:
    """The sentence's section kind, counting an abstract tail (see above) as abstract."""
    if s.section_kind != "introduction":
        return s.section_kind
    tail = abstract_tail_sections(doc) if tail is None else tail
    return "abstract" if s.section in tail else s.section_kind


_BRACKET_CITE = re.compile(r"\[\s*\d{1,3}(?:\s*[,–\-]\s*\d{1,3})*\s*\]|\^\{?\d{1,3}(?:[,–\-]\d{1,3})*\}?")


def result_kinds(doc: Document) -> tuple[str, ...]:
    """Section kinds whose sentences report this study's results: abstract and results, or,
    for an article whose sections were not recognised at all, its unlabelled body."""
    if any(s.section_kind in ("abstract", "results") for s in doc.sentences):
        return ("abstract", "results")
    return ("abstract", "results", "other", "front")


def cited_sentence_ids(doc: Document) -> set[str]:
    """Sentences that cite references (their numbers may describe other studies): recorded
    citations, and bracketed reference numbers the ingestion left in the text ("[12]")."""
    return set(_cited_sentence_ids(doc))


@per_document  # several extractors ask: the sentences are scanned once per article
def _cited_sentence_ids(doc: Document) -> frozenset[str]:
    ids = {c.sentence for c in doc.citations}
    ids.update(s.id for s in doc.sentences if _BRACKET_CITE.search(s.text))
    return frozenset(ids)


# --------------------------------------------------------------------------- text normalisation

_NE_PHRASES = re.compile(r"not\s+(?:estimated|estimable|evaluable|reached|calculable)\s*[\[(]\s*(?:NE|NR|NA)\s*[\])]"
                         r"|not\s+estimated|could\s+not\s+be\s+estimated", re.I)


def normalise_for_parse(text: str) -> str:
    """Same-length rewrite of phrases the quantity parser does not know ('not estimated [NE]' -> 'NE')."""
    def rep(m: re.Match) -> str:
        token = "NR" if "reach" in m.group(0).lower() else "NE"
        return token + " " * (len(m.group(0)) - len(token))
    return _NE_PHRASES.sub(rep, text)


# --------------------------------------------------------------------------- measures

#: (code, kind, case-insensitive long forms, case-sensitive abbreviations); specific first
MEASURES: list[tuple[str, str, str, str]] = [
    ("TTR", "tte", r"time[- ]to[- ](?:objective\s+|first\s+)?response", r"\bTTR\b"),
    ("DoR", "tte", r"duration\s+of\s+(?:objective\s+|overall\s+)?response", r"\bDoR\b|\bDOR\b"),
    ("TTP", "tte", r"time[- ]to[- ](?:disease\s+|tumou?r\s+)?progress(?:ion)?", r"\bTTP\b"),
    ("PFS", "tte", r"progression[- ]free[- ]survival", r"\bm?PFS\b"),
    ("EFS", "tte", r"event[- ]free[- ]survival", r"\bEFS\b"),
    ("DFS", "tte", r"disease[- ]free[- ]survival", r"\bDFS\b"),
    ("RFS", "tte", r"re(?:currence|lapse)[- ]free[- ]survival", r"\bRFS\b"),
    ("OS", "tte", r"overall[- ]survival", r"\bOS\b"),
    ("ORR", "rate", r"objective\s+(?:tumou?r\s+)?response\s+rates?|overall\s+response\s+rates?"
                    r"|objective\s+responses?|(?<!best\s)(?<!overall\s)(?<!complete\s)(?<!partial\s)\bresponse\s+rates?", r"\bORR\b"),
    ("DCR", "rate", r"disease[- ]control\s+rates?", r"\bDCR\b"),
    ("CBR", "rate", r"clinical[- ]benefit\s+rates?", r"\bCBR\b"),
    ("CR", "count", r"(?<!surgical\s)(?<!pathologic\s)(?<!pathological\s)complete\s+(?:response|remission)s?(?!\s+surg)", r"\bCR\b"),
    ("PR", "count", r"partial\s+(?:response|remission)s?", r"\bPR\b"),
    ("SD", "count", r"stable\s+diseases?", r"\bSD\b"),
    ("PD", "count", r"progressive\s+diseases?", r"\bPD\b(?![- ]?(?:1|L1)\b)"),
    ("NE", "count", r"not\s+(?:evaluable|assessable)|non[- ]?evaluable|unevaluable", r"\bNE\b"),
]
MEASURE_KIND = {code: kind for code, kind, _, _ in MEASURES}
_MEASURE_RES = [(code, re.compile(long_, re.I), re.compile(short)) for code, _, long_, short in MEASURES]

class Prefilter:
    """A regex with the words every match of it must contain, read off the parsed pattern.

    ``possible(text, low)`` (``low`` = ``fold_case(text)``) is False only when the pattern cannot
    match ``text``: a cheap substring test that lets callers skip the regex on most sentences.
    Each group holds alternatives (one of them must occur) and every group must be satisfied:
    the runs of literal ASCII characters a match must contain, and, for an alternation, one word
    from each alternative. Words are compared with the case-folded text when the pattern ignores
    case, with the text itself otherwise; a pattern with no such words is always possible.
    """

    __slots__ = ("rx", "fold", "groups")

    def __init__(self, rx: re.Pattern[str], min_len: int = 2) -> None:
        import re._parser as sre_parse  # the standard library's own parser of the pattern syntax

        self.rx = rx
        self.fold = bool(rx.flags & re.IGNORECASE)
        self.groups = tuple(_needed(list(sre_parse.parse(rx.pattern, rx.flags)), sre_parse, min_len, self.fold))

    def possible(self, text: str, low: str) -> bool:
        t = low if self.fold else text
        for group in self.groups:
            for w in group:
                if w in t:
                    break
            else:
                return False
        return True


def _needed(items: list, sp, min_len: int, fold: bool) -> list[tuple[str, ...]]:
    """Groups of words (all groups needed, one word of each) that a match of ``items`` contains."""
    groups: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is sp.LITERAL and av < 128:
            run.append(chr(av).lower() if fold else chr(av))
            continue
        if len(run) >= min_len:
            groups.append(("".join(run),))
        run = []
        if op is sp.BRANCH:
            alts = [_needed(list(b), sp, min_len, fold) for b in av[1]]
            if all(alts):
                best = [max(a, key=lambda g: (min(len(w) for w in g), -len(g))) for a in alts]
                groups.append(tuple(dict.fromkeys(w for g in best for w in g)))
        elif op is sp.SUBPATTERN and not (av[1] or av[2]):  # a group that changes no flag
            groups.extend(_needed(list(av[-1]), sp, min_len, fold))
        elif op in (sp.MAX_REPEAT, sp.MIN_REPEAT, getattr(sp, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            groups.extend(_needed(list(av[2]), sp, min_len, fold))
    return groups


def first_chars(rx: re.Pattern[str]) -> str | None:
    """The ASCII characters a match of ``rx`` can start with (both cases when it ignores case), or
    None when the parsed pattern does not say (a class, a look-around, a repeat, …)."""
    import re._parser as sre_parse

    chars = _first(list(sre_parse.parse(rx.pattern, rx.flags)), sre_parse)
    if chars is None:
        return None
    if rx.flags & re.IGNORECASE:
        chars = {c.lower() for c in chars} | {c.upper() for c in chars}
    return "".join(sorted(chars))


def _first(items: list, sp) -> set[str] | None:
    for op, av in items:
        if op is sp.AT:  # \b, ^: zero width, look at what follows
            continue
        if op is sp.LITERAL:
            return {chr(av)} if av < 128 and chr(av).isalnum() else None
        if op is sp.BRANCH:
            out: set[str] = set()
            for b in av[1]:
                got = _first(list(b), sp)
                if got is None:
                    return None
                out |= got
            return out
        if op is sp.SUBPATTERN and not (av[1] or av[2]):
            return _first(list(av[-1]), sp)
        return None
    return None


def with_first_chars(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` behind a look-ahead for the characters its matches start with (same matches and
    groups): the engine then tries the pattern's alternatives only where one can begin."""
    chars = first_chars(rx)
    if not chars:
        return rx
    return re.compile(f"(?=[{chars}])(?:{rx.pattern})", rx.flags)


_MEASURE_FAST = [(code, Prefilter(long_re), Prefilter(short_re)) for code, long_re, short_re in _MEASURE_RES]


def fold_case(text: str) -> str:
    """``text`` lower-cased so that a word a case-insensitive ASCII pattern matches is a substring:
    the few letters Python's ``re.IGNORECASE`` also takes for ASCII ones (dotless i, long s, dotted
    capital I, whose ``lower()`` adds a combining dot) are mapped too. For prefilters only."""
    low = text.lower()
    if low.isascii():
        return low
    return low.replace("\u0131", "i").replace("\u017f", "s").replace("\u0307", "")


@dataclass
class MeasureHit:
    code: str
    start: int
    end: int


@per_article  # table labels and sentences are asked about again by several extractors
def find_measures(text: str) -> list[MeasureHit]:
    """Non-overlapping measure mentions in ``text``, in order."""
    hits: list[MeasureHit] = []
    taken: list[tuple[int, int]] = []
    low = fold_case(text)
    for code, long_pf, short_pf in _MEASURE_FAST:
        for pf in (long_pf, short_pf):
            t = low if pf.fold else text
            if not all(any(w in t for w in group) for group in pf.groups):
                continue
            rx = pf.rx
            for m in rx.finditer(text):
                if m.end() == m.start():
                    continue
                if all(m.end() <= a or m.start() >= b for a, b in taken):
                    hits.append(MeasureHit(code, m.start(), m.end()))
                    taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def measure_of(label: str) -> str | None:
    """The measure a row/column label names (the first one)."""
    hits = find_measures(label)
    return hits[0].code if hits else None


_TIMEPOINT = re.compile(
    r"(?<![\w.])(\d{1,3}(?:\.\d)?)\s*[- ]?\s*(months?|mos?|years?|yrs?|weeks?|wks?|days?)\b",
    re.I)
_UNIT_NORM = {"m": "months", "y": "years", "w": "weeks", "d": "days"}


def timepoint_of(label: str) -> str | None:
    """'6 months, % (95% CI)' / '6-month PFS rate' / '1-year OS' -> '6 months'."""
    m = _TIMEPOINT.search(label)
    if not m:
        return None
    n = m.group(1)
    unit = _UNIT_NORM[m.group(2)[0].lower()]
    if n == "1":
        unit = unit.rstrip("s")
    return f"{n} {unit}"


# --------------------------------------------------------------------------- numbers


def fnum(n: Num | None) -> float | None:
    return None if n is None else n.value


# --------------------------------------------------------------------------- tables

P_LABEL = re.compile(r"(?i)(?:^|[^a-z])p(?:[\s-]*values?)?(?:$|[^a-z])|^sig\.?$|significance")
STAT_LABEL = re.compile(r"(?i)χ\s*[2²]|\bchi(?![a-z])|^\s*t\s*$|^t\s*/|/\s*t\b|^\s*[zFUH]\s*$|statistic|test value|^\s*t[- ]value")
CI_LABEL = re.compile(r"(?i)\b(?:9[059]\s*%\s*)?(?:CI|confidence interval)s?\b")
RATIO_LABEL = re.compile(r"(?i)^\s*(?:adjusted\s+|crude\s+)?(?:a?HR|a?OR|a?RR|hazard ratio|odds ratio|risk ratio|relative risk)\b")


def col_role(label: str) -> str:
    """What a column holds: p, stat, ci, ratio, size, or data."""
    top = label.split(" / ")[-1].strip()
    if not top:
        return "data"
    if P_LABEL.search(top) and len(top) <= 24:
        return "p"
    if RATIO_LABEL.match(top) and len(top) <= 30:
        return "ratio"
    if STAT_LABEL.search(top) and len(top) <= 20:
        return "stat"
    if CI_LABEL.search(top) and len(top) <= 16 and not re.search(r"median|rate|%\s*\(", top, re.I):
        return "ci"
    if re.fullmatch(r"(?i)(?:no\.?|number)\s+of\s+(?:patients|cases|subjects)|n|patients|total n|no\.", top):
        return "size"
    return "data"


def stat_kind(label: str) -> str | None:
    low = label.lower()
    if "χ" in label or "chi" in low or "x2" in low:
        return "chi2"
    if re.search(r"(?<![a-z])t(?![a-z])", low):
        return "t"
    if re.search(r"(?<![a-z])z(?![a-z])", low):
        return "z"
    if re.search(r"(?<![a-z])f(?![a-z])", low):
        return "F"
    return None


def single_arm_of(arms: list[Arm]) -> Arm | None:
    real = [a for a in arms if not a.is_total]
    return real[0] if len(real) == 1 else None


def cell_text(row: TableRow, j: int) -> str:
    return row.cells[j].text.strip() if j < len(row.cells) else ""


def row_is_empty(row: TableRow, cols: list[int]) -> bool:
    return not any(cell_text(row, j) for j in cols)


_BARE_INTERVAL = re.compile(r"^[\(\[]?\s*(-?\d+(?:\.\d+)?|NE|NR|NA)\s*%?\s*(?:[,;–\-‑]|to)\s*(-?\d+(?:\.\d+)?|NE|NR|NA)\s*%?\s*[\)\]]?$")


def bare_interval(text: str) -> tuple[Num | None, Num | None, bool] | None:
    """'(19.9, 46.3)' / '0.456-0.879' -> (low, high, not_estimable)."""
    m = _BARE_INTERVAL.match(text.strip())
    if not m:
        return None
    out: list[Num | None] = []
    ne = False
    for g in (1, 2):
        v = m.group(g)
        if v in ("NE", "NR", "NA"):
            out.append(None)
            ne = True
        else:
            out.append(mknum(float(v), v))
    return out[0], out[1], ne


def parse_p_cell(text: str) -> tuple[Num, str] | None:
    """A P-column cell: '0.046', '<0.001', '1', '0.000' -> (p, operator)."""
    t = text.strip().replace("−", "-")
    t = re.sub(r"^(?:[Pp]\s*)", "", t).strip()
    m = re.match(r"^(<=|>=|≤|≥|<|>|=)?\s*(\d*\.?\d+)\s*[*a-d†‡#]*$", t)
    if not m:
        return None
    v = float(m.group(2))
    if v > 1:
        return None
    op = {"≤": "<=", "≥": ">=", None: "="}.get(m.group(1), m.group(1))
    return mknum(v, m.group(2)), op


def parse_number_cell(text: str) -> Num | None:
    m = re.match(r"^\s*(-?\d*\.?\d+)\s*[*a-d†‡#]*\s*$", text.replace("−", "-"))
    return mknum(float(m.group(1)), m.group(1)) if m else None


def q_fields(q: Quantity) -> dict:
    """A flat view of a quantity's numbers (used by exports and the gold benchmark)."""
    return {"value": fnum(q.value), "count": fnum(q.count), "denominator": fnum(q.denominator),
            "percent": fnum(q.percent), "sd": fnum(q.sd), "low": fnum(q.low), "high": fnum(q.high),
            "interval": q.interval, "not_estimable": q.not_estimable, "p": fnum(q.p), "p_operator": q.p_operator}


def table_notes(doc: Document, t: Table) -> list[str]:
    """A table's footnotes, plus the sentences of a note paragraph printed right under it
    ("The objective response rate ... were compared using the chi-squared test.") when the
    converter did not recognise it as a footnote."""
    notes = list(t.footnotes)
    end = t.span.line_end or t.span.line
    first_par = None
    for s in doc.sentences:
        if s.span.line <= end or s.span.line > end + 3:
            continue
        first_par = first_par or s.paragraph
        if s.paragraph == first_par:
            notes.append(s.text)
    return notes


def has_letters(s: str) -> bool:
    return bool(re.search(r"[A-Za-z]{3,}", s))


def cell_is_text(c: Cell) -> bool:
    return has_letters(re.sub(r"\b(?:NE|NR|NA|CI|IQR)\b", "", c.text))

def comparison_from_text(text: str, start: int, arms_in: list[str]) -> str | None:
    """What an estimate at ``start`` compares: the two arms named, else the phrase before its parenthesis."""
    if len(arms_in) >= 2:
        return " vs ".join(arms_in[:2])
    before = text[:start]
    i = before.rfind("(")
    if i >= 0 and start - i < 20:
        phrase = before[:i]
        cut = max(phrase.rfind(","), phrase.rfind(";"), phrase.rfind(":"))
        phrase = phrase[cut + 1:]
        phrase = re.sub(r"^.*\b(?:identified|including|included|were|was|and|than|that|as)\s+", "", phrase)
        phrase = re.sub(r"^\s*(?:the|a|an|in contrast,?\s+the)\s+", "", phrase.strip(), flags=re.I)
        phrase = phrase.strip(" ,;")
        if 2 <= len(phrase) <= 80 and not re.search(r"\d", phrase):
            return phrase
    return None
