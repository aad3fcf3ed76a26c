"""Regimen mentions: which drugs a passage says an arm received.

A sentence is split into top-level clauses (never inside parentheses); a
clause that names exactly one arm and at least one drug yields a
:class:`RegimenMention` for that arm. Supportive drugs (mesna, leucovorin
rescue, G-CSF) are kept in ``mentions`` but not in ``drugs``.
"""
from __future__ import annotations

import re

from schemas.document import Document
from schemas.provenance import Provenance
from schemas.study import Arm, DrugMention, RegimenMention

from .arms import arm_mentions
from .drugs import find_drugs, is_supportive

_CLAUSE_SEP = re.compile(r";|\s+and\s+(?=\d+\s)|,\s*(?:and|whereas|while|but)\s+|\s+(?:whereas|while)\s+|\.\s+|,\s*(?=\d+\s+(?:patients|received))")
_TREAT_VERB = re.compile(r"\b(?:receiv\w*|treated|given|administ\w+|regimen|protocol|consist\w*|combination|plus|"
                         r"chemotherapy|therapy|treatment|group\s*:|arm\s*:|\+)", re.I)
_COMPARATIVE = re.compile(r"\b(?:than|compared|versus|vs\.?|relative to|same as|similar to|as in)\b", re.I)


def top_level_clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans split at separators outside parentheses."""
    depth = 0
    cuts = [0]
    mask = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        mask.append(depth)
    for m in _CLAUSE_SEP.finditer(text):
        if mask[m.start()] == 0:
            cuts.append(m.start())
            cuts.append(m.end())
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i + 1] > cuts[i]]


def extract_regimen_mentions(doc: Document, arms: list[Arm], prefix_map: dict[str, str] | None = None) -> list[RegimenMention]:
    out: list[RegimenMention] = []
    if not arms:
        return out
    for s in doc.sentences:
        if s.section_kind in ("references", "declarations", "introduction"):
            continue
        text = s.text
        mentions_all = arm_mentions(text, arms)
        if not mentions_all:
            continue
        for a, b in top_level_clauses(text):
            clause = text[a:b]
            arms_here = {id(m[0]): m[0] for m in mentions_all if a <= m[1] < b}
            if len(arms_here) != 1:
                continue
            arm = next(iter(arms_here.values()))
            if _COMPARATIVE.search(clause) or not _TREAT_VERB.search(clause):
                continue
            hits = find_drugs(clause, extra_prefixes=prefix_map)
            # drugs inside an arm's name ("the IE group") are part of the name, not a statement
            label_spans = [(m[1] - a, m[2] - a) for m in mentions_all
                           if a <= m[1] < b and re.search(r"(?:group|arm|cohort)$", text[m[1]:m[2]], re.I)]
            hits = [h for h in hits if all(h.end <= x or h.start >= y for x, y in label_spans)]
            # drugs that are part of the arm's own label do not count as a statement
            if not hits:
                continue
            drugs: list[str] = []
            dms: list[DrugMention] = []
            for h in hits:
                dms.append(DrugMention(drug=h.generic, surface=h.surface))
                if not is_supportive(h.generic) and h.generic not in drugs:
                    drugs.append(h.generic)
            role = "definition" if (s.section_kind in ("abstract", "title") or re.search(r"[nN]\s*=\s*\d", clause)) else "protocol"
            sec = doc.section_by_id(s.section)
            ca, cb = s.offsets[a] if s.offsets else s.span.char_start, (s.offsets[b - 1] + 1) if s.offsets else s.span.char_end
            line = doc.line_of(ca)
            from schemas.provenance import Span
            span = Span(line=line, char_start=ca, char_end=cb, page=s.span.page, bbox=s.span.bbox)
            out.append(RegimenMention(arm=arm.id, drugs=drugs, mentions=dms, role=role,
                                      provenance=Provenance(span=span, quote=s.quote, section=sec.title if sec else None,
                                                            method="sentence-pattern")))
    return out
