"""Two-group tests printed in sentences, and the numbers each may come from (``Study.text_tests``).

A sentence such as "the ORR was 32.1% (17/53) with apatinib plus IE versus 25.0% (7/28) with IE alone
(P = 0.04)" or "weight fell by 4.1 ± 2.0 kg in the diet group and 2.9 ± 2.2 kg in the control group
(t = 2.1, P = 0.04)" prints a between-group test beside the summary numbers it was computed from. This
module reads them once, for the statistical rules (TA202 recomputes the χ² and Fisher tests of the two
proportions, TA203 Student's and Welch's t from the two means and SDs):

* ``kind="proportions"``: exactly two ``k/N`` in the sentence, then one P (or a χ² with its P), no other
  test before it, and either two arms named or "vs", "versus", "compared", "against" between the two;
* ``kind="means"``: exactly two ``mean ± SD``, then a t and/or a P, and exactly two arms of known size
  named in the sentence (their sizes are assigned by order of mention, so both orders are tried).

Sentences of the introduction, methods and statistics (and non-result sections) are not read for
proportions; means are read wherever results may be reported.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import Arm, CountTable, PrintedPValue, PrintedStatistic, TextTest

from .arms import arm_mentions
from .ratios import NON_RESULT_SECTIONS, p_after
from .spread import article_spread, sentence_spread

__all__ = ["extract_text_tests"]

_NOT_RESULTS = (*NON_RESULT_SECTIONS, "introduction", "methods", "statistics")
_BETWEEN_GROUPS = re.compile(r"\bvs\.?|\bversus\b|\bcompared\b|\bagainst\b", re.I)


def extract_text_tests(doc: Document, arms: list[Arm]) -> list[TextTest]:
    """Every two-group test printed in a sentence with the proportions or means it compares."""
    groups = [a for a in arms if not a.is_total]
    sized = [a for a in groups if a.n]
    out: list[TextTest] = []
    article: list[str] | None = None   # what the methods call the "±" of their means
    for sent in doc.sentences:
        if sent.section_kind in NON_RESULT_SECTIONS:
            continue
        qs = find_quantities(sent.text)
        if sent.section_kind not in _NOT_RESULTS:
            t = _proportions(doc, sent, qs, groups)
            if t is not None:
                out.append(t)
        t = _means(doc, sent, qs, sized)
        if t is not None:
            if article is None:
                article = article_spread(doc)[0]
            t.spread = sentence_spread(sent.text, article)
            out.append(t)
    return out


def _p_fact(q: Quantity, sent: Sentence, doc: Document) -> PrintedPValue | None:
    if q.p is None:
        return None
    return PrintedPValue(value=q.p, operator=q.p_operator or "=",
                         evidence=sentence_evidence(doc, sent, q.start, q.end, role="p-value"))


def _proportions(doc: Document, sent: Sentence, qs: list[Quantity], arms: list[Arm]) -> TextTest | None:
    """'ORR was 32.1% (17/53) vs 25.0% (7/28), P = 0.61'."""
    fr = [i for i, q in enumerate(qs) if q.kind == "fraction" and q.count is not None and q.denominator is not None
          and q.count.decimals == 0 and 0 <= q.count.value <= q.denominator.value and q.denominator.value > 0]
    if len(fr) != 2:
        return None
    after = [i for i in range(fr[1] + 1, len(qs)) if qs[i].kind in ("p_value", "test_stat")]
    if len(after) != 1:
        return None
    pq = qs[after[0]]
    if any(qs[i].kind in ("p_value", "test_stat", "ratio") for i in range(0, after[0]) if i not in fr):
        return None
    if pq.kind == "test_stat" and (pq.statistic != "chi2" or pq.p is None):
        return None
    a, b = qs[fr[0]], qs[fr[1]]
    if len({m[0].id for m in arm_mentions(sent.text, arms)}) < 2 and \
            not _BETWEEN_GROUPS.search(sent.text[a.end:b.start]):
        return None  # two proportions of one group, not a between-group comparison
    k1, n1 = int(a.count.value), int(a.denominator.value)
    k2, n2 = int(b.count.value), int(b.denominator.value)
    ev = sentence_evidence(doc, sent, a.start, pq.end, role="comparison")
    table = CountTable(counts=[[k1, n1 - k1], [k2, n2 - k2]], categories=["yes", "no"],
                       description=f"{k1}/{n1} vs {k2}/{n2}", evidence=[ev])
    stat = None
    if pq.kind == "test_stat" and pq.stat_value is not None:
        stat = PrintedStatistic(value=pq.stat_value, kind="chi2", evidence=ev)
    return TextTest(kind="proportions", sentence=sent.id, where=f"'{sent.text[a.start:pq.end]}'",
                    quote=sent.text[a.start:pq.end], count_tables=[table], statistic=stat,
                    p=_p_fact(pq, sent, doc), evidence=[ev])


def _means(doc: Document, sent: Sentence, qs: list[Quantity], arms: list[Arm]) -> TextTest | None:
    """'4.1 ± 2.0 kg in the diet group and 2.9 ± 2.2 kg in the control group (t = 2.1, P = 0.04)'."""
    ms = [i for i, q in enumerate(qs) if q.kind == "mean_sd" and q.interval == "sd" and q.value and q.sd]
    if len(ms) != 2:
        return None
    stat, p, end = _t_and_p_after(doc, sent, qs, ms[1])
    if stat is None and p is None:
        return None
    mentioned: list[Arm] = []
    for arm, _, _ in sorted(arm_mentions(sent.text, arms), key=lambda m: m[1]):
        if arm.n and arm.id not in [x.id for x in mentioned]:
            mentioned.append(arm)
    if len(mentioned) != 2:
        return None
    a, b = qs[ms[0]], qs[ms[1]]
    ev = sentence_evidence(doc, sent, a.start, end, role="comparison")
    return TextTest(kind="means", sentence=sent.id, where=f"'{sent.text[a.start:end]}'", quote=sent.text[a.start:end],
                    means=[(a.value, a.sd), (b.value, b.sd)], arm_ids=[x.id for x in mentioned],
                    ns=[int(x.n) for x in mentioned], statistic=stat, p=p, evidence=[ev])


def _t_and_p_after(doc: Document, sent: Sentence, qs: list[Quantity], j: int):
    """(t statistic, P, end of the comparison) of the test right after the quantity ``qs[j]``."""
    stat = p = None
    end = qs[j].end
    nxt = qs[j + 1] if j + 1 < len(qs) else None
    if nxt is not None and nxt.kind == "test_stat" and nxt.statistic == "t" and nxt.stat_value is not None:
        stat = PrintedStatistic(value=nxt.stat_value, kind="t",
                                evidence=sentence_evidence(doc, sent, nxt.start, nxt.end, role="statistic"))
        end = nxt.end
        if nxt.p is not None:
            p = _p_fact(nxt, sent, doc)
        else:
            pq = p_after(qs, j + 1, sent.text)
            if pq is not None:
                p, end = _p_fact(pq, sent, doc), pq.end
    elif nxt is not None and nxt.kind == "p_value":
        pq = p_after(qs, j, sent.text, reach=80)
        if pq is not None:
            p, end = _p_fact(pq, sent, doc), pq.end
    return stat, p, end
