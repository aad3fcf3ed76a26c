"""Claims of significance in sentences (``Study.significance_claims``).

A clause that calls a difference significant ("significantly longer", "a statistically significant
improvement", "reached significance"), not significant ("no significant difference", "did not reach
statistical significance") or, in softer words, absent ("did not differ", "comparable", "similar"), with the
quantities printed in the same clause (its P values, test statistics, ratios with their intervals,
percentages) and the tables the sentence cites. TA210 compares each claim with that evidence.

Clauses are split at ';', 'whereas', 'while', 'although' and 'but' (not 'but also'; top level, outside brackets),
before "and thereafter/then/later", before "and there/the/no ..." after a closing bracket (the bracket of
evidence ends one claim: "... decreased (P<0.05; Fig. 2) and there was no significant change in ..."), after a
sentence-opening "Although/While ..., " clause, and before footnote legends ("* P < 0.05 versus ...", which
define markers). A clause is not read as a claim when its wording is hedged ("marginally", "trend towards",
"borderline"), when it makes an exception ("except", "apart from"), when a negative claim is limited in time
("not significant until week 8"), when a second claim of the other sign follows a negative one, when a
"none of ..." negation only the looser patterns see would be misread, or when "any significant" stands without
a negation ("There were any significant difference", a word lost). Contractions ("didn't", "wasn’t") and "were unable
to", "could not", "cannot" negate. Sentences outside the abstract,
results, discussion, conclusion, figure and table text, and sentences that define the significance level
("P < 0.05 was considered significant"), are not read.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.textutil import split_top_level
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import SignificanceClaim

__all__ = ["extract_significance_claims", "clauses", "claim_kind"]

_SECTIONS = ("abstract", "results", "discussion", "conclusion", "other", "figure", "table")
_TABLE_CITE = re.compile(r"\bTables?\s+(\d+|[IVXL]+)\b", re.I)
_CLAUSE_SPLIT = re.compile(r";|,\s*(?:whereas|while|but|although)\s+|\s+(?:whereas|while|although|though)\s+|"
                           r",\s*and\s+(?=(?:the|a|an|no)\s)|"
                           # "... significantly decreased (P<0.05; Fig. 2) and there was no significant change in
                           # ...": a bracket of evidence closes one claim, "and there/the/no ..." opens the next
                           r"(?<=[)\]}])\s+and\s+(?=(?:there|the|a|an|no)\s)|"
                           # "... after insertion, and thereafter it was insignificant": a later time, a new claim
                           r",?\s*and\s+(?=(?:thereafter|then|afterwards|subsequently|later)\b)|"
                           r"(?<=[)\]}])\s*but\s+|\s+but\s+(?!also\b)")
_NEG = re.compile(
    r"\b(?:no|not|non|without|neither|nor|never|lack(?:ed)?\s+of|absence\s+of|fail(?:ed|s)?\s+to|did\s+not|does\s+not|"
    r"(?:were|was|are|is)\s+unable\s+to|could\s+not|cannot|"
    r"do\s+not|was\s+not|were\s+not|is\s+not|are\s+not)\b(?:(?!\band\b|\bbut\b|\bwhereas\b)[^.;,]){0,40}?"
    r"\b(?:statistical(?:ly)?\s+)?significan|"
    # contractions: "didn't show any significant changes", "wasn’t significant" (no word boundary before "n't")
    r"n['’]t\b(?:(?!\band\b|\bbut\b|\bwhereas\b)[^.;,]){0,40}?"
    r"\b(?:statistical(?:ly)?\s+)?significan|"
    r"\bnon-?significant(?:ly)?\b|\binsignificant(?:ly)?\b|\bnot\s+(?:statistically\s+)?significant|"
    r"\b(?:no|nor|not|without|little)\b[^.;]{0,20}\bevidence\b[^.;]{0,160}?\bsignifican",
    re.I)
_NEG_SOFT = re.compile(r"\b(?:did|do|does)\s+not\s+differ|\bno\s+(?:statistical\s+)?difference|\bcomparable\b|"
                       r"\bsimilar\b|\bwell[- ]balanced\b|\bbalanced\b", re.I)
_POS = re.compile(r"\b(?:statistically\s+)?significant(?:ly)?\b|\breached\s+(?:statistical\s+)?significance", re.I)
_HEDGE = re.compile(r"marginal(?:ly)?|borderline|trend(?:ed|ing)?\s+(?:toward|to)|approach(?:ed|ing)?\s+"
                    r"(?:statistical\s+)?significance|tend(?:ed|ency)|near(?:ly)?[- ]significant|not\s+so\s+significant|"
                    r"\btrend\b", re.I)
#: a footnote legend starts here: a marker, then a P threshold ("* p < 0.05, intragroup ...", "a P<0.05 versus
#: Group A"); a legend defines what a marker means in a table, it is no evidence for the text around it
_LEGEND = re.compile(r"(?:^|(?<=[\s.;,]))(?:[a-z]|[*†‡§¶#]{1,3})\s*(?=[Pp]\s*(?:[<≤]|-?\s*values?\b))")
#: a sentence that opens with a subordinate clause ("Although X differed (P = .005), Y was not different"):
#: the two clauses make two claims about two comparisons
_SUBORDINATE = re.compile(r"^\s*(?:although|though|even\s+though|while|whereas)\b", re.I)
_EXCEPT = re.compile(r"\bexcept\b|\bapart from\b|\bother than\b|\bwith the exception\b|\bexcluding\b|\bsave for\b",
                     re.I)
#: the wordings that state a claim unambiguously; a clause that only matches the looser
#: patterns above ("no phone calls ... significantly lower", "significant health outcomes",
#: "None of ... changed significantly") is skipped rather than guessed
_NEG_STRICT = re.compile(
    r"\b(?:no|not|nor|without)\s+(?:a\s+)?(?:statistically\s+)?significant(?:ly)?\b|\bnon-?significant(?:ly)?\b|"
    r"\binsignificant(?:ly)?\b|\b(?:did|do|does|was|were|is|are)(?:\s+not|n['’]t)\s+(?:\w+\s+)?(?:any\s+)?"
    r"(?:statistically\s+)?significant(?:ly)?\b|\bfail(?:ed|s)?\s+to\s+reach\s+(?:statistical\s+)?significance|"
    # "we were unable to find statistically significant differences", "could not detect any significant change"
    r"\b(?:(?:were|was|are|is)\s+unable\s+to|could\s+not|cannot|fail(?:ed|s)?\s+to|did\s+not)\s+"
    r"(?:find|detect|show|demonstrate|observe|identify|establish)\s+(?:any\s+|a\s+)?(?:statistically\s+)?"
    r"significant(?:ly)?\b", re.I)
_POS_STRICT = re.compile(
    r"\b(?:statistically\s+)?significantly\b|\b(?:statistically\s+)?significant\s+(?:\w+\s+){0,2}?"
    r"(?:differences?|effects?|associations?|improvements?|reductions?|increases?|decreases?|changes?|"
    r"correlations?|benefits?|interactions?|declines?|gains?)\b|\breached\s+(?:statistical\s+)?significance|"
    r"\b(?:was|were|is|are|be|been|remained)\s+(?:statistically\s+)?significant\b", re.I)
_NONE_OF = re.compile(r"\b(?:none|neither)\b", re.I)
_ANY = re.compile(r"\bany\s+(?:\w+\s+)?(?:statistically\s+)?significan", re.I)
#: a negative claim limited in time ("not significant until week 8", "... up to 12 months"): it turns positive later
_UNTIL = re.compile(r"\b(?:until|till|up\s+to)\b", re.I)  # not "before": "no difference before treatment (P = ...)"
_TOPIC = re.compile(r"significan|differ|comparable|similar|balanced", re.I)
_DEFINITION = re.compile(r"\bconsidered\b|\bdefined\b|\bthreshold\b|\bset at\b|\blevel of significance\b", re.I)


def clauses(text: str) -> list[tuple[int, int]]:
    """The clauses a claim and its evidence must share: split at ';', 'whereas', 'while', 'but' (top level),
    after a sentence-opening subordinate clause, and before every footnote legend."""
    spans = split_top_level(text, _CLAUSE_SPLIT)
    if spans and _SUBORDINATE.match(text[spans[0][0]:spans[0][1]]):
        a, b = spans[0]
        parts = split_top_level(text[a:b], ",")
        if len(parts) > 1:
            cut = a + parts[0][1]
            spans = [(a, cut), (cut + 1, b)] + spans[1:]
    out: list[tuple[int, int]] = []
    for a, b in spans:
        cuts = [a] + [a + m.start() for m in _LEGEND.finditer(text[a:b]) if m.start() > 0] + [b]
        out += [(x, y) for x, y in zip(cuts, cuts[1:]) if text[x:y].strip()]
    return out


def claim_kind(clause: str) -> str | None:
    """``"sig"``, ``"ns"`` (strict wording), ``"ns-soft"`` ("did not differ", "comparable") or None (no claim,
    or one that cannot be read without guessing)."""
    if _HEDGE.search(clause):
        return None
    if _NEG.search(clause):
        neg = _NEG_STRICT.search(clause)
        if neg is None:
            return None
        if _UNTIL.search(clause, neg.end()):
            # "no significant difference ... until 8 weeks after treatment (P = 0.017)": not significant before a
            # time point, significant from it on; the P printed is the later one's
            return None
        if any(m.start() >= neg.end() for m in _POS_STRICT.finditer(clause)):
            # "X was not significantly different, Y and Z were significantly reduced (P < 0.01)": a second claim,
            # of the other sign, on another comparison in the same clause; its evidence is not the first's
            return None
        return "ns"
    if _POS.search(clause):
        if _NONE_OF.search(clause):
            return None  # "None of the scores changed significantly": a negation _NEG does not see
        if _ANY.search(clause):
            # "There were any significant difference (P = 0.310)": "any" belongs to a negation or a question
            # ("whether any ..."); without one the sentence lost a word, and its sign cannot be read
            return None
        return "sig" if _POS_STRICT.search(clause) else None
    if _NEG_SOFT.search(clause):
        return "ns-soft"
    return None


def extract_significance_claims(doc: Document) -> list[SignificanceClaim]:
    """Every claim of significance (or of its absence) in a clause, in reading order."""
    out: list[SignificanceClaim] = []
    for sent in doc.sentences:
        if sent.section_kind not in _SECTIONS:
            continue
        text = sent.text
        if not _TOPIC.search(text) or _DEFINITION.search(text):
            continue
        qs = None
        cited = sorted({m.group(1).upper() for m in _TABLE_CITE.finditer(text)})
        for a, b in clauses(text):
            clause = text[a:b]
            kind = claim_kind(clause)
            if kind is None or _EXCEPT.search(clause):
                continue
            if qs is None:
                qs = find_quantities(text)
            words = (_POS if kind == "sig" else (_NEG if kind == "ns" else _NEG_SOFT)).search(clause)
            strict = _NEG_STRICT.search(clause) if kind == "ns" else None
            w_start, w_end = (a + words.start(), a + words.end()) if words else (a, b)
            out.append(SignificanceClaim(
                claim=kind, sentence=sent.id, section=sent.section_kind, clause=clause, start=a, end=b,
                wording=text[w_start:w_end] if words else "", wording_start=w_start, wording_end=w_end,
                negation=strict.group(0) if strict else None,
                negation_start=a + strict.start() if strict else None,
                quantities=[q for q in qs if a <= q.start < b], cited_tables=cited,
                evidence=sentence_evidence(doc, sent, w_start, w_end, role="claim")))
    return out
