"""TA211 p-value-out-of-range."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import ImpossiblePValue
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


@rule(code="TA211", name="p-value-out-of-range", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A P value is printed above 1, which no probability can be.

    What it checks:
        P values printed above 1: in a sentence ("P = 3.84", "p-value =
        1.27") and in a table's P column ("| P value | 0.041 | 5.700 |
        0.38 |"). The values are ``Study.impossible_p_values``
        (:mod:`trialaudit.extractor.study.p_range`): a sentence's value
        must follow "P" and a relation sign and be printed with a decimal
        point, not as a power of ten ("P = 1.5 × 10⁻⁴") or a percentage,
        and not be followed by a unit ("P = 4.5 mg/dL" is phosphorus); a
        table's value must sit in a column headed as a P column whose other
        filled cells are all P values (at least two of them) or dashes.
        One finding per sentence value, one per table column listing every
        such cell.

    Why it matters:
        A P above 1 is impossible as printed: usually a test statistic or
        another column's value typed into the P's place, so the comparison
        it reports has no valid P and its significance is unknown.

    Example:
        Table 3, column "P value": 0.012, 0.430, 3.840 — the third "P" is
        probably the χ² statistic (3.84 is χ²'s critical value at 1 df).

    Known limitations:
        Integers above 1 ("P = 12") are not read (they are more often a
        group or variable named P); a P column that also holds text (a
        repeated header, the labels of a second table) or shares its header
        with a neighbouring column is skipped, so a misprint there is missed.
    """
    by_column: dict[str, list[ImpossiblePValue]] = {}
    for ip in ctx.study.impossible_p_values:
        if ip.context == "text":
            yield ctx.finding(
                "TA211", severity="error",
                message=f"{ip.where}: '{ip.printed}' — a P value cannot exceed 1.",
                observed=ip.printed, expected="a P value between 0 and 1",
                computation=f"{ip.text} > 1: no probability is above 1 (perhaps a test statistic printed as P).",
                evidence=[ip.evidence], key=f"text|{ip.printed}")
        else:
            by_column.setdefault(f"{ip.table}|{ip.column}", []).append(ip)
    for key, ips in by_column.items():
        first = ips[0]
        vals = ", ".join(ip.printed for ip in ips)
        yield ctx.finding(
            "TA211", severity="error",
            message=(f"{first.table}, P column '{first.column}': {len(ips)} value(s) above 1 ({vals}) among "
                     f"{first.valid_in_column} valid P values — a P value cannot exceed 1."),
            observed=vals, expected="P values between 0 and 1",
            computation=("; ".join(f"{ip.where}: {ip.text} > 1" for ip in ips)
                         + ". No probability is above 1 (perhaps a test statistic printed in the P column)."),
            evidence=[ip.evidence for ip in ips], key=f"table|{key}")
