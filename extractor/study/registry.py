"""Trial registration numbers and the trial acronym.

``extract_registry(doc)`` returns ``(ids, mentions, acronym)``:

* ``ids`` — distinct normalised registry ids in order of first mention
  (NCT01234567, ChiCTR2000034553, ISRCTN12345678, EudraCT 2015-001234-56,
  ACTRN…, CTRI/…, DRKS…, UMIN…, jRCT…, KCT…, PACTR…, IRCT…, TCTR… and
  "registration no. 2020PHB388-02" style numbers introduced by a registration
  phrase);
* ``mentions`` — one :class:`Provenance` per mention (sentence, table cell
  or reference-list line), its span narrowed to the id in text;
* ``acronym`` — the trial's name from the title's parenthesis
  ("… (OAIE/PKUPH-sarcoma 11): a randomized phase II study") or, failing that,
  from "trial (NAME)" in the abstract or methods, every dash variant in it
  (hyphen U+2010, non-breaking hyphen, figure/en/em dash, minus) written "-" as
  sentence text writes non-breaking hyphens, so the name compares with its
  other mentions whatever dash the source printed (:func:`fold_dashes`).

:func:`registry_mentions` gives the richer view checks need: each mention with
its registry, normalised id, section kind, and whether the passage states it
is this study's own registration ("The trial is registered on
ClinicalTrials.gov (NCT05277480)", "phase II trial (NCT05277480)" in the
abstract) or a cited one (reference list, comparison tables, sentences with
citations).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.extractor.memo import per_document
from trialaudit.schemas.document import Document
from trialaudit.schemas.provenance import Provenance, Span
from trialaudit.schemas.study import RegistryIdMention

from .drugs import find_drugs

__all__ = ["extract_registry", "registry_mentions", "RegistryMention", "normalise_id", "find_acronym",
           "REGISTRY_PATTERNS"]

REGISTRY_PATTERNS: list[tuple[str, str]] = [
    ("ClinicalTrials.gov", r"\bNCT\s?\d{8}\b"),
    ("ChiCTR", r"\bChiCTR[\-\s]?(?:[A-Z]{2,5}[\-\s]?)?\d{6,12}\b"),
    ("ISRCTN", r"\bISRCTN\s?\d{8}\b"),
    ("EU CTR", r"\b\d{4}-\d{6}-\d{2}(?:-\d{2})?\b(?=[^.]{0,0})"),
    ("ANZCTR", r"\bACTRN\s?\d{14}\b"),
    ("CTRI", r"\bCTRI/\d{4}/\d{2,3}/\d{6}\b"),
    ("DRKS", r"\bDRKS\s?\d{8}\b"),
    ("UMIN", r"\bUMIN\s?\d{9}\b"),
    ("jRCT", r"\bjRCT[a-z]?\d{9,10}\b"),
    ("JapicCTI", r"\bJapicCTI-\d{6}\b"),
    ("CRiS", r"\bKCT\d{7}\b"),
    ("PACTR", r"\bPACTR\d{15,16}\b"),
    ("IRCT", r"\bIRCT\d{8,14}N\d{1,3}\b"),
    ("TCTR", r"\bTCTR\d{11}\b"),
    ("NTR", r"\bNTR\s?\d{3,5}\b"),
]
_EUDRACT_CTX = re.compile(r"EudraCT|EU\s*CT|EUCTR|CTIS|EU\s+Clinical\s+Trials", re.I)
_OTHER_REG = re.compile(
    r"\bregist(?:ration|ry|ered)\b[^.;]{0,40}?\b(?:no\.?|number|numbers|ID|identifier|code)\s*[:.]?\s*"
    r"(?P<id>[A-Z0-9][A-Za-z0-9]*(?:[\-/][A-Za-z0-9]+)+|[A-Z]*\d[A-Za-z0-9]{5,})", re.I)
_SELF_CTX = re.compile(
    r"\b(?:this|the\s+present|the\s+current|our)\s+(?:trial|study)\b[^.]{0,80}\bregist|"
    r"\b(?:trial|study)\s+(?:is|was|has\s+been)\s+(?:retrospectively\s+|prospectively\s+)?regist|"
    r"\bregistered\s+(?:at|on|with|in|under)\b|\bregistration\s+(?:no|number|id)|\bidentifier\b|"
    r"\btrial\s+registration\b|\bclinicaltrials\s*\.?\s*gov\b", re.I)


@dataclass
class RegistryMention:
    registry: str
    id: str
    surface: str
    provenance: Provenance
    section_kind: str
    own: bool           # the passage presents it as this study's registration
    cited: bool         # reference list, comparison table cell, or sentence with citations
    in_table: bool = False


def normalise_id(registry: str, raw: str) -> str:
    s = raw.strip()
    if registry in ("ClinicalTrials.gov", "ISRCTN", "ANZCTR", "DRKS", "UMIN", "NTR"):
        return re.sub(r"\s+", "", s).upper()
    if registry == "ChiCTR":
        return "ChiCTR" + re.sub(r"[\s\-]+", "", s[6:]).upper()
    return s


def _section_kind(doc: Document, offset: int) -> tuple[str, str | None]:
    best = None
    for sec in doc.sections:
        if sec.span.char_start <= offset < max(sec.span.char_end, sec.span.char_start + 1):
            if best is None or sec.span.char_start >= best.span.char_start:
                best = sec
    return (best.kind, best.title) if best else ("other", None)


#: cheap necessary conditions: every registry id has three digits in a row; "other" ids follow "regist..."
_THREE_DIGITS = re.compile(r"\d{3}")
_REGIST = re.compile(r"regist", re.I)


#: the same patterns, compiled to start with their literal so the regex engine jumps to it
#: ("\bNCT\s?..." -> "NCT(?<!\wNCT)\s?...": the look-behind is the word boundary before the
#: literal); the patterns are case-sensitive, so a plain substring test skips the texts
#: without the literal. EU CTR numbers have no literal: a cheap look for their shape comes first.
_LEADING_LITERAL = re.compile(r"^\\b([A-Za-z]+)")
_EU_SHAPE = re.compile(r"-(?<=\d{4}-)\d{6}-\d{2}")


def _fast(pattern: str) -> tuple[re.Pattern[str], str | None]:
    m = _LEADING_LITERAL.match(pattern)
    if m is None:
        return re.compile(pattern), None
    lit = m.group(1)
    return re.compile(f"{lit}(?<!\\w{lit})" + pattern[m.end():]), lit


_REG_RX_FAST = [(name, *_fast(p)) for name, p in REGISTRY_PATTERNS]


def _find_ids(text: str) -> list[tuple[str, str, int, int]]:
    out = []
    for name, rx, lit in (_REG_RX_FAST if _THREE_DIGITS.search(text) else ()):
        if lit is not None and lit not in text or name == "EU CTR" and not _EU_SHAPE.search(text):
            continue
        for m in rx.finditer(text):
            if name == "EU CTR" and not _EUDRACT_CTX.search(text[max(0, m.start() - 60):m.start()]):
                continue
            out.append((name, m.group(0), m.start(), m.end()))
    taken = [(a, b) for _, _, a, b in out]
    for m in (_OTHER_REG.finditer(text) if _REGIST.search(text) else ()):
        a, b = m.span("id")
        if any(not (b <= x or a >= y) for x, y in taken):
            continue
        rid = m.group("id").rstrip(".,;)")
        if not re.search(r"\d", rid) or re.fullmatch(r"\d{1,4}", rid):
            continue
        out.append(("other", rid, a, a + len(rid)))
    out.sort(key=lambda x: x[2])
    return out


@per_document  # the extraction and several rules read it: found once per article
def registry_mentions(doc: Document) -> list[RegistryMention]:
    """Every registry-id mention in sentences, table cells and the reference list."""
    cited_sents = {c.sentence for c in doc.citations}
    out: list[RegistryMention] = []
    covered: list[tuple[int, int]] = []
    for s in doc.sentences:
        for reg, raw, a, b in _find_ids(s.text):
            if s.offsets:
                cs, ce = s.offsets[a], s.offsets[b - 1] + 1
            else:
                cs, ce = s.span.char_start, s.span.char_end
            sec = doc.section_by_id(s.section)
            prov = Provenance(span=Span(line=doc.line_of(cs), char_start=cs, char_end=ce, page=s.span.page,
                                        bbox=s.span.bbox), quote=s.quote, section=sec.title if sec else None,
                              method="sentence-pattern")
            kind = s.section_kind
            cited = kind in ("references",) or s.id in cited_sents
            other_trial = bool(re.search(r"\b(?:previous|prior|earlier|another|other|parent|preceding|published)\s+"
                                         r"(?:[\w\-]+\s+){0,3}?(?:trials?|stud(?:y|ies)|cohorts?)\b|\bet\s+al\b",
                                         s.text, re.I)) or \
                len({x[1] for x in _find_ids(s.text)}) > 1 and len({x[0] for x in _find_ids(s.text)}) == 1
            own = (not cited and not other_trial and kind not in ("introduction", "discussion", "references") and
                   (bool(_SELF_CTX.search(s.text)) or
                    (kind in ("abstract", "front", "title") and re.search(r"\b(?:trial|study)\s*[\(\[]\s*$",
                                                                          s.text[:a]) is not None)))
            out.append(RegistryMention(reg, normalise_id(reg, raw), raw, prov, kind, own, cited))
            covered.append((cs, ce))
    for t in doc.tables:
        sec = doc.section_by_id(t.section)
        for row in t.rows:
            for j, cell in enumerate(row.cells):
                for reg, raw, a, b in _find_ids(cell.text):
                    prov = Provenance(span=cell.span, quote=cell.raw or cell.text, section=sec.title if sec else None,
                                      table=t.label, row=row.label, column=t.column_label(j) or None,
                                      method="table-cell")
                    out.append(RegistryMention(reg, normalise_id(reg, raw), raw, prov, "table", False, True,
                                               in_table=True))
                    covered.append((cell.span.char_start, cell.span.char_end))
    # anything else in the source text (reference list, captions not parsed as sentences)
    for reg, raw, a, b in _find_ids(doc.text):
        if any(x <= a < y for x, y in covered):
            continue
        kind, title = _section_kind(doc, a)
        line = doc.line_of(a)
        ls = doc.text.rfind("\n", 0, a) + 1
        le = doc.text.find("\n", b)
        quote = doc.text[ls:le if le >= 0 else len(doc.text)].strip()
        prov = Provenance(span=Span(line=line, char_start=a, char_end=b), quote=quote or raw, section=title,
                          method="reference-list" if kind == "references" else "sentence-pattern")
        out.append(RegistryMention(reg, normalise_id(reg, raw), raw, prov, kind, False,
                                   kind in ("references", "introduction", "discussion")))
    out.sort(key=lambda m: m.provenance.span.char_start)
    return out


#: every dash a name may be printed with: ASCII hyphen, soft hyphen, U+2010 hyphen, U+2011
#: non-breaking hyphen, U+2012 figure dash, U+2013 en dash, U+2014 em dash, U+2015 horizontal bar,
#: U+2212 minus, small and full-width hyphen-minus
DASHES = "\\-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DASH_RX = re.compile(f"[{DASHES}]")


def fold_dashes(s: str) -> str:
    """``s`` with every dash variant (:data:`DASHES`) written as the ASCII hyphen "-"."""
    return _DASH_RX.sub("-", s)


_ACR_PAREN = re.compile(r"[\(\[]([^()\[\]]{3,60})[\)\]]")
_NOT_ACRONYM = re.compile(r"^(?:n\s*=|NCT|ChiCTR|ISRCTN|phase|randomi[sz]ed|retrospective|prospective|a\s|an\s|the\s|"
                          r"\d+(?:\.\d+)?\s*%?$|[ivx]+\)?$)", re.I)


def _is_acronym(s: str) -> bool:
    s = s.strip()
    if _NOT_ACRONYM.match(s) or len(s) > 50:
        return False
    if not re.search(r"[A-Z]{3,}", s):
        return False
    if any(_find_ids(s)):
        return False
    # a drug or regimen abbreviation ("IE", "MAP") is not a trial name
    hits = find_drugs(s, fuzzy=False)
    if hits and sum(h.end - h.start for h in {(h.start, h.end): h for h in hits}.values()) >= len(s.replace(" ", "")) - 2:
        return False
    words = s.split()
    return len(words) <= 5


def find_acronym(doc: Document) -> tuple[str | None, Provenance | None]:
    """The trial's acronym from the title, else from 'trial (NAME)' in the abstract or methods."""
    title_sents = [s for s in doc.sentences if doc.title and s.text.strip() and s.text.strip()[:40] in doc.title]
    cands = []
    if doc.title:
        for m in _ACR_PAREN.finditer(doc.title):
            if _is_acronym(m.group(1)):
                cands.append(fold_dashes(m.group(1).strip()))
                break
    if cands:
        prov = None
        for s in title_sents or doc.sentences[:5]:
            if cands[0] in fold_dashes(s.text):
                sec = doc.section_by_id(s.section)
                prov = Provenance(span=s.span, quote=s.quote, section=sec.title if sec else None, method="heading")
                break
        return cands[0], prov
    for s in doc.sentences:
        if s.section_kind not in ("abstract", "methods", "front", "title"):
            continue
        for m in re.finditer(r"\b(?:trial|study)\s*[\(\[]([^()\[\]]{3,60})[\)\]]", s.text):
            if _is_acronym(m.group(1)):
                sec = doc.section_by_id(s.section)
                return fold_dashes(m.group(1).strip()), Provenance(span=s.span, quote=s.quote, section=sec.title if sec else None)
    return None, None


def extract_registry(doc: Document) -> tuple[list[str], list[Provenance], str | None]:
    """Registry ids (distinct, in order), one provenance per mention, and the trial acronym."""
    ms = registry_mentions(doc)
    ids: list[str] = []
    for m in ms:
        if m.id not in ids:
            ids.append(m.id)
    acronym, _ = find_acronym(doc)
    return ids, [m.provenance for m in ms], acronym


#: the title says the article reports two or more trials ("Results from Two Randomized Trials",
#: "two phase III studies", "a pooled analysis of three trials")
_SEVERAL = re.compile(r"\b(?:two|three|four|five|2|3|4|5|several|multiple)\s+(?:[\w\-]+\s+){0,3}?"
                      r"(?:trials|studies)\b", re.I)
#: the methods label the trials "Study 1"/"Study 2", "Trial A"/"Trial B"
_LABELLED = re.compile(r"\b(?:[Ss]tudy|[Tt]rial)\s+(?P<k>1|2|3|I{1,3}|A|B|C|one|two|three)\b")


def several_trials(doc: Document) -> str | None:
    """The words saying the article reports two or more trials, each of which may be registered: "two ...
    trials/studies" in the title (an abstract's "four placebo-controlled studies" is as often the literature), or trials labelled "Study 1" and "Study 2" ("Trial A" and "Trial B")
    in the abstract or methods; None otherwise."""
    for s in doc.sentences:
        if s.section_kind == "title":
            m = _SEVERAL.search(s.text)
            if m:
                return m.group(0)
    if _SEVERAL.search(doc.title or ""):
        return _SEVERAL.search(doc.title or "").group(0)
    labels: dict[str, str] = {}
    for s in doc.sentences:
        if s.section_kind in ("abstract", "methods"):
            for m in _LABELLED.finditer(s.text):
                labels.setdefault(m.group("k").lower(), m.group(0))
    pairs = [("1", "2"), ("i", "ii"), ("a", "b"), ("one", "two")]
    for a, b in pairs:
        if a in labels and b in labels:
            return f"{labels[a]} ... {labels[b]}"
    return None


def registry_id_mentions(doc: Document) -> list[RegistryIdMention]:
    """:func:`registry_mentions` as Study facts."""
    return [RegistryIdMention(registry=m.registry, id=m.id, surface=m.surface, section_kind=m.section_kind, own=m.own,
                              cited=m.cited, in_table=m.in_table, provenance=m.provenance)
            for m in registry_mentions(doc)]
