"""TA312 trial-acronym-variant."""
from __future__ import annotations

import re
from typing import Iterator

from extractor.study.registry import find_acronym
from schemas.findings import Finding
from schemas.provenance import Provenance, Span
from validation.context import CheckContext
from validation.registry import rule

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SUFFIX = re.compile(r"^(?P<stem>.*?[A-Za-z][^\s]*?)(?P<sep>[\s\-–]*)(?P<suf>\d+|[IVXL]+)$")


def _value(tok: str) -> int | str:
    if tok.isdigit():
        return int(tok)
    if re.fullmatch(r"[IVXL]+", tok):
        total, prev = 0, 0
        for ch in reversed(tok):
            v = _ROMAN[ch]
            total = total - v if v < prev else total + v
            prev = max(prev, v)
        return total
    return tok.lower()


@rule(code="TA312", name="trial-acronym-variant", severity="warning", family="registry")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The trial's acronym is written with a different number or letters in another place.

    What it checks:
        The trial's name is taken from the title's parenthesis ("… (OAIE/
        PKUPH-sarcoma 11): a randomized phase II study") or, failing that,
        from "trial (NAME)" in the abstract or methods. When the name ends in
        a number or Roman numeral, every other occurrence of its stem in the
        abstract, methods, results, front matter and acknowledgements is
        compared: a different number ("sarcoma II" = 2 against "sarcoma 11")
        is reported. Roman and Arabic forms of the same number ("II" and "2")
        agree.

    Why it matters:
        Trial names are how readers, registries and meta-analyses link
        reports of the same trial; a different number names a different
        trial of the same series.

    Example:
        Title: "(OAIE/PKUPH-sarcoma 11)"; methods: "This multicenter,
        randomized phase II trial (OAIE/PKUPH-sarcoma II) was conducted …" —
        11 vs II (= 2).

    Known limitations:
        Introductions, discussions and sentences with citations are not
        read, because they legitimately name other trials of the same series
        (KEYNOTE-189 vs KEYNOTE-407). Acronyms without a trailing number are
        not compared.
    """
    acronym, aprov = find_acronym(ctx.document)
    if not acronym:
        return
    m = _SUFFIX.match(acronym.strip())
    if not m:
        return
    stem, suffix = m.group("stem"), m.group("suf")
    want = _value(suffix)
    stem_rx = re.compile(re.escape(stem).replace(r"\ ", r"\s+") + r"(?P<sep>[\s\-–]*)(?P<suf>[A-Za-z0-9]+)\b", re.I)
    cited = {c.sentence for c in ctx.document.citations}
    seen: set = set()
    for s in ctx.document.sentences:
        if s.section_kind in ("introduction", "discussion", "references") or s.id in cited:
            continue
        for mm in stem_rx.finditer(s.text):
            tok = mm.group("suf")
            got = _value(tok)
            if got == want or not (tok.isdigit() or re.fullmatch(r"[IVXL]+", tok)):
                continue
            variant = s.text[mm.start():mm.end()]
            if variant in seen:
                continue
            seen.add(variant)
            ev = [ctx.sentence_evidence(s, mm.start(), mm.end(), role=f"written '{variant}'")]
            if aprov is not None:
                ev.append(ctx.provenance_evidence(aprov, role=f"trial name '{acronym}'"))
            yield ctx.finding(
                "TA312", severity="warning",
                message=(f"The trial is called '{acronym}' in the title but '{variant}' here "
                         f"({ctx.section_title(s.section) or s.section_kind}, line {s.span.line})."),
                observed=variant, expected=acronym,
                computation=(f"same stem '{stem}'; the number after it is {tok} (= {got}) here and {suffix} "
                             f"(= {want}) in the trial's name."),
                evidence=ev, key=f"{acronym}|{variant}", details={"acronym": acronym, "variant": variant})
