"""TA312 trial-acronym-variant."""
from __future__ import annotations

import re
from typing import Iterator

from rapidfuzz import fuzz

from trialaudit.extractor.study.registry import DASHES, find_acronym, fold_dashes
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SUFFIX = re.compile(rf"^(?P<stem>.*?[A-Za-z][^\s]*?)(?P<sep>[\s{DASHES}]*)(?P<suf>\d+|[IVXL]+)$")


def _norm(s: str) -> str:
    """The name without spaces, dashes of any kind, underscores and slashes, lower case."""
    return re.sub(rf"[\s{DASHES}_/]+", "", s).lower()


def _stem_pattern(stem: str) -> str:
    """A pattern for ``stem`` in which any run of spaces matches any and any dash matches any dash."""
    out = []
    for part in re.split(rf"(\s+|[{DASHES}])", fold_dashes(stem)):
        if not part:
            continue
        out.append(r"\s+" if part.isspace() else f"[{DASHES}]" if part == "-" else re.escape(part))
    return "".join(out)


def _edits(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counted once."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur.append(v)
        prev2, prev = prev, cur
    return prev[-1]


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
        agree, and so do dashes of any kind ("AWARD‐5" with the Unicode
        hyphen U+2010 and "AWARD-5"). Near copies of the whole name that
        differ by one or two letters ("OAEI/PKUPH-sarcoma 11") are reported
        too.

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
        (KEYNOTE-189 vs KEYNOTE-407). Names read only from the title or a
        "trial (NAME)" parenthesis; a name never given there is not checked.
        A word contained in the name or containing it ("OPAT" and "CoPAT")
        is a term the name is built from, not a misspelling.
    """
    acronym, aprov = find_acronym(ctx.document)
    if not acronym:
        return
    cited = {c.sentence for c in ctx.document.citations}
    seen: set = set()
    sentences = [s for s in ctx.document.sentences
                 if s.section_kind not in ("introduction", "discussion", "references") and s.id not in cited]
    # letters: a near copy of the whole name ("OAEI/PKUPH-sarcoma 11" for "OAIE/PKUPH-sarcoma 11")
    n_tok = len(acronym.split())
    want_norm = _norm(acronym)
    for s in sentences:
        toks = list(re.finditer(r"\S+", s.text))
        for i, t in enumerate(toks):
            if not re.match(r"[\(\[\"']?[A-Z]", t.group(0)):
                continue
            a, b = t.start(), toks[min(i + n_tok, len(toks)) - 1].end()
            window = s.text[a:b].strip("()[],.;:'\"")
            got = _norm(window)
            if not got or got == want_norm or len(got) < 4 or abs(len(got) - len(want_norm)) > 1:
                continue
            if fuzz.ratio(got, want_norm) < 85 or _edits(got, want_norm) > 2:
                continue
            if got in want_norm or want_norm in got:
                continue  # "OPAT" inside "CoPAT": a term the name is built from, not a misspelling of it
            if _SUFFIX.match(window) and _SUFFIX.match(acronym.strip()) and \
                    _norm(_SUFFIX.match(window).group("stem")) == _norm(_SUFFIX.match(acronym.strip()).group("stem")):
                continue  # same stem, other number: reported below
            if window in seen:
                continue
            seen.add(window)
            start = s.text.find(window, a)
            yield _variant_finding(ctx, s, start, start + len(window), acronym, aprov,
                                   f"'{window}' differs from '{acronym}' by {_edits(got, want_norm)} character(s) "
                                   f"(similarity {fuzz.ratio(got, want_norm):.0f}%).")
    m = _SUFFIX.match(acronym.strip())
    if not m:
        return
    stem, suffix = m.group("stem"), m.group("suf")
    want = _value(suffix)
    stem_rx = re.compile(_stem_pattern(stem) + rf"(?P<sep>[\s{DASHES}]*)(?P<suf>[A-Za-z0-9]+)\b", re.I)
    for s in sentences:
        for mm in stem_rx.finditer(s.text):
            tok = mm.group("suf")
            got = _value(tok)
            if got == want or not (tok.isdigit() or re.fullmatch(r"[IVXL]+", tok)):
                continue
            variant = s.text[mm.start():mm.end()]
            if variant in seen:
                continue
            seen.add(variant)
            yield _variant_finding(ctx, s, mm.start(), mm.end(), acronym, aprov,
                                   f"same stem '{stem}'; the number after it is {tok} (= {got}) here and {suffix} "
                                   f"(= {want}) in the trial's name.")


def _variant_finding(ctx, s, start: int, end: int, acronym: str, aprov, computation: str):
    """One TA312 finding: the variant written at ``s.text[start:end]`` against the trial's name."""
    variant = s.text[start:end]
    ev = [ctx.sentence_evidence(s, start, end, role=f"written '{variant}'")]
    if aprov is not None:
        ev.append(ctx.provenance_evidence(aprov, role=f"trial name '{acronym}'"))
    return ctx.finding(
        "TA312", severity="warning",
        message=(f"The trial is called '{acronym}' in the title but '{variant}' here "
                 f"({ctx.section_title(s.section) or s.section_kind}, line {s.span.line})."),
        observed=variant, expected=acronym, computation=computation,
        evidence=ev, key=f"{acronym}|{variant}", details={"acronym": acronym, "variant": variant})
