"""The denominator of every count in a table: one resolver for every check.

For a body cell that states a count (``12 (23.5)``, ``12/51``, ``12``) the resolver
answers "out of how many?", says where that n is printed and how sure it is
(:class:`~trialaudit.schemas.study.CellDenominator`). It looks, in order, at

1. the cell's own ``n/N``;
2. the row label's n (``Smokers (n = 48)``), when the columns are arms;
3. a table note attached to the cell, its row or its column by a footnote marker
   (``n = 96 for MRSA``; ``Excludes one participant in the control group``);
4. the table's own N row (``N``, ``Number (N)``, ``No. of patients`` as a body row
   of bare integers — the nearest one above the cell);
5. the column header (``Placebo (n = 7,726)``, second header rows included);
6. the arm's size stated elsewhere in the article (``inferred``).

It marks the denominator ``uncertain`` — and the checks then stay silent — when the
table hints at another population: a note that restricts the row without saying by
how much, a Missing / Unknown / Not reported row next to the cell, or counts of
another unit (eyes, oocytes, embryos, lesions, visits, cycles ...). A cell's kind is
decided before anything reads it: a row or column labelled mean, SD, median, IQR,
range, score or a measurement unit is not a count, and a cell of a row labelled
``%`` is a percentage.

Why one long module: one resolver answers "out of how many?" for every cell, and its parts (cell
typing, N rows, notes, row labels, Missing/Unknown rows, other units) decide together; the seam
for a split is the cell typing (``cell_kind`` and its cues), which could become its own module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.extractor.memo import per_article, per_document
from trialaudit.extractor.quantities import parse_cell
from trialaudit.extractor.textutil import DESCRIPTOR_TOKENS
from trialaudit.schemas.document import Cell, Document, Table, TableRow
from trialaudit.schemas.provenance import Provenance, Span
from trialaudit.schemas.study import Arm, CellDenominator

from .arms import resolve_arm, strip_n

# ---------------------------------------------------------------------------- cell kinds
#: a label that announces counts ("n (%)", "No. (%)", "number (%)", "n/N (%)")
COUNT_CUE = re.compile(r"\b(?:n|no\.?|number|count)\s*(?:/\s*n\s*)?[\(\[,]\s*%|\bn\s*\(\s*%|\(\s*%\s*\)|"
                       r"\bn\s*%|\bno\.?\s*\(%\)|\bnumber of (?:patients|participants|subjects)\b", re.I)
#: a label that announces a continuous summary, not a count (a unit right after a number is a dose or a time in
#: a group's name, "Once weekly 5 mg", "Week 12", not the unit of a measurement)
CONTINUOUS_CUE = re.compile(
    r"\bmean\b|\bmedian\b|\bs\.?d\.?\b|\bsem?\b|±|\biqr\b|interquartile|\brange\b|\bscore\b|\bindex\b|"
    r"\bgeometric\b|\bcv\b|\blevel\b|\bconcentration\b|\bduration\b|(?<!\d)(?<!\d )\b(?:years?|yrs?|kg|cm|mm|mmhg|mg|g/dl|"
    r"mg/dl|mmol/l|µmol|μmol|ml|l/min|bpm|days?|weeks?|months?|hours?|h|min|ms|iu|u/l|kg/m2|kg/m²)\b\s*\)?\s*$|"
    r"\((?:years?|yrs?|kg|cm|mm|mmhg|mg|g/dl|mg/dl|mmol/l|ml|days?|weeks?|months?|hours?|min|kg/m2|kg/m²)\)",
    re.I)
#: counts of something other than the participants the arms are made of
OTHER_UNIT = re.compile(
    r"\b(?:eyes?|oocytes?|embryos?|zygotes?|blastocysts?|follicles?|teeth|tooth|implants|"
    r"infants?|neonates?|newborns?|babies|fetus(?:es)?|foetus(?:es)?|live births?|visits|"
    r"cycles|samples|specimens|examinations|sequences|transfers|injections|"
    r"admissions|prescriptions|nodules|polyps|vessels|segments|surfaces|pockets|colonies|isolates|strains|"
    r"outlets?|pharmacies|dispensers?|clinics|practices|schools|households?|villages?|clusters|wards|"
    r"hospitals|centres|centers|measurements|readings|sessions)\b", re.I)
#: a label that says its count is of events, not of participants
EVENT_UNIT = re.compile(r"\b(?:number|no\.?|n)\s+of\s+(?:events|episodes|occurrences)\b", re.I)
MISSING_ROW = re.compile(r"^\s*(?:missing|unknown|not (?:known|reported|recorded|available|stated|assessed|done)|"
                         r"no data|n/?a|data (?:missing|not available)|undetermined|not determined)\b", re.I)
N_ROW = re.compile(r"^\s*(?:n|no\.|number|number \(n\)|number of (?:patients|participants|subjects|women|men|"
                   r"children|cases)|no\.? of (?:patients|participants|subjects|women|men|children|cases)|"
                   r"patients|participants|subjects|sample size|total n|n \(total\))\s*[:,]?\s*(?:\(n\))?\s*$", re.I)
#: a row counting events rather than participants ("Number of AEs (including SAEs) | 34 | 43"): the rows below it
#: may give percentages of those events
EVENT_COUNT_ROW = re.compile(
    r"^\s*(?:total\s+)?(?:(?:number|no\.?|n)\s+of\s+)?(?:all\s+)?(?:(?:treatment[- ]emergent|serious|"
    r"(?:drug|treatment)[- ]related)\s+)?(?:AEs?|SAEs?|TEAEs?|adverse\s+(?:events?|reactions?)|ADRs?|events?|"
    r"episodes?)\s*(?:\([^()]*\))?\s*[:,]?\s*(?:\(?n\)?)?\s*$", re.I)
PERCENT_ROW = re.compile(r"(?:^|\s|\()%\s*\)?\s*$|^\s*(?:percent(?:age)?|proportion)\b", re.I)
#: a label that says its percentages are time-to-event estimates, not count/N ("No. (3-Year KM%)",
#: "events (Kaplan-Meier estimate, %)", "cumulative incidence, %"): censoring makes them differ from count/N
#: a caption that declares its cells a summary with its spread ("Median values (standard error (SE) of the median)",
#: "mean (SD)", "mean ± standard deviation"): bracketed numbers are no percentages unless a count cue says so
SPREAD_DECLARED = re.compile(r"\b(?:medians?|means?)\b[^.;]{0,30}?(?:\(\s*|±\s*)(?:SD|SE|SEM|IQR|standard\s+(?:error|deviation)|"
                             r"interquartile|range|s\.?d\.?|s\.?e\.?m?\.?)\b|"
                             r"\b(?:medians?|means?)\b[^.;]{0,40}?\bstandard\s+(?:error|deviation)", re.I)
ESTIMATE_CUE = re.compile(r"\bKM\b|kaplan|actuarial|life[- ]table|cumulative\s+(?:incidence|probability|rate)|"
                          r"\bestimated?\s*(?:,\s*)?%", re.I)


@per_article  # every cell of a row or column asks about the same labels
def label_is_continuous(*labels: str | None) -> bool:
    """A row/group/column label that announces a continuous summary and no count."""
    for lab in labels:
        if lab and CONTINUOUS_CUE.search(lab) and not COUNT_CUE.search(lab):
            return True
    return False


@per_article
def other_unit(*labels: str | None) -> str | None:
    """The unit word when a label counts something other than participants."""
    for lab in labels:
        if not lab:
            continue
        if EVENT_UNIT.search(lab):
            return "events"  # "number of events (rate among participants with at least one event)"
        m = OTHER_UNIT.search(lab)
        if m and not re.search(r"\b(?:patients?|participants?|subjects?|women|men|children|persons?|people)\s+"
                               r"(?:with|who|having|reporting)\b", lab, re.I):
            return m.group(0).lower()
    return None


# ---------------------------------------------------------------------------- notes
_MARKER_TAIL = re.compile(r"([*†‡§¶#]+|\^[a-z]|\^\{?[a-z]\}?)\s*(?:,?\s*(?:n|no\.?)\s*\(%\))?\s*$")
NOTE_SUBSET = re.compile(r"\b(?:exclud\w*|not (?:recorded|available|known|reported|assessed)|missing|unknown for|"
                         r"only (?:for|in|among)|among (?:those|patients|women|men|participants)|of those|"
                         r"denominator|available for|data (?:from|for) \d+|percentages? (?:are|were) (?:of|based)|"
                         r"based on|calculated (?:from|among|for)|n\s*=\s*\d)", re.I)
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10}


def _marks_of(label: str, markers: list[str] | None) -> list[str]:
    marks = list(markers or [])
    m = _MARKER_TAIL.search(label or "")
    if m:
        tail = m.group(1).strip("^{}")
        marks.append(tail)
        marks.extend(x.group(0) for x in re.finditer(r"([*†‡§¶#])\1*", tail))  # "¶¶***" -> "¶¶", "***"
    return marks


def notes_for(table: Table, label: str, markers: list[str] | None = None) -> list[str]:
    """The table notes a label or cell points to by its footnote markers."""
    return _notes_for(table, label, tuple(markers or ()))


@per_document  # keyed by the table's identity: every cell of a row asks for the same notes
def _notes_for(table: Table, label: str, markers: tuple[str, ...]) -> list[str]:
    found = []
    for mk in sorted(set(_marks_of(label, list(markers))), key=len, reverse=True):
        if not mk:
            continue
        for note in table.footnotes:
            n = note.lstrip()
            if n.startswith(mk) and not (n[len(mk):len(mk) + 1] and n[len(mk)] in "*†‡§¶#"):
                found.append(n[len(mk):].strip(" .:)"))
    return found


def row_note(table: Table, label: str, markers: list[str] | None = None) -> str | None:
    """The table note attached to a row label by its footnote marker ("Smoked before††" -> "††Excludes ...").

    With several markers ("¶¶***") the first note that restricts the denominator wins.
    """
    found = notes_for(table, label, markers)
    restricting = [f for f in found if NOTE_SUBSET.search(f)]
    return (restricting or found or [None])[0]


def note_adjusted_n(table: Table, arms: list[Arm], label: str, col: int, n: int,
                    markers: list[str] | None = None) -> int | None:
    """Apply a row's footnote to a column's n: "Not recorded for one participant in control group" -> n - 1.

    Returns the adjusted n, or None when the note says the row uses another
    denominator that cannot be worked out per column ("Excludes 297 with no
    previous pregnancies"): a check must then stay silent.
    """
    note = row_note(table, label, markers)
    if not note or not NOTE_SUBSET.search(note):
        return n
    stated = re.fullmatch(r"(?:n|N)\s*=\s*(\d{1,3}(?:[,\u2009\u202f ]\d{3})+|\d{1,6})(?:\s+(?:for|in)\b.*)?", note.strip())
    if stated:
        return int(re.sub(r"\D", "", stated.group(1)))
    col_arm = resolve_arm(table.column_label(col), arms)
    # "3 patients < 12 in intervention arm": the count is 3 (a number after <, >, = is a qualifier)
    parts = re.findall(r"(?<![<>≤≥=]\s)(?<![<>≤≥=])\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                       r"(?:(?:participants?|patients?|women|men|subjects?|cases?)(?:\s+(?:aged\s+)?[<>≤≥]\s*\d+)?\s+)?"
                       r"in\s+(?:the\s+)?([\w+\-/ ]{2,40}?(?:group|arm|cohort))", note, re.I)
    if not parts or col_arm is None:
        return None
    delta = 0
    for num, lab in parts:
        arm = resolve_arm(lab, arms)
        if arm is None:
            return None
        if arm.id == col_arm.id:
            delta += int(num) if num.isdigit() else _WORDNUM[num.lower()]
    return n - delta


# ---------------------------------------------------------------------------- table N rows
def _int_cell(text: str) -> int | None:
    """A cell holding one whole number ("49", "n=49", "(n = 1,204)", "49*" with a footnote marker)."""
    t = re.sub(r"[\s\u2009\u202f\u00a0]", "", text or "")
    t = re.sub(r"(?<=\d)[*†‡§¶#]+$", "", t)
    t = re.sub(r"^\(?[nN]=", "", t).strip("()")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{1,7}", t):
        return int(t.replace(",", ""))
    return None


#: a cell that only states an n: "(n=140)", "n = 52"
_N_CELL = re.compile(r"^\(?\s*[nN]\s*=\s*(\d{1,6})\s*\)?$")


@per_document  # keyed by the row's identity
def _heading_n_values(r: TableRow) -> dict[int, int]:
    """A variable's heading row whose data cells state its n ("Iris color, n (%) | (n=140) | (n=140)"); its label
    must announce counts ("n (%)"), so a measurement block's "n = 30" over mean (SD) cells never counts."""
    if not COUNT_CUE.search(r.label or ""):
        return {}
    cells = [(j, c.text.strip()) for j, c in enumerate(r.cells) if j and not _placeholder(c.text)]
    vals = {j: int(m.group(1)) for j, t in cells if (m := _N_CELL.match(t))}
    return vals if cells and len(vals) == len(cells) else {}


@per_document
def _n_cells_row(r: TableRow) -> dict[int, int]:
    """A row whose every data cell states an n ("Baseline assessment | n = 224 | n = 217"): the population of the
    rows below it changes there."""
    cells = [(j, c.text.strip()) for j, c in enumerate(r.cells) if j and not _placeholder(c.text)]
    vals = {j: int(m.group(1)) for j, t in cells if (m := _N_CELL.match(t)) and "=" in t}
    return vals if len(cells) >= 2 and len(vals) == len(cells) else {}


#: an empty cell or a placeholder for "nothing here" ("-", "–", "NA"): a P column's dash beside "(n = 5) | (n = 6)"
_PLACEHOLDER = re.compile(r"^\s*(?:[-–—‒]+|n/?a|NA|\.{1,3})?\s*$", re.I)


def _placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.match(text or ""))


@per_document  # the walks up the table are shared by every cell of a row
def n_cells_row_above(table: Table, row_index: int) -> TableRow | None:
    """The nearest row above ``row_index`` whose every data cell is "n = N" under a label that announces no counts
    ("Baseline assessment | n = 224 | n = 217", "T1w sagittal | n = 30"): what the rows below count, and out of
    which of those n's, the table does not say (a later visit's respondents, images of a sequence ...)."""
    for i in range(min(row_index, len(table.rows)) - 1, -1, -1):
        r = table.rows[i]
        if _n_cells_row(r) and not _heading_n_values(r):
            return r
    return None


@per_document
def event_count_row_above(table: Table, row_index: int) -> TableRow | None:
    """The nearest row above ``row_index`` that counts events with bare numbers ("Number of AEs | 34 | 43")."""
    for i in range(min(row_index, len(table.rows)) - 1, -1, -1):
        r = table.rows[i]
        if not EVENT_COUNT_ROW.match(_bare_label(r.label)):
            continue
        data = [c.text.strip() for c in r.cells[1:] if c.text.strip()]
        if data and all(_int_cell(t) is not None for t in data):
            return r
    return None


@per_document
def other_unit_row_above(table: Table, row_index: int) -> TableRow | None:
    """The nearest row above ``row_index`` in the same block that counts another unit with bare numbers
    ("Embryos transferred, (n) | 148 | 120"): a rate below it may be per that unit ("Implantation rate 59 (39.9)"
    is 59/148 embryos)."""
    for i in range(min(row_index, len(table.rows)) - 1, -1, -1):
        r = table.rows[i]
        if r.kind == "group":
            return None
        if not other_unit(r.label):
            continue
        data = [c.text.strip() for c in r.cells[1:] if c.text.strip()]
        if data and all(_int_cell(t) is not None for t in data):
            return r
    return None


@per_document
def n_row_values(table: Table, row_index: int) -> tuple[TableRow | None, dict[int, int]]:
    """The nearest N row at or above ``row_index``: (row, {column: n}).

    A table-wide N row ("N", "No. of patients") applies to every row below it; a variable's heading row whose cells state its n ("(n=140)") applies only to the rows
    of that variable (until a group row or another heading)."""
    in_block = True
    for i in range(min(row_index, len(table.rows) - 1), -1, -1):
        r = table.rows[i]
        if r.kind == "group" or not r.cells:
            in_block = False
            continue
        if in_block and i != row_index:
            heading = _heading_n_values(r)
            if heading:
                return r, heading
            if not any(c.text.strip() for c in r.cells[1:]):
                in_block = False  # another variable's heading: its n's are not ours
        if N_ROW.match(_bare_label(r.label)):
            if not in_block and _summary_row_follows(table, i):
                continue  # "Age (years) / n | 232 / Mean (SD) | 57.6 (15.5)": that variable's n, not the table's
            if _has_measurement_cell(r):
                continue  # "Cessation attempts / Number | 37 | | 3.3 | 3.4": a variable's count, mean and SD
            vals = {j: v for j, c in enumerate(r.cells) if j and (v := _int_cell(c.text)) is not None}
            if vals:
                return r, vals
    return None, {}


_DECIMAL_CELL = re.compile(r"^\s*[−-]?\d+\.\d+\s*$")


def _has_measurement_cell(r: TableRow) -> bool:
    """A row with a bare decimal number among its data cells ("3.3", a mean or an SD) measures something: it is a
    variable's row, never a table's N row (an N row holds whole numbers only)."""
    return any(_DECIMAL_CELL.match(c.text or "") for c in r.cells[1:])


#: the words of a continuous variable's summary row ("Mean (SD)", "Median [IQR]", "Min, Max", "Q1, Q3")
_SUMMARY_WORDS = re.compile(r"\b(?:mean|median|s\.?d\.?|sem?|range|min(?:imum)?|max(?:imum)?|q1|q3|iqr|"
                            r"interquartile|geometric|standard|deviation|error)\b|[\s(),;:±/\[\]–-]+", re.I)


def _summary_row_follows(table: Table, i: int) -> bool:
    """The row after row ``i`` summarises a continuous variable: an N row right above it counts that variable's
    values (the layout of statistical software's baseline tables), not the table's population."""
    return i + 1 < len(table.rows) and table.rows[i + 1].kind != "group" and \
        bool((lab := (table.rows[i + 1].label or "").strip())) and not _SUMMARY_WORDS.sub("", lab)


@per_article
def _bare_label(label: str) -> str:
    return re.sub(r"[*†‡§¶#]+$|\^\w$", "", (label or "").strip()).strip()


# ---------------------------------------------------------------------------- the resolver
@dataclass
class Resolved:
    """A resolved denominator (internal form; :meth:`model` makes the exported fact)."""

    n: int | None
    source: str
    certainty: str
    span: Span | None
    quote: str
    unit: str = "participants"
    reasons: tuple[str, ...] = ()
    arm: Arm | None = None
    header: tuple[int, int] | None = None   # (header row index, col) when the n is in a header cell
    n_row: int | None = None                # index of the table's N row used


#: group-coded n's in a row label: "(I = 12, C = 8)", "(intervention n = 12, control n = 8)", "(A: 12; B: 8)"
_CODED_N = re.compile(r"(?P<code>[A-Za-z][A-Za-z\-]{0,24})\s*(?:[nN]\s*)?[=:]\s*(?P<n>\d{1,6})(?![\d.])")
_CODED_GROUP = re.compile(r"[\(\[]([^()\[\]]*[=:][^()\[\]]*)[\)\]]")


def _group_name(label: str) -> str:
    """A column's group name: its top header part without the n ('Control, N = 14 / Baseline' -> 'control')."""
    top = label.split(" / ")[0]
    name, _ = strip_n(top)
    return re.sub(r"[\s,;:]+$", "", name or top).strip().lower()


#: a table note saying what the counts are of: "Values and percentages based upon number of eyes", "per eye"
_NOTE_UNIT = re.compile(r"\b(?:based\s+(?:up)?on|calculated\s+(?:on|from|per)|expressed\s+per|per)\s+"
                        r"(?:the\s+)?(?:(?:total\s+)?number\s+of\s+)?(?P<unit>" + OTHER_UNIT.pattern + r")", re.I)


_NOTE_MARK = re.compile(r"^\s*(?:[a-z]|[*†‡§¶#]+)(?:\s|\)|\.)")


def _note_unit(table: Table, labels: list[tuple[str, list[str]]], col_label: str) -> str | None:
    """The unit a table note says its counts (or percentages) are of, when it is not participants: a note
    the row or column points to by its marker, or an unmarked note (it speaks of the whole table)."""
    notes = [n for lab, mk in labels for n in notes_for(table, lab, mk)] + notes_for(table, col_label)
    notes += [n for n in table.footnotes if n and not _NOTE_MARK.match(n)]
    for note in notes:
        m = _NOTE_UNIT.search(note or "")
        if m:
            return m.group("unit").lower()
    return None


#: one n in a row's own label or its group heading: "Nutrition state (n = 629)"
_ONE_N = re.compile(r"(?:[\(\[;,]|\s)\s*(?:[nN]|total)\s*=\s*(?P<n>\d{1,6})(?![\d.])")


def _label_restricts(table: Table, row: TableRow, col: int, n: int | None) -> bool:
    """A row label or its group heading states one n (the row's own population) that is not this column's:
    "Nutrition state (n = 629)", "Depression at discharge (GDS) n = 386"."""
    if n is None:
        return False
    for lab in (row.label or "", row.group or ""):
        ns = [int(m.group("n")) for m in _ONE_N.finditer(lab)]
        if len(ns) == 1 and ns[0] != n:
            return True
    return False


def row_label_n(table: Table, row: TableRow, col: int) -> tuple[int | None, bool]:
    """The n a row label states for this column's group: ``(I = 12, C = 8)`` -> 8 for a 'Control' column.

    Returns ``(n, restricted)``: ``restricted`` is True when the label states group n's at all (so the
    header n is not this row's denominator), ``n`` the one for this column when its group is named
    unambiguously (by its initial or its name), else None.
    """
    m = _CODED_GROUP.search(row.label or "")
    if not m:
        return None, False
    pairs = [(x.group("code").lower(), int(x.group("n"))) for x in _CODED_N.finditer(m.group(1))]
    pairs = [(c, n) for c, n in pairs if c not in ("n", "p", "r", "or", "hr", "rr", "ci", "sd", "df")]
    if len(pairs) < 2:
        return None, False
    groups = []
    for j in range(1, len(table.columns)):
        g = _group_name(table.column_label(j))
        if g and g not in groups:
            groups.append(g)
    mine = _group_name(table.column_label(col))
    if not mine:
        return None, True

    def names(code: str) -> list[str]:
        if len(code) == 1:
            return [g for g in groups if g[:1] == code]
        return [g for g in groups if g.startswith(code) or code.startswith(g)]

    hits = [n for c, n in pairs if names(c) == [mine]]
    if len(hits) == 1 and all(len(names(c)) == 1 for c, _ in pairs):
        return hits[0], True
    return None, True


@per_document
def header_n(table: Table, col: int) -> int | None:
    """The n printed in a column's (combined) header: 'Placebo (n = 7,726)' -> 7726."""
    label = table.column_label(col)
    for part in label.split(" / "):
        _, n = strip_n(part)
        if n is not None and n > 0:   # "n = 0" is no group size to divide by
            return n
    return None


#: an n stated for a time point at the start ("N = 280 (at baseline)", "n = 60 randomised")
_START_POINT = re.compile(r"\b(?:at\s+)?(?:baseline|randomi[sz](?:ation|ed)|enrol(?:l)?(?:ment|ed)|study\s+entry|"
                          r"inclusion|screening|pre[- ]?(?:test|intervention|treatment))\b", re.I)
#: a column part naming a later time point ("Post intervention", "Follow-up", "Week 12", "6 months")
_LATER_POINT = re.compile(r"\b(?:post|after|follow[- ]?up|end\s+of|final|discharge|"
                          r"(?:week|wk|month|year|day|visit)\s*\d+|\d+\s*(?:weeks?|wks?|months?|mo|years?|yrs?|days?))\b",
                          re.I)


@per_document
def header_n_for_other_time_point(table: Table, col: int) -> str | None:
    """The column's header n is qualified as the n at the start ("N = 282 (at baseline)", spanning both time points)
    while the column itself is a later time point ("Post intervention", "Week 12"): the n does not apply to it — fewer
    patients are measured later. Returns the reason, else None."""
    parts = table.column_label(col).split(" / ")
    for i, part in enumerate(parts):
        _, n = strip_n(part)
        if n is None or not n:
            continue
        if not _START_POINT.search(part) or _LATER_POINT.search(part):
            return None
        later = next((p for k, p in enumerate(parts) if k != i and _LATER_POINT.search(p)
                      and not _START_POINT.search(p)), None)
        if later is None:
            return None
        return f"the header n '{part.strip()}' is the n at the start; this column is '{later.strip()}'"
    return None


def _header_cell(table: Table, col: int) -> tuple[int, Cell] | None:
    for i, hr in enumerate(table.header_rows):
        if col < len(hr.cells) and re.search(r"[nN]\s*[=:]", hr.cells[col].text):
            return i, hr.cells[col]
    if table.header_rows and col < len(table.header_rows[0].cells):
        return 0, table.header_rows[0].cells[col]
    return None


def row_position(table: Table, row: TableRow) -> int:
    """Where ``row`` is in ``table.rows`` (-1 if absent): by identity first — comparing pydantic rows by
    value walks every cell of every row, which made this the hottest line of extraction — then by value."""
    for i, r in enumerate(table.rows):
        if r is row:
            return i
    for i, r in enumerate(table.rows):
        if r == row:
            return i
    return -1


def _missing_row_nearby(table: Table, row: TableRow) -> bool:
    """A Missing/Unknown row in the same group (or, ungrouped, within the next rows)."""
    idx = row_position(table, row)
    if idx < 0:
        return False
    lo, hi = max(0, idx - 8), min(len(table.rows), idx + 9)
    for r in table.rows[lo:hi]:
        if r is row or r.kind == "group":
            continue
        if row.group and r.group != row.group:
            continue
        if MISSING_ROW.match(_bare_label(r.label)):
            return True
    return False


def resolve(doc: Document | None, table: Table, row: TableRow, col: int, arms: list[Arm],
            *, cell_n: int | None = None, cell_n_span: Span | None = None) -> Resolved | None:
    """Out of how many is the count in ``row.cells[col]``? (None when no n is known.)"""
    reasons: list[str] = []
    cell = row.cells[col] if col < len(row.cells) else None
    caption = table.caption or ""
    unit = other_unit(row.label, row.group, table.column_label(col))
    if unit is None and not cell_n:
        cu = other_unit(caption)
        if cu and not re.search(r"\b(?:patients?|participants?|subjects?|women|men|children)\b", caption, re.I):
            unit = cu
    if unit is None:
        unit = _note_unit(table, [(row.label, (row.cells[0].markers if row.cells else []) +
                                   list(row.cells[col].markers if col < len(row.cells) else []))]
                          + ([(row.group, [])] if row.group else []), table.column_label(col))
    if unit:
        reasons.append(f"counts {unit}, not participants")
    if cell_n is not None:
        return Resolved(cell_n, "cell n/N", "stated" if not unit else "uncertain", cell_n_span or (cell.span if cell else None),
                        cell.raw if cell else "", unit or "participants", tuple(reasons))
    col_arm = resolve_arm(table.column_label(col), arms)
    # 3. a note that states or restricts the n
    marks = cell.markers if cell else []
    labels = [(row.label, (row.cells[0].markers if row.cells else []) + list(marks))]
    parent = _spanned_label_row(table, row)
    if parent is not None:
        labels.append((parent.label, parent.cells[0].markers if parent.cells else []))
    if row.group:
        labels.append((row.group, []))
    # 2. group n's in the row label ("(I = 12, C = 8)"); a label that states them for groups it does
    #    not name unambiguously leaves the denominator uncertain
    label_n, restricted = row_label_n(table, row, col)
    # 4./5. the table's N row, else the column header
    pos = row_position(table, row)
    n_row, n_vals = n_row_values(table, pos if pos >= 0 else 0)
    res: Resolved | None = None
    if label_n is not None:
        res = Resolved(label_n, "row label", "stated", row.cells[0].span if row.cells else row.span,
                       row.label, arm=col_arm)
    elif n_row is not None and col in n_vals and n_row is not row:
        c = n_row.cells[col]
        res = Resolved(n_vals[col], "table N row", "stated", c.span, c.raw or c.text, arm=col_arm,
                       n_row=row_position(table, n_row))
    else:
        n = header_n(table, col)
        if n is not None:
            hc = _header_cell(table, col)
            res = Resolved(n, "column header", "stated", hc[1].span if hc else None,
                           (hc[1].raw or hc[1].text) if hc else table.column_label(col), arm=col_arm,
                           header=(hc[0], col) if hc else None)
        elif col_arm is not None and col_arm.n:
            ss = next((s for s in col_arm.sizes if s.provenance.method == "table-cell"), None) or \
                (col_arm.sizes[0] if col_arm.sizes else None)
            if ss is not None:
                res = Resolved(col_arm.n, "arm size", arm_size_certainty(col_arm), ss.provenance.span,
                               ss.provenance.quote, arm=col_arm)
    if res is None:
        return None
    n = res.n
    for lab, mk in labels:
        if any(_numeric_note(note) for note in notes_for(table, lab, mk)) and row_note(table, lab, mk) and \
                not NOTE_SUBSET.search(row_note(table, lab, mk) or ""):
            reasons.append("a table note gives numbers for this row (per-variable n or missing counts)")
            res.certainty = "uncertain"
            break
        n2 = note_adjusted_n(table, arms, lab, col, n, mk)
        if n2 is None:
            reasons.append("a table note restricts this row's denominator")
            res.certainty = "uncertain"
            break
        if n2 != n:
            res.source += " minus the patients the row's table note excludes"
            n = n2
    res.n = n
    if restricted and label_n is None:
        reasons.append("the row label states group n's this column's group cannot be matched to")
        res.certainty = "uncertain"
    elif label_n is None and _label_restricts(table, row, col, n):
        reasons.append("the row label or its heading states another n for this row (its own population)")
        res.certainty = "uncertain"
    if res.source in ("column header", "arm size") and (later := header_n_for_other_time_point(table, col)):
        reasons.append(later)
        res.certainty = "uncertain"
    if _table_note_restricts(table):
        reasons.append("a table note says percentages are of those with data / respondents")
        res.certainty = "uncertain"
    if pos >= 0 and res.source != "table N row" and (n_row_above := n_cells_row_above(table, pos)) is not None:
        reasons.append(f"the row '{n_row_above.label}' above states other n's for the rows below it")
        res.certainty = "uncertain"
    if pos >= 0 and (unit_row := other_unit_row_above(table, pos)) is not None and not unit:
        reasons.append(f"the rows below '{unit_row.label}' may give rates per {other_unit(unit_row.label)}, "
                       f"not per participant")
        res.certainty = "uncertain"
    if pos >= 0 and (ev_row := event_count_row_above(table, pos)) is not None:
        reasons.append(f"the rows below '{ev_row.label}' may give percentages of those events, not of participants")
        res.certainty = "uncertain"
    if _missing_row_nearby(table, row):
        reasons.append("a Missing/Unknown row suggests percentages of the available data")
        if res.certainty == "stated":
            res.certainty = "uncertain"
    if unit:
        res.unit = unit
        res.certainty = "uncertain"
    res.reasons = tuple(reasons)
    return res


def arm_size_certainty(arm: Arm) -> str:
    """How sure an arm's size is as the n of a table that does not print it.

    Stated when the article prints it as that named arm's ``n = 55`` (a table
    header, or the arm's definition "the Observation group (...; n=55)");
    inferred when it was read from looser prose ("537 patients were registered").
    """
    explicit = {s.value for s in arm.sizes
                if s.provenance.method == "table-cell" or re.search(r"\b[nN]\s*=\s*\d", s.provenance.quote or "")}
    return "stated" if explicit == {arm.n} else "inferred"


_TABLE_NOTE = re.compile(
    r"(?:percent(?:age)?s?|proportions?|%)\s+(?:\w+\s+){0,4}?(?:are|were|is|was)\s+(?:\w+\s+){0,2}?"
    r"(?:based\s+on|calculated|computed|of|among|out\s+of|relative\s+to)\b[^.]{0,80}?"
    r"\b(?:respond\w*|available|valid|non-?missing|complete|those|answer\w*|data|each|who)\b|"
    r"\b(?:missing|unknown)\s+(?:data|values?|responses?)\s+(?:\w+\s+){0,3}?(?:excluded|not\s+included|omitted)|"
    r"\bnumbers?\s+(?:may|might|do)\s+not\s+(?:add|sum)|\bdenominators?\s+(?:vary|varies|differ)", re.I)


@per_document  # keyed by the table's identity: asked once per cell
def _table_note_restricts(table: Table) -> bool:
    """A note of the whole table saying its percentages are of those with data (not of the column n)."""
    return any(_TABLE_NOTE.search(n) for n in table.footnotes) or bool(_TABLE_NOTE.search(table.caption or ""))


def _spanned_label_row(table: Table, row: TableRow) -> TableRow | None:
    """The row whose label a label-less row continues (a label cell spanning several rows)."""
    idx = row_position(table, row)
    if row.label.strip() or idx < 0:
        return None
    for r in table.rows[max(0, idx - 12):idx][::-1]:
        if r.kind == "group":
            return None
        if r.label.strip():
            return r
    return None


#: a row label that names its own variable and summary statistic: "Age of onset, mean (sd)", "Duration, median
#: (IQR)", "BMI, mean ± SD"
_OWN_VARIABLE = re.compile(r",\s*(?:mean|median)\s*(?:\(|±|\+/-)|\b(?:mean|median)\s*\(\s*(?:s\.?d\.?|se|sem|iqr|range)\s*\)",
                           re.I)


def set_rows(table: Table, row: TableRow) -> list[TableRow]:
    """The rows of the category set a row belongs to: the contiguous rows under one group heading, or
    under one label cell that spans them (a labelled first row followed by label-less rows)."""
    idx = row_position(table, row)
    if idx < 0:
        return [row]
    if row.group:
        def same_set(r: TableRow) -> bool:
            # a row that names its own variable and statistic ("Age of onset, mean (sd)") after a heading's
            # categories is a new variable, though the table left it under the heading
            return r.group == row.group and r.kind != "group" and not _OWN_VARIABLE.search(r.label)
        lo = idx
        while lo > 0 and same_set(table.rows[lo - 1]):
            lo -= 1
        hi = idx
        while hi + 1 < len(table.rows) and same_set(table.rows[hi + 1]):
            hi += 1
        return table.rows[lo:hi + 1]
    head = row if row.label.strip() else _spanned_label_row(table, row)
    if head is None:
        return [row]
    lo = row_position(table, head)
    hi = lo
    while hi + 1 < len(table.rows) and not table.rows[hi + 1].label.strip() and table.rows[hi + 1].kind != "group":
        hi += 1
    return table.rows[lo:hi + 1] if hi > lo else [row]


def _numeric_note(note: str) -> bool:
    """A note that states numbers (not a test's name or an abbreviation list)."""
    return bool(re.search(r"\d", note)) and not re.fullmatch(r"[^\d]*(?:p\s*[<=>]\s*0?\.\d+)[^\d]*", note, re.I)


def to_fact(table: Table, row: TableRow, col: int, r: Resolved, kind: str, row_index: int) -> CellDenominator:
    prov = None
    if r.span is not None:
        prov = Provenance(span=r.span, quote=r.quote or "", table=table.label, row=row.label,
                          column=table.column_label(col) or None, method="table-cell")
    return CellDenominator(table=table.label, row=row_index, col=col, row_label=row.label,
                           column=table.column_label(col), cell_kind=kind, n=r.n, source=r.source,
                           certainty=r.certainty, unit=r.unit, reasons=list(r.reasons), provenance=prov)


def extract_denominators(doc: Document, arms: list[Arm]) -> list[CellDenominator]:
    """Every count cell of every table with its resolved denominator (what the checks compute from)."""
    from trialaudit.extractor.quantities import parse_cell

    out: list[CellDenominator] = []
    for table in doc.tables:
        for i, row in enumerate(table.rows):
            if row.kind == "group":
                continue
            for j, cell in enumerate(row.cells):
                if j == 0 or not cell.text or not re.search(r"\d", cell.text):
                    continue
                qs = parse_cell(cell.text)
                if len(qs) != 1:
                    continue
                q = qs[0]
                if q.kind not in ("count_percent", "fraction") or q.count is None:
                    continue
                kind = cell_kind(table, row, j, q)
                if kind not in ("count_percent", "fraction"):
                    continue
                cn = int(q.denominator.value) if q.kind == "fraction" and q.denominator is not None else None
                r = resolve(doc, table, row, j, arms, cell_n=cn)
                if r is not None:
                    out.append(to_fact(table, row, j, r, kind, i))
    return out


#: a heading that says its rows hold percentages only: "Gender (%)", "Smoking, %" (not "Gender, n (%)")
_PERCENT_TAIL = re.compile(r"(?:^|(?<=[\s,;:(\[]))[(\[]?\s*%\s*[)\]]?\s*:?\s*$")
_COUNT_BEFORE = re.compile(r"(?:\bn|\bno\.?|\bnumber|\bcount|/\s*N|\bN)\s*[,;]?\s*$", re.I)


def percent_only_label(label: str | None) -> bool:
    """True when a row, group or column label says its bare numbers are percentages ("Male, %",
    "Diabetes (%)", "Gender (%)*", "%"), not counts; "n (%)", "No. (%)" and "n/N (%)" announce counts,
    and "≥50%" is a threshold."""
    s = _bare_label(label or "")
    m = _PERCENT_TAIL.search(s)
    if not m:
        return False
    return not _COUNT_BEFORE.search(s[:m.start()].rstrip(" ,;:("))


#: a percent unit anywhere in a label ("Gender (%) Male/female", "Male/female, %"), not a threshold ("≥50%")
_PERCENT_UNIT = re.compile(r"(?:^|(?<=[\s,;:(\[]))[(\[]?\s*%\s*[)\]]?(?=[\s,;:)\]]|$)")


def percent_unit_label(label: str | None) -> bool:
    """True when a label declares its values percentages with a "%" unit anywhere in it, not only at its end
    ("Gender (%) Male/female", "Sex, % male/female"); "n (%)", "No. (%)" and "n/N (%)" announce counts, and
    "≥ 50 %" is a threshold."""
    s = _bare_label(label or "")
    for m in _PERCENT_UNIT.finditer(s):
        before = s[:m.start()].rstrip(" ,;:([")
        if _COUNT_BEFORE.search(before) or re.search(r"\d$", before):
            continue
        return True
    return False


def slash_pair_percent(table: Table, row: TableRow, col: int) -> bool:
    """A slash cell of bare numbers ("83/17", "27/72/1") under a row, group or column label that declares
    percentages ("Gender (%) Male/female", "Male/female, %"): the numbers are the categories' percentages (adding
    up to 100), not counts to be added up to the column's n."""
    text = row.cells[col].text if col < len(row.cells) else ""
    if not re.fullmatch(r"\s*\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)+\s*", text or ""):
        return False
    return percent_unit_label(row.label) or percent_unit_label(row.group) or \
        percent_only_label(table.column_label(col).split(" / ")[-1])


def cell_kind(table: Table, row: TableRow, col: int, q) -> str:
    """How to read a parsed cell in its table: 'count_percent', 'fraction', 'mean_sd', 'percent_pair', 'percent' ..."""
    col_label = table.column_label(col)
    if PERCENT_ROW.search(_bare_label(row.label)) and not COUNT_CUE.search(row.label):
        return "percent"
    if q.kind in ("count", "number") and (percent_only_label(row.group) or percent_only_label(row.label)):
        return "percent"   # "Gender (%)" over "Male | 34", or a row "2 (%) | 34 | 21"
    if q.kind == "count_percent":
        if row_percentages(row) or (row_percent_misfit(row) is not None and row_percent_table(table)):
            # "Diabetes | 16 (51.6) | 15 (48.4)": 16/31 and 15/31, the row's own split; or one misprinted cell in
            # such a row of a table of row percentages (checked against the row's total, not the column's n)
            return "row_percent"
        if any(ESTIMATE_CUE.search(t or "") for t in (col_label, row.label, row.group)):
            return "count_estimate"   # "14 (12.9)" under "No. (3-Year KM%)": events and a censored estimate
        if re.search(r"\(\s*[nN]\s*=", q.text):
            return "percent_with_n"   # "47% (n = 71)": the n is the denominator, not the count
        if label_is_continuous(row.label, row.group):
            return "mean_sd"
        if label_is_continuous(col_label) and not COUNT_CUE.search(table.caption or "") and \
                descriptor_above(table, row, col) != "count":
            return "mean_sd"   # unless a sub-header row above says this block holds "n (%)"
        if q.percent is not None and q.count is not None and "%" not in q.text and not _table_counts_cue(table, row):
            # "52 (12)" with no "n (%)" anywhere near: a count only if it reads as one
            notes = _general_notes(table)
            if q.percent.value > 100 or SPREAD_DECLARED.search(table.caption or "") or \
                    (SPREAD_DECLARED.search(notes) and not COUNT_CUE.search(notes) and not _NOTE_COUNTS.search(notes)):
                # the caption, or notes that declare no counts ("Data are shown as median (interquartile range)"),
                # say what the brackets hold
                return "mean_sd"   # or the caption says what the brackets hold: "Median values (SE of the median)"
        return "count_percent"
    if q.kind == "fraction":
        if slash_pair_percent(table, row, col):
            return "percent_pair"   # "Gender (%) Male/female | 83/17": two percentages, not 83 of 17
        if q.count is not None and q.denominator is not None and q.count.value > q.denominator.value and (
                re.search(r"percent|%|proportion", table.caption or "", re.I) or q.count.value <= 100):
            return "percent_pair"
        return "fraction"
    return q.kind





@per_document  # keyed by the table's identity
def _descriptor_rows(table: Table) -> dict[int, dict[int, str]]:
    """{row index: {column: "count" | "continuous"}} for the sub-header rows of a table: rows with no label (or a
    label alone) whose data cells only name what the cells below hold ("| | n (%) | n (%) |", "| | Mean±SD |")."""
    out: dict[int, dict[int, str]] = {}
    for i, r in enumerate(table.rows):
        cells = {j: c.text.strip() for j, c in enumerate(r.cells) if j and c.text.strip()}
        if not cells or not all(DESCRIPTOR_TOKENS.match(t) and re.search(r"[A-Za-z%±]", t) for t in cells.values()):
            continue
        kinds = {}
        for j, t in cells.items():
            if COUNT_CUE.search(t) or re.fullmatch(r"\s*(?:n|%)\s*", t, re.I):
                kinds[j] = "count"
            elif CONTINUOUS_CUE.search(t):
                kinds[j] = "continuous"
        if kinds:
            out[i] = kinds
    return out


def descriptor_above(table: Table, row: TableRow, col: int) -> str | None:
    """What the nearest sub-header row above ``row`` says column ``col`` holds ("count" for "n (%)",
    "continuous" for "Mean±SD"), or None: a table whose header says "Mean±SD" may switch to "n (%)" part-way."""
    rows = _descriptor_rows(table)
    if not rows:
        return None
    pos = next((i for i, r in enumerate(table.rows) if r is row), -1)
    for i in sorted(rows, reverse=True):
        if i < pos and col in rows[i]:
            return rows[i][col]
    return None


#: a note that declares counts: "Values are number (percentage)", "n (%)", "numbers and percentages"
_NOTE_COUNTS = re.compile(r"\b(?:n|no\.?|numbers?|counts?|frequenc\w+)\s*[\(\[,]?\s*(?:and\s+)?(?:%|percent\w*|proportions?)",
                          re.I)
#: a note that belongs to the rows carrying its marker ("a Raw values are median (range)", "* Values are means")
_MARKED_NOTE = re.compile(r"^\s*(?:[a-z]|[*†‡§¶#]+)\s+[A-Z]")


def _general_notes(table: Table) -> str:
    """The table's notes that speak for the whole table (not those keyed to a marker)."""
    return " ".join(n for n in table.footnotes if not _MARKED_NOTE.match(n))


def _row_count_percents(row: TableRow) -> list[tuple[float, "object"]]:
    cells = []
    for c in row.cells[1:]:
        qs = parse_cell(c.text) if c.text and "(" in c.text else ()
        if len(qs) == 1 and qs[0].kind == "count_percent" and qs[0].count is not None and qs[0].percent is not None:
            cells.append((qs[0].count.value, qs[0].percent))
    return cells


def row_percent_misfit(row: TableRow) -> int | None:
    """In a row of three or more "n (%)" cells that are the row's own split but for one cell, the index (among the
    row's count-percent cells) of that one cell: its percentage is not its count over the row's total, while every
    other cell's is ("8 (41.2) | 7 (36.8) | 4 (21.1)": 7/19 and 4/19 fit, 8/19 is 42.1). None otherwise."""
    cells = _row_count_percents(row)
    if len(cells) < 3:
        return None
    total = sum(k for k, _ in cells)
    if total <= 0 or any(k != int(k) for k, _ in cells):
        return None
    bad = [i for i, (k, p) in enumerate(cells) if abs(100.0 * k / total - p.value) > 0.5 * 10 ** (-p.decimals) + 1e-9]
    return bad[0] if len(bad) == 1 else None


@per_document  # keyed by the table's identity
def row_percent_table(table: Table) -> bool:
    """Most rows of the table print row percentages: at least three rows with two or more "n (%)" cells, and at
    least three quarters of them are their own split (:func:`row_percentages`)."""
    rows = [r for r in table.rows if len(_row_count_percents(r)) >= 2]
    if len(rows) < 3:
        return False
    return sum(1 for r in rows if row_percentages(r)) >= 0.75 * len(rows)


def row_percentages(row: TableRow) -> bool:
    """The row's "n (%)" cells give the row's own split: at least two, their percentages add up to 100 within
    rounding and each is its count over the row's total ("Diabetes | 16 (51.6) | 15 (48.4)": 16/31, 15/31), so
    they are not percentages of the columns' n. A row whose counts are all zero is not."""
    cells = []
    for c in row.cells[1:]:
        qs = parse_cell(c.text) if c.text and "(" in c.text else ()
        if len(qs) == 1 and qs[0].kind == "count_percent" and qs[0].count is not None and qs[0].percent is not None:
            cells.append((qs[0].count.value, qs[0].percent))
    if len(cells) < 2:
        return False
    total = sum(k for k, _ in cells)
    if total <= 0 or any(k != int(k) for k, _ in cells):
        return False
    half = sum(0.5 * 10 ** (-p.decimals) for _, p in cells) + 1e-9
    if abs(sum(p.value for _, p in cells) - 100.0) > half:
        return False
    return all(abs(100.0 * k / total - p.value) <= 0.5 * 10 ** (-p.decimals) + 1e-9 for k, p in cells)


def _table_counts_cue(table: Table, row: TableRow) -> bool:
    texts = [row.label, row.group or "", table.caption or ""] + [c.text for hr in table.header_rows for c in hr.cells]
    return any(COUNT_CUE.search(t or "") for t in texts)
