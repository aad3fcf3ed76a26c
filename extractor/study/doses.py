"""Dose details of drug mentions: dose and unit, route, days, frequency, cycle length, cycles.

``parse_drug_mentions(text)`` finds every drug in a passage (through the
synonym table of :mod:`extractor.study.drugs`) and reads the schedule written
next to it::

    "apatinib (500 mg orally once daily)"              -> 500 mg, oral, QD
    "ifosfamide 1.8 g/m²/day d₁₋₃ ... every 3 weeks"     -> 1.8 g/m² per day, days 1-3, Q3W (21 days)
    "Cisplatin 60 mg/m² was administered intravenously on Day 1" -> 60 mg/m², iv, day 1
    "Patients received six cycles"                      -> cycles 6

The text that belongs to a drug runs from the drug name to the next drug name
(never past the parenthesis the drug sits in); a dose written just before the
name ("500 mg of apatinib") is read too. A schedule written once after the last
drug of a coordinated list ("ifosfamide (…) and etoposide (…), every three weeks
(Q3W)") is shared with the earlier drugs of the list that have no schedule of
their own; drugs given daily (QD/BID: continuous oral drugs) never inherit days
or cycle lengths.

Regimen acronyms (IE, MAP) stand for their drugs; when the acronym is followed
by a parenthesis that spells out its drugs, the spelled-out mentions are used.

``find_doses(text)`` is the per-dose view: every dose written (not only the
first one per drug), with its offsets, the drug it is attributed to, its unit
normalised to mg, mg/m2, mg/kg or AUC, and its basis (per day, per course,
cumulative or unspecified). ``extract_stated_doses(doc)`` makes them Study facts
(``Study.stated_doses``) with their sentence, evidence and whether the sentence
describes a high-dose or transplant regimen; the dose checks read those.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.extractor.textutil import word_number
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import Dose, DrugMention, StatedDose

from .drugs import DrugHit, find_drugs, is_supportive

__all__ = ["parse_drug_mentions", "parse_schedule", "normalise_days", "Schedule", "find_doses", "DoseInText",
           "high_dose_context", "extract_stated_doses"]

_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋", "0123456789-")
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_DASH = r"[\-\u2010\u2011\u2012\u2013\u2014\u2212₋~]"
#: number words read in schedules (their values: :func:`extractor.textutil.word_number`)
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "fourteen", "sixteen", "eighteen", "twenty", "twenty-one", "twenty-eight")
_NUMWORD = r"(?:\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"

_NUMBER = r"\d+(?:[.,·]\d+)?"
_UNIT_BASE = r"(?:mg|g|µg|μg|mcg|ug|IU|U|mL)"
_UNIT_DEN = r"(?:m\s*(?:²|2|\^\s*\{?2\}?)|m(?![A-Za-z0-9])|kg)"
_DOSE = re.compile(
    rf"(?<![\w.])(?P<v>{_NUMBER})(?:\s*{_DASH}\s*(?P<v2>{_NUMBER}))?\s*(?P<u>{_UNIT_BASE})(?![A-Za-z])"
    rf"(?:\s*/\s*(?P<den>{_UNIT_DEN}))?"
    rf"(?:\s*/\s*(?P<per>d(?![a-z])|day|dose|cycle|week|wk))?"
    rf"(?:\s+(?:per|a|each)\s+(?P<per2>day|dose|cycle|week))?"
    rf"(?!\s*/\s*(?:mL|ml|L|dL|dl|min|h|hr)\b)", re.I)  # "AUC 5 mg/mL/min" is not a 5 mg dose
#: "AUC 5", "AUC of 5", "area under the curve (AUC) of 5", "AUC = 5"
_AUC_HEAD = r"(?:\bAUC\b|\barea\s+under\s+the\s+(?:concentration[\s\-]time\s+)?curve\b(?:\s*\(\s*AUC\s*\))?)\)?"
_AUC = re.compile(_AUC_HEAD + r"\s*(?:of\s*|=\s*|:\s*)?(?P<v>\d+(?:\.\d+)?)", re.I)

_ROUTES = [
    (re.compile(r"\b(?:orally|oral(?:ly)?|per\s+os|p\.\s?o\.|po)(?![\w])", re.I), "oral"),
    (re.compile(r"\b(?:intravenous(?:ly)?|i\.\s?v\.|iv)(?![\w])|\bIV\b|\bi\.v\b", re.I), "iv"),
    (re.compile(r"\b(?:subcutaneous(?:ly)?|s\.\s?c\.|sc)(?![\w])", re.I), "sc"),
    (re.compile(r"\b(?:intramuscular(?:ly)?|i\.\s?m\.)(?![\w])", re.I), "im"),
    (re.compile(r"\bintrathecal(?:ly)?\b", re.I), "intrathecal"),
]

_DAYS_RANGE = re.compile(
    rf"(?<![A-Za-z])(?:days?|d)\s*(?P<a>[0-9₀-₉]{{1,2}})"
    rf"(?P<rest>(?:\s*(?:{_DASH}|to|through|and|,|&)\s*(?:days?|d)?\s*[0-9₀-₉]{{1,2}}(?![0-9]))*)"
    rf"(?![0-9]|\.\d)", re.I)

_FREQ = [
    (re.compile(r"\b(?:b\.?i\.?d\.?|twice\s+(?:a\s+)?daily|twice\s+a\s+day|twice\s+per\s+day|every\s+12\s*h(?:ours)?)\b", re.I), "BID", None),
    (re.compile(r"\b(?:t\.?i\.?d\.?|three\s+times\s+(?:a\s+)?daily|three\s+times\s+a\s+day)\b", re.I), "TID", None),
    (re.compile(r"\bcontinuous(?:ly)?\b", re.I), "continuous", None),
    (re.compile(r"\b(?:q\.?d\.?|once\s+(?:a\s+)?daily|once\s+a\s+day|once\s+per\s+day|every\s+day|daily)\b", re.I), "QD", None),
]
_QW = re.compile(r"\bq\s*(?P<n>\d)\s*w(?:ks?|eeks?)?\b", re.I)
_EVERY_WEEKS = re.compile(rf"\b(?:once\s+)?every\s+(?P<n>{_NUMWORD})\s+weeks?\b|\b(?P<n2>{_NUMWORD})[\s\-]weekly\b", re.I)
_WEEKLY = re.compile(r"\b(?:once\s+)?(?:weekly|every\s+week|once\s+a\s+week|q\.?\s?w(?:k)?)\b", re.I)
_BIWEEKLY = re.compile(r"\b(?:biweekly|fortnightly|bi-weekly)\b", re.I)
_EVERY_DAYS = re.compile(rf"\bevery\s+(?P<n>{_NUMWORD})\s+days\b", re.I)
_CYCLE_LEN = re.compile(
    rf"\b(?P<n>{_NUMWORD})[\s\-](?P<unit>day|week)s?[\s\-]+(?:treatment\s+)?cycles?\b"
    rf"|\bcycles?\s+(?:lasting|of|length\s+of|were\s+repeated\s+every|repeated\s+every)\s+(?P<n2>{_NUMWORD})\s+(?P<unit2>days?|weeks?)\b"
    rf"|\beach\s+cycle\s+(?:lasting|lasted|was|of|being)\s+(?P<n3>{_NUMWORD})\s+(?P<unit3>days?|weeks?)\b", re.I)
_CYCLES = re.compile(
    rf"(?<![\w\-])(?:(?P<pre>after|every|each|within|first|last|than|per|of\s+the|the\s+first|before|until)\s+)?"
    rf"(?:(?:up\s+to|a\s+maximum\s+of|maximum\s+of|at\s+most|a\s+total\s+of|for)\s+)?"
    rf"(?P<n>{_NUMWORD})\s+(?:treatment\s+|chemotherapy\s+|more\s+)?(?:cycles|courses)\b", re.I)
_BSA = re.compile(r"\b(?:BSA|body\s+surface\s+area)\b", re.I)
_WEIGHT = re.compile(r"\b(?:body\s*weight|weigh(?:ing|ed|t)|mg\s*/\s*kg|per\s+kilogram)\b", re.I)


def _num(s: str) -> float:
    return float(s.replace(",", ".").replace("·", "."))


def _wordnum(s: str) -> int | None:
    return int(s) if s.isdigit() else word_number(s)


def normalise_days(text: str) -> str | None:
    """'d₁₋₃' / 'days 1–3' / 'Days 1 and 2' / 'd1,8' -> '1-3' / '1-3' / '1-2' / '1,8'."""
    m = _DAYS_RANGE.search(text)
    if not m:
        return None
    return _days_from_match(m)


def _days_from_match(m: re.Match) -> str | None:
    raw = m.group(0).translate(_SUB)
    raw = re.sub(r"(?i)days?|d", " ", raw)
    nums: list[int] = []
    tokens = re.findall(r"\d+|[\-\u2010-\u2014\u2212~]|to|through|and|,|&", raw, re.I)
    i = 0
    pending_range = False
    for t in tokens:
        if t.isdigit():
            v = int(t)
            if pending_range and nums:
                lo = nums[-1]
                if v < lo or v - lo > 42:
                    return None
                nums.extend(range(lo + 1, v + 1))
            else:
                nums.append(v)
            pending_range = False
        elif t.lower() in ("to", "through") or re.fullmatch(r"[\-\u2010-\u2014\u2212~]", t):
            pending_range = True
        i += 1
    if not nums or any(n == 0 or n > 42 for n in nums):
        return None
    nums = sorted(set(nums))
    if len(nums) > 1 and nums == list(range(nums[0], nums[-1] + 1)):
        return f"{nums[0]}-{nums[-1]}"
    return ",".join(str(n) for n in nums)


@dataclass
class Schedule:
    """The schedule details read from one stretch of text."""

    dose: Dose | None = None
    doses: int = 0             # how many distinct doses were written (tiers)
    route: str | None = None
    days: str | None = None
    frequency: str | None = None
    cycle_days: int | None = None
    cycles: int | None = None
    adjustment: str | None = None


def _unit(m: re.Match) -> str:
    u = m.group("u")
    u = {"μg": "µg", "mcg": "µg", "ug": "µg"}.get(u.lower(), u if u in ("IU", "U", "mL") else u.lower())
    den = m.group("den")
    if den:
        den = "kg" if den.lower().startswith("k") else "m²"
        return f"{u}/{den}"
    return u


def _find_dose(text: str) -> tuple[Dose | None, int]:
    doses: list[Dose] = []
    for m in _DOSE.finditer(text):
        unit = _unit(m)
        per_raw = (m.group("per") or m.group("per2") or "").lower()
        per = {"d": "day", "day": "day", "dose": "dose", "cycle": "cycle", "week": "week", "wk": "week"}.get(per_raw,
                                                                                                         "unspecified")
        if per == "unspecified" and re.match(r"\s*(?:daily|per\s+day|a\s+day|/\s*d\b)", text[m.end():], re.I):
            per = "unspecified"  # "500 mg once daily": frequency, not a per-day unit
        try:
            v = _num(m.group("v"))
            v2 = _num(m.group("v2")) if m.group("v2") else None
        except ValueError:
            continue
        doses.append(Dose(value=v, value_high=v2, unit=unit, per=per, text=m.group(0).strip()))
    for m in _AUC.finditer(text):
        doses.append(Dose(value=_num(m.group("v")), unit="AUC", text=m.group(0)))
    if not doses:
        return None, 0
    distinct = {(d.value, d.value_high, d.unit) for d in doses}
    return doses[0], len(distinct)


def parse_schedule(text: str) -> Schedule:
    """Dose, route, days, frequency, cycle length, number of cycles and adjustment in ``text``."""
    s = Schedule()
    s.dose, s.doses = _find_dose(text)
    for rx, name in _ROUTES:
        m = rx.search(text)
        if m and not (name == "iv" and re.match(r"(?i)\s*(?:grade|stage)", text[m.end():])):
            if name in ("oral", "iv", "sc") and m.group(0).lower() in ("po", "iv", "sc"):
                # bare abbreviations: not part of a Roman numeral list ("(iv)") nor a stage
                before = text[max(0, m.start() - 2):m.start()]
                after = text[m.end():m.end() + 1]
                if m.group(0).lower() == "iv" and (before.endswith("(") or after == ")" or
                                                   re.match(r"\s*(?:and|or)\s+(?:iii|v)\b", text[m.end():])):
                    continue
            s.route = name
            break
    m = _DAYS_RANGE.search(text)
    if m:
        s.days = _days_from_match(m)
    for rx, name, _ in _FREQ:
        if rx.search(text):
            s.frequency = name
            break
    m = _QW.search(text)
    if m:
        n = int(m.group("n"))
        s.cycle_days = 7 * n
        s.frequency = "QW" if n == 1 else f"Q{n}W"
    else:
        m = _EVERY_WEEKS.search(text)
        if m:
            n = _wordnum(m.group("n") or m.group("n2"))
            if n:
                s.cycle_days = 7 * n
                s.frequency = "QW" if n == 1 else f"Q{n}W"
        elif _BIWEEKLY.search(text):
            s.cycle_days, s.frequency = 14, "Q2W"
        elif _WEEKLY.search(text):
            s.cycle_days, s.frequency = 7, "QW"
        else:
            m = _EVERY_DAYS.search(text)
            if m and _wordnum(m.group("n")):
                n = _wordnum(m.group("n"))
                s.cycle_days = n
                s.frequency = f"Q{n // 7}W" if n % 7 == 0 else f"every {n} days"
    if s.cycle_days is None:
        m = _CYCLE_LEN.search(text)
        if m:
            n = _wordnum(m.group("n") or m.group("n2") or m.group("n3"))
            unit = (m.group("unit") or m.group("unit2") or m.group("unit3") or "").lower()
            if n:
                s.cycle_days = n * 7 if unit.startswith("week") else n
                if s.frequency is None and s.cycle_days % 7 == 0:
                    s.frequency = f"Q{s.cycle_days // 7}W"
    for m in _CYCLES.finditer(text):
        if m.group("pre"):
            continue
        if re.match(r"\s*(?:later|after|apart|of\s+(?:the|previous|prior))", text[m.end():], re.I):
            continue
        n = _wordnum(m.group("n"))
        if n and n <= 60:
            s.cycles = n
            break
    if _BSA.search(text):
        s.adjustment = "by BSA"
    elif _WEIGHT.search(text):
        s.adjustment = "by weight"
    return s


# ---------------------------------------------------------------------------------------------- mentions

@dataclass
class _Group:
    drugs: list[DrugHit]
    start: int
    end: int
    depth: int


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch in "([":
            depth += 1
            out.append(depth)
            continue
        out.append(depth)
        if ch in ")]" and depth:
            depth -= 1
    return out


def _groups(text: str, hits: list[DrugHit], depth: list[int]) -> list[_Group]:
    groups: list[_Group] = []
    for h in hits:
        if groups and groups[-1].start == h.start and groups[-1].end == h.end:
            groups[-1].drugs.append(h)
        else:
            groups.append(_Group([h], h.start, h.end, depth[h.start] if h.start < len(depth) else 0))
    # a regimen acronym spelled out in the following parenthesis: keep the spelled-out drugs
    out: list[_Group] = []
    for i, g in enumerate(groups):
        if g.drugs[0].via.startswith("regimen:"):
            m = re.match(r"\s*(?:\w+\s+){0,2}?[\(\[]", text[g.end:])
            if m:
                inner_start = g.end + m.end()
                close = _close_of(text, inner_start - 1)
                inner = {d.generic for gg in groups[i + 1:] if inner_start <= gg.start < close for d in gg.drugs}
                if {d.generic for d in g.drugs} <= inner:
                    continue
        out.append(g)
    return out


def _close_of(text: str, open_idx: int) -> int:
    depth = 0
    for j in range(open_idx, len(text)):
        if text[j] in "([":
            depth += 1
        elif text[j] in ")]":
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def _segment_end(text: str, g: _Group, nxt: _Group | None, depth: list[int]) -> int:
    end = nxt.start if nxt else len(text)
    # never past the parenthesis the drug sits in
    if g.depth > 0:
        for j in range(g.end, end):
            if depth[j] < g.depth or (text[j] in ")]" and depth[j] == g.depth):
                return j
    return end


_CONNECTOR = re.compile(r"^[\s,;:+/&]*(?:(?:and|plus|with|combined\s+with|in\s+combination\s+with|together\s+with|"
                        r"followed\s+by)[\s,]*)?$", re.I)


_FILLER = re.compile(r"\b(?:on|at|a|an|the|dose|doses|of|was|were|is|are|administered|given|infused|injected|iv|i\.v\.|po|"
                     r"orally|intravenously|subcutaneously|as|bolus|infusion|over|\d+\s*(?:h|hours?|min(?:utes)?))\b",
                     re.I)


def _strip_parens(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        s = re.sub(r"[\(\[][^\(\)\[\]]*[\)\]]", " ", s)
    return s


def _dose_before(text: str, floor: int, start: int) -> Dose | None:
    window = text[floor:start]
    m = re.search(rf"({_NUMBER}\s*{_UNIT_BASE}(?:\s*/\s*{_UNIT_DEN})?(?:\s*/\s*(?:d|day))?)\s+(?:of\s+)?$", window, re.I)
    if not m:
        return None
    d, _ = _find_dose(m.group(1))
    return d


def parse_drug_mentions(text: str, *, extra_prefixes: dict[str, str] | None = None,
                        hits: list[DrugHit] | None = None) -> list[DrugMention]:
    """Every drug in ``text`` with the dose details written next to it."""
    if hits is None:
        hits = find_drugs(text, extra_prefixes=extra_prefixes)
    if not hits:
        return []
    depth = _depths(text)
    groups = _groups(text, sorted(hits, key=lambda h: (h.start, h.end)), depth)
    scheds: list[Schedule] = []
    for i, g in enumerate(groups):
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        seg = text[g.end:_segment_end(text, g, nxt, depth)]
        sch = parse_schedule(seg)
        if sch.dose is None:
            floor = groups[i - 1].end if i else 0
            d = _dose_before(text, floor, g.start)
            if d is not None:
                sch.dose, sch.doses = d, 1
        scheds.append(sch)
    # a schedule written once after the last drug of a coordinated list is shared
    for i in range(len(groups) - 1, 0, -1):
        later, earlier = scheds[i], scheds[i - 1]
        gap = text[groups[i - 1].end:groups[i].start]
        gap_core = _strip_parens(gap)
        gap_core = _AUC.sub(" ", _DOSE.sub(" ", gap_core))
        gap_core = _DAYS_RANGE.sub(" ", gap_core)
        gap_core = _FILLER.sub(" ", gap_core)
        if not _CONNECTOR.match(gap_core):
            continue
        if groups[i].depth != groups[i - 1].depth:
            continue
        if earlier.frequency in ("QD", "BID", "TID", "continuous"):
            continue
        if earlier.cycle_days is None and earlier.days is None and earlier.frequency is None:
            earlier.cycle_days = later.cycle_days
            if later.frequency not in ("QD", "BID", "TID", "continuous") or earlier.dose is None:
                earlier.frequency = later.frequency
            if earlier.days is None:
                earlier.days = later.days
        elif earlier.cycle_days is None and later.cycle_days is not None and earlier.days is not None:
            earlier.cycle_days = later.cycle_days
            if later.frequency not in ("QD", "BID", "TID", "continuous"):
                # "oxaliplatin ... on day 1 and S-1 ... twice daily": the daily frequency is S-1's own
                earlier.frequency = earlier.frequency or later.frequency
        if earlier.route is None and later.route is not None:
            earlier.route = later.route
        if earlier.cycles is None and later.cycles is not None:
            earlier.cycles = later.cycles
    out: list[DrugMention] = []
    for g, sch in zip(groups, scheds):
        adjustment = sch.adjustment
        if sch.doses > 1:
            adjustment = f"{adjustment}, tiered" if adjustment else "tiered"
        for h in g.drugs:
            out.append(DrugMention(drug=h.generic, surface=h.surface, dose=sch.dose, route=sch.route, days=sch.days,
                                   frequency=sch.frequency, cycle_days=sch.cycle_days, cycles=sch.cycles,
                                   adjustment=adjustment))
    return out


# ---------------------------------------------------------------------------------------------- stated doses

_RANGE_DASH = r"[\-–—‑‒−]"
_MASS = r"(?P<mass>g|mg|µg|μg|mcg|ug)"
_AREA = r"(?:m\s*(?:²|2|\^\s*2|\{\s*2\s*\})|m\s*\^?\{?\s*\\?text\{?\s*2|m(?![A-Za-z0-9]))"  # "g/m" = a lost superscript
_STATED_DOSE = re.compile(
    rf"(?<![\w.])(?P<v1>{_NUMBER})(?:\s*(?:{_RANGE_DASH}|to)\s*(?P<v2>{_NUMBER}))?\s*{_MASS}"
    rf"(?:\s*/\s*(?P<basis>{_AREA}|kg))?"
    rf"(?:\s*/\s*(?P<per>d(?:ay)?|dose|cycle|course|week|wk)\b)?"
    rf"(?![\w/])(?!\s*/\s*(?:d[lL]|L|mL|ml|h|hr|min)\b)", re.I)
_DIGIT = re.compile(r"\d")
_STATED_AUC = re.compile(
    _AUC_HEAD + rf"\s*(?:\(?\s*(?:of|=|:)\s*)?(?P<v1>{_NUMBER})(?:\s*(?:{_RANGE_DASH}|to)\s*(?P<v2>{_NUMBER}))?(?!\s*[%.\d])")
_PER_DAILY = re.compile(r"^\s*(?:,\s*)?(?:[\w()]+\s+){0,3}?(?:per\s+day|/\s*d(?:ay)?\b|a\s+day|daily|once\s+a\s+day|q\.?d\.?\b|QD\b|"
                        r"once\s+daily|continuously)", re.I)
_PER_TWICE = re.compile(r"^\s*(?:,\s*)?(?:\w+\s+){0,3}?(?:twice\s+(?:daily|a\s+day)|b\.?i\.?d\.?\b|BID\b|every\s+12\s*h)", re.I)
_PER_CYCLE = re.compile(r"^\s*(?:,\s*)?(?:\w+\s+){0,4}?(?:per\s+(?:cycle|course)|/\s*(?:cycle|course)|total\s+dose|"
                        r"in\s+(?:\w+\s+)?divided\s+doses|divided\s+over|over\s+\d+\s*days|cumulative)", re.I)
_PER_DAYS = re.compile(r"^\s*(?:,\s*)?(?:\w+\s+){0,6}?(?:d\s*\d|days?\s*\d|on\s+days?\b|d[₀-₉]|q\s*\d\s*w|every\s+\w+\s+(?:weeks?|days?)|"
                       r"weekly|every\s+week|once\s+every|q\d+w|administered\s+(?:intravenously|orally)|intravenously|iv\b|"
                       r"orally|po\b)", re.I)
_CUMULATIVE = re.compile(r"\b(?:cumulative|lifetime|accumulated|maximum\s+total|total\s+cumulative)\b", re.I)


@dataclass
class DoseInText:
    """One dose written in a passage, attributed to its drug, in a normalised unit."""

    drug: str
    surface: str               # how the drug was written
    text: str                  # the dose as printed
    value: float               # in the normalised unit (mg, mg/m2, mg/kg, auc)
    value_high: float | None
    unit: str                  # mg, mg/m2, mg/kg, auc
    per: str                   # day, cycle, cumulative, unspecified
    start: int                 # offsets of the dose in the text
    end: int
    drug_start: int
    daily_multiplier: int = 1  # 2 for "twice daily"

    @property
    def printed(self) -> str:
        return self.text


def _per_of(after: str, dose_per: str | None) -> tuple[str, int]:
    if dose_per:
        p = dose_per.lower()
        if p.startswith("d"):
            return "day", 1
        if p in ("cycle", "course"):
            return "cycle", 1
        if p in ("dose",):
            return "day", 1
    if _PER_TWICE.match(after):
        return "day", 2
    if _PER_CYCLE.match(after):
        return "cycle", 1
    if _PER_DAILY.match(after):
        return "day", 1
    if _PER_DAYS.match(after):
        return "day", 1
    return "unspecified", 1


#: between a drug and its dose written right after it: "cisplatin 75 mg/m²", "cisplatin: 75", "cisplatin at 75"
_ADJACENT_BEFORE = re.compile(r"\s*(?:[:=]\s*|at\s+(?:a\s+dose\s+of\s+)?)?", re.I)
#: between a dose and the drug it is "of": "500 mg of apatinib", "400 mg imatinib" (no "+", comma or bracket between)
_OF_AFTER = re.compile(r"\s*(?:(?:of|of\s+oral|of\s+intravenous|iv|orally)\s+)?", re.I)
_ABBREV_BEFORE = re.compile(r"\b([A-Z][A-Z0-9-]{1,7})\s*$")  # an abbreviation right before the dose ("CZP 400 mg")
_ROUTE_WORDS = {"IV", "PO", "SC", "IM", "BID", "TID", "QD", "OD", "QID", "AND", "OR", "TO", "AT", "OF", "A", "IT",
                "IP", "QW", "Q2W", "Q3W", "Q4W", "IVGTT"}


def _attribute(hits: list[DrugHit], start: int, end: int, text: str) -> DrugHit | None:
    """The drug a dose belongs to: '<dose> of <drug>', else the nearest drug before it."""
    # a drug written right before the dose owns it ("fluorouracil 500 mg/m² + epirubicin 100 mg/m²")
    adjacent = [h for h in hits if h.end <= start and _ADJACENT_BEFORE.fullmatch(text, h.end, start)]
    if len({h.generic for h in adjacent}) == 1:
        return adjacent[0]
    cand = [h for h in hits if h.start >= end and _OF_AFTER.fullmatch(text, end, h.start)]
    if len({h.generic for h in cand}) == 1:
        return cand[0]
    before = [h for h in hits if h.end <= start and start - h.end <= 250]
    if not before:
        return None
    last_start = max(h.start for h in before)
    nearest = [h for h in before if h.start == last_start]
    if len({h.generic for h in nearest}) != 1:
        return None  # a regimen acronym ("IE") names two drugs: ambiguous
    m = _ABBREV_BEFORE.search(text, max(nearest[0].end, start - 20), start)
    if m and m.start() >= nearest[0].end and m.group(1).upper() not in _ROUTE_WORDS:
        return None  # "MTX, 390 to CZP 400 mg": the dose belongs to a drug the dictionary does not know
    # another dose between the drug and this dose belongs to that drug already ("ifosfamide 1.8 g/m2 ... 100 mg/m2")
    m = _NAME_PAREN_BEFORE.search(text, max(nearest[0].end, start - 40), start)
    if m and m.start() >= nearest[0].end and m.group(1).lower() not in _NOT_A_NAME:
        return None  # "DE combined with rh-endostatin (7.5 mg/m²": the dose of a drug the dictionary does not know
    return nearest[0]


#: a name right before the bracket that holds the dose: "rh-endostatin (7.5 mg/m²"
_NAME_PAREN_BEFORE = re.compile(r"\b([A-Za-z][A-Za-z0-9\-]{3,})\s*\(\s*$")
_NOT_A_NAME = {"dose", "doses", "dosage", "daily", "weekly", "day", "days", "cycle", "cycles", "group", "arm", "regimen",
               "total", "infusion", "bolus", "orally", "intravenously", "subcutaneously", "both", "each", "respectively",
               # salts and forms of the drug named before ("epirubicin hydrochloride (75 mg/m²")
               "hydrochloride", "sodium", "sulfate", "sulphate", "citrate", "mesylate", "phosphate", "acetate",
               "tartrate", "maleate", "calcium", "potassium", "tablets", "tablet", "capsules", "injection"}


def find_doses(text: str) -> list[DoseInText]:
    """Every dose written in ``text`` ("ifosfamide 1.8 g/m²/day", "500 mg of apatinib orally
    once daily", "carboplatin AUC 5") with the drug it belongs to (the nearest drug named
    before it with no other drug in between, or "<dose> of <drug>"), its unit normalised to
    mg, mg/m2, mg/kg or AUC, and whether it is a daily / per-administration dose, a total
    per course or a cumulative dose. Doses of supportive drugs (mesna ...) are left out."""
    out: list[DoseInText] = []
    if not _DIGIT.search(text):  # both patterns read a number: no need to look for drugs
        return out
    hits = find_drugs(text)  # supportive drugs stay: "mesna 1.8 g/m2" must not go to ifosfamide
    if not hits:
        return out
    for m in _STATED_DOSE.finditer(text):
        mass = m.group("mass").lower().replace("μ", "µ")
        basis = m.group("basis")
        if basis and basis.lower() != "kg":
            unit = "mg/m2"
        elif basis:
            unit = "mg/kg"
        else:
            unit = "mg"
        factor = {"g": 1000.0, "mg": 1.0, "µg": 0.001, "mcg": 0.001, "ug": 0.001}[mass]
        v1 = _num(m.group("v1")) * factor
        v2 = _num(m.group("v2")) * factor if m.group("v2") else None
        h = _attribute(hits, m.start(), m.end(), text)
        if h is None or is_supportive(h.generic):
            continue
        per, mult = _per_of(text[m.end():m.end() + 60], m.group("per"))
        if _CUMULATIVE.search(text[max(0, m.start() - 50):m.start()] + " " + text[m.end():m.end() + 25]):
            per = "cumulative"
        out.append(DoseInText(h.generic, h.surface, m.group(0).strip(), v1, v2, unit, per, m.start(), m.end(),
                              h.start, mult))
    for m in _STATED_AUC.finditer(text):
        h = _attribute(hits, m.start(), m.end(), text)
        if h is None or is_supportive(h.generic):
            continue
        v1 = _num(m.group("v1"))
        v2 = _num(m.group("v2")) if m.group("v2") else None
        out.append(DoseInText(h.generic, h.surface, m.group(0).strip(), v1, v2, "auc", "day", m.start(), m.end(),
                              h.start))
    out.sort(key=lambda d: d.start)
    return out


# ---------------------------------------------------------------------------------------------- Study facts

_HIGH_DOSE = re.compile(r"high[\s\-]dose|\bHD[\s\-]?(?:MTX|IFO|chemotherapy)|\bHD(?:CT|C|T)\b|\bASCT\b|stem[\s\-]cell|"
                        r"transplant|autologous|myeloablative|conditioning|marrow\s+rescue", re.I)
#: sections whose doses are not the trial's regimen
_NOT_REGIMEN_SECTIONS = ("references", "declarations", "acknowledgements")


def high_dose_context(text: str) -> bool:
    """Does the passage describe a high-dose, transplant or conditioning regimen (where a dose above the usual
    range is the intent)?"""
    return bool(_HIGH_DOSE.search(text))


def extract_stated_doses(doc: Document) -> list[StatedDose]:
    """Every dose written next to its drug in the article's sentences (``Study.stated_doses``), in reading
    order, outside references, declarations and acknowledgements."""
    out: list[StatedDose] = []
    for i, sent in enumerate(doc.sentences):
        if sent.section_kind in _NOT_REGIMEN_SECTIONS:
            continue
        found = find_doses(sent.text)
        if not found:
            continue
        hd = high_dose_context(sent.text)
        for d in found:
            out.append(StatedDose(
                drug=d.drug, surface=d.surface, text=d.text, value=d.value, value_high=d.value_high, unit=d.unit,
                per=d.per, daily_multiplier=d.daily_multiplier, sentence_id=sent.id, sentence_index=i,
                section_kind=sent.section_kind, start=d.start, end=d.end, drug_start=d.drug_start, high_dose=hd,
                evidence=sentence_evidence(doc, sent, d.drug_start, d.end, role="dose")))
    return out
