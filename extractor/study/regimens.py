"""Regimen mentions: which drugs a passage says an arm received, with their doses.

A sentence is split into top-level clauses (never inside parentheses); a
clause that names exactly one arm and at least one drug yields a
:class:`RegimenMention` for that arm. Supportive drugs (mesna, leucovorin
rescue, G-CSF) are kept in ``mentions`` but not in ``drugs``. Each
:class:`DrugMention` carries the dose details written next to the drug
(:mod:`extractor.study.doses`).

:func:`extract_dose_passages` is the wider net used to compare schedules: it
also attributes passages that name no arm noun but whose drugs are exactly one
arm's drugs ("randomized to apatinib (…) plus IE (…) or IE alone (…)"), and
sentences that continue, in the same paragraph, a passage attributed to one arm
("The Control group was treated with cisplatin and doxorubicin. Cisplatin 60
mg/m² was administered intravenously on Day 1 …").

In both, only what follows "randomised/assigned/allocated to" defines an arm
named after it: drugs written before it were given before randomisation
("patients receiving four cycles of AC were randomised to weekly or 3-weekly
docetaxel") and belong to every arm alike (:func:`allocation_cut`).
"""
from __future__ import annotations

import re

from trialaudit.extractor.textutil import split_top_level
from trialaudit.schemas.document import Document
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.study import Arm, DrugMention, PopulationSizes, RegimenMention

from .arms import arm_mentions
from .doses import parse_drug_mentions, parse_schedule
from .drugs import DrugHit, find_drugs, is_supportive

_CLAUSE_SEP = re.compile(r";|\s+and\s+(?=\d+\s)|,\s*(?:and|whereas|while|but)\s+|\s+(?:whereas|while)\s+|\.\s+|,\s*(?=\d+\s+(?:patients|received))")
_TREAT_VERB = re.compile(r"\b(?:receiv\w*|treated|given|administ\w+|regimen|protocol|consist\w*|combination|plus|"
                         r"chemotherapy|therapy|treatment|group\s*:|arm\s*:|\+)", re.I)
_COMPARATIVE = re.compile(r"\b(?:than|compared|versus|vs\.?|relative to|same as|similar to|as in)\b", re.I)


#: "were randomised (1:1) to (receive)", "randomly assigned to", "allocated into": what follows names the arms
_ALLOCATION = re.compile(r"\b(?:re-?)?(?:randomi[sz]ed|randomly\s+(?:assigned|allocated)|assigned|allocated)\b"
                         r"[^;.]{0,30}?\b(?:to|into)\b(?:\s+receive\b)?", re.I)


def allocation_cut(text: str, before: int | None = None) -> int:
    """Where the arms' own treatment starts in ``text``: the end of the last allocation phrase ("were randomised
    to (receive)") that ends at or before ``before`` (the whole text when None), else 0. Drugs written before it
    were given before randomisation to everyone and do not define an arm named after it."""
    cut = 0
    for m in _ALLOCATION.finditer(text):
        if before is not None and m.end() > before:
            break
        cut = m.end()
    return cut


def top_level_clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans split at separators outside parentheses."""
    return split_top_level(text, _CLAUSE_SEP)


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
            # drugs before "were randomised to" were given before randomisation, not in this arm
            cut = allocation_cut(clause, min(m[1] for m in mentions_all if a <= m[1] < b) - a)
            hits = [h for h in hits if h.start >= cut]
            # drugs inside an arm's name ("the IE group") are part of the name, not a statement
            label_spans = [(m[1] - a, m[2] - a) for m in mentions_all
                           if a <= m[1] < b and re.search(r"(?:group|arm|cohort)$", text[m[1]:m[2]], re.I)]
            hits = [h for h in hits if all(h.end <= x or h.start >= y for x, y in label_spans)]
            # drugs that are part of the arm's own label do not count as a statement
            if not hits:
                continue
            drugs: list[str] = []
            dms = _mentions_with_doses(clause, hits)
            for h in hits:
                if not is_supportive(h.generic) and h.generic not in drugs:
                    drugs.append(h.generic)
            role = "definition" if (s.section_kind in ("abstract", "title") or re.search(r"[nN]\s*=\s*\d", clause)) else "protocol"
            sec = doc.section_by_id(s.section)
            ca, cb = s.offsets[a] if s.offsets else s.span.char_start, (s.offsets[b - 1] + 1) if s.offsets else s.span.char_end
            line = doc.line_of(ca)
            from trialaudit.schemas.provenance import Span
            span = Span(line=line, char_start=ca, char_end=cb, page=s.span.page, bbox=s.span.bbox)
            out.append(RegimenMention(arm=arm.id, drugs=drugs, mentions=dms, role=role,
                                      provenance=Provenance(span=span, quote=s.quote, section=sec.title if sec else None,
                                                            method="sentence-pattern")))
    return out


def _mentions_with_doses(text: str, hits: list[DrugHit]) -> list[DrugMention]:
    """One DrugMention per hit, carrying the dose details written next to that drug."""
    detailed = parse_drug_mentions(text, hits=hits)
    best: dict[str, DrugMention] = {}
    for dm in detailed:
        have = best.get(dm.drug)
        if have is None or _richness(dm) > _richness(have):
            best[dm.drug] = dm
    out = []
    for h in hits:
        dm = best.get(h.generic)
        out.append(dm.model_copy(update={"surface": h.surface}) if dm else DrugMention(drug=h.generic, surface=h.surface))
    return out


def _richness(dm: DrugMention) -> int:
    return sum(x is not None for x in (dm.dose, dm.route, dm.days, dm.frequency, dm.cycle_days, dm.cycles))


# ------------------------------------------------------------------------------------------ dose passages

_SKIP_KINDS = ("references", "declarations", "introduction", "discussion", "acknowledgements", "statistics", "keywords")
_MODIFIED = re.compile(r"\b(?:reduc\w*|decreas\w*|lower(?:ed)?|escalat\w*|de-escalat\w*|increas\w*|modif\w*|"
                       r"interrupt\w*|adjust(?:ed|ment)s?\s+to|titrat\w*|tolera\w*|switch\w*|"
                       # "previously untreated", "no prior chemotherapy": eligibility, not an earlier line
                       r"(?<!\bno\s)(?<!\bwithout\s)(?:previous(?:ly)?|prior)(?!\s+untreated\b|\s+to\b)|"
                       r"before\s+enrol\w*|first-line|second-line|salvage|historical|et\s+al)\b", re.I)
_OTHER_ARM = re.compile(r"\b(?:alone|only|monotherapy|control|standard|comparator|other\s+(?:group|arm|cohort)|"
                        r"whereas|while|in\s+contrast|by\s+contrast|both\s+(?:groups|arms))\b", re.I)
_ALTERNATIVE = re.compile(r"\s+or\s+|\s+versus\s+|\s+vs\.?\s+|,?\s+compared\s+(?:with|to)\s+", re.I)


def _label_spans(text: str, mentions: list) -> list[tuple[int, int]]:
    return [(m[1], m[2]) for m in mentions if re.search(r"(?:group|arm|cohort)$", text[m[1]:m[2]], re.I)]


def _hits(text: str, a: int, b: int, labels: list[tuple[int, int]], prefix_map, cut: int = 0) -> list[DrugHit]:
    """Drugs in ``text[a:b]`` outside arm labels and not before ``cut`` (an offset in ``text``)."""
    hits = find_drugs(text[a:b], extra_prefixes=prefix_map)
    rel = [(x - a, y - a) for x, y in labels]
    return [h for h in hits if all(h.end <= x or h.start >= y for x, y in rel) and h.start + a >= cut]


def _mention(doc: Document, s, arm_id: str, a: int, b: int, hits: list[DrugHit], role: str) -> RegimenMention:
    from trialaudit.schemas.provenance import Span

    text = s.text
    clause = text[a:b]
    dms = parse_drug_mentions(clause, hits=hits) if hits else []
    drugs = []
    for h in hits:
        if not is_supportive(h.generic) and h.generic not in drugs:
            drugs.append(h.generic)
    sec = doc.section_by_id(s.section)
    ca = s.offsets[a] if s.offsets else s.span.char_start
    cb = (s.offsets[b - 1] + 1) if s.offsets else s.span.char_end
    span = Span(line=doc.line_of(ca), char_start=ca, char_end=cb, page=s.span.page, bbox=s.span.bbox)
    return RegimenMention(arm=arm_id, drugs=drugs, mentions=dms, role=role,
                          provenance=Provenance(span=span, quote=s.quote, section=sec.title if sec else None,
                                                method="sentence-pattern"))


def extract_dose_passages(doc: Document, arms: list[Arm], prefix_map: dict[str, str] | None = None) -> list[RegimenMention]:
    """Passages attributable to exactly one arm, with dose details for each drug.

    With two or more arms a passage must be attributable to one arm (see the
    module docstring). With one arm (or none) every treatment passage of the
    abstract, methods and results describes the study's only regimen and is
    attributed to that arm (``arm`` is None when no arm is known); passages
    with comparisons ("than", "compared with") are left out. Passages that
    report dose changes (reduced, escalated, tolerated ...) or describe earlier
    treatment lines are left out in both cases.
    """
    real = [a for a in arms if not a.is_total]
    if len(real) < 2:
        return _single_arm_passages(doc, real[0] if real else None, prefix_map)
    out: list[RegimenMention] = []
    by_drugs: dict[frozenset[str], list[Arm]] = {}
    for a in real:
        if a.drugs:
            by_drugs.setdefault(frozenset(a.drugs), []).append(a)
    prev: dict[str, tuple[str, set[str]]] = {}   # paragraph -> (arm id, drugs) of the last attributed passage
    for s in doc.sentences:
        if s.section_kind in _SKIP_KINDS:
            continue
        text = s.text
        para = s.paragraph or ""
        if _MODIFIED.search(text) and not re.search(r"\b(?:BSA|body\s+surface|weigh\w*)\b", text, re.I):
            prev.pop(para, None)
            continue
        ments = arm_mentions(text, real)
        labels = _label_spans(text, ments)
        found: list[RegimenMention] = []
        arms_here = {m[0].id for m in ments}
        if len(arms_here) == 1 and not _COMPARATIVE.search(text):
            hits = _hits(text, 0, len(text), labels, prefix_map, allocation_cut(text, min(m[1] for m in ments)))
            if hits:
                found.append(_mention(doc, s, ments[0][0].id, 0, len(text), hits, "protocol"))
        elif len(arms_here) >= 2:
            spans: list[tuple[int, int]] = []
            for a, b in top_level_clauses(text):
                if len({m[0].id for m in ments if a <= m[1] < b}) >= 2:
                    # "assigned to the SOX group (...) or the XELOX group (...)": split at the alternative
                    spans.extend((a + x, a + y) for x, y in split_top_level(text[a:b], _ALTERNATIVE))
                else:
                    spans.append((a, b))
            for a, b in spans:
                here = {m[0].id for m in ments if a <= m[1] < b}
                if len(here) != 1 or _COMPARATIVE.search(text[a:b]):
                    continue
                hits = _hits(text, a, b, labels, prefix_map,
                             allocation_cut(text, min(m[1] for m in ments if a <= m[1] < b)))
                if hits:
                    found.append(_mention(doc, s, next(iter(here)), a, b, hits, "protocol"))
            _share_trailing_cycle(text, found)
        else:
            parts = split_top_level(text, _ALTERNATIVE)
            if len(parts) >= 2:
                alts = []
                cut = allocation_cut(text, parts[0][1])
                for a, b in parts:
                    hits = _hits(text, a, b, labels, prefix_map, cut)
                    key = frozenset(h.generic for h in hits if not is_supportive(h.generic))
                    cands = by_drugs.get(key, [])
                    if key and len(cands) == 1:
                        alts.append((cands[0].id, a, b, hits))
                # only when the alternatives name two different arms, each by its exact drug set
                if len({x[0] for x in alts}) >= 2 and len({x[0] for x in alts}) == len(alts):
                    for arm_id, a, b, hits in alts:
                        found.append(_mention(doc, s, arm_id, a, b, hits, "other"))
            elif para in prev and not _OTHER_ARM.search(text):
                arm_id, drugs = prev[para]
                hits = _hits(text, 0, len(text), labels, prefix_map)
                own = {h.generic for h in hits if not is_supportive(h.generic)}
                if hits and own and own <= drugs:
                    found.append(_mention(doc, s, arm_id, 0, len(text), hits, "other"))
                elif not hits:
                    sch = parse_schedule(text)
                    if (sch.cycles or sch.cycle_days) and sch.dose is None:
                        pseudo = [DrugHit(d, d, 0, 0, "carried") for d in sorted(drugs)]
                        m = _mention(doc, s, arm_id, 0, len(text), [], "other")
                        m.drugs = sorted(drugs)
                        m.mentions = [DrugMention(drug=h.generic, surface=h.surface, cycles=sch.cycles,
                                                  cycle_days=sch.cycle_days,
                                                  frequency=(f"Q{sch.cycle_days // 7}W" if sch.cycle_days and
                                                             sch.cycle_days % 7 == 0 else None))
                                      for h in pseudo]
                        found.append(m)
        if len(found) == 1 and found[0].drugs:
            prev[para] = (found[0].arm or "", set(found[0].drugs))
        elif found or arms_here:
            prev.pop(para, None)
        out.extend(found)
    return out


def _share_trailing_cycle(text: str, found: list[RegimenMention]) -> None:
    """"... to the SOX group (oxaliplatin ... S-1 ...) or the XELOX group (...), every 3 weeks": a cycle written
    once after the last parenthesised arm definition applies to every arm of the sentence."""
    if len(found) < 2:
        return
    close = text.rfind(")")
    if close < 0:
        return
    tail = text[close + 1:]
    if find_drugs(tail):
        return
    sch = parse_schedule(tail)
    if not sch.cycle_days or sch.dose is not None:
        return
    freq = f"Q{sch.cycle_days // 7}W" if sch.cycle_days % 7 == 0 else None
    for m in found:
        for dm in m.mentions:
            if dm.cycle_days is None:
                dm.cycle_days = sch.cycle_days
                if dm.frequency is None:
                    dm.frequency = freq


def _single_arm_passages(doc: Document, arm: Arm | None, prefix_map: dict[str, str] | None) -> list[RegimenMention]:
    out: list[RegimenMention] = []
    for s in doc.sentences:
        if s.section_kind in _SKIP_KINDS or s.section_kind in ("figure", "table"):
            continue
        text = s.text
        if (_MODIFIED.search(text) and not re.search(r"\b(?:BSA|body\s+surface|weigh\w*)\b", text, re.I)) or \
                _COMPARATIVE.search(text):
            continue
        hits = _hits(text, 0, len(text), [], prefix_map)
        if not hits:
            continue
        m = _mention(doc, s, arm.id if arm else "", 0, len(text), hits, "other")
        m.arm = arm.id if arm else None
        if any(dm.dose or dm.days or dm.cycle_days or dm.route for dm in m.mentions):
            out.append(m)
    return out


#: wording of a design with two or more arms: a single-arm reading of the regimen would be wrong
_MULTI_ARM = re.compile(r"\brandomi[sz]\w*|\b(?:two|three|both|each)\s+(?:treatment\s+)?(?:groups|arms|cohorts)\b|"
                        r"\bcontrol\s+(?:group|arm)\b|\b(?:other|another)\s+(?:group|arm)\b|"
                        r"\b(?:group|arm|cohort)\s+(?:\w+\s+)?(?:received|was\s+treated|were\s+treated|was\s+given)\b",
                        re.I)
#: wording of dose finding: dose levels, escalation, a phase I design
_DOSE_FINDING = re.compile(r"dose[\s\-]+(?:level|escalation|finding)|\bphase\s+(?:I|1)(?![I\d/])", re.I)
_NOT_TRIAL = ("discussion", "introduction", "references")


def regimen_arms(doc: Document, arms: list[Arm], sizes: PopulationSizes) -> list[Arm] | None:
    """The arms whose regimens are compared (``Study.regimen_arms``); None when the design is unclear (fewer than
    two arms read while the abstract or methods speak of randomisation, a control group or other arms). One arm
    that is the whole study, beside cohorts that are not arms, is read as a single-arm study."""
    study_arms = [a for a in arms if not a.is_total]
    whole = [a for a in study_arms if sizes.total and sizes.total_source == "statements" and a.n == sizes.total]
    if whole and len(sizes.arms) < 2:
        study_arms = whole[:1]          # one "arm" is the whole study; the others are comparison cohorts
    if len(study_arms) < 2:
        hint = any(_MULTI_ARM.search(s.text) for s in doc.sentences
                   if s.section_kind in ("abstract", "methods", "front", "title"))
        if hint or (len(study_arms) == 1 and not whole):
            return None
    return study_arms


def trial_dose_passages(doc: Document, arms: list[Arm], repairs: dict[str, str]) -> list[RegimenMention]:
    """The dose passages of :func:`extract_dose_passages` for ``arms``, without those in the discussion, the
    introduction or the references (section kinds as repaired: a discussion after an inline heading)."""
    import bisect

    passages = extract_dose_passages(doc, arms)
    start_kind = {s.span.char_start: repairs.get(s.id, s.section_kind) for s in doc.sentences}
    starts = sorted(start_kind)

    def kind_at(offset: int) -> str:
        i = bisect.bisect_right(starts, offset) - 1
        return start_kind[starts[i]] if i >= 0 else "other"

    return [p for p in passages if kind_at(p.provenance.span.char_start) not in _NOT_TRIAL]


def dose_finding_wording(doc: Document) -> bool:
    """The article's first 200 sentences speak of dose levels, escalation, dose finding or a phase I design."""
    return bool(_DOSE_FINDING.search(" ".join(s.text for s in doc.sentences[:200])))
