"""TA309 population-category-outside-criteria."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import cell_count

# diagnosis -> the families it belongs to (most specific first)
DIAGNOSES: list[tuple[str, str, tuple[str, ...]]] = [
    ("osteosarcoma", r"osteo[\s\-]?sarcomas?|osteogenic\s+sarcomas?", ("osteosarcoma", "bone sarcoma", "sarcoma")),
    ("Ewing sarcoma", r"ewing'?s?(?:\s+sarcomas?|\s+family\s+tumou?rs?)?", ("Ewing sarcoma", "bone sarcoma", "sarcoma")),
    ("chondrosarcoma", r"chondrosarcomas?", ("chondrosarcoma", "bone sarcoma", "sarcoma")),
    ("soft tissue sarcoma", r"soft[\s\-]+tissue\s+sarcomas?|\bSTS\b", ("soft tissue sarcoma", "sarcoma")),
    ("rhabdomyosarcoma", r"rhabdomyosarcomas?", ("rhabdomyosarcoma", "soft tissue sarcoma", "sarcoma")),
    ("leiomyosarcoma", r"leiomyosarcomas?", ("leiomyosarcoma", "soft tissue sarcoma", "sarcoma")),
    ("liposarcoma", r"liposarcomas?", ("liposarcoma", "soft tissue sarcoma", "sarcoma")),
    ("synovial sarcoma", r"synovial\s+sarcomas?", ("synovial sarcoma", "soft tissue sarcoma", "sarcoma")),
    ("angiosarcoma", r"angiosarcomas?", ("angiosarcoma", "soft tissue sarcoma", "sarcoma")),
    ("undifferentiated pleomorphic sarcoma", r"undifferentiated\s+pleomorphic\s+sarcomas?|\bUPS\b",
     ("undifferentiated pleomorphic sarcoma", "soft tissue sarcoma", "sarcoma")),
    ("giant cell tumour of bone", r"giant[\s\-]+cell\s+tumou?rs?", ("giant cell tumour of bone", "bone tumour")),
    ("bone sarcoma", r"bone\s+sarcomas?", ("bone sarcoma", "sarcoma")),
    ("sarcoma", r"(?<![\w\-])sarcomas?\b", ("sarcoma",)),
    ("lymphoma", r"lymphomas?", ("lymphoma",)),
    ("melanoma", r"melanomas?", ("melanoma",)),
    ("non-small cell lung cancer", r"non[\s\-]+small[\s\-]+cell\s+lung\s+(?:cancer|carcinoma)s?|\bNSCLC\b",
     ("non-small cell lung cancer", "lung cancer")),
    ("small cell lung cancer", r"(?<!non-)(?<!non\s)small[\s\-]+cell\s+lung\s+(?:cancer|carcinoma)s?|\bSCLC\b",
     ("small cell lung cancer", "lung cancer")),
    ("breast cancer", r"breast\s+(?:cancer|carcinoma)s?", ("breast cancer",)),
    ("hepatocellular carcinoma", r"hepatocellular\s+carcinomas?|\bHCC\b", ("hepatocellular carcinoma",)),
    ("gastric cancer", r"gastric\s+(?:cancer|carcinoma|adenocarcinoma)s?", ("gastric cancer",)),
    ("colorectal cancer", r"colorectal\s+(?:cancer|carcinoma)s?", ("colorectal cancer",)),
]
_DX_RX = [(name, re.compile(p, re.I), fam) for name, p, fam in DIAGNOSES]
_INCLUSION = re.compile(r"\b(?:inclusion\s+criteria|included\s+if|eligib\w*|were\s+required|required\s+to\s+have|"
                        r"diagnosis\s+of|(?:histolog|patholog|cytolog)\w*\s+(?:and\s+\w+\s+)?(?:confirmed|proven|diagnos)|"
                        r"confirmed\s+(?:by\s+\w+\s+)?(?:diagnosis|histolog|patholog))", re.I)
_EXCLUSION = re.compile(r"\bexclu\w*|\bhistory\s+of\s+other|other\s+(?:types\s+of\s+)?malignan", re.I)
_DX_GROUP = re.compile(r"patholog|histolog|diagnos|tumou?r\s+type|subtype|histotype|disease\s+type|type\s+of\s+tumou?r|"
                       r"cancer\s+type|pathological\s+type", re.I)


def diagnoses_in(text: str) -> list[tuple[str, tuple[str, ...], int, int]]:
    out = []
    taken: list[tuple[int, int]] = []
    for name, rx, fam in _DX_RX:
        for m in rx.finditer(text):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            taken.append(m.span())
            out.append((name, fam, m.start(), m.end()))
    return sorted(out, key=lambda x: x[2])


def _population(ctx: CheckContext):
    """(allowed family names, evidence sentence, from_criteria) of the study population."""
    kinds = ctx.section_kinds()
    cands = []
    for s in ctx.document.sentences:
        kind = kinds.get(s.id, s.section_kind)
        if kind not in ("methods", "abstract"):
            continue
        m = _INCLUSION.search(s.text)
        if not m:
            continue
        strong = bool(re.search(r"inclusion\s+criteria|included\s+if|eligib|required", s.text, re.I))
        cands.append(((0 if strong else 1, 0 if kind == "methods" else 1), s, m))
    for _, s, m in sorted(cands, key=lambda x: x[0]):
        # the inclusion part only: stop at an exclusion clause
        text = s.text
        ex = _EXCLUSION.search(text, m.start())
        seg = text[:ex.start()] if ex else text
        dx = diagnoses_in(seg)
        if not dx:
            continue
        names = {d[0] for d in dx}
        # the most specific diagnoses define the population
        specific = [d for d in dx if not any(d[0] in o[1][1:] for o in dx if o is not d)]
        return {d[0] for d in specific}, s, True, names
    return None


@rule(code="TA309", name="population-category-outside-criteria", severity="error", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A table reports patients with a diagnosis outside the population the inclusion criteria require.

    What it checks:
        The diagnosis required by the inclusion criteria ("Inclusion
        criteria: 1) a pathological diagnosis of osteosarcoma …",
        "Histologically confirmed high-grade osteosarcoma") is read from the
        methods or abstract with a vocabulary of diagnoses and their families
        (osteosarcoma ⊂ bone sarcoma ⊂ sarcoma; rhabdomyosarcoma ⊂ soft tissue
        sarcoma ⊂ sarcoma; lung cancers, lymphoma …). Rows of the study's
        tables (this study's columns only) that name another diagnosis —
        under a pathological type / histology / diagnosis heading or as the
        row label itself — and count at least one patient are reported.
        Subtypes of the required diagnosis (telangiectatic, chondroblastic
        osteosarcoma) are not other diagnoses.

    Why it matters:
        Patients outside the stated population make the results
        inapplicable to it (and the population claim false); a reviewer
        pooling osteosarcoma trials would include soft tissue sarcoma
        patients without knowing.

    Example:
        Inclusion criteria: "a pathological diagnosis of osteosarcoma";
        Table 1: "Pathological type — Osteosarcoma 37 | 28; Soft tissue sarcoma
        18 | 12" (error: 30 patients with a diagnosis the criteria exclude).

    Known limitations:
        Only diagnoses in the vocabulary are recognised; a population defined
        by other features (stage, biomarker) is not checked. Comparison
        columns of other cohorts are skipped.
    """
    pop = _population(ctx)
    if pop is None:
        return
    allowed, crit_sent, _, _ = pop
    for t, cols in zip(ctx.document.tables, ctx.study.population_sizes.study_columns):
        if not cols:
            continue
        for row in t.rows:
            if row.kind == "group":
                continue
            label = row.label
            if re.search(r"\bvs\.?\b|versus|\bcompared\b", label, re.I):
                continue
            dx = diagnoses_in(label)
            if len(dx) != 1:
                continue
            name, fam, _, _ = dx[0]
            if not (row.group and _DX_GROUP.search(row.group)) and not re.fullmatch(r"[\w\s\-']+", label.strip()):
                continue
            if any(a in fam for a in allowed) or any(name in _fam_of(a) for a in allowed):
                continue
            counts = {j: cell_count(row.cells[j].text) for j in cols if j < len(row.cells)}
            pos = {j: c for j, c in counts.items() if c}
            if not pos:
                continue
            total = sum(pos.values())
            ev = [ctx.cell_evidence(t, row, j, role=f"patients with {name}") for j in list(pos)[:3]]
            ev.append(ctx.sentence_evidence(crit_sent, role="inclusion criterion"))
            yield ctx.finding(
                "TA309", severity="error",
                message=(f"{t.label} reports {total} patient(s) with {label.strip()} ('{row.group or label}'), but the "
                         f"inclusion criteria require {' or '.join(sorted(allowed))}."),
                observed=f"{label.strip()}: {', '.join(str(c) for c in pos.values())}",
                expected=f"only {' or '.join(sorted(allowed))}",
                computation=(f"'{label.strip()}' is {name} ({' ⊂ '.join(fam)}), which is not "
                             f"{' or '.join(sorted(allowed))} nor one of its subtypes; counts in this study's "
                             f"columns: {', '.join(f'{t.column_label(j)} = {c}' for j, c in pos.items())}."),
                evidence=ev, key=f"{t.label}|{label}", details={"diagnosis": name, "allowed": sorted(allowed)})


def _fam_of(name: str) -> tuple[str, ...]:
    for n, _, fam in DIAGNOSES:
        if n == name:
            return fam
    return (name,)
