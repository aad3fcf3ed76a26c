"""TA312 trial-acronym-variant."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.study.trial_name import name_letters, split_suffix, suffix_value
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import TrialNameMention
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _is_variant(m: TrialNameMention, acronym: str) -> bool:
    """A near copy that is not a term the name is built from nor the same stem with another number."""
    if m.kind == "stem":
        return True
    got, want = name_letters(m.text), name_letters(acronym)
    if got in want or want in got:
        return False  # "OPAT" inside "CoPAT": a term the name is built from, not a misspelling of it
    mine, theirs = split_suffix(m.text), split_suffix(acronym)
    if mine and theirs and name_letters(mine[0]) == name_letters(theirs[0]):
        return False  # same stem, other number: read as a "stem" mention
    return True


def _why(m: TrialNameMention, acronym: str) -> str:
    if m.kind == "near":
        return f"'{m.text}' differs from '{acronym}' by {m.edits} character(s) (similarity {m.similarity:.0f}%)."
    stem, suffix = split_suffix(acronym)
    return (f"same stem '{stem}'; the number after it is {m.number} (= {suffix_value(m.number)}) here and {suffix} "
            f"(= {suffix_value(suffix)}) in the trial's name.")


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
    acronym = ctx.study.acronym
    if not acronym:
        return
    places: dict[str, list[TrialNameMention]] = {}
    for m in ctx.study.trial_name_mentions:
        if _is_variant(m, acronym):
            places.setdefault(m.text, []).append(m)
    for variant, ms in places.items():
        yield _variant_finding(ctx, ms, acronym)


def _variant_finding(ctx: CheckContext, ms: list[TrialNameMention], acronym: str) -> Finding:
    """One TA312 finding: a variant of the trial's name, with every place it is written."""
    first = ms[0]
    variant = first.text
    s = ctx.sentence(first.sentence)
    ev = [m.evidence for m in ms]
    if ctx.study.acronym_provenance is not None:
        ev.append(ctx.provenance_evidence(ctx.study.acronym_provenance, role=f"trial name '{acronym}'"))
    where = f"{ctx.section_title(s.section) or s.section_kind}, line {s.span.line}"
    times = f" ({len(ms)} places)" if len(ms) > 1 else ""
    return ctx.finding(
        "TA312", severity="warning",
        message=f"The trial is called '{acronym}' in the title but '{variant}' here ({where}){times}.",
        observed=variant, expected=acronym, computation=_why(first, acronym),
        evidence=ev, key=f"{acronym}|{variant}", details={"acronym": acronym, "variant": variant, "places": len(ms)})
