"""Treatment arms: labels, aliases and sizes, from table headers and text.

Sources, most reliable first:

* table column headers carrying a size: ``Apa+IE group (n = 53)``,
  ``Monotherapy Group (n=14)``, ``IE, n=46``;
* group definitions in text: ``the Observation group (thalidomide + IFO-based
  chemotherapy; n=55)``, ``55 patients received thalidomide + IFO
  (Observation group)``, ``53 in apatinib plus IE group``;
* treatment statements linked to an arm by its size: ``14 patients received
  lenvatinib as a monotherapy`` (the only arm with n = 14).

Labels that name the same arm ("Apa+IE group", "apatinib plus IE group") are
merged as aliases when their words match one to one (prefixes allowed:
"Apa" ~ "apatinib") or their drug sets and sizes agree.

Why one long module: candidate collection, label normalisation, matching and the randomised sizes
share the label normaliser and the size patterns. The seam for a split is ``resolve_randomised``
and its helpers (randomised sizes).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from trialaudit.extractor.memo import per_article
from trialaudit.schemas.document import Document, Sentence, Table
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.study import Arm, SampleSize

from trialaudit.extractor.textutil import WORD_NUMBER as _WORD_NUM_RX, word_number

from .drugs import drug_set, find_drugs
from .sample_sizes import extract_sample_sizes

TOTAL_WORDS = re.compile(r"^(?:total|overall|all(?: patients)?|entire cohort|whole cohort|combined|itt|fas|ss)\b", re.I)
_N_IN_LABEL = re.compile(r"[\(\[,;]?\s*\(?\s*[nN]\s*[=:]\s*(\d{1,3}(?:[,\u2009\u202f\u00a0 ]\d{3}(?!\d))+|\d{1,6})\s*\)?\s*[\)\]]?")
_ARM_NOUN = r"(?:group|arm|cohort)"
_LABEL = r"[A-Za-z][\w+\-/]*(?:[ \-][\w+\-/]+){0,5}?"

#: "Arm A", "Group 2", "Cohort B", "arm II": the arm noun first, then a letter or number
_ARM_LETTER = rf"(?-i:[Aa]rm|ARM|[Gg]roup|GROUP|[Cc]ohort|COHORT)\s+(?-i:[A-H]|[1-9]|I{{1,3}}|IV)(?![\w\-])"
_DEF_PAREN = re.compile(
    rf"(?:the\s+)?(?P<label>{_LABEL}\s{_ARM_NOUN}|{_ARM_LETTER})\s*\((?P<inner>[^()]{{0,120}}?)[;,]?\s*[nN]\s*=\s*(?P<n>\d{{1,5}})\s*\)", re.I)
_DEF_RECEIVED = re.compile(
    rf"(?P<n>\d{{1,5}})\s+(?:patients?|participants?|cases|subjects)\s+(?:\w+\s+){{0,2}}(?:received|were\s+treated\s+with|"
    rf"were\s+given|were\s+assigned\s+to|were\s+randomi[sz]ed\s+to)\s+(?P<drugs>[^()]{{3,100}}?)\s*\((?P<label>[^()]{{2,60}}?)\)", re.I)
_DEF_IN = re.compile(rf"(?<![\w.±,])(?P<n>\d{{1,5}})(?![\d.])\s+(?:patients?\s+)?in\s+(?:the\s+)?(?P<label>{_LABEL}\s{_ARM_NOUN})\b"
                     # "60 were assigned to Arm A and 58 to Arm B", "30 patients in Arm B"
                     rf"|(?<![\w.±,:/])(?P<n2>\d{{1,5}})(?![\d.%])\s+(?:patients?\s+)?(?:(?:were|was)\s+(?:randomly\s+)?"
                     rf"(?:assigned|allocated|randomi[sz]ed)\s+)?(?:in|to|into)\s+(?:the\s+)?(?P<label2>{_ARM_LETTER})", re.I)
#: "(SOX group, n=50; XELOX group, n=48)", "Arm A: n = 60"
#: every "(n = 52)"-style pattern needs this; a sentence without it skips them all
_HAS_N_EQUALS = re.compile(r"[nN]\s*=\s*\d")
_HAS_DIGIT = re.compile(r"\d")
_DEF_COMMA_N = re.compile(rf"(?:the\s+)?(?P<label>{_LABEL}\s{_ARM_NOUN}|{_ARM_LETTER})\s*[,:]\s*[nN]\s*=\s*(?P<n>\d{{1,5}})(?![\d.])")
_TREATED = re.compile(
    r"(?P<n>\d{1,5})\s+(?:\w+\s+){0,2}?(?:patients?\s+)?(?:received|were\s+treated\s+with|underwent|were\s+given)\s+"
    r"(?P<drugs>[^.;]{3,120}?)(?=,\s*and\s+\d|;|\.|$|\s+and\s+\d)", re.I)


# "78 (87%) provided valid data (37 in physical activity group ...)": a subset, not the arm's size
_SUBSET_CONTEXT = re.compile(r"\b(?:provided|completed|returned|wore|valid data|available|asked to|responded|"
                             r"attended|sub-?study|subgroup|subset|sample of)\b", re.I)
_ENROL_CONTEXT = re.compile(r"\b(?:randomi[sz]\w*|enrol\w*|assigned|allocated|recruited|included|divided|stratified)\b", re.I)


# column groups that split patients by an outcome or a characteristic are not treatment arms
_NON_ARM_LABEL = re.compile(
    r"^(?:non-?)?(?:responders?|progressors?|survivors?|deceased|alive|dead|events?|censored|male|female|men|women|"
    r"yes|no|positive|negative|high|low|present|absent|younger|older|age\b.*|aged\b.*|[<>≤≥]\s*\d+.*|"
    r"(?:pd-?l1|her2|egfr|kras|alk|msi)\b.*|grade\b.*|stage\b.*|ecog\b.*|with\b.*|without\b.*)$", re.I)


@dataclass
class ArmCandidate:
    label: str
    n: int | None
    prov: Provenance
    source: str           # "table-header", "definition", "in-group", "treated"
    drugs: list[str] = field(default_factory=list)
    description: str = ""
    kind: str = "stated"  # sample-size kind: stated, enrolled, randomised, treated, evaluable, analysed
    comparison: bool = False  # a column of a table that compares with cited (external) cohorts


def strip_n(label: str) -> tuple[str, int | None]:
    """'Apa+IE group (n = 53)' -> ('Apa+IE group', 53)."""
    m = _N_IN_LABEL.search(label)
    if not m:
        return label.strip(), None
    base = label[:m.start()] + label[m.end():]
    base = re.sub(r"\s*\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)", "", base)  # citation numbers "(12,13)"
    base = base.strip(" ,;:()[]")
    # a statistic descriptor after the n ("Control* (N = 37) % (SD)", "Placebo (n = 40), n (%)") and
    # footnote markers are not part of the arm's name
    base = re.sub(r"</?(?:sup|sub|i|b|em|strong)>|[*†‡§¶#]+", "", base).strip(" ,;:()[]")
    base = _DESCRIPTOR_TAIL.sub("", base)
    return re.sub(r"\s+", " ", base).strip(" ,"), int(re.sub(r"\D", "", m.group(1)))


#: a statistic descriptor at the end of a group's header ("Placebo, n (%)", "Control % (SD)")
_DESCRIPTOR_TAIL = re.compile(r"(?:[\s,;]+\(?\s*(?:%|SD|SE|IQR|range|n)\s*\)?|(?<![\d.])\s*\(?%\)?)+\s*$", re.I)


_STOP = {"the", "group", "arm", "cohort", "of", "patients", "with", "a", "in", "treated"}
_JOIN = {"plus": "+", "and": "+", "with": "+", "+": "+", "/": "+", "combined": "+", "&": "+"}


@per_article
def label_tokens(label: str) -> list[str]:
    s = label.lower().replace("+", " + ").replace("/", " + ").replace("-", " ")
    toks = []
    raw = re.findall(r"[a-z0-9]+|\+", s)
    for i, t in enumerate(raw):
        t = _JOIN.get(t, t)
        nxt = _JOIN.get(raw[i + 1], raw[i + 1]) if i + 1 < len(raw) else ""
        prev = raw[i - 1] if i else ""
        if t in _STOP and not (t == "a" and (nxt == "+" or (toks and toks[-1] == "+") or
                                             prev in ("arm", "group", "cohort"))):
            continue  # "a" is an article, except as a letter naming an arm ("A+B group", "Arm A")
        if t == "+" and (not toks or toks[-1] == "+"):
            continue
        toks.append(t)
    return toks


def labels_match(a: str, b: str) -> bool:
    """Do two labels name the same arm? Token-wise with prefixes and fuzzy spelling."""
    ta, tb = label_tokens(a), label_tokens(b)
    if not ta or not tb or len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x == y:
            continue
        short, long_ = sorted((x, y), key=len)
        if len(short) >= 3 and long_.startswith(short):
            continue
        if len(short) >= 5 and fuzz.ratio(x, y) >= 85:
            continue
        return False
    return True


def _prov(doc: Document, sent: Sentence, method: str = "sentence-pattern") -> Provenance:
    sec = doc.section_by_id(sent.section)
    return Provenance(span=sent.span, quote=sent.quote, section=sec.title if sec else None, method=method)


def _table_prov(doc: Document, t: Table, j: int, level: int = 0) -> Provenance:
    row = t.header_rows[level] if level < len(t.header_rows) else (t.header_rows[0] if t.header_rows else None)
    cell = row.cells[j] if row is not None and j < len(row.cells) else None
    span = cell.span if cell else t.span
    sec = doc.section_by_id(t.section)
    return Provenance(span=span, quote=(cell.raw if cell else t.columns[j]), section=sec.title if sec else None,
                      table=t.label, column=t.columns[j], method="table-cell")


#: upper header levels naming a time point or a variable, not a group: "Baseline / Control (n=505)"
_TIME_LEVEL = re.compile(r"^(?:baseline|pre-?\w*|post-?\w*|before\b.*|after\b.*|end\b.*|follow-?up\b.*|"
                         r"(?:week|month|day|year|visit|time|wk)s?\b.*|at\s.*|\d+\s*(?:weeks?|months?|days?|years?|wk|h)\b.*)$",
                         re.I)


def _header_arms(t: Table) -> list[tuple[int, str, int, int]]:
    """Columns whose header states a size: (column, label, n, header level carrying the n).

    A one-level header "Placebo (N = 357)" or its top level; in a two-level header the level with
    the size ("Placebo / (N = 357)", "Baseline / Control (n=505)"): the label is that level's
    words, else the other levels' words; a time point ("Baseline", "After 12 weeks") is no label,
    and an upper level is kept only where it tells apart columns of the same lower label.
    """
    found: list[tuple[int, list[str], str, int, int]] = []
    upper: dict[int, tuple[str, ...]] = {}
    for j, col in enumerate(t.columns):
        if j == 0:
            continue
        levels = [x.strip() for x in col.split(" / ")]
        if _CITED_COL.search(levels[0]):
            continue  # "Apatinib (11), n=37": a cited external cohort, not an arm of this study
        base, n = strip_n(levels[0])
        if n is not None:
            found.append((j, [], base, n, 0))
            continue
        for k, lev in enumerate(levels[1:], 1):
            if _CITED_COL.search(lev):
                break
            base, n = strip_n(lev)
            if n is None:
                continue
            others = [x for x in levels[:k] if x and not _TIME_LEVEL.match(x) and strip_n(x)[1] is None]
            found.append((j, others, base, n, k))
            upper[j] = tuple(levels[:k])
            break
    # the same groups with the same sizes repeated under each upper level ("after closure / Treatment arm (n = 22)",
    # "immediately after extubation / Treatment arm (n = 22)"): the upper levels are time points or measures,
    # not groups (strata such as "Children / Placebo" have other sizes)
    under: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for j, others, base, n, k in found:
        if j in upper and base:
            under.setdefault(upper[j], []).append((base.lower(), n))
    if len(under) >= 2 and len({tuple(sorted(v)) for v in under.values()}) == 1 and \
            len(next(iter(under.values()))) >= 2:
        found = [(j, [] if base else others, base, n, k) for j, others, base, n, k in found]
    out = []
    for j, others, base, n, k in found:
        if others and TOTAL_WORDS.match(base) and not any(TOTAL_WORDS.match(o) for o in others):
            continue  # "Children / Total (n = 130)": the total of a subgroup, neither an arm nor the study total
        others = [o for o in others if not TOTAL_WORDS.match(o)] if base else others  # "Overall / Placebo (n = 112)"
        if not base:
            base = " ".join(others)
        elif others and any(b.lower() == base.lower() and o != others for jj, o, b, _, _ in found if jj != j):
            base = " ".join([*others, base])
        out.append((j, base, n, k))
    return out


def _split_labels(doc: Document) -> set[str]:
    """Lower-level header labels whose sizes differ widely between tables ("Region A / (n = 24)" in
    one table, "Region A / (n = 182)" in another): a split by a characteristic or an event, not an arm."""
    sizes: dict[str, set[int]] = {}
    for t in doc.tables:
        for _, base, n, level in _header_arms(t):
            if level:
                sizes.setdefault(base.lower(), set()).add(n)
    return {b for b, ns in sizes.items() if max(ns) > 1.5 * min(ns)}


_CITED_COL = re.compile(r"\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)")
#: a planned size ("aimed to enrol 46 patients in the A group"), not an arm's size
_PLANNING = re.compile(r"\b(?:aim(?:ed|s)?\s+to|planned|required|assum\w+|power|anticipat\w+|sample\s+size|"
                       r"dropout|drop-out|to\s+detect|detecting|would\s+be|will\s+be)\b", re.I)
_KINDS = [("randomised", r"randomi[sz]|randomly"), ("evaluable", r"evaluable|assessable"),
          ("analysed", r"analy[sz]ed|analysis set"), ("enrolled", r"enrol|recruited|included|eligible")]


def _size_kind(text: str) -> str:
    for kind, pat in _KINDS:
        if re.search(pat, text, re.I):
            return kind
    return "stated"


def arm_candidates(doc: Document) -> list[ArmCandidate]:
    cands: list[ArmCandidate] = []
    split_labels = _split_labels(doc)
    for t in doc.tables:
        # a table with cited cohorts ("Apatinib (11), n=37") compares this study with others
        comparison = any(_CITED_COL.search(c.split(" / ")[0]) for c in t.columns[1:])
        for j, base, n, level in _header_arms(t):
            if not base or len(base) > 60 or _NON_ARM_LABEL.search(base):
                continue
            if level and base.lower() in split_labels:
                continue
            cands.append(ArmCandidate(base, n, _table_prov(doc, t, j, level), "table-header", comparison=comparison))
    for s in doc.sentences:
        if s.section_kind in ("references", "declarations"):
            continue
        text = s.text
        if not _HAS_DIGIT.search(text) or _PLANNING.search(text):
            continue  # every pattern below needs a size in digits
        subset = _SUBSET_CONTEXT.search(text) and not _ENROL_CONTEXT.search(text)
        has_n = _HAS_N_EQUALS.search(text)  # the three patterns below all need "n = <digit>": test it once
        for m in ([] if subset or not has_n else _DEF_PAREN.finditer(text)):
            label = _clean_label(m.group("label"))
            if label:
                cands.append(ArmCandidate(label, int(m.group("n")), _prov(doc, s), "definition",
                                          drug_set(m.group("inner")), m.group("inner").strip()))
        for m in (_DEF_PAREN_NFIRST.finditer(text) if has_n else []):
            label = _clean_label(m.group("label"))
            if label:
                cands.append(ArmCandidate(label, int(m.group("n")), _prov(doc, s), "definition"))
        for m in _DEF_RECEIVED.finditer(text):
            label = _clean_label(m.group("label"))
            if label and re.search(_ARM_NOUN, label, re.I):
                cands.append(ArmCandidate(label, int(m.group("n")), _prov(doc, s), "definition",
                                          drug_set(m.group("drugs")), m.group("drugs").strip(), kind="treated"))
        for m in ([] if subset or not has_n else _DEF_COMMA_N.finditer(text)):
            label = _clean_label(m.group("label"))
            if label:
                cands.append(ArmCandidate(label, int(m.group("n")), _prov(doc, s), "in-group", kind=_size_kind(text)))
        for m in ([] if subset else _DEF_IN.finditer(text)):
            if not _is_group_size(text, m, "n" if m.group("n") else "n2"):
                continue
            label = _clean_label(m.group("label") or m.group("label2"))
            if label and label_tokens(label):   # "52 patients in each group": no group named
                cands.append(ArmCandidate(label, int(m.group("n") or m.group("n2")), _prov(doc, s), "in-group",
                                          kind=_size_kind(text)))
        if not subset and _ALLOC_CONTEXT.search(text):
            cands.extend(_allocation_candidates(doc, s))
        for m in _TREATED.finditer(text):
            drugs = drug_set(m.group("drugs"))
            if drugs and not re.match(r"\s*\(\s*\d+(?:\.\d+)?\s*%", text[m.end("n"):m.end("n") + 20]):
                cands.append(ArmCandidate("", int(m.group("n")), _prov(doc, s), "treated", drugs,
                                          m.group("drugs").strip(), kind="treated"))
    return cands


#: a statement of allocation: randomised, assigned or allocated groups
_ALLOC_CONTEXT = re.compile(r"\b(?:randomi[sz]\w*|randomly|assigned|allocated|allocation|divided)\b", re.I)
#: "Group I (n = 30, laser group)": the size first inside the parenthesis
_DEF_PAREN_NFIRST = re.compile(
    rf"(?:the\s+)?(?P<label>{_LABEL}\s{_ARM_NOUN}|{_ARM_LETTER})\s*\(\s*[nN]\s*=\s*(?P<n>\d{{1,5}})\s*(?:[,;]\s*[^()]{{2,80}}\)|;)",
    re.I)
#: "to receive X (n = 78) or placebo (n = 79)", "allocated to intervention (n = 391)"
_LABEL_PAREN_N = re.compile(r"(?P<label>[A-Za-z][\w+\-/.%]*(?:[ \-][\w+\-/.%]+){0,6}?)\s*\(\s*[nN]\s*=\s*"
                            r"(?P<n>\d{1,5})(?:\s+(?:patients|participants|subjects|women|men|children))?\s*\)")
#: "100 to X and 100 to Y", "667 women were randomized to the short regimen and 769 women to the long regimen"
_N_TO_LABEL = re.compile(
    r"(?<![\w.,±/:])(?P<n>\d{1,5})(?![\d.%])(?!\s*(?:min|minutes?|h|hours?|days?|weeks?|months?|years?|mg|ml|g|kg|mmHg)\b)"
    r"\s+(?:[A-Za-z][\w\-]*\s+){0,3}?(?:(?:were|was)\s+)?"
    r"(?:(?:randomly\s+)?(?:randomi[sz]ed|assigned|allocated)\s+)?(?:to|into)\s+(?:receive\s+)?"
    r"(?P<label>[A-Za-z][^,;:()]{1,60}?)(?=\s+and\s+(?:\d|to\b)|\s*[,;)]|\s*\.(?:\s|$)|\s*\(|$)", re.I)
#: "(fentanyl group: 76 [52.1%], ...)", "(intervention, n=114; control, n=114)",
#: "the cooling group consisted of 19 patients"
_LABEL_LIST_N = re.compile(
    rf"(?P<label>{_LABEL}\s{_ARM_NOUN}):\s*(?P<n>\d{{1,5}})(?![\d.%])"
    rf"|(?:(?<=\()|(?<=;\s))(?P<label2>[A-Za-z][\w\-+/]*(?:\s[\w\-+/]+){{0,3}}),\s*[nN]\s*=\s*(?P<n2>\d{{1,5}})(?![\d.%])"
    rf"|(?P<label3>{_LABEL}\s{_ARM_NOUN})\s+(?:consisted\s+of|comprised|was\s+composed\s+of)\s+(?P<n3>\d{{1,5}})(?![\d.%])"
    rf"|(?:(?<=\()|(?<=;\s))\s*(?P<label4>[A-Za-z][\w\-+/]{{1,20}})\s*=\s*(?P<n4>\d{{1,5}})(?![\d.%])(?=\s*[;,)])",
    re.I)
#: "497 were randomised (251 intervention and 246 control)": sizes first, inside one parenthesis
_PAREN_N_LABELS = re.compile(
    r"\(\s*(?P<n1>\d{1,5})\s+(?P<l1>[A-Za-z][\w\-+/]*(?:\s[\w\-+/]+){0,3}?)\s*(?:,|;|\band\b|,\s*and\b)\s*"
    r"(?P<n2>\d{1,5})\s+(?P<l2>[A-Za-z][\w\-+/]*(?:\s[\w\-+/]+){0,3}?)\s*\)")
#: statistic names that look like "label = n" inside parentheses ("(P = 0.03", "(OR = 2")
_STAT_NAME = re.compile(r"^(?:p|n|hr|or|rr|ci|df|t|f|r|z|u|h|w|chi|x2|mean|sd|se|age|median|iqr|range|total|k)$", re.I)
_LABEL_CUT = re.compile(r"^.*\b(?:to\s+receive|receive|receiving|to|either|or|versus|vs\.?)\s+", re.I)
_NOT_A_LABEL = re.compile(r"\b(?:groups|arms|one of|each|both|two|three|four|either|or|the study|this study|trial|"
                          r"participate|take part)\b", re.I)


def _alloc_label(raw: str) -> str:
    label = _LABEL_CUT.sub("", raw.strip()).strip(" ,;:-")
    label = _clean_label(label)
    if not label or not re.search(r"[A-Za-z]{2,}", label) or _NOT_A_LABEL.search(label) or \
            TOTAL_WORDS.match(label) or _NON_ARM_LABEL.search(label):
        return ""
    return label


def _allocation_candidates(doc: Document, s: Sentence) -> list[ArmCandidate]:
    """Arms of a sentence stating allocation to two or more groups with their sizes.

    "randomized to receive X (n = 78) or placebo (n = 79)", "A total of 200 patients were randomized: 100 to X and 100 to Y". Only sentences naming two or
    more distinct groups with sizes count, so "40 patients were randomized to X or Y" (a total) and
    "Of the 18 patients readmitted ..." never become arms.
    """
    text = s.text
    kind = _size_kind(text)
    found: list[tuple[str, int]] = []
    if _HAS_N_EQUALS.search(text) and not _DEF_PAREN_NFIRST.search(text) and not _DEF_PAREN.search(text):
        for m in _LABEL_PAREN_N.finditer(text):
            label = _alloc_label(m.group("label"))
            if label:
                found.append((label, int(m.group("n"))))
    if not found:
        for m in _LABEL_LIST_N.finditer(text):
            raw = m.group("label") or m.group("label2") or m.group("label3") or m.group("label4")
            if m.group("label4") and _STAT_NAME.match(raw):
                continue
            label = _alloc_label(raw) if (m.group("label2") or m.group("label4")) else _clean_label(raw)
            if label and not _NOT_A_LABEL.search(label):
                found.append((label, int(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4"))))
    if not found:
        for m in ([] if _NOT_RANDOMISED_SET.search(text) else _PAREN_N_LABELS.finditer(text)):
            if re.match(r"(?:for|in|per|of|at|with|on)\b", m.group("l1"), re.I) or \
                    re.match(r"(?:for|in|per|of|at|with|on)\b", m.group("l2"), re.I):
                continue   # "(1 for intervention, 0 for control)", "(12 in control, 14 per arm)": codes or subsets
            pair = [(_alloc_label(m.group("l1")), int(m.group("n1"))), (_alloc_label(m.group("l2")), int(m.group("n2")))]
            if all(lab and n > 1 for lab, n in pair) and not any(_PAREN_NOT_ARM.search(lab) for lab, _ in pair):
                found.extend(pair)
    if not found:
        for m in _N_TO_LABEL.finditer(text):
            label = _alloc_label(m.group("label"))
            if label:
                found.append((label, int(m.group("n"))))
    if len({x.lower() for x, _ in found}) < 2 or len(found) > 6:
        return []
    return [ArmCandidate(label, n, _prov(doc, s), "in-group", kind=kind) for label, n in found]


#: "(19 Caucasians, 11 African Americans)", "(12 men and 8 women)": a breakdown, not the arms
_PAREN_NOT_ARM = re.compile(r"\b(?:men|women|males?|females?|boys|girls|caucasians?|whites?|blacks?|asians?|americans?|"
                            r"years?|months?|weeks?|days?|sites?|centres?|centers?|countries|hospitals?|completed|"
                            r"withdrew|lost|excluded|died|declined|refused)\b", re.I)


_EVALUATED = re.compile(r"\b(?:evaluated|analy[sz]ed|evaluable)\b", re.I)
_PEOPLE = r"(?:patients?|participants?|subjects?|women|men|children|infants|adults|persons|individuals|volunteers|cases)"


def _is_group_size(text: str, m: re.Match, g: str) -> bool:
    """Is 'N in the X group' the size of the group, not events, days or a subset of it?

    "58 were randomized to the B group", "30 patients in Arm B" count; "2 in the placebo group"
    (events) and "day 3 in the X group" count only in a sentence about enrolment or allocation;
    "the 10 patients in the X group who ..." is a subset.
    """
    before = text[:m.start(g)]
    if re.search(r"\b(?:the|these|those|of|day|days|week|weeks|period|periods|visit|cycle|grade)\s+$", before, re.I):
        return False
    if re.match(r"\s*(?:who|whose|that|which|had|developed|experienced|showed|reported)\b", text[m.end():], re.I):
        return False
    if _ENROL_CONTEXT.search(text) or _ALLOC_CONTEXT.search(text) or _EVALUATED.search(text):
        return True
    if _SUBSET_WORDS.search(text):
        return False  # "IGF-1 was collected for 3 patients in the bootcamp group", "(1 control, 3 study) were tested"
    return bool(re.match(rf"\s+{_PEOPLE}\b", text[m.end(g):], re.I)) and not _EVENT_WORDS.search(text)


#: measurements taken in some of a group's patients: the count is a subset, not the group's size
_SUBSET_WORDS = re.compile(r"\b(?:tested|collected|measured|sampled|genotyped|obtained|available|drawn|"
                           r"biopsied|cultured)\b|\b(?:tests?|samples?|specimens?|cultures?)\b[^.;]{0,40}?\b(?:taken|"
                           r"performed|done)\b", re.I)


#: outcomes counted among a group's patients ("45 patients in the X group had died")
_EVENT_WORDS = re.compile(r"\b(?:died|deaths?|developed|experienced|readmitted|complications?|adverse|events?|"
                          r"relapsed?|recurrence|responded|response|achieved|reached|improved|failed)\b", re.I)


_LEAD_STOP = {"the", "a", "an", "both", "each", "two", "and", "or", "of", "in", "to", "into", "divided", "stratified",
              "randomized", "randomised", "assigned", "allocated", "were", "was", "patients", "as", "for", "from",
              "with", "between", "versus", "vs", "than", "received", "included", "enrolled", "treated"}


#: the allocation clause before a group's name: "They were randomly placed into treatment (n = 24)", "randomly divided
#: into the control group (n = 30)": the name is what follows its last "into/to"
_ALLOCATION_LEAD = re.compile(r"^.*\b(?:randomi[sz]ed|randomly|allocated|assigned|divided|placed|split|distributed)\b"
                              r"[^,;()]*?\b(?:into|to)\s+(?:the\s+|a\s+|an\s+|either\s+)?", re.I)


def _clean_label(label: str) -> str:
    m = _ALLOCATION_LEAD.match(label.strip())
    if m and label.strip()[m.end():].strip():
        label = label.strip()[m.end():]
    words = label.strip().split()
    while len(words) > 1 and (words[0].lower() in _LEAD_STOP or re.fullmatch(r"[a-z]+ed", words[0])):
        words.pop(0)
    label = " ".join(words)
    if len(label.split()) > 6:
        label = " ".join(label.split()[-4:])
    if re.match(r"(?:same|other|two|both|each|control or|respective|corresponding|treatment)\s", label, re.I) and \
            len(label.split()) <= 2 and not label.lower().startswith("control"):
        return ""
    return label.strip()


def extract_arms(doc: Document) -> tuple[list[Arm], int | None]:
    """Arms with aliases and sizes, plus the stated total when a Total column exists."""
    cands = arm_candidates(doc)
    arms: list[Arm] = []
    total_n: int | None = None

    def find(label: str) -> Arm | None:
        for a in arms:
            if any(labels_match(label, x) or label.strip().lower() == x.strip().lower() for x in [a.label, *a.aliases]):
                return a
        return None

    text_sizes = _text_sizes(doc)
    for c in [c for c in cands if c.source == "table-header"] + [c for c in cands if c.source in ("definition", "in-group")]:
        is_total = bool(TOTAL_WORDS.match(c.label))
        if c.comparison and not is_total and find(c.label) is None and c.n not in text_sizes and \
                not any(o.source != "table-header" and o.n == c.n for o in cands):
            continue  # a comparison cohort in a table of cited cohorts, never described as this study's
        arm = find(c.label)
        if arm is None and c.source != "table-header" and c.n is not None:
            # same size and overlapping drug set -> an alias
            same_n = [a for a in arms if a.n == c.n and not a.is_total]
            # equal sizes alone are no evidence (1:1 randomisation): the drugs must agree too
            mine = set(c.drugs) | set(drug_set(c.label))
            theirs = set(same_n[0].drugs) | set(drug_set(same_n[0].label)) if len(same_n) == 1 else set()
            if len(same_n) == 1 and mine and theirs and mine & theirs and _drugs_compatible(c.label, same_n[0]):
                arm = same_n[0]
        if arm is None:
            arm = Arm(id=f"arm{len(arms) + 1}", label=c.label, n=c.n, is_total=is_total)
            arms.append(arm)
        elif c.label not in arm.aliases and c.label != arm.label:
            arm.aliases.append(c.label)
        if c.n is not None:
            arm.sizes.append(SampleSize(value=c.n, kind=c.kind, provenance=c.prov))
            if arm.n is None:
                arm.n = c.n
        if c.drugs and c.source == "definition" and not arm.drugs:
            arm.drugs = list(c.drugs)
            arm.definition = c.prov
        if arm.is_total and arm.n is not None:
            total_n = arm.n
    # "14 patients received lenvatinib as a monotherapy": link by unique size, record as alias description
    for c in [c for c in cands if c.source == "treated"]:
        same_n = [a for a in arms if a.n == c.n and not a.is_total]
        if len(same_n) == 1:
            a = same_n[0]
            a.sizes.append(SampleSize(value=c.n, kind="treated", provenance=c.prov))
            if not a.drugs:
                a.drugs = list(c.drugs)
                a.definition = c.prov
            desc = re.sub(r"^(?:a|an|the)\s+", "", c.description, flags=re.I)
            desc = re.sub(r"\s*\([^()]*\)\s*", " ", desc).strip()
            if desc and len(desc) <= 60 and desc not in a.aliases:
                a.aliases.append(desc)
    # drugs named in the label itself (Apa+IE group): prefixes resolved against drugs named in the article
    known = {d for a in arms for d in a.drugs}
    full_text_drugs = set(drug_set(" ".join(s.text for s in doc.sentences[:400]), include_supportive=False))
    for a in arms:
        label_drugs = drug_set(a.label, extra_prefixes=_prefix_map(a.label, full_text_drugs | known))
        if label_drugs and not a.drugs:
            a.drugs = label_drugs
        elif label_drugs and a.drugs and not set(label_drugs) <= set(a.drugs):
            pass
    arms = [a for a in arms if a.label]
    _add_group_sizes(doc, arms)
    _add_drug_qualified_aliases(doc, arms)
    arms = resolve_randomised(doc, arms, cands)
    return arms, total_n


def _text_sizes(doc: Document) -> set[int]:
    """Sizes the text states for this study."""
    return {x.value for x in extract_sample_sizes(doc)}


_GROUP_SIZE = re.compile(r"(?<![\d./])(?P<n>\d{1,5})\s+(?:patients?\s+|participants?\s+)?(?:were\s+|was\s+)?"
                         r"(?:(?:randomi[sz]ed|randomly\s+assigned|assigned|allocated|enrol+ed|included)\s+)?(?:in|to|into)\s+")


def _add_group_sizes(doc: Document, arms: list[Arm]) -> None:
    """'53 were randomized to the apatinib plus IE (Apa+IE) group and 28 to the IE group'."""
    if not arms:
        return
    for s in doc.sentences:
        if s.section_kind not in ("abstract", "methods", "results") or _PLANNING.search(s.text):
            continue
        text = s.text
        if not _GROUP_SIZE.search(text):
            continue
        mentions = arm_mentions(text, arms)
        for m in _GROUP_SIZE.finditer(text):
            if re.match(r"\s*\(\s*\d+(?:\.\d+)?\s*%", text[m.end("n"):m.end("n") + 12]):
                continue
            nxt = next((x for x in mentions if m.end() <= x[1] <= m.end() + 5), None)
            if nxt is None:
                continue
            arm, n = nxt[0], int(m.group("n"))
            kind = _size_kind(text)
            if any(x.value == n and x.kind == kind and x.provenance.span == s.span for x in arm.sizes):
                continue
            if arm.n is not None and arm.n != n:
                continue
            arm.sizes.append(SampleSize(value=n, kind=kind, provenance=_prov(doc, s)))
            if arm.n is None:
                arm.n = n


_JOINERS = re.compile(r"(?:\s|,|\+|/|&|-|\band\b|\bplus\b|\bwith\b)*", re.I)


def _drug_run_before(text: str, end: int) -> tuple[int, set[str]] | None:
    """The run of drug names (joined by and/plus/with/+) ending right before ``end``: (start, drugs)."""
    lo = max(0, end - 120)
    chunk = text[lo:end]
    spans: dict[tuple[int, int], set[str]] = {}
    for h in find_drugs(chunk, fuzzy=False):
        spans.setdefault((h.start, h.end), set()).add(h.generic)
    start, drugs, cur = None, set(), len(chunk)
    for (a, b), gs in sorted(spans.items(), key=lambda x: -x[0][1]):
        gap = chunk[b:cur]
        if b > cur or not (gap.strip() == "" if start is None else _JOINERS.fullmatch(gap)):
            break
        start, cur = a, a
        drugs |= gs
    if start is None:
        return None
    return lo + start, drugs


def _add_drug_qualified_aliases(doc: Document, arms: list[Arm]) -> None:
    """'lenvatinib monotherapy' for the arm 'Monotherapy Group' (drugs: lenvatinib).

    A text phrase ``<drug(s)> <label words> [group|arm|cohort]`` is an alias of the one arm whose
    label, minus the arm noun, is exactly those words (a label naming no drug itself) and whose
    drugs include every drug of the phrase.
    """
    real = [a for a in arms if not a.is_total and a.drugs]
    stems: list[tuple[Arm, str]] = []
    for a in real:
        stem = re.sub(rf"\s+{_ARM_NOUN}$", "", a.label.strip(), flags=re.I).strip()
        if not stem or drug_set(stem) or not label_tokens(stem):
            continue   # only labels naming no drug ("Monotherapy Group", "Combination Group")
        if any(labels_match(stem, x) for b in arms if b is not a for x in [b.label, *b.aliases]):
            continue
        stems.append((a, stem))
    if not stems:
        return
    for s in doc.sentences:
        if s.section_kind not in ("abstract", "methods", "results"):
            continue
        for a, stem in stems:
            pat = r"(?<![\w\-])" + re.escape(stem).replace(r"\ ", r"\s+") + rf"(?:\s+{_ARM_NOUN})?(?![\w\-])"
            for m in re.finditer(pat, s.text, re.I):
                run = _drug_run_before(s.text, m.start())
                if run is None:
                    continue
                start, drugs = run
                if not drugs or not drugs <= set(a.drugs):
                    continue
                phrase = re.sub(rf"\s+{_ARM_NOUN}$", "", s.text[start:m.end()], flags=re.I)
                phrase = re.sub(r"\s+", " ", phrase).strip()
                hit = resolve_arm(phrase, arms)
                if hit is not None and hit is not a:
                    continue
                if hit is None and phrase.lower() not in (x.lower() for x in a.aliases):
                    a.aliases.append(phrase)


def _drugs_compatible(label: str, arm: Arm) -> bool:
    """A text label may alias a table arm only if its own drug words do not contradict the arm's."""
    ld = set(drug_set(label))
    ad = set(drug_set(arm.label)) | set(arm.drugs)
    return not ld or not ad or bool(ld & ad)


def _prefix_map(label: str, drugs: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tok in re.findall(r"[A-Za-z]{3,}", label):
        low = tok.lower()
        if low in ("group", "arm", "cohort", "plus", "with", "and", "the", "alone", "control", "observation"):
            continue
        matches = [d for d in drugs if d.lower().startswith(low) and d.lower() != low]
        if len(matches) == 1:
            out[tok] = matches[0]
    return out


def resolve_arm(text: str, arms: list[Arm]) -> Arm | None:
    """The arm a row label or column header refers to (None when unclear)."""
    if not text:
        return None
    # the answer depends only on the text and the arms' names, sizes and identities: found once per article
    seen: dict[int, int] = {}
    sig = tuple((a.label, tuple(a.aliases), a.n, seen.setdefault(id(a), i)) for i, a in enumerate(arms))
    i = _resolve_index(text, sig)
    return None if i is None else arms[i]


@per_article
def _resolve_index(text: str, sig: tuple[tuple[str, tuple[str, ...], int | None, int], ...]) -> int | None:
    top = text.split(" / ")[0]
    base, n = strip_n(top)
    if n is None:
        base = _DESCRIPTOR_TAIL.sub("", base).strip(" ,") or base  # "Treatment arm, n (%)"
    best = None
    for i, (label, aliases, _, ident) in enumerate(sig):
        names = [label, *aliases]
        if any(labels_match(base, x) for x in names) or any(base.lower() == x.lower() for x in names):
            if best is not None and sig[best][3] != ident:
                return None
            best = i
    if best is None and n is not None:
        same = [i for i, x in enumerate(sig) if x[2] == n]
        if len(same) == 1:
            best = same[0]
    return best


def arm_mentions(text: str, arms: list[Arm]) -> list[tuple[Arm, int, int]]:
    """Non-overlapping mentions of arm labels/aliases in ``text`` (longest first)."""
    # the spans depend only on the text and the arms' names, in order: found once per article
    sig = tuple((a.label, tuple(a.aliases), a.is_total) for a in arms)
    return [(arms[i], s, e) for i, s, e in _mention_spans(text, sig)]


_ArmSig = tuple[tuple[str, tuple[str, ...], bool], ...]


@per_article
def _mention_names(sig: _ArmSig) -> list[tuple[re.Pattern[str], int]]:
    """The patterns of the arms' names (longest first) with each arm's index."""
    names: list[tuple[str, int]] = []
    for i, (label, aliases, is_total) in enumerate(sig):
        if is_total:
            continue
        for name in [label, *aliases]:
            if len(name) >= 3 and re.search(_ARM_NOUN, name, re.I):
                names.append((name, i))
                stem = re.sub(rf"\s+{_ARM_NOUN}$", "", name, flags=re.I).strip()
                if stem != name and len(label_tokens(stem)) >= 3:   # "Apa+IE": combination labels stand alone
                    names.append((stem, i))
            elif len(label_tokens(name)) >= 3:
                names.append((name, i))
    names.sort(key=lambda x: len(x[0]), reverse=True)
    return [(re.compile(r"(?<![\w+])" + re.escape(name).replace(r"\ ", r"\s+") + r"(?![\w])", re.I), i)
            for name, i in names]


@per_article
def _mention_spans(text: str, sig: _ArmSig) -> list[tuple[int, int, int]]:
    """(arm index, start, end) of the mentions :func:`arm_mentions` reports."""
    spans: list[tuple[int, int, int]] = []
    for rx, i in _mention_names(sig):
        for m in rx.finditer(text):
            if all(m.end() <= s or m.start() >= e for _, s, e in spans):
                spans.append((i, m.start(), m.end()))
    low = text.lower()
    if "group" not in low and "arm" not in low and "cohort" not in low:  # both patterns below need one
        spans.sort(key=lambda x: x[1])
        return spans
    # "apatinib plus IE (Apa+IE) group": the abbreviation in parentheses names the arm
    for m in re.finditer(rf"\(([^()]{{1,25}})\)\s+({_ARM_NOUN})\b", text, re.I):
        phrase = f"{m.group(1)} {m.group(2)}"
        for i, (label, aliases, is_total) in enumerate(sig):
            if not is_total and any(labels_match(phrase, x) for x in [label, *aliases]):
                a0 = m.start()
                # extend back over the spelled-out name before the parenthesis
                back = re.search(r"(?:[\w+\-/]+\s+){1,4}$", text[:m.start()])
                if back:
                    a0 = back.start()
                spans = [x for x in spans if x[2] <= a0 or x[1] >= m.end()]
                spans.append((i, a0, m.end()))
                break
    # token-prefix aliases ("apatinib plus IE group" for "Apa+IE group")
    for m in re.finditer(rf"(?:[\w+\-/]{{1,60}}\s+){{0,4}}?{_ARM_NOUN}\b", text, re.I):
        if any(not (m.end() <= s or m.start() >= e) for _, s, e in spans):
            continue
        cand = m.group(0)
        for i, (label, aliases, is_total) in enumerate(sig):
            if is_total:
                continue
            # try suffixes of the candidate phrase
            words = cand.split()
            for k in range(len(words)):
                phrase = " ".join(words[k:])
                if any(labels_match(phrase, x) for x in [label, *aliases]):
                    start = m.start() + cand.find(words[k]) if k else m.start()
                    if all(m.end() <= s or start >= e for _, s, e in spans):
                        spans.append((i, start, m.end()))
                    break
    spans.sort(key=lambda x: x[1])
    return spans


# --- randomised arm sizes ------------------------------------------------------------------

#: sentences about part of the randomised set: completers, analysed, lost ("41 completed the NBT treatment")
_NOT_RANDOMISED_SET = re.compile(r"\b(?:complet\w+(?!\s+(?:the\s+)?(?:baseline|screening|informed|consent))|analy[sz]\w*|evaluable|assessable|lost|withdr\w+|discontinu\w+|"
                                 r"per-?protocol|follow-?up\s+visit|died|dropped|participated|took\s+part|full\s+analysis|FAS)\b", re.I)
#: an upper header level naming the first time point: the randomised population ("T0 / EP group (n=19)")
_FIRST_TIME = re.compile(r"^(?:baseline|entry|enrol\w*|randomi[sz]\w*|pre-?\w*|before\b.*|t\s*0|time\s*0|"
                         r"(?:week|day|month|visit)\s*0|screening|at\s+(?:baseline|entry|randomi[sz]\w*))\b", re.I)
_K = rf"(?P<k>two|three|four|five|six|[2-6])"
#: "two groups of 30 patients each", "3 groups of 10 participants", "into two groups of 12"
_EQUAL_GROUPS = re.compile(rf"\b{_K}\s+(?:equal\s+|parallel\s+|treatment\s+|study\s+)?(?:groups|arms)\s+(?:of|with)\s+"
                           rf"(?P<n>\d{{1,5}}|{_WORD_NUM_RX})\b(?!\s*(?:%|years|months|weeks|days|mg|ml))", re.I)
#: "15 patients in each treatment group", "(14 per arm)", "30 in each group"
_EACH_GROUP = re.compile(rf"(?<![\d.,])(?P<n>\d{{1,5}})\s+(?:{_PEOPLE}\s+|clusters\s+|[\w\-]+\s+)?(?:in|per|for)\s+"
                         rf"(?:each|every)\s+(?:treatment\s+|study\s+)?(?:group|arm)\b|\(\s*(?P<n2>\d{{1,5}})\s+per\s+(?:arm|group)\s*\)",
                         re.I)


def _find_arm(label: str, arms: list[Arm]) -> Arm | None:
    for a in arms:
        if any(labels_match(label, x) or label.strip().lower() == x.strip().lower() for x in [a.label, *a.aliases]):
            return a
    return None


def _stated_randomised_totals(doc: Document) -> set[int]:
    """Sizes stated as randomised, and sizes stated in a sentence about randomisation
    ("Female adults (n = 150) ... were randomized into one of three study groups")."""
    out = set()
    for x in extract_sample_sizes(doc):
        if x.kind == "randomised" or (x.kind in ("stated", "enrolled") and
                                      re.search(r"randomi[sz]|randomly", x.provenance.quote or "", re.I)):
            out.add(x.value)
    return out


def _table_arm_sizes(t: Table) -> list[tuple[int, str, int]] | None:
    """(column, label, n) of a table's arm columns, one per arm: where one arm repeats under several
    upper levels (time points), the first, when that level is the first time point; None when the
    repeats are not time points (strata such as "Children / Placebo", "Adolescents / Placebo")."""
    out: list[tuple[int, str, int]] = []
    seen: dict[str, str] = {}
    for col in t.columns[1:]:
        levels = [x.strip() for x in col.split(" / ")]
        if len(levels) > 1 and TOTAL_WORDS.match(levels[1]) and not TOTAL_WORDS.match(levels[0]) and \
                strip_n(levels[1])[1] is not None:
            return None   # "Children / Total (n = 130)": the columns split the arms by a stratum
    for j, base, n, level in _header_arms(t):
        if not base or TOTAL_WORDS.match(base) or _NON_ARM_LABEL.search(base):
            continue
        levels = [x.strip() for x in t.columns[j].split(" / ")]
        key = strip_n(levels[level])[0].lower() or (levels[level - 1].lower() if level else base.lower())
        upper = levels[0] if level and levels[0].lower() != key else ""
        if upper and TOTAL_WORDS.match(key):
            return None   # "Children / Total (n = 130)": the columns split the arms by a stratum
        if any(b == base for _, b, _ in out):
            continue   # "Apple Juice n = 30 / SD": another statistic of an arm already read
        if key in seen:
            if seen[key] == "first":
                continue   # a later time point of an arm already read
            if seen[key] == "time" or _TIME_LEVEL.match(upper) or _FIRST_TIME.match(upper):
                return None
        else:
            seen[key] = "first" if upper and _FIRST_TIME.match(upper) else "time" if upper and _TIME_LEVEL.match(upper) \
                else "arm"
        out.append((j, base, n))
    return out


def _equal_allocation(doc: Document) -> tuple[int, int, Provenance] | None:
    """'randomly divided into two groups of 30 patients each': (groups, size, where)."""
    for s in doc.sentences:
        text = s.text
        if s.section_kind not in ("abstract", "methods", "results") or _PLANNING.search(text):
            continue
        if not _ALLOC_CONTEXT.search(text):
            continue
        for rx in (_EQUAL_GROUPS, _EACH_GROUP):
            m = rx.search(text)
            if not m or _NOT_RANDOMISED_SET.search(text[max(0, m.start() - 80):m.end() + 25]):
                continue
            n = _as_int(m.group("n") or m.groupdict().get("n2") or "")
            if not n or n < 2:
                continue
            if rx is _EQUAL_GROUPS:
                k = word_number(m.group("k")) or int(m.group("k"))
            else:
                kk = _K_BEFORE.search(text)
                k = (word_number(kk.group("k")) or int(kk.group("k"))) if kk else 0
                if not k:   # "30 subjects (..., with 15 patients in each treatment group)": the total / n
                    k = next((int(x) // n for x in re.findall(r"(?<![\d.,])\d{1,5}(?![\d.,])", text[:m.start()])
                              if int(x) != n and int(x) % n == 0 and 2 <= int(x) // n <= 6), 0)
            return k, n, _prov(doc, s)
    return None


_K_BEFORE = re.compile(rf"\b{_K}\s+(?:\w+\s+){{0,2}}(?:groups|arms)\b", re.I)


def _as_int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else word_number(raw)


def resolve_randomised(doc: Document, arms: list[Arm], cands: list[ArmCandidate]) -> list[Arm]:
    """Set each arm's ``randomised_n`` from what the article states; returns arms (with new
    unnamed arms only when the article names no arm but states equal allocation).

    Sources, first that applies: an allocation statement in the text naming the arm with its size
    ("randomized to X (n = 78) or placebo (n = 79)", "102 were randomly allocated to education and
    109 to control"); else the header sizes of the first table whose arm sizes add up to the stated
    randomised total (any table when no total is stated); else an equal allocation ("randomly
    divided into two groups of 30 patients each"). Sizes of completers, analysed sets, later time
    points or other tables' subsets are never taken.
    """
    real = [a for a in arms if not a.is_total]
    rank = {"randomised": 0, "enrolled": 1, "stated": 2, "treated": 3}
    by_arm: dict[str, dict[int, tuple[int, Provenance]]] = {}
    for c in cands:
        if c.source not in ("definition", "in-group") or c.n is None or c.kind not in rank:
            continue
        if c.kind == "treated" and c.source != "definition":
            continue
        quote = c.prov.quote or ""
        if _NOT_RANDOMISED_SET.search(quote) or _PLANNING.search(quote):
            continue
        if not _ALLOC_CONTEXT.search(quote) and not (c.source == "definition" and (c.kind == "treated" or 0 <= quote.lower().find(
                c.label.lower()) < 25)):
            continue   # a group's defining sentence ("Group I (n = 30, laser group) received ...") states its size
        a = _find_arm(c.label, real)
        if a is not None:
            have = by_arm.setdefault(a.id, {})
            if c.n not in have or rank[c.kind] < have[c.n][0]:
                have[c.n] = (rank[c.kind], c.prov)
    for a in real:
        vals = by_arm.get(a.id, {})
        best = min((r for r, _ in vals.values()), default=None)
        top = [(n, p) for n, (r, p) in vals.items() if r == best]
        if len(top) == 1:
            a.randomised_n, a.randomised_provenance = top[0]
    totals = _stated_randomised_totals(doc)
    if any(a.randomised_n is None for a in real):
        chosen: list[tuple[Arm, int, Provenance]] | None = None
        for t in doc.tables:
            cols = _table_arm_sizes(t)
            if not cols:
                continue
            mapped = [(_find_arm(base, real), n, _table_prov(doc, t, j)) for j, base, n in cols]
            mapped = [(a, n, p) for a, n, p in mapped if a is not None]
            if len({a.id for a, _, _ in mapped}) != len(mapped) or len(mapped) < min(2, len(real)):
                continue
            # a stated randomised total larger than every arm must be the table's sum ("150 were
            # randomised" and a table of 50 + 49 + 50 describes fewer than were randomised)
            above = {x for x in totals if x > max(n for _, n, _ in mapped)}
            total = sum(n for _, n, _ in mapped)
            caption = t.caption or ""
            if not above or total in above or (re.search(rf"(?<![\d.,]){total}(?![\d.,])", caption) and
                                               not _NOT_RANDOMISED_SET.search(caption)):
                chosen = mapped
                break
        for a, n, p in chosen or []:
            if a.randomised_n is None:
                a.randomised_n, a.randomised_provenance = n, p
    eq = _equal_allocation(doc) if all(a.randomised_n is None for a in real) else None
    if eq is not None:
        k, n, prov = eq
        if not real and k >= 2:
            arms = arms + [Arm(id=f"arm{len(arms) + i + 1}", label=f"group {i + 1}", randomised_n=n,
                               randomised_provenance=prov) for i in range(k)]
        elif real and (k == len(real) or k == 0):
            for a in real:
                a.randomised_n, a.randomised_provenance = n, prov
    return arms
