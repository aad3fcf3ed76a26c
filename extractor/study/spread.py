"""What a ``±`` (or the number in brackets after a mean) stands for: a standard deviation or a standard error.

Most tables print "mean ± SD", and a test recomputed from two means reads the ``±`` as an SD. Some say, in a
column header, the caption, a footnote ("*Data are based on mean ± standard error") or the methods ("Means ±
standard error of means ... were reported"), that it is a standard error; read as an SD it makes every
recomputed t far too large. The declarations are facts:

* ``NamedTests.mean_spread`` — what the methods or statistics text declares for its summaries ("sd", "se" or
  both), with a quote; sentences about figures ("error bars show SEM") are not read, since a figure's bars say
  nothing about the tables;
* ``TableTest.spread`` — what a table's own text declares (headers, row labels, caption, footnotes, a note
  sentence under it such as "Values are mean ± SD."), else what
  the methods declare: "sd" (also when nothing is said), "se", or "unclear" when both are declared and a row
  cannot be told apart.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document, Table

__all__ = ["declared_spreads", "article_spread", "table_spread", "sentence_spread"]

_SE_WORD = r"(?:SEM?|S\.E\.(?:M\.?)?|standard\s+errors?(?:\s+of\s+(?:the\s+)?means?)?)"
_SD_WORD = r"(?:SD|S\.D\.?|standard\s+deviations?)"
_PM = r"(?:±|\+/-|\+-|plus\s*(?:or|/|-)\s*minus)"


def _declaration(word: str) -> re.Pattern[str]:
    return re.compile(
        rf"{_PM}\s*\(?\s*(?:the\s+)?{word}(?![A-Za-z])|"                      # "mean ± SE", "± standard error"
        rf"\bmeans?\b[^.;±]{{0,30}}?(?:\(|,|\band\b|\bwith\b)\s*(?:the\s+)?(?:their\s+)?{word}(?![A-Za-z])",
        re.I)


_SE = _declaration(_SE_WORD)
_SD = _declaration(_SD_WORD)
#: a sentence about a figure's error bars: it declares nothing about the tables
_FIGURE = re.compile(r"\bfig(?:ure)?s?\b|\berror\s+bars?\b|\bgraphs?\b|\bplots?\b|\bbars?\b", re.I)


def declared_spreads(text: str) -> set[str]:
    """{"sd", "se"}: which spreads ``text`` declares for its means."""
    out = set()
    if _SE.search(text or ""):
        out.add("se")
    if _SD.search(text or ""):
        out.add("sd")
    return out


def article_spread(doc: Document) -> tuple[list[str], str | None]:
    """What the methods or statistics text declares its means' ``±`` to be, with the first quote."""
    found: set[str] = set()
    quote = None
    for s in doc.sentences:
        if s.section_kind not in ("statistics", "methods") or _FIGURE.search(s.text):
            continue
        kinds = declared_spreads(s.text)
        if kinds:
            found |= kinds
            if quote is None or ("se" in kinds and "se" not in declared_spreads(quote)):
                quote = s.text
    return sorted(found), quote


#: a sentence under a table that is its note ("Values are mean ± SD.", "* Data are ...", "Note: ..."), not prose
_NOTE_START = re.compile(r"^\W{0,3}(?:[a-z*†‡§¶#]\s*)?(?:notes?\b|values?\b|data\b|results\s+are\b|numbers\b|"
                         r"all\s+(?:values|data)\b)", re.I)


def table_spread(table: Table, article: list[str], article_quote: str | None,
                 notes: list[str] = ()) -> tuple[str, str | None]:
    """("sd" | "se" | "unclear", the text that says so) for a table's means: what its own headers, row labels,
    caption, footnotes and the note sentences printed under it (``notes``) declare, else what the methods declare."""
    own: set[str] = set()
    quote = None
    for text in [*table.columns, *(r.label or "" for r in table.rows), table.caption or "", *table.footnotes,
                 *(n for n in notes if _NOTE_START.match(n))]:
        kinds = declared_spreads(text)
        if kinds and (quote is None or ("se" in kinds and "se" not in own)):
            quote = text
        own |= kinds
    if own:
        return ("unclear" if len(own) > 1 else own.pop()), quote
    if article == ["se"]:
        return "se", article_quote
    if set(article) == {"sd", "se"}:
        return "unclear", article_quote
    return "sd", None


def sentence_spread(text: str, article: list[str]) -> str:
    """A sentence's own declaration, else the methods': "sd", "se" or "unclear"."""
    kinds = declared_spreads(text)
    if kinds:
        return kinds.pop() if len(kinds) == 1 else "unclear"
    if article == ["se"]:
        return "se"
    return "unclear" if set(article) == {"sd", "se"} else "sd"
