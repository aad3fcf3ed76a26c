"""Small text helpers shared by the extractors and the checks.

* :func:`top_level_matches` / :func:`split_top_level`: separators outside
  parentheses and brackets, and the clauses between them;
* :func:`word_number` (and the regex :data:`WORD_NUMBER`): 'Forty-two' -> 42;
* :func:`mknum`: a printed number as a :class:`~schemas.quantities.Num`.

Nothing here knows about a particular article.
"""
from __future__ import annotations

import re

from trialaudit.schemas.quantities import Num

__all__ = ["top_level_matches", "split_top_level", "WORD_NUMBER", "word_number", "mknum", "DESCRIPTOR_CELL",
           "DESCRIPTOR_TOKENS"]

#: a cell (or a lower header level) that names the statistic of the cells below it ("n (%)", "Mean±SD",
#: "Median (IQR)", "%"): a sub-header, not data and not the wrapped end of the row above
DESCRIPTOR_CELL = re.compile(r"^\s*(?:n\s*[(\[]\s*%\s*[)\]]|no\.?\s*\(\s*%\s*\)|n|%|"
                             r"mean\s*(?:±|\+/-|\()\s*(?:s\.?d\.?|sem?)\s*\)?|"
                             r"median\s*[(\[]\s*(?:iqr|range)\s*[)\]])\s*$", re.I)
#: a cell made only of such words and signs, in any combination ("Mean (SD) / Median", "n/N (%)", "Min–Max")
DESCRIPTOR_TOKENS = re.compile(r"^\s*(?:n|no\.?|number|mean|median|%|sd|iqr|range|[\s(),±/%\[\]]|sd\b|s\.d\.|"
                               r"iqr|range|min|max|q1|q3)+\s*$", re.I)


def _depths(text: str) -> list[int]:
    """Bracket depth of every character: an opening bracket counts as inside, a closing one as
    outside; an unmatched closing bracket never makes the depth negative."""
    depth = 0
    mask = []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
        mask.append(depth)
    return mask


_BRACKET = re.compile(r"[()\[\]{}]")


def top_level_matches(text: str, pattern: str | re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of ``pattern`` in ``text`` that start outside any '(...)' / '[...]' / '{...}'.

    The depth (as :func:`_depths` counts it) is followed only at the brackets and the match
    starts, in order, not character by character.
    """
    matches = list(re.compile(pattern).finditer(text))
    if not matches:
        return []
    n = len(text)
    brackets = [(b.start(), b.group()) for b in _BRACKET.finditer(text)]
    out: list[re.Match[str]] = []
    depth, k = 0, 0
    for m in matches:
        s = m.start()
        while k < len(brackets) and brackets[k][0] <= s:  # the depth after character s
            if brackets[k][1] in "([{":
                depth += 1
            elif depth:
                depth -= 1
            k += 1
        if s < n and depth == 0:
            out.append(m)
    return out


def split_top_level(text: str, pattern: str | re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of the non-empty clauses of ``text`` between the separators ``pattern`` matches
    outside parentheses, brackets and braces (the separators themselves belong to no clause)."""
    cuts = [0]
    for m in top_level_matches(text, pattern):
        cuts += [m.start(), m.end()]
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i + 1] > cuts[i]]


_UNITS = ["two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
#: a regex source for the number words :func:`word_number` reads
WORD_NUMBER = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:one|{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|{'|'.join(_UNITS)}"
               rf"|(?:one|a)\s+hundred(?:\s+and\s+\w+)?)")


def word_number(w: str) -> int | None:
    """'Forty-two' -> 42 (2..199)."""
    w = w.lower().replace("-", " ")
    parts = w.split()
    if parts[:2] in (["one", "hundred"], ["a", "hundred"]):
        rest = " ".join(parts[3:] if len(parts) > 2 and parts[2] == "and" else parts[2:])
        return 100 + (word_number(rest) or 0) if rest else 100
    total = 0
    for p in parts:
        if p in _TENS:
            total += 20 + 10 * _TENS.index(p)
        elif p in _TEENS:
            total += 10 + _TEENS.index(p)
        elif p in _UNITS:
            total += 2 + _UNITS.index(p)
        elif p == "one":
            total += 1
        else:
            return None
    return total or None


def mknum(value: float, text: str | None = None, *, start: int | None = None) -> Num:
    """A :class:`Num` with the decimals of its printed ``text`` (default: ``value`` formatted);
    with ``start``, also its offsets in the parsed string."""
    t = text if text is not None else (f"{value:g}")
    dec = len(t.split(".")[1]) if "." in t else 0
    if start is None:
        return Num(value=value, text=t, decimals=dec)
    return Num(value=value, text=t, decimals=dec, start=start, end=start + len(t))
