"""Endpoints: every place the article declares a primary, secondary or exploratory endpoint.

Declarations read::

    "The primary endpoint was progression-free survival (PFS)."          -> PFS primary
    "Primary outcome measures: Progression-Free Survival (PFS): ..."     -> PFS primary
    "OS was the primary endpoint of the study."                          -> OS primary
    "The primary outcome, PFS, was 5.5 months ..."                       -> PFS primary
    "Secondary endpoints included ORR, CBR and safety."                  -> ORR, CBR, safety secondary
    "The exploratory endpoints included QoL, assessed using ..., and EFS" -> QoL, EFS exploratory
    "Secondary endpoints included 4-month PFS rate; 6-month PFS rate"     -> PFS@4mo, PFS@6mo secondary

One :class:`Endpoint` is returned per endpoint per declaring sentence, so a
check can compare what each place says. Names are normalised (PFS, OS, EFS,
DFS, RFS, TTP, TTR, DoR, ORR, DCR, CBR, safety, QoL; landmark rates as
``PFS@6mo``). A list item counts only when it *starts* with an endpoint name,
so names inside definitions ("ORR, defined as the proportion achieving CR or
PR") are not taken as endpoints. Definitions ("PFS was defined as the time
from …") are attached to the endpoint of that name.

Introductions, references and declarations are not read; in the discussion
only sentences about this study ("this/our/the present trial") without
citations are read, so other trials' endpoints are not taken as this study's.
"""
from __future__ import annotations

import re

from trialaudit.extractor.memo import per_document
from trialaudit.extractor.textutil import split_top_level
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.study import Endpoint

from ._util import Prefilter, clause_prov, fold_case, with_first_chars

__all__ = ["extract_endpoints", "endpoint_name", "ENDPOINT_PATTERNS"]

ENDPOINT_PATTERNS: list[tuple[str, str]] = [
    ("PFS", r"progression[\s\-‐‑]*free[\s\-‐‑]*survival|\bPFS\b"),
    ("OS", r"overall[\s\-]+survival|\bOS\b"),
    ("EFS", r"event[\s\-‐‑]*free[\s\-‐‑]*survival|\bEFS\b"),
    ("DFS", r"disease[\s\-‐‑]*free[\s\-‐‑]*survival|\bDFS\b"),
    ("RFS", r"(?:relapse|recurrence)[\s\-‐‑]*free[\s\-‐‑]*survival|\bRFS\b"),
    ("TTP", r"time[\s\-]+to[\s\-]+(?:disease[\s\-]+|tumou?r[\s\-]+)?progression|\bTTP\b"),
    ("TTR", r"time[\s\-]+to[\s\-]+(?:objective[\s\-]+)?response|\bTTR\b"),
    ("DoR", r"duration[\s\-]+of[\s\-]+(?:objective[\s\-]+|overall[\s\-]+)?response|\bDoR\b|\bDOR\b"),
    ("ORR", r"(?:objective|overall|best\s+overall)[\s\-]+response[\s\-]+rates?|objective\s+response|\bresponse\s+rates?|\bORR\b"),
    ("DCR", r"disease[\s\-]+control[\s\-]+rates?|\bDCR\b"),
    ("CBR", r"clinical[\s\-]+benefit[\s\-]+rates?|\bCBR\b"),
    ("pCR", r"pathologic(?:al)?\s+complete\s+response|\bpCR\b"),
    ("safety", r"safety|toxicit(?:y|ies)|tolerability|adverse\s+(?:events|reactions)|\bAEs\b|\bTRAEs\b"),
    ("QoL", r"(?:health[\s\-]+related\s+)?quality[\s\-]+of[\s\-]+life|\bH?R?QoL\b"),
]
_NAME_RE = [(n, re.compile(p, re.I if not p.startswith(r"\b") or "|" in p else 0)) for n, p in ENDPOINT_PATTERNS]
_ANY_NAME = re.compile("|".join(f"(?:{p})" for _, p in ENDPOINT_PATTERNS), re.I)
_LANDMARK = re.compile(
    r"(?P<n>\d{1,2})[\s\-‐‑]*(?:month|mo|year|yr)s?[\s\-‐‑]*(?P<name>PFS|OS|EFS|DFS|RFS|progression[\s\-‐‑]*free[\s\-‐‑]*survival|"
    r"overall\s+survival|event[\s\-‐‑]*free[\s\-‐‑]*survival)(?:\s+rates?)?"
    r"|(?P<name2>PFS|OS|EFS|progression[\s\-‐‑]*free[\s\-‐‑]*survival|overall\s+survival|event[\s\-‐‑]*free[\s\-‐‑]*survival)"
    r"\s+rates?\s+at\s+(?P<n2>\d{1,2})\s*(?P<u2>months?|years?)", re.I)

_ROLE = re.compile(
    r"\b(?P<role>co[\s\-]?primary|primary|main|principal|key\s+secondary|secondary|exploratory|tertiary)"
    r"(?:\s+(?:efficacy|study|clinical|trial))?\s+"
    r"(?P<noun>end[\s\-]?points?|outcomes?(?:\s+measures?)?|outcome\s+measures?|objectives?)\b", re.I)
_AFTER_ROLE = re.compile(
    r"^\s*(?:\([^)]{0,20}\))?\s*(?:of\s+(?:the|this|our)\s+(?:study|trial|analysis)\s*)?"
    r"(?P<sep>was|were|is|are|included|includes|include|comprised|comprise|consisted\s+of|:|,|of|being|"
    r"(?:was|were)\s+(?:defined\s+as|set\s+as|assessed\s+as))\s*", re.I)
_BEFORE_ROLE = re.compile(
    r"(?:(?:was|were|is|are|served\s+as|as|being)\s+|,\s*)(?:the|a|an|our|its|their)?\s*(?:pre-?specified\s+|main\s+)?$",
    re.I)
_SELF = re.compile(r"\b(?:this|our|the\s+present|the\s+current|the\s+trial|the\s+study)\b", re.I)
_DEF = re.compile(r"\s*(?:\([^)]{0,20}\))?\s*(?:[:,]\s*)?(?:(?:was|is|were)\s+)?(?P<verb>defined\s+as|calculated\s+from|"
                  r"measured\s+from|refers?\s+to|was\s+the\s+time\s+from|the\s+(?:time|interval)\s+from)\s+(?P<def>[^.;]{5,300})",
                  re.I)
#: a word every definition (_DEF) has: sentences without one are not searched for definitions
_DEF_HINT = re.compile(r"defined|calculated|measured|refer|time|interval", re.I)
#: the same regexes behind cheap word tests (most sentences name no endpoint role)
_DEF_HINT_PF = Prefilter(_DEF_HINT)
_ANY_NAME_SCAN = with_first_chars(_ANY_NAME)
_ROLE_PF = Prefilter(_ROLE)
_READ_KINDS = {"abstract", "methods", "statistics", "results", "front", "title", "other", "conclusion", "discussion"}


def _role_of(word: str) -> str:
    w = word.lower()
    if "primary" in w or w in ("main", "principal"):
        return "primary"
    if "secondary" in w:
        return "secondary"
    return "exploratory"


def endpoint_name(text: str) -> tuple[str, int, int] | None:
    """The endpoint a phrase starts with: ('PFS'|'PFS@6mo'|..., start, end) or None."""
    m = re.match(r"\s*(?:and\s+|or\s+|the\s+|an?\s+|median\s+|investigator[\s\-]assessed\s+|"
                 r"independent(?:ly)?[\s\-]+(?:reviewed|assessed)\s+|"
                 r"to\s+(?:assess|evaluate|compare|determine|estimate|investigate|measure|explore)\s+|"
                 r"rates?\s+of\s+|incidence\s+of\s+|assessments?\s+of\s+)*", text, re.I)
    i = m.end() if m else 0
    lm = _LANDMARK.match(text, i)
    if lm:
        raw = lm.group("name") or lm.group("name2")
        n = int(lm.group("n") or lm.group("n2"))
        base = _base_name(raw)
        if base:
            months = n * 12 if re.search(r"year|yr", lm.group(0), re.I) else n
            return f"{base}@{months}mo", lm.start(), lm.end()
    best = None
    for name, rx in _NAME_RE:
        mm = rx.match(text, i)
        if mm and (best is None or mm.end() - mm.start() > best[2] - best[1]):
            best = (name, mm.start(), mm.end())
    return best


def _base_name(raw: str) -> str | None:
    for name, rx in _NAME_RE:
        if rx.fullmatch(raw.strip()):
            return name
    return None


_ITEM_SEP = re.compile(r"[;,]|\s+(?:and|or|as\s+well\s+as)\s+")


def _items(text: str) -> list[tuple[int, int]]:
    """Top-level list items of ``text`` split at ';', ',', ' and ', ' or '."""
    return split_top_level(text, _ITEM_SEP)


def _listed(doc: Document, s: Sentence, seg: str, offset: int, role: str, seen: set[tuple[str, str]]) -> list[Endpoint]:
    """Endpoints of the list items of ``seg`` (at ``offset`` in the sentence) not yet ``seen`` in this role."""
    out = []
    for a, b in _items(seg):
        nm = endpoint_name(seg[a:b])
        if nm and (nm[0], role) not in seen:
            seen.add((nm[0], role))
            out.append(Endpoint(name=nm[0], role=role, surface=seg[a + nm[1]:a + nm[2]].strip(),
                                provenance=clause_prov(doc, s, offset + a + nm[1], offset + a + nm[2])))
    return out


def _cited_sentences(doc: Document) -> set[str]:
    return {c.sentence for c in doc.citations}


@per_document  # the extraction and several rules read it: found once per article
def extract_endpoints(doc: Document) -> list[Endpoint]:
    """Every endpoint declaration, one Endpoint per name per declaring sentence."""
    out: list[Endpoint] = []
    cited = _cited_sentences(doc)
    definitions: dict[str, str] = {}
    for s in doc.sentences:
        if s.section_kind not in _READ_KINDS:
            continue
        text = s.text
        low = fold_case(text)
        # definitions ("PFS was defined as the time from ...")
        for m in (_ANY_NAME_SCAN.finditer(text) if _DEF_HINT_PF.possible(text, low) and _DEF_HINT.search(text)
                  else ()):
            d = _DEF.match(text, m.end())
            if d:
                nm = endpoint_name(text[m.start():])
                if nm and nm[0] not in definitions:
                    definitions[nm[0]] = d.group("def").strip()
        roles = list(_ROLE.finditer(text)) if _ROLE_PF.possible(text, low) else []
        if not roles:
            continue
        if s.section_kind == "discussion" and (s.id in cited or not _SELF.search(text)):
            continue
        seen: set[tuple[str, str]] = set()
        for k, rm in enumerate(roles):
            role = _role_of(rm.group("role"))
            # names listed after the role phrase
            tail_end = roles[k + 1].start() if k + 1 < len(roles) else len(text)
            after = _AFTER_ROLE.match(text[rm.end():tail_end])
            if after:
                base = rm.end() + after.end()
                out += _listed(doc, s, text[base:tail_end], base, role, seen)
            # names that are the subject of "... was the primary endpoint"
            head_start = roles[k - 1].end() if k else 0
            head = text[head_start:rm.start()]
            if _BEFORE_ROLE.search(head):
                subj_end = _BEFORE_ROLE.search(head).start()
                subj = head[:subj_end]
                cut = max(subj.rfind(";"), subj.rfind(": "), subj.rfind(", while"), subj.rfind(", whereas"))
                if cut >= 0:
                    subj = subj[cut + 1:]
                    offset = head_start + cut + 1
                else:
                    offset = head_start
                out += _listed(doc, s, subj, offset, role, seen)
    for e in out:
        if e.definition is None and e.name in definitions:
            e.definition = definitions[e.name]
    return out
