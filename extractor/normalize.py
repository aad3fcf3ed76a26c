"""Inline normalisation of article text with provenance kept.

Handles what PDF-to-text and markdown converters leave behind: LaTeX
fragments (``$\\chi^2$``, ``$P = 0.0402$``), HTML tags (``<b>``, ``<sup>``),
markdown emphasis, citation markers (``^{1–5}``, ``<sup>16–19</sup>``, ``⁷``,
``[2-4]``), non-breaking hyphens, ligatures and odd spaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .tracked import Tracked

SUPERSCRIPT_MAP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUP_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

LATEX_SYMBOLS = {
    "chi": "χ", "pm": "±", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "times": "×",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "sigma": "σ", "tau": "τ", "approx": "≈", "sim": "~", "neq": "≠", "cdot": "·",
    "ldots": "...", "dots": "...", "infty": "∞", "to": "→", "degree": "°", "circ": "°",
    "lt": "<", "gt": ">", "%": "%", "&": "&", "_": "_", "#": "#",
}

_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}


@dataclass
class Marker:
    """A superscript/citation marker removed from the text."""

    text: str
    numbers: list[int]
    offset: int  # source offset
    kind: str = "citation"  # "citation" or "footnote"


@dataclass
class NormResult:
    tracked: Tracked
    markers: list[Marker] = field(default_factory=list)


def expand_citation_numbers(s: str) -> list[int]:
    """"1–5, 8" -> [1, 2, 3, 4, 5, 8]. Returns [] when not a citation list."""
    s = s.translate(SUPERSCRIPT_MAP).replace("‑", "-").replace("–", "-").replace("—", "-").replace("−", "-")
    s = s.strip().strip(",")
    if not s or not re.fullmatch(r"\d{1,3}(?:\s*[-,]\s*\d{1,3})*", s):
        return []
    out: list[int] = []
    for part in re.split(r"\s*,\s*", s):
        if "-" in part:
            a, b = (int(x) for x in re.split(r"\s*-\s*", part)[:2])
            if 0 < a <= b and b - a < 50:
                out.extend(range(a, b + 1))
            else:
                return []
        else:
            out.append(int(part))
    return out


_RE_SUP_HTML = re.compile(r"<sup>\s*(.*?)\s*</sup>", re.I | re.S)
_RE_TAGS = re.compile(r"</?(?:b|i|em|strong|u|span|sub|small|font|p|div)(?:\s[^>]*)?>", re.I)
_RE_BR = re.compile(r"<br\s*/?>", re.I)
_RE_LATEX_SUP = re.compile(r"\^\{([^{}]*)\}|\^(\w)")
_RE_LATEX_CMD_ARG = re.compile(r"\\(?:text|mathrm|mathbf|mathit|textbf|textit|operatorname|mbox|rm)\s*\{([^{}]*)\}")
_RE_LATEX_BAR = re.compile(r"\\bar\s*\{?\s*([a-zA-Z])\s*\}?")
_RE_LATEX_SYM = re.compile(r"\\([a-zA-Z]+|[%&_#])")
_RE_LATEX_SPACING = re.compile(r"\\[!,;: ]")
_RE_DOLLAR = re.compile(r"\$")
_RE_BRACES = re.compile(r"[{}]")
_RE_MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
_RE_MD_ITALIC = re.compile(r"(?<![\w*])\*([^*\s][^*]{0,40}?)\*(?![\w*])")
_RE_ESC_STAR = re.compile(r"\\([*_\[\]#])")
_RE_URL_ANGLE = re.compile(r"<(https?://[^>\s]+)>")
# (a superscript followed by "=" or a comparison is a power: "ηp² = .04", never a citation)
_RE_UNICODE_SUP = re.compile(r"(?<=[A-Za-z\)\]\.,;:%])([⁰¹²³⁴⁵⁶⁷⁸⁹](?:[⁰¹²³⁴⁵⁶⁷⁸⁹]|[⁻,–\-](?=[⁰¹²³⁴⁵⁶⁷⁸⁹]))*)"
                             r"(?!\s*[=<>≤≥])")
# a list followed by "=" or a comparison is a statistic's degrees of freedom ("F [1,9] = 9.60", "t(38) = 2.1"),
# never a citation
_RE_BRACKET_CIT = re.compile(r"\s?\[(\d{1,3}(?:\s*[-–‑,]\s*\d{1,3})*)\](?!\s*[=<>≤≥])")
_RE_PAREN_CIT = re.compile(r"(?<=[A-Za-z\)\]])\s?\((\d{1,3}(?:\s*[-–‑,]\s*\d{1,3})*)\)(?!\s*[=<>≤≥])")
_RE_SPACES = re.compile(r"[ \t\u00a0\u2009\u2002\u2003\u202f\u2007]{2,}")
_RE_ODD_SPACE = re.compile(r"[\u00a0\u2009\u2002\u2003\u202f\u2007\t]")
_RE_NB_HYPHEN = re.compile(r"[\u2011\u2010\u00ad]")
_RE_LIG = re.compile("|".join(_LIGATURES))


def _is_unit_power(t: Tracked, start: int, sup: str) -> bool:
    """True when a superscript 2/3 is a unit power (m², cm³) or χ² (also written X², "X<sup>2</sup>/t")."""
    if sup not in ("2", "3", "²", "³"):
        return False
    before = t.text[max(0, start - 3):start]
    return bool(re.search(r"(?:m|χ|Χ|chi|cm|mm|R|I|s|(?<![A-Za-z])[Xx])$", before))


#: a run of more digits than this is no printed number: it is shown as one "#" (mapped to
#: its first source character) so no pattern ever parses it as a quantity
MAX_DIGIT_RUN = 30
#: a word longer than this keeps only its first characters; patterns over words then
#: never scan more than this per word
MAX_WORD_CHARS = 200
_RE_LONG_DIGITS = re.compile(rf"\d{{{MAX_DIGIT_RUN + 1},}}")
_RE_LONG_WORD = re.compile(rf"(\w{{{MAX_WORD_CHARS}}})\w+")


def cap_tokens(t: Tracked) -> Tracked:
    """Bound token lengths in normalised text: a pre-scan that keeps every later pattern linear.

    Digit runs longer than :data:`MAX_DIGIT_RUN` become ``#``; words longer than
    :data:`MAX_WORD_CHARS` are cut to that length. Offsets still map every kept
    character to its source, so evidence quotes stay verbatim.
    """
    if len(t.text) <= MAX_DIGIT_RUN:
        return t
    if _RE_LONG_DIGITS.search(t.text):
        t = t.sub(_RE_LONG_DIGITS, "#")
    if len(t.text) > MAX_WORD_CHARS and _RE_LONG_WORD.search(t.text):
        t = t.sub(_RE_LONG_WORD, "", keep_group=1)
    return t


def normalize_inline(t: Tracked, *, max_ref: int | None = None, in_table: bool = False,
                     paren_citations: bool = True) -> NormResult:
    """Normalise markup in ``t``; superscript numbers become citation markers.

    ``max_ref`` (the number of references in the article) lets bracketed and
    parenthesised integer lists be recognised as citations; in tables,
    superscripts are footnote markers instead.
    """
    markers: list[Marker] = []
    t_cur = cap_tokens(t)
    t_cur = t_cur.sub(_RE_NB_HYPHEN, "-")
    t_cur = t_cur.sub(_RE_LIG, lambda m: _LIGATURES[m.group(0)])
    t_cur = t_cur.sub(_RE_URL_ANGLE, "", keep_group=1)
    t_cur = t_cur.sub(_RE_BR, " ")
    t_cur = _html_superscripts(t_cur, markers, in_table)
    t_cur = t_cur.sub(_RE_TAGS, "")
    if "$" in t_cur.text or "\\" in t_cur.text or "^" in t_cur.text:
        t_cur = _latex(t_cur, markers, in_table)
    t_cur = t_cur.sub(_RE_ESC_STAR, "", keep_group=1)
    t_cur = t_cur.sub(_RE_MD_BOLD, "", keep_group=1)
    t_cur = t_cur.sub(_RE_MD_ITALIC, "", keep_group=1)
    t_cur = _unicode_superscripts(t_cur, markers, in_table)
    if not in_table:
        t_cur = _citations(t_cur, markers, max_ref, paren_citations)
    t_cur = t_cur.sub(_RE_ODD_SPACE, " ")
    t_cur = t_cur.sub(_RE_SPACES, " ")
    t_cur = t_cur.sub(re.compile(r" +(?=[,.;:](?:\s|$))"), "")
    return NormResult(t_cur.strip(), markers)


def _offset(t: Tracked, pos: int) -> int:
    return t.offsets[pos] if t.offsets else 0


def _html_superscripts(t: Tracked, markers: list[Marker], in_table: bool) -> Tracked:
    """<sup>: unit powers and signs stay; numbers and letters are markers (footnotes in tables)."""
    def sup_repl(m: re.Match[str]) -> str:
        content = re.sub(r"<[^>]+>", "", m.group(1)).strip()
        if content in ("+", "-", "−") or (content in ("2", "3") and _is_unit_power(t, m.start(), content)):
            return content if content not in ("2", "3") else content.translate(str.maketrans("23", "²³"))
        nums = expand_citation_numbers(content)
        kind = "footnote" if (in_table or not nums) else "citation"
        markers.append(Marker(text=m.group(0), numbers=nums if kind == "citation" else [], offset=_offset(t, m.start()),
                              kind=kind))
        return ""
    return t.sub(_RE_SUP_HTML, sup_repl)


def _latex(t: Tracked, markers: list[Marker], in_table: bool) -> Tracked:
    """LaTeX commands, bars, spacing, symbols, superscripts (citations or footnote markers), $ and braces."""
    def latex_sup(m: re.Match[str], t: Tracked) -> str:
        content = m.group(1) if m.group(1) is not None else m.group(2)
        content = content.strip()
        if content in ("2", "3"):
            return content.translate(str.maketrans("23", "²³"))
        nums = expand_citation_numbers(content)
        if nums and not in_table:
            markers.append(Marker(text=m.group(0), numbers=nums, offset=_offset(t, m.start()), kind="citation"))
            return ""
        if re.fullmatch(r"[a-z*#†‡§]{1,2}", content):
            markers.append(Marker(text=m.group(0), numbers=[], offset=_offset(t, m.start()), kind="footnote"))
            return ""
        return content
    t = t.sub(_RE_LATEX_CMD_ARG, "", keep_group=1)
    t = t.sub(_RE_LATEX_BAR, lambda m: m.group(1) + "\u0304")
    t = t.sub(_RE_LATEX_SPACING, "")
    t = t.sub(_RE_LATEX_SYM, lambda m: LATEX_SYMBOLS.get(m.group(1), m.group(1)))
    before_sup = t
    t = t.sub(_RE_LATEX_SUP, lambda m: latex_sup(m, before_sup))
    t = t.sub(_RE_DOLLAR, "")
    t = t.sub(_RE_BRACES, "")
    return t.sub(re.compile(r"(?<=\S)~(?=\S)"), " ")


def _unicode_superscripts(t: Tracked, markers: list[Marker], in_table: bool) -> Tracked:
    """Unicode superscript runs after words are citations (footnotes in tables), except unit powers."""
    def usup(m: re.Match[str]) -> str:
        s = m.group(1)
        plain = s.translate(SUPERSCRIPT_MAP)
        if plain in ("2", "3") and _is_unit_power(t, m.start(), plain):
            return s
        nums = expand_citation_numbers(plain)
        if not nums:
            return s
        markers.append(Marker(text=s, numbers=nums, offset=_offset(t, m.start()),
                              kind="footnote" if in_table else "citation"))
        return ""
    return t.sub(_RE_UNICODE_SUP, usup)


def _citations(t: Tracked, markers: list[Marker], max_ref: int | None, paren_citations: bool) -> Tracked:
    """Bracketed (and, unless turned off, parenthesised) integer lists up to ``max_ref`` are citation markers."""
    def cit(m: re.Match[str], t: Tracked) -> str:
        nums = expand_citation_numbers(m.group(1))
        if not nums or (max_ref is not None and max(nums) > max_ref) or max_ref is None:
            return m.group(0)
        markers.append(Marker(text=m.group(0).strip(), numbers=nums, offset=_offset(t, m.start()), kind="citation"))
        return ""
    before = t
    t = t.sub(_RE_BRACKET_CIT, lambda m: cit(m, before))
    if paren_citations:  # off where citations are known to be bracketed (JATS renderings)
        before_paren = t
        t = t.sub(_RE_PAREN_CIT, lambda m: cit(m, before_paren))
    return t


def normalize_plain(s: str, *, in_table: bool = False) -> tuple[str, list[Marker]]:
    """Convenience: normalise a plain string (offsets relative to ``s``)."""
    r = normalize_inline(Tracked.from_source(s, 0), in_table=in_table)
    return r.tracked.text, r.markers
