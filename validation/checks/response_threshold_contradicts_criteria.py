"""TA403 response-threshold-contradicts-criteria."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

import yaml

from trialaudit.extractor.study._util import Prefilter, fold_case
from trialaudit.schemas.document import Sentence
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_CAT = {
    "PR": re.compile(r"\b(?:partial\s+(?:response|remission)|PR)\b(?:\s*\((?:PR)\))?", re.I),
    "PD": re.compile(r"\b(?:progressive\s+disease|disease\s+progression|PD)\b(?!-)(?:\s*\((?:PD)\))?", re.I),
}
_ANY_CAT = re.compile(r"\b(?:complete\s+(?:response|remission)|partial\s+(?:response|remission)|stable\s+disease|"
                      r"progressive\s+disease|CR|PR|SD|PD)\b(?!-)", re.I)
_PCT = re.compile(r"(?P<cmp>≥|>=|>|at\s+least|more\s+than|over|greater\s+than|exceeding|of\s+at\s+least|by\s+at\s+least|"
                  r"by\s+more\s+than|by|of)?\s*(?P<v>\d{1,3}(?:\.\d+)?)\s*%")
_DOWN = re.compile(r"\b(?:decreas\w*|reduc\w*|shrink\w*|declin\w*|regress\w*|diminish\w*|diminution|smaller|drop)\b", re.I)
_UP = re.compile(r"\b(?:increas\w*|enlarg\w*|grow\w*|larger|rise|rising|progress\w*)\b", re.I)
_DEF_LEAD = re.compile(r"^\s*(?:\([A-Z]{2}\))?\s*(?::|=|–|-|,|was\s+defined\s+as|were\s+defined\s+as|defined\s+as|as|"
                       r"is|was|means|referred\s+to|refers\s+to|indicat\w+|required|requires|i\.e\.)", re.I)
_NOT_THRESHOLD = re.compile(r"^\s*(?:of\s+(?:the\s+)?(?:patients|participants|cases|subjects)|CI\b|confidence)", re.I)
_MODIFIED = re.compile(r"\bmodif\w*|adapted|adjusted\b", re.I)


@dataclass
class Criterion:
    name: str
    pattern: re.Pattern
    pr: list[float]
    pd: list[float]
    measure: str
    source: str


@lru_cache(maxsize=1)
def criteria() -> list[Criterion]:
    raw = resources.files("trialaudit.validation").joinpath("data", "response_criteria.yaml").read_text(encoding="utf-8")
    out = []
    for c in yaml.safe_load(raw)["criteria"]:
        out.append(Criterion(c["name"], re.compile(c["pattern"], re.I if c["name"] != "RECIST" else 0),
                             [float(x) for x in c["pr"]], [float(x) for x in c["pd"]], c.get("measure", ""),
                             c["source"]))
    return out


@rule(code="TA403", name="response-threshold-contradicts-criteria", severity="error", family="plausibility")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A response definition uses a threshold that contradicts the response criteria the article cites.

    What it checks:
        The article's own definitions of partial response and progressive
        disease ("Partial response (PR): reduction in target lesion size by
        more than 50%"; "PD was defined as a ≥20% increase ...") are compared
        with the thresholds of the criteria the article says it used:
        RECIST 1.0/1.1, mRECIST and iRECIST (PR ≥30% decrease, PD ≥20%
        increase), WHO criteria, irRC, RANO and EASL (PR ≥50%, PD ≥25%),
        Lugano (PR ≥50%), Choi (PR ≥10% size or ≥15% density), PERCIST and
        EORTC PET. The criteria and their sources are in
        ``validation/data/response_criteria.yaml``. A threshold that matches
        none of the cited criteria is flagged with both passages; "more
        than" versus "at least" is not judged, only the percentage.

    Why it matters:
        Response rates are only comparable across trials when the criteria
        are those stated: a PR defined as >50% shrinkage under "RECIST"
        classifies many RECIST partial responses as stable disease, so the
        ORR and DCR cannot be interpreted, and it suggests the methods text
        was assembled from another source.

    Example:
        "Clinical efficacy was evaluated according to the RECIST guidelines"
        and "Partial response (PR): reduction in target lesion size by more
        than 50%": RECIST defines PR as a ≥30% decrease in the sum of
        diameters; 50% is the WHO threshold (error).

    Known limitations:
        Only PR and PD percentage thresholds are checked (not durations,
        the 5-mm rule, or confirmation rules); an article that cites no
        criteria, or cites several with different thresholds, is judged
        against all of them and flagged only when the threshold fits none;
        a definition described as "modified" gives a warning.
    """
    sents = [s for s in ctx.document.sentences if s.section_kind not in ("references", "declarations")]
    cited: dict[str, tuple[Criterion, Sentence, re.Match]] = {}
    for s in sents:
        low = fold_case(s.text)
        for c, pf in _prefilters():
            if c.name in cited or not pf.possible(s.text, low):
                continue
            m = c.pattern.search(s.text)
            if m and c.name not in cited:
                cited[c.name] = (c, s, m)
    if not cited:
        return
    for s in sents:
        if s.section_kind in ("introduction", "discussion"):
            continue
        for cat, threshold, start, end in _definitions(s.text):
            allowed = [c for c, _, _ in cited.values() if threshold in (c.pr if cat == "PR" else c.pd)]
            if allowed:
                continue
            names = ", ".join(cited)
            expect = "; ".join(f"{c.name}: {'PR ≥' if cat == 'PR' else 'PD ≥'}"
                               f"{'/'.join(f'{v:g}' for v in (c.pr if cat == 'PR' else c.pd))}% "
                               f"{'decrease' if cat == 'PR' else 'increase'} ({c.measure})" for c, _, _ in cited.values())
            other = [c.name for c in criteria() if threshold in (c.pr if cat == "PR" else c.pd) and c.name not in cited]
            modified = any(_MODIFIED.search(cs.text[max(0, m.start() - 40):m.end() + 40]) for _, cs, m in cited.values())
            ev = [ctx.sentence_evidence(s, start, end, role="definition")]
            for c, cs, m in cited.values():
                e = ctx.sentence_evidence(cs, m.start(), m.end(), role="criteria cited")
                if all(e.quote != x.quote for x in ev):
                    ev.append(e)
            word = "decrease" if cat == "PR" else "increase"
            label = "partial response" if cat == "PR" else "progressive disease"
            yield ctx.finding(
                "TA403", severity="warning" if modified else "error",
                message=f"The article defines {label} by a {threshold:g}% {word}, but it cites {names}, whose "
                        f"threshold is {_cited_thresholds(cited, cat)}"
                        f"{f' ({threshold:g}% is the threshold of ' + _names(other) + ')' if other else ''}.",
                observed=f"{cat}: {threshold:g}% {word}", expected=expect,
                computation=f"definition '{s.text[start:end].strip()}' vs the cited criteria — {expect}. Sources: "
                            + " | ".join(c.source for c, _, _ in cited.values()),
                evidence=ev, key=f"{cat}|{threshold:g}|{names}",
                details={"category": cat, "threshold": threshold, "cited": list(cited), "also_matches": other})


@lru_cache(maxsize=1)
def _prefilters() -> list[tuple[Criterion, Prefilter]]:
    """Each criterion with the words its pattern needs: most sentences skip the regexes."""
    return [(c, Prefilter(c.pattern)) for c in criteria()]


def _names(names: list[str]) -> str:
    names = names[:3]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cited_thresholds(cited, cat: str) -> str:
    vals = sorted({v for c, _, _ in cited.values() for v in (c.pr if cat == "PR" else c.pd)})
    return " or ".join(f"≥{v:g}%" for v in vals)


def _definitions(text: str) -> list[tuple[str, float, int, int]]:
    """(category, threshold %, start, end) for PR/PD definitions with a percentage threshold."""
    out: list[tuple[str, float, int, int]] = []
    if "%" not in text:  # every threshold is a percentage
        return out
    cats = sorted(((m.start(), m.end()) for m in _ANY_CAT.finditer(text)))
    for cat, rx in _CAT.items():
        for m in rx.finditer(text):
            nxt = min([a for a, _ in cats if a >= m.end()] + [len(text)])
            seg = text[m.end():min(nxt, m.end() + 160)]
            if not _DEF_LEAD.match(seg):
                continue
            for p in _PCT.finditer(seg):
                if p.start() > 110 or _NOT_THRESHOLD.match(seg[p.end():]):
                    continue
                around = seg[max(0, p.start() - 60):p.end() + 60]
                if re.search(r"necros|viable\s+tumou?r\s+cells|marker|CA-?\s?125|PSA|M-?protein|SUV", around, re.I):
                    continue  # histological or biochemical response, not tumour size
                direction = _DOWN.search(around) if cat == "PR" else _UP.search(around)
                if not direction:
                    continue
                out.append((cat, float(p.group("v")), m.start(), m.end() + p.end()))
                break
    return out
