"""TA309 population-category-outside-criteria."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.study.diagnoses import family_of as _fam_of
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

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
        columns of other cohorts are skipped. The required diagnosis, the vocabulary and the diagnosis rows
        come from the Study (``Study.required_diagnosis``,
        ``Study.diagnosis_rows``, :mod:`trialaudit.extractor.study.diagnoses`).
    """
    pop = ctx.study.required_diagnosis
    if pop is None:
        return
    allowed = set(pop.diagnoses)
    for dr in ctx.study.diagnosis_rows:
        name, fam = dr.diagnosis, dr.family
        if any(a in fam for a in allowed) or any(name in _fam_of(a) for a in allowed):
            continue
        pos = [c for c in dr.counts if c.count]
        if not pos:
            continue
        total = sum(c.count for c in pos)
        label = dr.row
        ev = [c.evidence for c in pos[:3]]
        ev.append(pop.evidence)
        yield ctx.finding(
            "TA309", severity="error",
            message=(f"{dr.table} reports {total} patient(s) with {label.strip()} ('{dr.group or label}'), but the "
                     f"inclusion criteria require {' or '.join(sorted(allowed))}."),
            observed=f"{label.strip()}: {', '.join(str(c.count) for c in pos)}",
            expected=f"only {' or '.join(sorted(allowed))}",
            computation=(f"'{label.strip()}' is {name} ({' ⊂ '.join(fam)}), which is not "
                         f"{' or '.join(sorted(allowed))} nor one of its subtypes; counts in this study's "
                         f"columns: {', '.join(f'{c.column} = {c.count}' for c in pos)}."),
            evidence=ev, key=f"{dr.table}|{label}", details={"diagnosis": name, "allowed": sorted(allowed)})
