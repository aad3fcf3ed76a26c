"""The meta-analyst's numbers read from a sentence: '2 of 18 in the cemented group and
0 of 27 in the TM group', 'in the clonidine group 105 ± 30.8 ... the midazolam group
165 ± 34.5', '87% (26/30), 20% (6/30) ... in group N, group L ..., respectively'.

Quantities come from :func:`trialaudit.extractor.quantities.find_quantities`; this module
only decides which quantity belongs to which arm, and does so only when the sentence's
layout says it unambiguously:

- with 'respectively', the i-th value belongs to the i-th group named, when the sentence
  names as many groups as it gives values, or the list of groups after the last value
  does (the study's other groups and the article's two-letter abbreviations of groups
  hold their places in the list);
- otherwise values and arm mentions must alternate, every value attached to its arm
  the same way ('value in arm' or 'arm value'); a sentence that reads both ways with
  different results, or where a value has no arm of its own, gives nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.study.meta_labels import _LABEL, label_key
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.quantities import Quantity

BINARY_KINDS = {"fraction", "count_percent", "count"}
CONT_KINDS = {"mean_sd"}
_PERSONS = re.compile(r"^\s*(?:of\s+(?:the\s+)?)?(patients|participants|subjects|women|men|children|infants|"
                      r"cases|people|persons|individuals|mothers|neonates|students|respondents)\b", re.I)
_NOT_SD = re.compile(r"\b(median|iqr|interquartile|s\.?e\.?m?\b|standard error|95\s*%|ci\b|confidence|range)", re.I)
_SECTIONS = {"abstract", "results", "conclusion", "other"}
_MEAN_WORD = re.compile(r"\bmean\b", re.I)
_NOT_MEAN = re.compile(r"\b(median|difference|ratio|odds|hazard|relative risk|change|reduction)\b", re.I)
_ALT_MIN_CHARS = 3
_ALT_MAX_WORDS = 4


@dataclass
class Mention:
    arm: str          # "i" (intervention), "c" (comparator) or "o" (another group)
    start: int
    end: int


@dataclass
class TextPair:
    sentence: Sentence
    intervention: Quantity
    comparator: Quantity
    how: str          # "respectively" / "value then arm" / "arm then value"


_MICRO_UNIT = re.compile(r"^mc(g|l|mol|m)$")


def _token_pattern(tok: str) -> str:
    m = _MICRO_UNIT.match(tok)
    if m:   # normalised 'mcg' is printed 'µg', 'μg', 'mcg' or 'ug'
        return r"(?:mc|µ|μ|u)" + m.group(1)
    return re.escape(tok)


def _alt_pattern(alt: str, short: dict[str, str] | None = None) -> re.Pattern | None:
    """The pattern of one arm wording in a sentence; a wording shorter than three characters
    only when it is an abbreviation the article defines (``short``: lower-case -> printed),
    matched as printed ('WA', not 'wa')."""
    if alt.startswith("group:"):
        letter = alt.split(":", 1)[1]
        return re.compile(rf"\b(?:control\s+)?groups?\s+{re.escape(letter)}\b", re.I)
    toks = alt.split()
    if short and alt in short and len(toks) == 1:
        return re.compile(r"(?<![\w-])" + re.escape(short[alt]) + r"(?![\w-])")
    if not toks or len(toks) > _ALT_MAX_WORDS or len(alt) < _ALT_MIN_CHARS or alt.replace(" ", "").isdigit():
        return None
    return re.compile(r"(?<![\w-])" + r"[\s\-]+(?:(?:the|of|and|with|in)\s+)?".join(map(_token_pattern, toks))
                      + r"(?![\w-])", re.I)


_GROUP_PHRASE = re.compile(r"((?:[\w+\-’'./%]+\s+){1,4}?)(?:groups?|arms?|patients|cohorts?)\b", re.I)
_PHRASE_STOP = {"the", "in", "of", "for", "and", "vs", "versus", "than", "to", "with", "a", "an", "both", "two",
                "each", "all", "that", "was", "were", "who", "received", "receiving", "compared", "from", "on"}


def _phrase_mentions(text: str, arm_of_phrase) -> list[Mention]:
    """'in the TAP group', 'the clonidine group': the words before 'group' name an arm when
    ``arm_of_phrase`` says which."""
    out = []
    for m in _GROUP_PHRASE.finditer(text):
        words = m.group(1).split()
        # the longest tail of the words before 'group' that names exactly one arm
        for k in range(len(words), 0, -1):
            tail = [w for w in words[-k:]]
            if tail[0].lower() in _PHRASE_STOP:
                continue
            arm = arm_of_phrase(" ".join(tail))
            if arm:
                start = m.start(1) + len(" ".join(words[:-k])) + (1 if len(words) > k else 0)
                out.append(Mention(arm, start, m.end()))
                break
    return out


def _mentions(text: str, int_alts: Iterable[str], cmp_alts: Iterable[str], arm_of_phrase=None,
              other_alts: Iterable[str] = (), short: dict[str, str] | None = None) -> list[Mention]:
    """The places ``text`` names the intervention ("i"), the comparator ("c") or another of
    the study's groups ("o": ``other_alts``, or a group label that is neither arm's); an
    "o" place that overlaps an "i" or "c" one is not another group."""
    raw: list[Mention] = [] if arm_of_phrase is None else _phrase_mentions(text, arm_of_phrase)
    for arm, alts in (("i", int_alts), ("c", cmp_alts)):
        for alt in alts:
            pat = _alt_pattern(alt, short)
            if pat is None:
                continue
            raw.extend(Mention(arm, m.start(), m.end()) for m in pat.finditer(text))
    for alt in other_alts:
        pat = _alt_pattern(alt, short)
        if pat is None:
            continue
        raw.extend(Mention("o", m.start(), m.end()) for m in pat.finditer(text)
                   if not any(r.arm != "o" and r.start < m.end() and m.start() < r.end for r in raw))
    # a mention inside a longer one of the other arm ('phone calls' in 'no phone calls') is not one
    kept = [m for m in raw if not any(o.arm != m.arm and o.start <= m.start and m.end <= o.end
                                      and (o.end - o.start) > (m.end - m.start) for o in raw)]
    # other groups named by a label ('group K') that is not one of the two arms
    own = {a for a in [*int_alts, *cmp_alts] if a.startswith("group:")}
    for m in _LABEL.finditer(text):
        if label_key(m.group(1)) not in own and m.group(1) not in ("a", "i"):
            kept.append(Mention("o", m.start(), m.end()))
    kept.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for m in kept:   # one mention per place: the longest
        if out and m.start < out[-1].end:
            if out[-1].arm != m.arm and (m.end - m.start) == (out[-1].end - out[-1].start):
                return []   # the same words name both arms: unclear
            continue
        out.append(m)
    return out


def _values(text: str, otype: str) -> list[Quantity]:
    out = []
    for q in find_quantities(text):
        if otype == "binary":
            if q.kind in ("fraction", "count_percent"):
                out.append(q)
            elif q.kind == "count" and q.value is not None and q.value.decimals == 0 \
                    and _PERSONS.match(text[q.end:q.end + 30]):
                out.append(q)
            elif q.kind == "percent":
                out.append(q)      # holds a place in a 'respectively' list; never answers
        elif q.kind == "mean_sd" and q.sd is not None and q.interval in (None, "sd", "unspecified"):
            out.append(q)
        elif q.kind == "estimate_ci" and q.ratio_type is None and q.low is not None and q.high is not None \
                and _MEAN_WORD.search(text) and not _NOT_MEAN.search(text):
            out.append(q)   # a mean with its CI: the SD is derived from the CI
    return out


def _usable(q: Quantity, otype: str) -> bool:
    return True   # a percentage alone answers when the arm's size rebuilds one count (meta._text_arm)


def _pair_respectively(vals: list[Quantity], ments: list[Mention], text: str) -> tuple[Quantity, Quantity] | None:
    r = text.lower().rfind("respectively")
    if r < 0:
        return None
    vals = [v for v in vals if v.end <= r]
    ments = [m for m in ments if m.end <= r]
    if len(vals) >= 2 and len(vals) != len(ments):
        # 'longer in those given WA ..., 49.4, 47.5 and 26.5 in AJ, WGJ and WA respectively':
        # the list of groups after the last value, when it names as many groups
        ments = [m for m in ments if m.start >= vals[-1].end]
    if len(vals) < 2 or len(vals) != len(ments):
        return None
    got = {}
    for v, m in zip(vals, ments):
        if m.arm in got and m.arm != "o":
            return None   # an asked arm named twice in the list (several other groups may be)
        got[m.arm] = v
    if "i" in got and "c" in got:
        return got["i"], got["c"]
    return None


def _pair_layout(vals: list[Quantity], ments: list[Mention]) -> tuple[Quantity, Quantity] | None:
    items = sorted([(v.start, "v", v) for v in vals] + [(m.start, "m", m) for m in ments], key=lambda x: x[0])
    results = []
    for forward in (True, False):   # value then its arm / arm then its value
        got: dict[str, Quantity] = {}
        ok = True
        for k, (_, kind, v) in enumerate(items):
            if kind != "v":
                continue
            j = k + 1 if forward else k - 1
            nb = items[j] if 0 <= j < len(items) else None
            if nb is None or nb[1] != "m" or nb[2].arm in got:
                ok = False
                break
            got[nb[2].arm] = v
        if ok and "i" in got and "c" in got and len(got) == len(vals):
            results.append((got["i"], got["c"]))
    if len(results) == 1:
        return results[0]
    if len(results) == 2 and results[0] == results[1]:
        return results[0]
    return None


_VERSUS = re.compile(r"^\s*(?:vs\.?|versus|and|compared\s+(?:with|to))\s*$", re.I)
_COMPARES = re.compile(r"\b(?:than|compared\s+(?:with|to)|versus|vs\.?|relative\s+to|and)\b", re.I)


def _pair_in_mention_order(vals: list[Quantity], ments: list[Mention], text: str
                           ) -> tuple[Quantity, Quantity] | None:
    """'lower in the phone calls group than in the no phone calls group (4 vs. 30; p<0.01)':
    both arms named once, compared, then two values joined by 'vs' / 'versus' / 'and' and
    nothing else: the values follow the order the arms were named."""
    if len(vals) != 2 or len(ments) != 2 or {m.arm for m in ments} != {"i", "c"}:
        return None
    first, second = sorted(ments, key=lambda m: m.start)
    v1, v2 = sorted(vals, key=lambda v: v.start)
    if not (second.end <= v1.start) or not _COMPARES.search(text[first.end:second.start]):
        return None
    if not _VERSUS.match(re.sub(r"[(),;:]", " ", text[v1.end:v2.start])):
        return None
    got = {first.arm: v1, second.arm: v2}
    return got["i"], got["c"]


_PERSONS_BEFORE = re.compile(r"\b(?:fewer|more|number\s+of|proportion\s+of)\s+(?:the\s+)?(patients|participants|subjects|"
                             r"women|men|children|infants|people|persons|individuals|mothers|neonates|students|"
                             r"respondents)\b", re.I)


def _persons_counts(text: str, otype: str) -> list[Quantity]:
    """Bare whole numbers of a sentence that counts persons before them ('fewer patients in
    the X group discontinued ... (4 vs. 30)'): the two counts of a comparison in mention order."""
    if otype != "binary":
        return []
    counts = [q for q in find_quantities(text) if q.kind == "count" and q.value is not None
              and q.value.decimals == 0]
    if len(counts) != 2 or not _PERSONS_BEFORE.search(text[:counts[0].start]):
        return []
    return counts


def pairs_in_sentence(s: Sentence, otype: str, int_alts: list[str], cmp_alts: list[str],
                      arm_of_phrase=None, other_alts: Iterable[str] = (),
                      short: dict[str, str] | None = None) -> TextPair | None:
    text = s.text
    vals = _values(text, otype)
    if len(vals) < 2 and not _persons_counts(text, otype):
        return None
    ments = _mentions(text, int_alts, cmp_alts, arm_of_phrase, other_alts, short)
    if not any(m.arm == "i" for m in ments) or not any(m.arm == "c" for m in ments):
        return None
    got = _pair_respectively(vals, ments, text)
    how = "respectively"
    if got is None and "respectively" not in text.lower():
        got = _pair_layout(vals, ments)
        how = "layout"
        if got is None:
            got = _pair_in_mention_order(vals if len(vals) == 2 else _persons_counts(text, otype), ments, text)
            how = "arms then 'vs'"
    if got is None or not all(_usable(q, otype) for q in got):
        return None
    return TextPair(s, got[0], got[1], how)


def _lead_in(text: str, p: TextPair, otype: str) -> str:
    """The words before the pair's first value, back to the quantity before it (a bare number
    such as '5 years' is no boundary): the outcome
    must be named there ('the incidence of RDS was 42/402 ... as was the severity of X (1.02)'
    gives the counts of RDS, not of X)."""
    first = min([p.intervention.start, p.comparator.start] + [v.start for v in _values(text, otype)])
    prev = max((q.end for q in find_quantities(text) if q.end <= first and q.kind not in ("count", "p_value")),
               default=0)   # nor is a P value ('X was longer (p = 0.006), the mean ... was 49.4 ± 32.6')
    return text[prev:first]


def text_pairs(doc: Document, relevant, otype: str, int_alts: list[str], cmp_alts: list[str],
               arm_of_phrase=None, other_alts: Iterable[str] = (),
               short: dict[str, str] | None = None) -> list[TextPair]:
    """Every sentence for which ``relevant(sentence_text)`` holds and whose values pair
    with the two arms (``other_alts``: wordings of the study's other groups, which hold
    places in a 'respectively' list; ``short``: the article's abbreviations of fewer
    than three letters, lower-case -> printed)."""
    out = []
    for s in doc.sentences:
        if s.section_kind not in _SECTIONS or not relevant(s.text):
            continue
        p = pairs_in_sentence(s, otype, int_alts, cmp_alts, arm_of_phrase, other_alts, short)
        if p is not None and relevant(_lead_in(s.text, p, otype)):
            out.append(p)
    return out
