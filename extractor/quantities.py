"""Parse table-cell and sentence text into typed :class:`~schemas.quantities.Quantity` objects.

The parser is a set of compiled regular expressions, each describing one printed
form (``12 (23.6%)``, ``16/33``, ``HR 0.60 (95% CI 0.37–0.98), P=0.04``,
``χ2(1) = 4.1`` ...). Text is scanned left to right; at every position where a
quantity could start, every pattern is tried *anchored* at that position and the
longest accepted match wins (ties go to the pattern listed first, i.e. the more
specific one). The scan then resumes after the match, so results are in order
and never overlap.

Every :class:`Quantity` keeps ``start``/``end`` offsets into the string it was
parsed from (``text[q.start:q.end] == q.text``) and every :class:`Num` inside it
has its own offsets into that same string (``text[n.start:n.end] == n.text``).

Public API::

    parse_number(s)                -> Num | None
    parse_cell(text, *, label=None) -> list[Quantity]
    find_quantities(text)          -> list[Quantity]
    parse_p_value(text)            -> Quantity | None

Pure: no I/O, no global state besides compiled patterns.

Why one long module: the patterns form one ordered table whose order decides which reading wins
when two overlap; spreading them over files would hide that precedence.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from trialaudit.schemas.quantities import Num, Quantity

from .memo import parse_once, per_article  # noqa: F401 - parse_once is re-exported

__all__ = ["parse_number", "parse_cell", "find_quantities", "parse_p_value", "uses_decimal_comma",
           "decimal_comma_article"]

# --------------------------------------------------------------------------------------
# Building blocks (no named groups inside: patterns name their own groups)
# --------------------------------------------------------------------------------------

#: characters accepted as a leading sign (hyphen-minus, Unicode minus, en/figure dash, plus)
_SIGN = r"[+\-\u2212\u2013\u2012]"
#: characters accepted between two numbers of a range / interval
_DASH = r"[\-\u2010\u2011\u2012\u2013\u2014\u2212]"

# Integer part. A comma is a thousands separator only after 1-3 digits and when
# followed by exactly three digits and no space ("1,234", not "0.37, 0.98" nor "12,46").
_INT = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{4,}|\d{1,3}(?!\d|,\d{3}(?!\d)))"
# Unsigned number: integer with optional decimals ('.' or Lancet-style middle dot), or ".03".
_UNUM = rf"(?:{_INT}(?:[.\u00b7]\d+)?|\.\d+)(?![.\u00b7]?\d)"
# A number may not start inside a word/number ("HbA1c", "χ2", "0.37"), nor right after
# "word-" ("COVID-19", "IL-6").
_NUM_LB = r"(?<![\w.\u00b7])(?<![A-Za-z][\-\u2010\u2011\u2013])"
#: a Unicode minus set apart by one space ("− 0.89 (− 1.2 to − 0.5)") at the start of the text (a
#: table cell), after an opening bracket, a list separator, "=", ":" or "to" is still the number's sign
_SPACED_MINUS = r"(?:(?:(?<![\s\S])|(?<=\()|(?<=\[)|(?<=, )|(?<=; )|(?<== )|(?<=: )|(?<=to )|(?<=CI ))\u2212 (?=\d))"
NUM = rf"{_NUM_LB}(?:{_SPACED_MINUS}|{_SIGN})?{_UNUM}"
#: unsigned integer for fractions ("16/33")
_FINT = rf"(?<![\w.\u00b7/]){_INT}(?![.\u00b7]\d)"
#: denominator of a fraction (preceded by '/', so no look-behind)
_DINT = rf"{_INT}(?![.\u00b7]\d)"

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_MAP = str.maketrans(_SUPERSCRIPT + "⁻⁺", "0123456789-+")
# Scientific notation (p-values only): "1.2e-5", "1.2 × 10^-5", "1.2 × 10−5", "1.2×10⁻⁵"
_EXP = (rf"(?:[eE][+\-\u2212\u2013]?\d+"
        rf"|\s*[×x*\u00b7]\s*10\s*(?:\^\s*\{{?\s*{_SIGN}?\s*\d+\s*\}}?|{_SIGN}\s*\d+|[⁻⁺]?[{_SUPERSCRIPT}]+))")
NUM_SCI = rf"{NUM}(?:{_EXP})?"

#: "not estimable / not reached" tokens allowed as interval bounds or estimates
_NE = (r"(?<![\w])(?:N\.?E\.?|N\.?R\.?|NA|(?i:not\s+(?:yet\s+)?reached|not\s+estimable"
       r"|not\s+evaluable|not\s+calculable))(?![\w])")
#: "not reached" as a quantity of its own (no "NA": that usually means "not applicable")
_NE_ALONE = (r"(?<![\w])(?:NE|NR|N\.E\.|N\.R\.|(?i:not\s+(?:yet\s+)?reached|not\s+estimable"
             r"|not\s+evaluable|not\s+calculable))(?![\w])")

_PCT_NOT_CI = r"(?!\s*-?\s*(?:CI|C\.I\.|CrI|PI|UI|(?i:confidence|credible|prediction|uncertainty)))"

# Comparison operators for p-values (ASCII, Unicode, LaTeX, HTML entities)
_OPS = (r"<=|>=|=<|=>|≤|≥|⩽|⩾|≦|≧|<|>|=|\\le(?:q(?:slant)?)?(?![a-z])|\\ge(?:q(?:slant)?)?(?![a-z])"
        r"|\\lt|\\gt|&lt;=?|&gt;=?|&le;|&ge;")
_P_TOKEN = (r"(?<![\w])(?:\*{1,2}|_|<i>|<em>|\\mathit\{|\\textit\{)?[Pp](?:\*{1,2}|_|</i>|</em>|\})?"
            r"(?:\s*-?\s*values?)?"
            r"(?:\s*(?:for|of)\s+(?:interaction|trend|heterogeneity|difference|non-?inferiority|superiority))?"
            r"(?:\s*\((?:interaction|trend|heterogeneity|log-?rank|two-sided|one-sided)\))?"
            r"(?![A-Za-z])")

_CI_WORDS = (r"(?:CIs?|C\.I\.|CrI|(?i:confidence\s+intervals?|credible\s+intervals?))"
             r"(?:\s*[\(\[]\s*CIs?\s*[\)\]])?")

_RATIO_LABEL = (r"(?<![\w])(?:(?i:adjusted|unadjusted|stratified|unstratified|crude|pooled)\s+)?"
                r"(?:(?i:hazard\s+ratios?)|(?i:odds\s+ratios?)|(?i:(?:risk|rate)\s+ratios?)"
                r"|(?i:relative\s+risks?)|[as]?HR|a?OR|a?RR|IRR)(?![\w])")

_UNIT = (r"(?:months?|mos?\.?|weeks?|wks?|days?|years?|yrs?|hours?|hrs?|mg|kg|mL|ml|cm|mm|"
         r"points?|patients?)(?![\w])")

_TIME_UNIT = r"(?:months?|weeks?|days?|years?|hours?|cycles?|mg|kg|g)(?![\w])"

_OPEN = r"[\(\[]"
_CLOSE = r"[\)\]]"
#: separator between the two bounds of an interval
_ISEP = rf"(?:\s*{_DASH}\s*|\s+to\s+|\s*[,;]\s*)"


def _ci_head(g: str) -> str:
    """'95% CI', '95%CI', '95% confidence interval [CI]', 'CI 95%' with the level in ``{g}lvl``."""
    return (rf"(?:(?P<{g}lvl>{_UNUM})\s*%\s*-?\s*)?{_CI_WORDS}"
            rf"(?:\s*(?P<{g}lvl2>\d{{2}}(?:\.\d+)?)\s*%)?")


def _bound(g: str) -> str:
    """An interval bound: a number (optionally followed by '%') or NE/NR/not reached."""
    return rf"(?:(?P<{g}>{NUM})(?:\s*%)?|(?P<{g}ne>{_NE}))"


def _p_expr(g: str) -> str:
    """'P = 0.04', '*P*<0.05', '<i>P</i> =0.32', 'P-value: .03', 'P < 1e-5' ..."""
    return (rf"(?P<{g}tok>{_P_TOKEN})\s*\$?\s*(?:(?P<{g}op>{_OPS})|(?P<{g}opw>:|(?:of|was|is)(?![\w])))"
            rf"\s*\$?\s*(?P<{g}v>{NUM_SCI})")


_LABEL_IN = (rf"(?P<ilab>{_ci_head('i')}|IQR|(?i:inter-?quartile\s+range)|Q1\s*[,\-–]\s*Q3"
             rf"|(?i:range)|(?i:min(?:imum)?\s*[,\-–/]\s*max(?:imum)?))")

# --------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------

_RATIO_CORE = (
    rf"(?P<rlab>{_RATIO_LABEL})"
    r"(?:\s*[\(\[](?:[as]?HR|a?OR|a?RR|IRR)[\)\]])?"
    rf"(?:\s*{_OPEN}\s*{_ci_head('h')}\s*{_CLOSE})?"
    r"(?:\s+(?:for|of|in|with)\s+[^\d;:()\[\]=<>.]{1,60}?)?"
    r"(?:\s*[:=,])?\s*(?:(?:was|of|is|were|equal\s+to)\s+)?"
    rf"(?:(?P<rv>{NUM})|(?P<rvne>{_NE}))"
    r"(?:"
    rf"\s*{_OPEN}\s*(?:{_ci_head('c')}\s*[:=,]?\s*)?{_bound('lo')}{_ISEP}{_bound('hi')}"
    rf"(?:\s*[;,]\s*{_p_expr('ip')})?\s*{_CLOSE}"
    rf"|\s*[,;]?\s*{_ci_head('u')}\s*[:=,]?\s*{_bound('ulo')}{_ISEP}{_bound('uhi')}"
    r")?"
)
_RE_RATIO = re.compile(rf"{_RATIO_CORE}(?:\s*[,;]?\s*{_p_expr('tp')})?")
_RE_RATIO_NO_P = re.compile(_RATIO_CORE)  # fallback when the trailing "P" is not a p-value

_RE_EST_INTERVAL = re.compile(
    rf"(?:(?P<ev>{NUM})|(?P<evne>{_NE}))(?:(?P<epct>\s*%){_PCT_NOT_CI})?(?!\s*%)(?:\s+{_UNIT})?"
    r"(?:"
    rf"\s*{_OPEN}\s*(?:{_LABEL_IN}\s*[:=,]?\s*)?{_bound('lo')}{_ISEP}{_bound('hi')}"
    rf"(?:\s*[;,]\s*{_p_expr('ip')})?\s*{_CLOSE}"
    rf"|\s*[,;]?\s*{_ci_head('u')}\s*[:=,]?\s*{_bound('ulo')}{_ISEP}{_bound('uhi')}"
    r")"
)

_RE_CI_ALONE = re.compile(
    rf"{_ci_head('u')}\s*[:=,]?\s*{_bound('ulo')}{_ISEP}{_bound('uhi')}"
)

_RE_MEAN_SD = re.compile(rf"(?P<m>{NUM})\s*(?:±|\+/[-\u2212]|\+-|\+/−)\s*(?P<s>{_UNUM})")

_RE_FRACTION = re.compile(
    # "23 of the 48 patients (47.9%)": a determiner only when the percentage follows; "57/58 %" is two
    # percentages (a % right after the pair), not a count over a total
    rf"(?P<fn>{_FINT})(?:[ \t]*/[ \t]*|\s+(?:of|out\s+of)\s+"
    r"(?:(?:the|all(?:\s+the)?|these|those)\s+(?=\d{1,6}(?:\s+[A-Za-z][\w-]*){0,3}\s*[(\[]\s*\d+(?:\.\d+)?\s*%))?)"
    rf"(?P<fd>{_DINT})(?![\w/]|\s*/\s*\d|\s*%)"
    r"(?:"
    rf"(?:\s+[A-Za-z][\w-]*){{1,3}}?\s*{_OPEN}\s*(?P<fpw>{_UNUM})\s*%\s*{_CLOSE}"
    rf"|\s*{_OPEN}\s*(?P<fp>{_UNUM})\s*%?\s*{_CLOSE}"
    r")?"
)

_RE_PCT_FRACTION = re.compile(
    rf"(?P<pp>{NUM})\s*%\s*{_OPEN}\s*(?P<fn>{_FINT})[ \t]*/[ \t]*(?P<fd>{_DINT})\s*{_CLOSE}"
)

_RE_PCT_COUNT = re.compile(
    rf"(?P<pp>{NUM})\s*%\s*{_OPEN}\s*(?:[nN]\s*=\s*)?(?P<cn>{_UNUM})\s*{_CLOSE}"
)

_RE_COUNT_PERCENT = re.compile(
    rf"(?P<cn>{NUM})"
    r"(?:"
    rf"(?:\s+(?!{_TIME_UNIT})[A-Za-z][\w-]*){{1,2}}?\s*{_OPEN}\s*(?P<cpw>{_UNUM})\s*(?P<cpwp>%)\s*{_CLOSE}"
    rf"|\s*{_OPEN}\s*(?:(?P<slab>SD|s\.d\.)\s*[:=,]?\s*)?(?P<cp>{_UNUM})\s*(?P<cpp>%)?\s*{_CLOSE}"
    r")"
)

_RE_N_EQUALS = re.compile(rf"(?P<nop>\(\s*)?(?<![\w])[nN]\s*=\s*(?P<nv>{_UNUM})(?(nop)\s*\))")

_RE_P_VALUE = re.compile(_p_expr("p"))

_STAT_TOKEN = (
    r"(?<![\w\\])(?:"
    r"(?P<chi>(?:χ|Χ)\s*(?:[2²]|\^\s*\{?2\}?)|\\chi\s*(?:\^\s*\{?2\}?|[2²])|X\s*(?:²|\^\s*2)|X2"
    r"|(?i:chi)(?:[- ]?(?:squared?|sq\.?|2|²|\^2))(?:\s+(?:test|statistic|value))?)"
    r"|(?P<tt>t)|(?P<ff>F)|(?P<zz>[zZ])|(?P<uu>U)|(?P<hh>H)"
    r")(?![\w])(?:[- ](?:value|statistic|score|test))?"
)
_DF_ITEM = rf"(?i:df|d\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*(?P<tdf>{_UNUM})"
_RE_TEST_STAT = re.compile(
    rf"{_STAT_TOKEN}"
    # degrees of freedom in round or square brackets: "F(2, 57)", "F [9,63]"
    rf"\s*(?:[(\[]\s*(?:(?i:df)\s*=\s*)?(?P<df>{_UNUM})(?:\s*,\s*(?:[Nn]\s*=\s*{_UNUM}|(?P<df2>{_UNUM})))?\s*[)\]])?"
    rf"\s*\$?\s*=\s*\$?\s*(?P<sv>{NUM})"
    rf"(?P<tail>(?:\s*[,;]\s*(?:(?i:df|d\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*{_UNUM}|{_P_TOKEN}\s*\$?\s*(?:{_OPS})\s*\$?\s*{NUM_SCI})){{0,3}})"
)
_RE_DF = re.compile(_DF_ITEM)

_RE_NOT_REACHED = re.compile(_NE_ALONE)

_RE_RANGE = re.compile(
    rf"(?<!\d{_DASH})(?P<lo>{NUM})(?P<lop>\s*%)?\s*{_DASH}\s*(?P<hi>{NUM})(?P<hip>\s*%)?"
    rf"(?![\w/]|[.\u00b7]\d|{_DASH}\d)"  # not "2020-01-15", "1.8 g/m2"
)

_RE_PERCENT = re.compile(rf"(?P<v>{NUM})\s*%{_PCT_NOT_CI}")

_RE_CMP_NUMBER = re.compile(rf"(?<![\w])(?P<op>{_OPS})\s*(?P<v>{NUM_SCI})(?!\s*%)")

_RE_NUMBER = re.compile(rf"(?<!/)(?P<v>{NUM})(?!\s*%|/\d|(?:st|nd|rd|th)(?![A-Za-z]))")

#: keywords that say what a parenthetical after a number means
_RE_KEYWORD = re.compile(
    r"(?P<iqr>\bIQR\b|(?i:inter-?quartile)|\bQ1\s*[,\-–−;/]\s*Q3\b|(?i:25th\W{1,3}75th))"
    r"|(?P<rng>(?i:\branges?\b)|(?i:\bmin(?:imum)?\s*[,\-–−;/]\s*max(?:imum)?\b))"
    rf"|(?P<ci>(?:(?P<lvl>\d{{2}}(?:\.\d+)?)\s*%\s*-?\s*)?(?:\bCIs?\b|\bCrI\b|(?i:confidence\s+intervals?|credible\s+intervals?)))"
    r"|(?P<sd>\bSDs?\b|(?i:standard\s+deviations?)|±)"
    r"|(?P<pct>%|(?i:\bpercent))"
)

_RE_P_LABEL = re.compile(r"(?i)(?:^|[^a-z])p(?:[\s-]*values?)?(?:$|[^a-z])")

_OP_MAP = {
    "=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "=<": "<=", "=>": ">=",
    "≤": "<=", "≥": ">=", "⩽": "<=", "⩾": ">=", "≦": "<=", "≧": ">=",
    "\\le": "<=", "\\leq": "<=", "\\leqslant": "<=", "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=",
    "\\lt": "<", "\\gt": ">", "&lt;": "<", "&gt;": ">", "&lt;=": "<=", "&gt;=": ">=",
    "&le;": "<=", "&ge;": ">=",
}

_RE_NUMBER_FULL = re.compile(rf"\s*(?P<n>{NUM_SCI})\s*")
_RE_SPLIT_EXP = re.compile(
    rf"^(?P<mant>{_SIGN}?{_UNUM})(?:[eE](?P<e1>[+\-\u2212\u2013]?\d+)"
    rf"|\s*[×x*\u00b7]\s*10\s*(?:\^\s*\{{?\s*(?P<e2>{_SIGN}?\s*\d+)\s*\}}?|(?P<e3>{_SIGN}\s*\d+)|(?P<e4>[⁻⁺]?[{_SUPERSCRIPT}]+)))?$"
)


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

def _to_float(s: str) -> float:
    """Convert a printed number (no exponent) to float."""
    s = s.replace(",", "").replace("\u00b7", ".").replace("\u2212 ", "-").replace("\u2212", "-").replace("\u2013", "-")
    s = s.replace("\u2012", "-")
    return float(s)


def _num_from_text(s: str, start: int) -> Num | None:
    """Build a :class:`Num` from verbatim ``s`` found at ``start`` in the parsed string."""
    parsed = _parse_printed(s)
    if parsed is None:
        return None
    return Num(value=parsed[0], text=s, decimals=parsed[1], start=start, end=start + len(s))


_RE_DECIMAL_MARK = re.compile(r"[.\u00b7]")


@lru_cache(maxsize=32_768)  # articles print the same numbers again and again
def _parse_printed(s: str) -> tuple[float, int] | None:
    """(value, decimals) of a printed number (with an optional exponent), None when unusable."""
    if s.isascii() and s.isdigit():  # the common case: a plain integer
        value = float(s)
        return (value, 0) if math.isfinite(value) else None
    m = _RE_SPLIT_EXP.match(s.replace("\u2212 ", "\u2212", 1) if s.startswith("\u2212 ") else s)
    if not m:
        return None
    mant = m.group("mant")
    try:
        value = _to_float(mant)
    except ValueError:  # pragma: no cover - the regex guarantees a number
        return None
    exp = m.group("e1") or m.group("e2") or m.group("e3") or m.group("e4")
    if exp is not None:
        exp = re.sub(r"\s+", "", exp.translate(_SUP_MAP)).replace("\u2212", "-").replace("\u2013", "-")
        exp = exp.replace("\u2012", "-")
        try:
            value = value * 10.0 ** int(exp)
        except (ValueError, OverflowError):
            return None
    if not math.isfinite(value):
        return None
    digits = _RE_DECIMAL_MARK.split(mant, maxsplit=1)
    decimals = len(digits[1]) if len(digits) == 2 else 0
    return value, decimals


def parse_number(s: str) -> Num | None:
    """Parse exactly one number, e.g. ``"1,234.5"``, ``"−0.3"``, ``"12.50"``, ``".03"``, ``"0·37"``.

    Surrounding whitespace is allowed; anything else (units, '%', a second
    number) makes the result ``None``. Scientific notation (``1.2e-5``,
    ``1.2 × 10^-5``) is accepted. Offsets are relative to ``s``.
    """
    view = _comma_view(s, _DECIMAL_COMMA.get())
    m = _RE_NUMBER_FULL.fullmatch(view)
    if not m:
        return None
    n = _num_from_text(m.group("n"), m.start("n"))
    if n is not None and view is not s:
        n.text = s[n.start:n.end]
    return n


# --------------------------------------------------------------------------------------
# Match -> Quantity builders
# --------------------------------------------------------------------------------------

class _Ctx:
    """What a builder may look at besides its match.

    ``before`` (the text just before the match, clause-limited, plus any cell
    label) is computed on first use: most positions never need it.
    """

    __slots__ = ("text", "cell", "p_column", "_before", "_at", "_floor", "_label")

    def __init__(self, text: str, before: str | None = None, cell: bool = False, p_column: bool = False,
                 *, at: int = 0, floor: int = 0, label: str | None = None) -> None:
        self.text = text
        self.cell = cell            # parsing a table cell
        self.p_column = p_column    # the cell label says this is a p-value column
        self._before = before
        self._at, self._floor, self._label = at, floor, label

    @property
    def before(self) -> str:
        if self._before is None:
            self._before = _before(self.text, self._at, self._floor, self._label)
        return self._before


class _BadNumber(ValueError):
    """A matched number that cannot be represented (e.g. overflows a float)."""


def _g(m: re.Match, name: str) -> Num | None:
    """The :class:`Num` for named group ``name`` of ``m`` (None when the group did not match)."""
    if m.group(name) is None:
        return None
    n = _num_from_text(m.group(name), m.start(name))
    if n is None:
        raise _BadNumber(m.group(name))
    return n


def _q(kind: str, m: re.Match, text: str, **fields) -> Quantity:
    start, end = m.span()
    return Quantity(kind=kind, text=text[start:end], start=start, end=end, **fields)


def _level(m: re.Match, g: str) -> float | None:
    for name in (f"{g}lvl", f"{g}lvl2"):
        if name in m.re.groupindex and m.group(name):
            return _to_float(m.group(name))
    return None


def _op(raw: str | None) -> str:
    if raw is None:
        return "="
    return _OP_MAP.get(raw.strip(), "=")


def _p_from(m: re.Match, g: str) -> tuple[Num | None, str | None]:
    """Extract (p, operator) from a :func:`_p_expr` group ``g``; p > 1 is rejected."""
    if f"{g}v" not in m.re.groupindex or m.group(f"{g}v") is None:
        return None, None
    p = _g(m, f"{g}v")
    if p is None or p.value < 0 or p.value > 1:
        return None, None
    if m.group(f"{g}op") is None:
        # "P: 0.04", "P-value of 0.04" -> '=', but "p is 0.3" only with an explicit "value"
        word = m.group(f"{g}opw") or ""
        if word.strip() != ":" and "value" not in m.group(f"{g}tok").lower():
            return None, None
        return p, "="
    return p, _op(m.group(f"{g}op"))


def _last_keyword(before: str, wanted: set[str]) -> tuple[str | None, float | None]:
    """The last keyword among ``wanted`` in ``before`` and, for 'ci', its level."""
    kind, lvl = None, None
    for km in _RE_KEYWORD.finditer(before):
        for k in wanted:
            if km.group(k):
                kind = k
                lvl = _to_float(km.group("lvl")) if k == "ci" and km.group("lvl") else None
    return kind, lvl


def _classify_label(label: str) -> tuple[str | None, float | None]:
    km = _RE_KEYWORD.search(label)
    if km is None:
        return None, None
    for k in ("iqr", "rng", "ci"):
        if km.group(k):
            return k, (_to_float(km.group("lvl")) if k == "ci" and km.group("lvl") else None)
    return None, None


def _bounds(m: re.Match, lo: str, hi: str) -> tuple[Num | None, Num | None, bool]:
    low, high = _g(m, lo), _g(m, hi)
    ne = bool(m.group(f"{lo}ne") or m.group(f"{hi}ne"))
    return low, high, ne


_RE_HEART_RATE = re.compile(r"\s*(?:bpm|beats|/\s*min)(?![A-Za-z])")


def _build_ratio(m: re.Match, ctx: _Ctx) -> Quantity | None:
    lab = m.group("rlab").lower()
    if "hazard" in lab or lab.endswith("hr"):
        rt = "HR"
    elif "odds" in lab or lab.endswith("or"):
        rt = "OR"
    else:
        rt = "RR"
    if rt == "HR" and _RE_HEART_RATE.match(ctx.text, m.end("rv") if m.group("rv") else m.end()):
        return None  # "HR 72 bpm" is a heart rate
    fields: dict = {"ratio_type": rt, "value": _g(m, "rv")}
    ne = bool(m.group("rvne"))
    level = _level(m, "h")
    if m.group("lo") or m.group("lone"):
        low, high, bne = _bounds(m, "lo", "hi")
        level = _level(m, "c") or level
    elif m.group("ulo") or m.group("ulone"):
        low, high, bne = _bounds(m, "ulo", "uhi")
        level = _level(m, "u") or level
    else:
        low = high = None
        bne = False
    if low is not None or high is not None or bne:
        fields.update(low=low, high=high, interval="ci", ci_level=level)
    p, op = _p_from(m, "ip")
    if p is None and "tpv" in m.re.groupindex:
        p, op = _p_from(m, "tp")
        if p is None and m.group("tpv") is not None:
            # an implausible trailing "p" (e.g. "P = 1.5"): keep the ratio without it
            short = _RE_RATIO_NO_P.match(ctx.text, m.start())
            return _build_ratio(short, ctx) if short else None
    fields.update(p=p, p_operator=op, not_estimable=ne or bne)
    return _q("ratio", m, ctx.text, **fields)


def _build_est_interval(m: re.Match, ctx: _Ctx) -> Quantity | None:
    value = _g(m, "ev")
    ne = bool(m.group("evne"))
    if m.group("lo") is not None or m.group("lone") is not None:
        low, high, bne = _bounds(m, "lo", "hi")
        if m.group("ilab"):
            kw, lvl = _classify_label(m.group("ilab"))
        else:
            kw, lvl = _last_keyword(ctx.before, {"iqr", "rng", "ci"})
    else:
        low, high, bne = _bounds(m, "ulo", "uhi")
        kw, lvl = "ci", _level(m, "u")
    if ne and (low is None and high is None):
        return None
    p, op = _p_from(m, "ip")
    common = dict(value=value, low=low, high=high, not_estimable=ne or bne, p=p, p_operator=op)
    if kw == "iqr":
        return _q("median_iqr", m, ctx.text, interval="iqr", **common)
    if kw == "rng":
        return _q("median_range", m, ctx.text, interval="range", **common)
    if kw == "ci":
        return _q("estimate_ci", m, ctx.text, interval="ci", ci_level=lvl, **common)
    return _q("estimate_ci", m, ctx.text, interval="unspecified", **common)


def _build_ci_alone(m: re.Match, ctx: _Ctx) -> Quantity | None:
    low, high, ne = _bounds(m, "ulo", "uhi")
    return _q("estimate_ci", m, ctx.text, low=low, high=high, interval="ci",
              ci_level=_level(m, "u"), not_estimable=ne)


def _build_mean_sd(m: re.Match, ctx: _Ctx) -> Quantity | None:
    return _q("mean_sd", m, ctx.text, value=_g(m, "m"), sd=_g(m, "s"), interval="sd")


_RE_ORDINAL_CONTEXT = re.compile(
    r"(?i)(?:grades?|phases?|stages?|types?|class(?:es)?|levels?|steps?|arms?|cycles?|days?|weeks?"
    r"|lines?|doses?|cohorts?|parts?|tiers?)\s*$"
)


def _build_fraction(m: re.Match, ctx: _Ctx) -> Quantity | None:
    num, den = _g(m, "fn"), _g(m, "fd")
    slash = "/" in ctx.text[m.end("fn"):m.start("fd")]
    # "grade 3/4", "phase 2/3", "day 1/8" are categories, not n/N
    if slash and _RE_ORDINAL_CONTEXT.search(ctx.before[-40:]):
        return None
    pct = _g(m, "fp") or _g(m, "fpw")
    return _q("fraction", m, ctx.text, count=num, denominator=_real_denominator(den), percent=pct)


def _real_denominator(den: Num | None) -> Num | None:
    """A printed denominator of zero ("3/0") is no group size: the fraction keeps no denominator."""
    return den if den is not None and den.value > 0 else None


def _build_pct_fraction(m: re.Match, ctx: _Ctx) -> Quantity | None:
    return _q("fraction", m, ctx.text, count=_g(m, "fn"), denominator=_real_denominator(_g(m, "fd")),
              percent=_g(m, "pp"))


def _build_pct_count(m: re.Match, ctx: _Ctx) -> Quantity | None:
    return _q("count_percent", m, ctx.text, count=_g(m, "cn"), percent=_g(m, "pp"))


def _build_count_percent(m: re.Match, ctx: _Ctx) -> Quantity | None:
    first = _g(m, "cn")
    if m.group("cpw") is not None:  # "12 patients (23.6%)"
        return _q("count_percent", m, ctx.text, count=first, percent=_g(m, "cpw"))
    second = _g(m, "cp")
    has_pct = m.group("cpp") is not None
    if m.group("slab"):
        return _q("mean_sd", m, ctx.text, value=first, sd=second, interval="sd")
    if not has_pct:
        kw, _ = _last_keyword(ctx.before, {"sd", "pct"})
        if kw == "sd":
            return _q("mean_sd", m, ctx.text, value=first, sd=second, interval="sd")
    is_count = first.decimals == 0 and first.value >= 0
    if has_pct or (is_count and second.value <= 100):
        return _q("count_percent", m, ctx.text, count=first, percent=second)
    # "45.2 (12.1)": most likely mean (SD), but nothing says so
    return _q("mean_sd", m, ctx.text, value=first, sd=second, interval="unspecified")


def _build_n_equals(m: re.Match, ctx: _Ctx) -> Quantity | None:
    n = _g(m, "nv")
    return _q("count", m, ctx.text, value=n, count=n)


def _build_p_value(m: re.Match, ctx: _Ctx) -> Quantity | None:
    p, op = _p_from(m, "p")
    if p is None:
        return None
    return _q("p_value", m, ctx.text, p=p, p_operator=op)


_PAREN_REACH = 200  # how far to look for the brackets around a test statistic


def _enclosing_parenthetical(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets of the '(...)' / '[...]' that contains ``text[start:end]``, if any."""
    depth = 0
    i = start - 1
    floor = max(-1, start - _PAREN_REACH)
    while i > floor:
        c = text[i]
        if c in ")]":
            depth += 1
        elif c in "([":
            if depth == 0:
                break
            depth -= 1
        i -= 1
    else:
        return None
    depth = 0
    j = end
    ceiling = min(len(text), end + _PAREN_REACH)
    while j < ceiling:
        c = text[j]
        if c in "([":
            depth += 1
        elif c in ")]":
            if depth == 0:
                return i + 1, j
            depth -= 1
        j += 1
    return None


_RE_MEASURE_BEFORE = re.compile(r"[A-Za-z0-9)][A-Za-z0-9)\s-]*?[\s-]$")


def _build_test_stat(m: re.Match, ctx: _Ctx) -> Quantity | None:
    stat = next(s for g, s in (("chi", "chi2"), ("tt", "t"), ("ff", "F"), ("zz", "z"), ("uu", "U"), ("hh", "H"))
                if m.group(g))
    if stat == "z" and _RE_MEASURE_BEFORE.search(ctx.text, max(0, m.start() - 40), m.start()) and \
            re.match(r"[zZ][- ]?score", ctx.text[m.start():m.end()]):
        return None  # "BMI z-score = −0.11", "height-for-age z-score": a standardised measurement, not a test
    df = _to_float(m.group("df")) if m.group("df") else None
    df2 = _to_float(m.group("df2")) if m.group("df2") else None
    p = op = None
    # trailing ", df = 8", ", P = 0.32" items
    tail_start = m.start("tail")
    tail = m.group("tail")
    if tail:
        dm = _RE_DF.search(tail)
        if dm and df is None:
            df = _to_float(dm.group("tdf"))
        pm = _RE_P_VALUE.search(ctx.text, tail_start, m.end())
        if pm:
            p, op = _p_from(pm, "p")
    # the same parenthetical, e.g. "(df = 8, χ2 = 8.23, P = 0.32)"
    enc = _enclosing_parenthetical(ctx.text, m.start(), m.end())
    if enc is not None:
        lo, hi = enc
        if df is None:
            dm = _RE_DF.search(ctx.text, lo, hi)
            if dm:
                df = _to_float(dm.group("tdf"))
        if p is None:
            for pm in _RE_P_VALUE.finditer(ctx.text, lo, hi):
                p, op = _p_from(pm, "p")
                if p is not None:
                    break
    return _q("test_stat", m, ctx.text, statistic=stat, stat_value=_g(m, "sv"), df=df, df2=df2,
              p=p, p_operator=op)


def _build_not_reached(m: re.Match, ctx: _Ctx) -> Quantity | None:
    return _q("not_reached", m, ctx.text, not_estimable=True)


def _build_range(m: re.Match, ctx: _Ctx) -> Quantity | None:
    low, high = _g(m, "lo"), _g(m, "hi")
    if bool(m.group("lop")) != bool(m.group("hip")) and m.group("lop"):
        return None  # "10%-20" is odd; let shorter matches decide
    return _q("range", m, ctx.text, low=low, high=high, interval="range")


def _build_percent(m: re.Match, ctx: _Ctx) -> Quantity | None:
    v = _g(m, "v")
    return _q("percent", m, ctx.text, value=v, percent=v)


def _build_cmp_number(m: re.Match, ctx: _Ctx) -> Quantity | None:
    """A bare '<0.001' in a table cell: a p-value in a P column (or a small decimal)."""
    if not ctx.cell:
        return None
    v = _g(m, "v")
    if v is None or not (0 <= v.value <= 1):
        return None
    if not ctx.p_column and not (v.decimals >= 1 and v.value < 1):
        return None
    return _q("p_value", m, ctx.text, p=v, p_operator=_op(m.group("op")))


_RE_DF_BEFORE = re.compile(r"(?i)(?:\bdf|\bd\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*$")


def _build_number(m: re.Match, ctx: _Ctx) -> Quantity | None:
    v = _g(m, "v")
    if _RE_DF_BEFORE.search(ctx.before):
        return None  # "df = 8" belongs to a test statistic
    if ctx.cell and ctx.p_column and 0 <= v.value <= 1 and v.decimals > 0:
        return _q("p_value", m, ctx.text, p=v, p_operator="=")
    if v.decimals == 0 and v.value >= 0 and not m.group("v")[0] in "+-\u2212\u2013\u2012":
        return _q("count", m, ctx.text, value=v, count=v)
    return _q("number", m, ctx.text, value=v)


_Builder = Callable[[re.Match, _Ctx], "Quantity | None"]

#: (pattern, builder) in precedence order: on equal length the earlier one wins
_PATTERNS: list[tuple[re.Pattern, _Builder]] = [
    (_RE_RATIO, _build_ratio),
    (_RE_TEST_STAT, _build_test_stat),
    (_RE_P_VALUE, _build_p_value),
    (_RE_EST_INTERVAL, _build_est_interval),
    (_RE_CI_ALONE, _build_ci_alone),
    (_RE_PCT_FRACTION, _build_pct_fraction),
    (_RE_FRACTION, _build_fraction),
    (_RE_PCT_COUNT, _build_pct_count),
    (_RE_COUNT_PERCENT, _build_count_percent),
    (_RE_MEAN_SD, _build_mean_sd),
    (_RE_N_EQUALS, _build_n_equals),
    (_RE_NOT_REACHED, _build_not_reached),
    (_RE_RANGE, _build_range),
    (_RE_PERCENT, _build_percent),
    (_RE_CMP_NUMBER, _build_cmp_number),
    (_RE_NUMBER, _build_number),
]

_BEFORE_WINDOW = 80
_RE_CLAUSE_BREAK = re.compile(r"[;]|\.\s")


def _before(text: str, start: int, floor: int, label: str | None) -> str:
    """Text a keyword may come from: back to the previous quantity or clause break, plus the label."""
    window = text[max(floor, start - _BEFORE_WINDOW):start]
    # after the last clause break (_RE_CLAUSE_BREAK: ";" or "." before whitespace), found from the end
    cut = window.rfind(";") + 1
    dot = window.rfind(".")
    while dot >= cut:
        if dot + 1 < len(window) and window[dot + 1].isspace():  # str.isspace is the pattern's \s
            cut = dot + 2
            break
        dot = window.rfind(".", 0, dot)
    if cut:
        window = window[cut:]
    return f"{label} {window}" if label else window


#: characters a number may start with (digit, decimal point, sign)
_NUM_FIRST = r"[\d.+\-\u2212\u2013\u2012]"
#: what a number starts with: a digit, ".5", a sign before either, or a spaced Unicode minus
_NUM_PREFIX = r"\d|[+\-\u2212\u2013\u2012]?\.?\d|\u2212 \d"
#: for each pattern, the characters a match can start with (same case rules as the pattern),
#: so that at each position only the patterns that can match there are tried
_FIRST_CHAR: dict[re.Pattern, str] = {
    _RE_RATIO: r"(?i:[auscphor])|I",
    _RE_TEST_STAT: r"[\u03c7\u03a7\\XtFzZUH]|(?i:c)",
    _RE_P_VALUE: r"[*_<\\Pp]",
    _RE_EST_INTERVAL: rf"{_NUM_FIRST}|(?i:n)",
    _RE_CI_ALONE: r"[\d.]|(?i:c)",
    _RE_PCT_FRACTION: _NUM_FIRST,
    _RE_FRACTION: r"\d",
    _RE_PCT_COUNT: _NUM_FIRST,
    _RE_COUNT_PERCENT: _NUM_FIRST,
    _RE_MEAN_SD: _NUM_FIRST,
    _RE_N_EQUALS: r"[(nN]",
    _RE_NOT_REACHED: r"(?i:n)",
    _RE_RANGE: _NUM_FIRST,
    _RE_PERCENT: _NUM_FIRST,
    _RE_CMP_NUMBER: r"[<>=\u2264\u2265\u2a7d\u2a7e\u2266\u2267\\&]",
    _RE_NUMBER: _NUM_FIRST,
}
#: for each pattern, a text every match of it starts with (a necessary condition, cheap to test):
#: positions where none of these can match are skipped without trying the patterns
_PREFIX: dict[re.Pattern, str] = {
    _RE_RATIO: (r"(?i:adjusted|unadjusted|stratified|unstratified|crude|pooled|hazard|odds|risk|rate|relative)"
                r"|[as]?HR|a?OR|a?RR|IRR"),
    _RE_TEST_STAT: r"[\u03c7\u03a7X\\]|[tFzZUH](?!\w)|(?i:chi)",
    _RE_P_VALUE: r"[*_<\\]|[Pp](?![A-Za-uw-z])",
    _RE_EST_INTERVAL: rf"{_NUM_PREFIX}|N|(?i:not)",
    _RE_CI_ALONE: r"\d|\.\d|C(?:I|\.I|rI)|(?i:confidence|credible)",
    _RE_FRACTION: r"\d",
    _RE_N_EQUALS: r"\(|[nN]\s*=",
    _RE_NOT_REACHED: r"N|(?i:not)",
    _RE_CMP_NUMBER: r"[<>=\u2264\u2265\u2a7d\u2a7e\u2266\u2267\\&]",
}
_RE_FIRST = {rx: re.compile(rf"(?:{first})") for rx, first in _FIRST_CHAR.items()}
#: a position where a quantity may start: some pattern's prefix follows, and it is not inside a
#: word or number (an alphanumeric character right after another)
_RE_CANDIDATE = re.compile(
    "(?=" + "|".join(f"(?:{f})" for f in dict.fromkeys(_FIRST_CHAR.values())) + ")"
    r"(?:(?<![^\W_])|(?![^\W_]))"
    "(?=" + "|".join(f"(?:{f})" for f in dict.fromkeys([_NUM_PREFIX, *_PREFIX.values()])) + ")"
)
#: per character, the (pattern, builder) pairs that may match there, in precedence order
_BY_CHAR: dict[str, tuple[tuple[re.Pattern, _Builder], ...]] = {}


def _patterns_at(c: str) -> tuple[tuple[re.Pattern, _Builder], ...]:
    pats = _BY_CHAR.get(c)
    if pats is None:
        pats = _BY_CHAR[c] = tuple((rx, b) for rx, b in _PATTERNS if _RE_FIRST[rx].match(c))
    return pats


@per_article  # every sentence and cell is scanned once per article (see extractor.memo)
def _scan(text: str, label: str | None = None, cell: bool = False, decimal_comma: bool = False) -> list[Quantity]:
    view = _comma_view(text, decimal_comma)
    out = _scan_uncached(view, label, cell)
    if view is not text:  # same offsets: the quantities quote the text as printed
        for q in out:
            q.text = text[q.start:q.end]
            for name in _NUM_FIELDS:
                n = getattr(q, name)
                if n is not None and n.start is not None:
                    n.text = text[n.start:n.end]
    return out


_NUM_FIELDS = ("value", "count", "denominator", "percent", "sd", "low", "high", "p", "stat_value")


_RE_EXPONENT = re.compile(r"[−\-–+]?\d+(?:\.\d+)?")


def _scan_uncached(text: str, label: str | None = None, cell: bool = False) -> list[Quantity]:
    out: list[Quantity] = []
    p_column = bool(cell and label and _RE_P_LABEL.search(label))
    pos, floor = 0, 0
    search = _RE_CANDIDATE.search
    while True:
        cm = search(text, pos)
        if cm is None:
            break
        pos = cm.start()
        if pos and (text[pos - 1] == "^" or text[max(0, pos - 2):pos] == "^{"):
            # an exponent ("kg m^−2", "10^{9}/L"): part of a unit, never a reported value
            em = _RE_EXPONENT.match(text, pos)
            pos = em.end() if em else pos + 1
            continue
        ctx = _Ctx(text, None, cell, p_column, at=pos, floor=floor, label=label)
        best: Quantity | None = None
        for rx, build in _patterns_at(text[pos]):
            m = rx.match(text, pos)
            if m is None or m.end() == m.start():
                continue
            try:
                q = build(m, ctx)
            except _BadNumber:
                continue
            if q is not None and (best is None or q.end > best.end):
                best = q
        if best is None:
            pos += 1
            continue
        out.append(best)
        pos = floor = best.end
    return out


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------

def parse_cell(text: str, *, label: str | None = None) -> list[Quantity]:
    """Parse a table cell into its quantities (usually one).

    ``label`` is optional context such as the row or column header
    (``"Age, median (IQR)"``, ``"n (%)"``, ``"P value"``): it decides what an
    unlabelled parenthetical means (``12.1 (5.4, 18.8)`` → ``median_iqr``,
    ``30 (6.4)`` → ``mean_sd``) and, for a P column, turns bare ``0.04`` /
    ``<0.001`` into ``p_value``. Trailing footnote markers (``#``, ``*``,
    ``a``, ``†``) are ignored. Offsets refer to ``text``.
    """
    if label and "to" in text and CI_LABEL.search(label):
        m = _RE_BARE_CI_CELL.match(text)
        if m:
            nums = [_num_from_text(m.group(g), m.start(g)) for g in ("v", "lo", "hi")]
            if all(nums):
                # "4.6 −16.3 to 7.1" under "Mean and 95% CI": the estimate and its interval without brackets
                return [Quantity(kind="estimate_ci", text=text[m.start("v"):m.end("hi")], start=m.start("v"),
                                 end=m.end("hi"), value=nums[0], low=nums[1], high=nums[2], interval="ci")]
    return _scan_memo(text, label, True)


#: a label that says its cells hold confidence intervals
#: a label naming a confidence interval ("95% CI", "CIs", "confidence interval", "confidence limits"); table
#: facts read CI columns with it too
CI_LABEL = re.compile(r"\bCIs?\b|confidence\s+(?:intervals?|limits?)", re.I)
_SIGNED = r"[−\-–]?\d+(?:\.\d+)?"
#: a cell holding an estimate and its interval with no brackets: "3.7 2.8 to 4.6", "0.0 −1.1 to 1.0"
_RE_BARE_CI_CELL = re.compile(rf"^\s*(?P<v>{_SIGNED})\s+(?P<lo>{_SIGNED})\s+to\s+(?P<hi>{_SIGNED})\s*$")


def find_quantities(text: str) -> list[Quantity]:
    """Scan running text and return every quantity, in order and non-overlapping.

    At each position the longest matching form wins, so ``95`` in ``95% CI``
    and the ``0.37``/``0.98`` inside ``HR 0.60 (95% CI 0.37–0.98)`` are never
    reported separately.
    """
    return _scan_memo(text, None, False)


#: texts up to this length are memoised: every rule parses the same sentences and
#: cells, so each is scanned once per process (results are copied lists of
#: immutable-by-convention Quantity objects; callers use ``model_copy`` to change one).
_MEMO_MAX_CHARS = 20_000


@per_article  # once per article (inside parse_once); a global cache would keep a batch's quantities in memory
def _scan_cached(text: str, label: str | None, cell: bool, decimal_comma: bool = False) -> tuple[Quantity, ...]:
    return tuple(_scan(text, label=label, cell=cell, decimal_comma=decimal_comma))


def _scan_memo(text: str, label: str | None, cell: bool) -> list[Quantity]:
    dc = _DECIMAL_COMMA.get()
    if len(text) > _MEMO_MAX_CHARS:
        return _scan(text, label=label, cell=cell, decimal_comma=dc)
    return list(_scan_cached(text, label, cell, dc))


# --------------------------------------------------------------------------------------
# Decimal commas
# --------------------------------------------------------------------------------------

#: a number with a comma that is no thousands separator: "0,05", "12,5", "3,4" (not "1,234", not
#: inside a list "1,2,3" or a citation "[1,2]", not glued to a word or another number)
_RE_COMMA_NUMBER = re.compile(
    r"(?<![\w,.\u00b7\[])(?P<int>\d{1,6}),(?P<frac>\d{1,6})(?![\w,\]\u00b7]|[.]\d)(?P<pct>\s*%)?")
#: a number with a decimal point ("12.5")
_RE_POINT_NUMBER = re.compile(r"(?<![\w.,])\d+\.\d+(?![\w.,])")
#: a masked character: no pattern starts or continues with it (an ambiguous number is no number)
_MASK = "\u00a4"

_DECIMAL_COMMA: ContextVar[bool] = ContextVar("trialaudit_decimal_comma", default=False)


def uses_decimal_comma(text: str) -> bool:
    """Whether an article prints decimals with a comma, consistently ("12,5 %", "3,4 (1,2)").

    True when at least three numbers read as comma decimals (a leading zero "0,05", or one or two
    digits after the comma: never "1,234") and decimal points are rare (at most one for every four
    comma decimals): a mostly English article with a stray "p = 0,04" is not one.
    """
    comma = sum(1 for m in _RE_COMMA_NUMBER.finditer(text) if m.group("int") == "0" or len(m.group("frac")) <= 2)
    if comma < 3:
        return False
    points = sum(1 for _ in _RE_POINT_NUMBER.finditer(text))
    return points * 4 <= comma


@contextmanager
def decimal_comma_article(enabled: bool) -> Iterator[None]:
    """Inside the block, "12,5" and "3,4 (1,2)" read as decimals (see :func:`uses_decimal_comma`)."""
    token = _DECIMAL_COMMA.set(enabled)
    try:
        yield
    finally:
        _DECIMAL_COMMA.reset(token)


def _comma_view(text: str, decimal_comma: bool) -> str:
    """``text`` with decimal commas turned into middle dots (a decimal mark the patterns read) and
    ambiguous comma numbers masked, character for character (offsets unchanged).

    - "0,05" (a leading zero; no thousands group starts with 0) is a decimal everywhere;
    - "12,5" / "3,4" (one or two digits after the comma) is a decimal in an article that uses
      decimal commas (``decimal_comma``); elsewhere "12,5 %" is ambiguous and masked, so no
      check reads it, and "3,4" stays as it was (a list or two numbers);
    - "1,234" (three digits) is a thousands separator everywhere, as before.
    """
    if "," not in text:
        return text

    def repl(m: re.Match) -> str:
        whole, i, f = m.group(0), m.group("int"), m.group("frac")
        if i == "0" or (decimal_comma and len(f) <= 2):
            return whole.replace(",", "\u00b7", 1)
        if len(f) <= 2 and m.group("pct"):
            n = len(i) + 1 + len(f)
            return _MASK * n + whole[n:]
        return whole

    view = _RE_COMMA_NUMBER.sub(repl, text)
    return text if view == text else view


def parse_p_value(text: str) -> Quantity | None:
    """Find the first p-value expression in ``text``.

    Accepts ``P = 0.04``, ``p<0.05``, ``P ≤ 0.001``, ``P=.03``, ``$P = 0.0402$``,
    ``*P*<0.05``, ``<i>P</i> =0.32``, ``P-value: 0.04``, ``P < 1e-5``. Operators
    are mapped to ``=``, ``<``, ``>``, ``<=``, ``>=``. The quantity's span covers
    the ``P`` token through the number (qualifiers such as "nominal" and ``$``
    delimiters are left out).
    """
    for m in _RE_P_VALUE.finditer(text):
        try:
            q = _build_p_value(m, _Ctx(text, ""))
        except _BadNumber:
            continue
        if q is not None:
            return q
    return None
