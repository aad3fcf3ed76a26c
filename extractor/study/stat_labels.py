"""What a table column's label says it holds: a P value, or a test statistic (and which one)."""
from __future__ import annotations

import re

_P_LABEL = re.compile(r"(?:^|[^a-z])p(?:[\s\-–]*values?)?(?:$|[^a-z0-9])|\bsig(?:\.|nificance)?\b", re.I)
#: a column header stating a group size ("Group P1.5 (n = 47)") names a group, never a P column
_SIZE_IN_LABEL = re.compile(r"\b[nN]\s*=\s*\d")
_CHI_LABEL = re.compile(r"χ|\\chi|\bchi\b|\bchi[\s-]*squ|\bx2\b|x²|\bpearson\b", re.I)
_T_LABEL = re.compile(r"(?:^|[\s/(])t(?:[\s-]*(?:value|test|statistic))?(?:$|[\s/)])", re.I)
_F_LABEL = re.compile(r"(?:^|[\s/(])F(?:[\s-]*(?:value|statistic))?(?:$|[\s/)])")
_Z_LABEL = re.compile(r"(?:^|[\s/(])[zZ](?:[\s-]*(?:value|score|statistic))?(?:$|[\s/)])")
#: a column of test statistics named generically: "Statistic", "Test value", "Test statistic(s)", or a column
#: headed "Statistics" alone (not "Descriptive statistics")
_GENERIC_STAT = re.compile(r"\b(?:statistic|test value|test statistics?)\b|^\s*statistics\s*$", re.I)


def is_p_label(label: str) -> bool:
    lab = (label or "").split(" / ")[-1]
    if _CHI_LABEL.search(lab) and not re.search(r"\bp\b|p[\s-]*value", lab, re.I):
        return False
    return bool(_P_LABEL.search(lab)) and len(lab) <= 40 and not _SIZE_IN_LABEL.search(lab)


def stat_kind_of_label(label: str) -> str | None:
    """'chi2', 't', 'F', 'z', 'mixed' (t/χ²), 'unknown' (Statistic) or None (not a statistic column).

    A column label joins its header levels with " / ", so a header cell that itself names two tests ("Chi / T-test",
    "t / χ²") reads as two levels: when the last two parts name χ² and t, the column is mixed (counts rows carry a
    χ², means rows a t), not the lower part's test alone."""
    parts = (label or "").split(" / ")
    kind = _stat_kind(parts[-1])
    if kind in ("chi2", "t") and len(parts) >= 2 and {kind, _stat_kind(parts[-2])} == {"chi2", "t"}:
        return "mixed"
    return kind


def _stat_kind(label: str) -> str | None:
    lab = label.strip()
    # inline markup a Markdown or HTML rendering keeps ("X<sup>2</sup>/t", "χ^2^"): "X2/t"
    lab = re.sub(r"</?(?:sup|sub|i|b|em|strong)>|\^", "", lab).strip()
    if not lab or len(lab) > 40 or is_p_label(lab):
        return None
    chi = bool(_CHI_LABEL.search(lab))
    short = len(lab) <= 15  # "t", "t value", "t/χ²", "F", "Z" — not "T stage"
    t = short and bool(_T_LABEL.search(lab)) and not re.search(r"\bT\s*(?:stage|\d|category)", lab)
    if chi and t:
        return "mixed"
    if chi:
        return "chi2"
    if t:
        return "t"
    if short and _F_LABEL.search(lab):
        return "F"
    if short and _Z_LABEL.search(lab):
        return "z"
    if _GENERIC_STAT.search(lab):
        return "unknown"
    return None
