"""Stated sample sizes: "A total of 95 patients", "81 were enrolled", "(n=33)", "26 eligible patients".

Each size gets a kind from the verb around it (enrolled, randomised, treated, evaluable,
analysed; otherwise "stated"). Planned sizes (power calculations, "aimed to enrol"),
subgroup counts ("14 patients (53.8%) had received ...") and sizes in the introduction or
discussion (usually other studies) are not sample sizes of this study.
"""
from __future__ import annotations

import re

from trialaudit.extractor.memo import per_document
from trialaudit.extractor.textutil import WORD_NUMBER as _WORD_NUM, word_number
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.study import Arm, SampleSize

from ._util import cited_sentence_ids, effective_kind, abstract_tail_sections, sentence_prov

_WHO = r"(?:patients?|participants?|subjects?|cases|children|adults|individuals|people|persons|adolescents|women|men)"
_NUM = r"(?P<n>\d{1,3}(?:,\d{3})*|\d{1,5})"

_RE_WORDS = re.compile(rf"(?:\b(?:a\s+)?total\s+of\s+(?P<n>{_WORD_NUM})\s+(?:[\w-]+\s+){{0,3}}?{_WHO}\b"
                       rf"|(?:^|(?<=[.;:]\s))(?P<n2>{_WORD_NUM})\s+(?:[\w-]+\s+){{0,2}}?{_WHO}\s+(?:were|was)\s+"
                       rf"(?P<verb>enrol+ed|randomi[sz]ed|randomly\s+assigned|included|recruited|registered|accrued|"
                       rf"eligible|evaluable|analy[sz]ed)\b)", re.I)

PLANNING = re.compile(
    r"\b(?:aim(?:ed|s)?\s+to\s+(?:enrol|recruit|include)|planned|plan\s+to|required|requir(?:ing|es)|assum(?:ed|ing|ption)|"
    r"power|anticipat\w+|expected\s+to|target(?:ed)?\s+(?:sample|enrol)|sample\s+size|would\s+(?:be|need)|"
    r"will\s+be|dropout|drop-out|to\s+detect|detecting)\b", re.I)

_KIND_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("randomised", re.compile(r"\brandomi[sz](?:ed|ation)|randomly\s+(?:assigned|allocated)", re.I)),
    ("evaluable", re.compile(r"\b(?:evaluable|assessable|evaluated\s+for\s+(?:response|efficacy))\b", re.I)),
    ("analysed", re.compile(r"\b(?:analy[sz]ed|analy[sz]is\s+set|included\s+in\s+the\s+analy)", re.I)),
    ("treated", re.compile(r"\b(?:received|receiving|treated|underwent|were\s+given|were\s+administered|administered)\b", re.I)),
    ("enrolled", re.compile(r"\b(?:enrol(?:l?ed|ment)|recruited|included|registered|accrued|eligible)\b", re.I)),
]

# "A total of 95 osteosarcoma patients", "26 eligible patients", "89 patients were assessed"
_RE_TOTAL_OF = re.compile(rf"\b(?:a\s+)?total\s+of\s+{_NUM}\s+(?:[\w-]+\s+){{0,3}}?{_WHO}\b", re.I)
_RE_N_WHO_VERB = re.compile(
    rf"(?<![\d./%])\b{_NUM}\s+(?:[\w-]+\s+){{0,3}}?{_WHO}\s+(?:who\s+|that\s+)?(?:\w+\s+){{0,2}}?"
    rf"(?:were\s+|had\s+been\s+|was\s+)?(?P<verb>enrol+ed|randomi[sz]ed|included|recruited|treated|evaluable|analy[sz]ed|"
    rf"assessed|screened|received|identified|reviewed|registered|underwent|accrued|eligible|deemed)\b", re.I)
_RE_OF_WHOM = re.compile(
    rf"(?:of\s+whom|of\s+these|of\s+them|among\s+them|among\s+these)\s*,?\s+{_NUM}\s+(?:{_WHO}\s+)?(?:were|was|had)\s+"
    rf"(?P<verb>enrol+ed|randomi[sz]ed|included|treated|evaluable|analy[sz]ed|eligible|assigned)\b", re.I)
_RE_DATA_FROM = re.compile(rf"\b(?:data|records?)\s+(?:of|from|on)\s+{_NUM}\s+(?:[\w-]+\s+){{0,3}}?{_WHO}\b", re.I)
_RE_ELIGIBLE = re.compile(rf"\b{_NUM}\s+eligible\s+{_WHO}\b", re.I)
_RE_OF_THE = re.compile(rf"(?:^|[,;]\s*|\b(?:of|among|in|for|with\s+regard\s+to)\s+)(?:all\s+)?the\s+{_NUM}\s+(?:[\w-]+\s+){{0,2}}?{_WHO}\b", re.I)
_RE_IN_GROUP = re.compile(rf"(?<![\d./%])\b{_NUM}\s+(?:{_WHO}\s+)?(?:in|to|into)\s+(?:the\s+)?(?:(?:group|arm|cohort)\s+"
                          rf"[A-Z0-9]{{1,2}}\b|(?:(?!and\b|or\b)[\w+\-/]+\s+){{1,5}}?(?:group|arm|cohort)\b)", re.I)
_RE_AND_N_VERB = re.compile(rf"\band\s+{_NUM}\s+(?:{_WHO}\s+)?(?P<verb>received|were\s+treated|were\s+randomi[sz]ed|to\s+the|"
                            rf"were\s+(?:evaluable|assessable|analy[sz]ed|included\s+in\s+the\s+analysis))\b", re.I)
_RE_N_EQ = re.compile(r"[(\[;,]\s*[nN]\s*=\s*(?P<n>\d{1,5})\s*[)\]]")

_SUBGROUP_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}?\(\s*\d+(?:\.\d+)?\s*%")
_SKIP_KINDS = {"introduction", "discussion", "references", "declarations", "acknowledgements", "figure", "keywords"}


def kind_of(text: str) -> str:
    """Sample-size kind suggested by the words of ``text``."""
    for kind, rx in _KIND_WORDS:
        if rx.search(text):
            return kind
    return "stated"


_AUX_VERB = re.compile(r"\b(?:were|was|had\s+been|have\s+been|being)\s+(?:\w+\s+){0,2}?(?P<verb>enrol+ed|randomi[sz]ed|included|"
                       r"recruited|treated|evaluable|analy[sz]ed|eligible|assigned|allocated|given|administered)\b", re.I)


def kind_after(text: str) -> str:
    """Kind from the first 'were <verb>' after a noun phrase, else from any kind word."""
    m = _AUX_VERB.search(text)
    if m:
        k = kind_of(m.group("verb"))
        if m.group("verb").lower() in ("assigned", "allocated"):
            k = "randomised" if re.search(r"random", text, re.I) else "stated"
        return k
    return kind_of(text)


def is_planning(text: str) -> bool:
    return bool(PLANNING.search(text))


_RE_DIGIT = re.compile(r"\d")


def _sizes_in_sentence(doc: Document, s: Sentence) -> list[SampleSize]:
    text = s.text
    found: dict[int, tuple[int, str, int, int]] = {}   # start -> (n, kind, start, end)

    def add(m: re.Match, kind: str | None = None, window: str | None = None, group: str = "n") -> None:
        raw = m.group(group)
        n = int(raw.replace(",", "")) if raw[:1].isdigit() else (word_number(raw) or 0)
        if n <= 1 or n > 100_000:
            return
        a, b = m.start(group), m.end()
        after = text[m.end(group):m.end(group) + 40]
        if _SUBGROUP_AFTER.match(after) or re.match(r"\s*/\s*\d", after) or re.match(r"\s*%", after):
            return
        if re.match(r"(?:[^;.]|\.(?=\d)){0,30}?\d\s*%", text[m.end():]):
            return  # "a total of 6 patients, representing 23.1%": a count, not a size
        # "25 (96.2%) of 26 patients": a denominator of a count, not a size statement
        if re.search(r"\)\s*of\s*$", text[max(0, a - 8):a]) or re.search(r"\d\s*(?:\([^)]*\))?\s*of\s+$", text[max(0, a - 20):a]):
            return
        if any(abs(a - x) < 2 for x in found):
            return
        if re.match(r"\s*(?:\w+\s+)?(?:in|per|for)\s+(?:each|every)\s+(?:\w+\s+)?(?:group|arm)\b", after, re.I):
            return  # "data of 47 patients in each group": one arm's size, not the study's
        if kind is None:
            verb = m.groupdict().get("verb") or ""
            kind = kind_of(verb) if verb and kind_of(verb) != "stated" else kind_of(window if window is not None else text)
        found[a] = (n, kind, a, b)

    if not _RE_DIGIT.search(text):  # every pattern but the spelled-out numbers needs a digit
        for m in _RE_WORDS.finditer(text):
            if m.group("n"):
                add(m, kind_after(text[m.end():]))
            else:
                add(m, kind_of(m.group("verb")), group="n2")
        return [SampleSize(value=n, kind=kind, provenance=sentence_prov(doc, s, start, end))
                for a, (n, kind, start, end) in sorted(found.items())]
    for m in _RE_OF_WHOM.finditer(text):
        add(m, kind_of(m.group("verb")))
    for m in _RE_WORDS.finditer(text):
        if m.group("n"):
            add(m, kind_after(text[m.end():]))
        else:
            add(m, kind_of(m.group("verb")), group="n2")
    for m in _RE_TOTAL_OF.finditer(text):
        add(m, kind_after(text[m.end():]))
    for m in _RE_N_WHO_VERB.finditer(text):
        verb = m.group("verb").lower()
        kind = kind_of(verb)
        if verb in ("assessed", "screened", "reviewed", "identified"):
            kind = "stated"
        if verb == "deemed":
            kind = kind_of(text[m.end():m.end() + 30])
        add(m, kind)
    for m in _RE_ELIGIBLE.finditer(text):
        add(m, kind_after(text[m.end():]))
    for m in _RE_DATA_FROM.finditer(text):
        add(m, kind_of(text[m.end():]) if re.search(r"analy[sz]ed|included", text[m.end():]) else "stated")
    for m in _RE_IN_GROUP.finditer(text):
        add(m)
    for m in _RE_AND_N_VERB.finditer(text):
        verb = m.group("verb").lower()
        add(m, kind_of(text) if verb == "to the" else kind_of(verb))
    for m in _RE_OF_THE.finditer(text):
        clause = text[m.end():m.end() + 80]
        add(m, kind_of(clause) if re.match(r"\s*(?:who|that)\b", clause) else "stated")
    for m in _RE_N_EQ.finditer(text):
        after = text[m.end():m.end() + 12]
        before = text[max(0, m.start() - 60):m.start()]
        if re.search(r"\d\s*%", text[m.start():m.end() + 10]) or re.match(r"\s*,\s*\d", after):
            continue
        add(m, kind_of(before) if re.search(r"(?:received|randomi|enrol|treated)", before, re.I) else "stated")
    out = []
    for a, (n, kind, start, end) in sorted(found.items()):
        out.append(SampleSize(value=n, kind=kind, provenance=sentence_prov(doc, s, start, end)))
    return out


@per_document  # the extraction and the arm sizes ask for it several times per article
def extract_sample_sizes(doc: Document) -> list[SampleSize]:
    """Every sample-size statement about this study in the abstract, methods and results."""
    tail = abstract_tail_sections(doc)
    cited = cited_sentence_ids(doc)
    out: list[SampleSize] = []
    for s in doc.sentences:
        kind = effective_kind(doc, s, tail)
        if kind in _SKIP_KINDS or kind in ("front", "title"):
            continue
        if is_planning(s.text) or (s.id in cited and kind not in ("methods", "statistics")):
            continue
        out.extend(_sizes_in_sentence(doc, s))
    return out


def infer_total(arms: list[Arm], sizes: list[SampleSize], comparative: bool | None = None) -> int | None:
    """The study's total: a Total arm, else a stated size equal to the sum of the arms,
    else (single arm) the arm's size, else the first enrolled/randomised/stated size.

    In a randomised comparison (``comparative``) one arm found is not the study: its size is no total."""
    tot = next((a for a in arms if a.is_total and a.n), None)
    if tot is not None:
        return tot.n
    real = [a for a in arms if not a.is_total]
    if real and all(a.n for a in real):
        s = sum(a.n for a in real)  # type: ignore[misc]
        if (len(real) == 1 and not comparative) or any(x.value == s for x in sizes):
            return s
    for kind in ("enrolled", "randomised", "analysed", "treated", "stated"):
        vals = [x.value for x in sizes if x.kind == kind]
        if vals:
            return max(vals)
    return None
