"""Study design: randomised or not, phase, prospective/retrospective, single/multi-centre.

Read from the title, the abstract and the methods only, and only from sentences about this
study: sentences citing references, talking about previous/other trials or recommending
future work ("should be confirmed in multicentre, prospective, randomised trials") are
skipped. Each decision keeps the sentences it rests on as evidence.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.provenance import Provenance, Span
from trialaudit.schemas.study import Design

from ._util import abstract_tail_sections, cited_sentence_ids, effective_kind, sentence_prov

_RANDOM_POS = re.compile(r"(?<!non-)(?<!non)(?<!not\s)\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated)|"
                         r"randomi[sz]ation)\b", re.I)
_RANDOM_NEG = re.compile(r"\bnon-?randomi[sz]ed|\bnot\s+randomi[sz]ed|\bsingle[- ]arm\b|\bretrospective(?:ly)?\b|"
                         r"\bobservational\b|\breal[- ]world\b|\bcase series\b", re.I)
_PHASE = re.compile(r"\bphase\s*(?P<a>IV|I{1,3}|[1-4])(?:\s*(?:/|-|–|and)\s*(?P<b>IV|I{1,3}|[1-4]))?(?P<ab>[ab])?\b", re.I)
_RETRO = re.compile(r"\bretrospective(?:ly)?\b", re.I)
_PROSP = re.compile(r"\bprospective(?:ly)?\b", re.I)
_MULTI = re.compile(r"\bmulti-?(?:cent(?:er|re)|institution(?:al)?|site)s?\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|"
                    r"\d{1,3})\s+(?:\w+\s+){0,2}?(?:cent(?:er|re)s|hospitals|institutions|sites)\b|\bboth\s+hospitals\b", re.I)
_SINGLE = re.compile(r"\bsingle[- ](?:cent(?:er|re)|institution(?:al)?|site)\b|\bone\s+(?:cent(?:er|re)|institution)\b|"
                     r"\bin\s+our\s+(?:cent(?:er|re)|hospital|institution|department)\b", re.I)
_NOT_THIS = re.compile(r"\b(?:should|future|further|warrant\w*|deserv\w*|need(?:s|ed)?\s+to|required?\s+(?:to|confirmation)|"
                       r"confirm\w*|previous(?:ly)?|prior\s+(?:study|trial)|earlier|other\s+(?:trials|studies)|"
                       r"aforementioned|reported|literature|larger)\b", re.I)

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def _roman(x: str) -> str:
    return _ROMAN.get(x, x.upper())


def _candidates(doc: Document) -> list[tuple[int, Sentence | None, str]]:
    """(priority, sentence, text): title first, then abstract, then methods."""
    out: list[tuple[int, Sentence | None, str]] = []
    if doc.title:
        tsent = next((s for s in doc.sentences if s.text.strip() == doc.title.strip()), None)
        out.append((0, tsent, doc.title))
    tail = abstract_tail_sections(doc)
    cited = cited_sentence_ids(doc)
    for s in doc.sentences:
        kind = effective_kind(doc, s, tail)
        if kind not in ("abstract", "methods", "statistics"):
            continue
        if s.id in cited and kind != "methods":
            continue
        out.append((1 if kind == "abstract" else 2, s, s.text))
    return out


def _ev(doc: Document, s: Sentence | None, text: str, m: re.Match) -> Provenance:
    if s is not None:
        return sentence_prov(doc, s, m.start(), m.end())
    h = next((h for h in doc.headings if h.text.strip() == text.strip()), None)
    if h is not None:
        return Provenance(span=h.span, quote=h.text, section=None, method="heading")
    i = doc.text.find(text)
    a = max(0, i)
    b = a + len(text) if i >= 0 else 0
    return Provenance(span=Span(line=doc.line_of(a), char_start=a, char_end=b), quote=text, method="heading")


def extract_design(doc: Document) -> Design:
    d = Design()
    evidence: list[Provenance] = []
    cands = _candidates(doc)
    usable = [(p, s, t) for p, s, t in cands if not _NOT_THIS.search(t) or p == 0]

    pos = [(p, s, t, m) for p, s, t in usable for m in [_RANDOM_POS.search(t)] if m]
    neg = [(p, s, t, m) for p, s, t in usable for m in [_RANDOM_NEG.search(t)] if m]
    if pos:
        d.randomised = True
        p, s, t, m = pos[0]
        evidence.append(_ev(doc, s, t, m))
    elif neg:
        d.randomised = False
        p, s, t, m = neg[0]
        evidence.append(_ev(doc, s, t, m))

    phases: list[tuple[int, int, Sentence | None, str, re.Match]] = []
    for p, s, t in usable:
        for m in _PHASE.finditer(t):
            after = t[m.end():m.end() + 12].lower()
            if re.match(r"\s*(?:trials|studies)\b", after):
                continue  # "phase III trials": other (future) trials
            own = 0 if p == 0 or re.search(r"\b(?:this|the present|the current|our|we)\b", t, re.I) else 1
            phases.append((own, p, s, t, m))
    if phases:
        phases.sort(key=lambda x: (x[0], x[1]))
        _, _, s, t, m = phases[0]
        a = _roman(m.group("a"))
        d.phase = a + (f"/{_roman(m.group('b'))}" if m.group("b") else "") + (m.group("ab") or "").lower()
        evidence.append(_ev(doc, s, t, m))

    def first_of(rx_a, name_a: str, rx_b, name_b: str) -> str | None:
        """Which of two competing descriptions the article states first (with its evidence)."""
        hits_a = [(p, s, t, m) for p, s, t in usable for m in [rx_a.search(t)] if m]
        hits_b = [(p, s, t, m) for p, s, t in usable for m in [rx_b.search(t)] if m]
        if hits_a and (not hits_b or hits_a[0][0] <= hits_b[0][0]):
            hit, name = hits_a[0], name_a
        elif hits_b:
            hit, name = hits_b[0], name_b
        else:
            return None
        _, s, t, m = hit
        evidence.append(_ev(doc, s, t, m))
        return name

    d.timing = first_of(_RETRO, "retrospective", _PROSP, "prospective")
    if d.timing is None and d.randomised:
        d.timing = "prospective"   # a randomised trial assigns treatment before outcomes occur
    d.centres = first_of(_MULTI, "multi", _SINGLE, "single")
    d.evidence = evidence
    return d
