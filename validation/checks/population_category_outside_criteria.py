"""TA309 population-category-outside-criteria."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.study.diagnoses import diagnoses_in, family_of as _fam_of
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import cell_count

_DX_GROUP = re.compile(r"patholog|histolog|diagnos|tumou?r\s+type|subtype|histotype|disease\s+type|type\s+of\s+tumou?r|"
                       r"cancer\s+type|pathological\s+type", re.I)


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
        columns of other cohorts are skipped. The required diagnosis and the vocabulary come from the
        Study (``Study.required_diagnosis``, :mod:`trialaudit.extractor.study.diagnoses`).
    """
    pop = ctx.study.required_diagnosis
    if pop is None:
        return
    allowed = set(pop.diagnoses)
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
            ev.append(pop.evidence)
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

