"""Shared reading of categorical variables in tables.

A baseline or outcome table lists, for each variable ("Sex", "ECOG PS",
"Best overall response"), the categories of that variable, one per row. This
module finds those runs of category rows in every common layout and judges
whether the categories are *mutually exclusive* (each patient in at most one)
and *complete* (each patient in at least one). Checks that add up categories
(percent sums, medians against category counts) must only do so for sets that
are recognisably exclusive — and, when a shortfall is to be flagged, complete.

Layouts handled:

* group rows (``Sex, n (%)`` with empty cells) followed by category rows;
* heading rows that carry only a p-value or test statistic (``Sex | | | 1``);
* category rows right after a summary row of the same variable
  (``Age, median (range)`` then ``<18`` / ``≥18``);
* response categories (CR/PR/SD/PD/NE) in a contiguous run, whatever their
  labels' ``n (%)`` suffixes.

Part of the fact layer: the rules that add categories up (TA102's relatives TA104, TA105, TA107, TA108)
read the runs found here, and :func:`category_set_facts` records every run with its verdict in the Study
(``Study.category_sets``, exported by ``trialaudit extract``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialaudit.extractor.evidence import section_title
from trialaudit.extractor.memo import per_document
from trialaudit.extractor.rounding import sum_within_rounding
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.study import CategorySetFact

from .denominators import descriptor_above
from .tablefacts import Denominator, cell_count, cell_quantity, norm_label, rate_measure, response_category

#: a statistics column's header ("P value", "χ²", "Chi-square", "t/χ²", "Test statistic"); whole words only, so an
#: arm named "Coaching", "Chinese medicine" or "Test group (n = 30)" is not one
STAT_COL = re.compile(r"p\s*-?\s*value|^p$|χ|\bchi(?![a-z])|\bstatistics?\b|^t\b|\bt\s*/|^z$|^f$|\btests?\s*$|^tests?\s+(?:statistics?|values?)\b",
                      re.I)

# binary or small closed vocabularies: mutually exclusive and, listed together, complete
_CLOSED_SETS = [
    {"male", "female"}, {"men", "women"}, {"boys", "girls"}, {"yes", "no"}, {"present", "absent"},
    {"positive", "negative"}, {"high", "low"}, {"high", "normal"}, {"elevated", "normal"}, {"abnormal", "normal"},
    {"smoker", "non-smoker"}, {"current", "former", "never"}, {"alive", "dead"}, {"alive", "deceased"},
    {"resectable", "unresectable"}, {"primary", "recurrent"}, {"de novo", "recurrent"},
    {"low", "intermediate", "high"}, {"limbs", "non-extremities"}, {"extremity", "axial"},
    {"extremities", "non-extremities"}, {"limb", "axial"}, {"child", "adolescent", "adult"},
    {"children", "adolescents", "adults"},
]
# labels that close a list: the remainder of the patients
_REMAINDER = re.compile(r"^(?:others?|other\s+\w+(?:\s+\w+)?|other/unknown|unknown|missing|not (?:reported|available|known|"
                        r"evaluable|assessed)|n/?a|none of the above|others?/unknown|unknown/other)$", re.I)
# variable names whose categories are mutually exclusive by nature (one value per patient)
_EXCLUSIVE_HEADING = re.compile(
    r"\b(?:sex|gender|age(?:\s+groups?|\s+at\s+diagnosis|\s+categor\w*|\s*\(years?\))?|ecog|performance\s+status|kps|"
    r"karnofsky|stage|staging|t\s+stage|n\s+stage|m\s+stage|grade\s+of\s+differentiation|"
    r"(?:histolog\w*|patholog\w*|tumou?r|molecular|osteosarcoma|sarcoma)\s+(?:sub)?types?|subtypes?|"
    r"primary\s+(?:tumou?r\s+)?(?:site|location)|location\s+of\s+(?:the\s+)?primary|race|ethnicity|smoking\s+status|"
    r"bmi|body\s+mass\s+index|lines?\s+of\s+(?:previous\s+|prior\s+)?(?:systemic\s+)?(?:therapy|therapies|treatment|"
    r"chemotherapy)|(?:previous|prior)\s+lines|treatment\s+lines|number\s+of\s+(?:metastatic\s+sites|lines|prior\s+lines|"
    r"previous\s+lines|cycles|courses)|metastatic\s+sites|best\s+(?:overall\s+)?response|status\s+at\s+(?:last\s+)?"
    r"follow|vital\s+status|ldh\s+levels?|marital\s+status|education|differentiation)\b",
    re.I)
_NUM_LABEL = re.compile(
    r"^(?:(?P<cmp>[<>≤≥]=?|=<|=>)\s*(?P<n1>\d+(?:\.\d+)?)|(?P<a>\d+(?:\.\d+)?)\s*(?:[-–—‑]|to)\s*(?P<b>\d+(?:\.\d+)?)|"
    r"(?P<n2>\d+(?:\.\d+)?)\s*(?P<plus>\+|or\s+more|or\s+above|or\s+older|and\s+above|and\s+over)?)"
    r"(?:\s*(?:years?|y|yrs?|months?|mo|sites?|lines?|cycles?|points?|cm|mm|kg/m2|kg/m²|u/l|iu/l))?\.?$", re.I)
# race categories, and the ethnicity (Hispanic/Latino or not) that US reporting asks separately
_RACE_LABEL = re.compile(r"\b(?:white|caucasian|black|african[- ]?american|asian|american\s+indian|alaska(?:n)?\s+native|"
                         r"native\s+(?:american|hawaiian)|pacific\s+islander|multiracial|mixed\s+race|"
                         r"more\s+than\s+one\s+race)\b", re.I)
_ETHNICITY_LABEL = re.compile(r"\b(?:non[- ]?|not\s+(?:of\s+)?)?(?:hispanic|latin[oax]s?|latina)\b", re.I)
_STAGE = re.compile(r"^(?:stage\s+)?(?:[tnm][0-4xo][a-c]?|i{1,3}v?[abc]?|iv[abc]?|[0-4][abc]?|g[1-4x])$", re.I)


@dataclass
class Interval:
    """The values a category stands for (for ordinal/numeric categories)."""

    lo: float | None
    lo_incl: bool
    hi: float | None
    hi_incl: bool

    def below(self, t: float, strict: bool) -> bool:
        """Every value in the interval is < t (strict) or <= t."""
        if self.hi is None:
            return False
        return self.hi < t or (self.hi == t and (not self.hi_incl or not strict))

    def above(self, t: float, strict: bool) -> bool:
        if self.lo is None:
            return False
        return self.lo > t or (self.lo == t and (not self.lo_incl or not strict))


def parse_interval(label: str) -> Interval | None:
    """'<18' -> (-inf, 18); '≥ 18 years' -> [18, inf); '12–17' -> [12, 17]; '3+' -> [3, inf); '2' -> [2, 2]."""
    lab = norm_label(label) if "(" not in label else label.strip().lower()
    lab = re.sub(r"^(?:age[sd]?|aged|age,\s*years?|score|ecog(?:\s*ps)?)\s*[:,]?\s*", "", lab.strip().lower())
    lab = lab.replace("&lt;", "<").replace("&gt;", ">").replace("≦", "≤").replace("≧", "≥")
    lab = re.sub(r"^(?:under|younger than|less than|below)\s+", "<", lab)
    lab = re.sub(r"^(?:over|older than|more than|above)\s+", ">", lab)
    lab = re.sub(r"^(?:at least)\s+", "≥", lab)
    m = _NUM_LABEL.match(lab.strip())
    if not m:
        return None
    if m.group("cmp"):
        v = float(m.group("n1"))
        op = m.group("cmp").replace("=<", "≤").replace("=>", "≥").replace("<=", "≤").replace(">=", "≥")
        return {"<": Interval(None, False, v, False), "≤": Interval(None, False, v, True),
                ">": Interval(v, False, None, False), "≥": Interval(v, True, None, False)}[op]
    if m.group("a"):
        a, b = float(m.group("a")), float(m.group("b"))
        return Interval(a, True, b, True) if a <= b else None
    v = float(m.group("n2"))
    if m.group("plus"):
        return Interval(v, True, None, False)
    return Interval(v, True, v, True)


@dataclass
class CategoryRun:
    """Consecutive rows that are categories of one variable."""

    table: Table
    rows: list[TableRow]
    heading: str | None = None                 # the variable's name (group row or heading row)
    heading_row: TableRow | None = None
    context_row: TableRow | None = None        # a summary row of the same variable just before (median/mean)
    responses: bool = False                    # CR/PR/SD/PD/NE run
    row_percentages: bool = False              # each row's percentages add up to 100 across the columns

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.rows]

    @property
    def variable(self) -> str:
        if self.heading:
            return self.heading
        if self.context_row is not None:
            return self.context_row.label
        return ""


@dataclass
class CategorySet:
    exclusive: bool
    complete: bool
    reason: str
    intervals: list[Interval | None] = field(default_factory=list)


def stat_columns(table: Table) -> set[int]:
    return {j for j, c in enumerate(table.columns) if j > 0 and STAT_COL.search(c.split(" / ")[-1].strip())}


def data_columns(table: Table) -> list[int]:
    stats = stat_columns(table)
    return [j for j in range(1, len(table.columns)) if j not in stats]


_PCT_HEADER = re.compile(r"%|percent", re.I)
_NPCT_HEADER = re.compile(r"\bn\s*\(?\s*%|\bno\.\s*\(?\s*%", re.I)


def percent_column(table: Table, j: int) -> bool:
    """A column whose bare numbers are percentages ("Arm A, %", "Rate (%)"), not counts."""
    lab = table.column_label(j)
    return bool(_PCT_HEADER.search(lab)) and not _NPCT_HEADER.search(lab)


def _is_countish(text: str, pct_col: bool = False) -> bool:
    """A cell holding a count and/or percentage (or a bare 0; a bare number in a percent column)."""
    t = (text or "").strip()
    if not t:
        return False
    if pct_col:
        q = cell_quantity(t)
        if q is not None and q.kind in ("number", "count", "percent"):
            return True
    if cell_count(t) is not None:
        return True
    q = cell_quantity(t)
    if q is None:
        return False
    if q.kind in ("count_percent", "fraction", "percent"):
        return True
    return False


_SUMMARY_LABEL = re.compile(r"\b(?:median|mean|average|range|iqr|sd|±|min|max|quartile)\b", re.I)
_OWN_N = re.compile(r"(?:,|\()\s*(?:n\s*\(%\)|n\s*%|no\.\s*\(%\)|%)\s*\)?\s*$", re.I)


def row_kind(table: Table, row: TableRow, dcols: list[int]) -> str:
    """'heading', 'category', 'summary' (median/mean/non-count values) or 'other'."""
    if row.kind == "group":
        return "heading"
    vals = [(row.cells[j].text.strip() if j < len(row.cells) else "", percent_column(table, j)) for j in dcols]
    if not any(v for v, _ in vals):
        return "heading" if row.label.strip() else "other"
    if _SUMMARY_LABEL.search(row.label) and not response_category(row.label):
        return "summary"
    filled = [(v, p) for v, p in vals if v]
    if any(v and descriptor_above(table, row, j) == "continuous" for (v, _), j in zip(vals, dcols)):
        return "summary"  # values under a sub-header row "| Study Outcome | Mean | s.d. |": not category counts
    if all(_is_countish(v, p) for v, p in filled):
        return "category"
    return "summary"


def _run_percents(rows: list[TableRow], j: int) -> list[tuple[float, int]] | None:
    """The printed percentages of column ``j`` in these rows, or None when a row has none."""
    out = []
    for r in rows:
        q = cell_quantity(r.cells[j].text if j < len(r.cells) else "")
        pct = q.percent if q is not None and q.kind in ("count_percent", "fraction", "percent") else None
        pct = pct or (q.value if q is not None and q.kind == "percent" else None)
        if pct is None:
            return None
        out.append((pct.value, pct.decimals))
    return out


def _cell_percent(row: TableRow, j: int):
    q = cell_quantity(row.cells[j].text if j < len(row.cells) else "")
    if q is None or q.kind not in ("count_percent", "fraction", "percent"):
        return None
    return q.percent or (q.value if q.kind == "percent" else None)


def row_percent_block(rows: list[TableRow], dcols: list[int]) -> bool:
    """The rows print ROW percentages: in every row the percentages of the data columns add up to 100 within
    rounding ("Female | 4 (30.8%) | 9 (69.2%)": the row's own split into the columns), and down the columns they
    do not. Such a block's percentages are not to be summed down a column."""
    if len(rows) < 2:
        return False
    cols = [j for j in dcols if any(_cell_percent(r, j) is not None for r in rows)]
    if len(cols) < 2:
        return False
    grid = [[_cell_percent(r, j) for j in cols] for r in rows]
    if any(p is None for line in grid for p in line):
        return False
    if not all(sum_within_rounding([(p.value, p.decimals) for p in line], 100, []).consistent for line in grid):
        return False
    down = [[(grid[i][k].value, grid[i][k].decimals) for i in range(len(rows))] for k in range(len(cols))]
    return not all(sum_within_rounding(c, 100, []).consistent for c in down)


def _split_complete_prefix(run: CategoryRun, dcols: list[int]) -> list[CategoryRun]:
    """Split a run whose first categories already add up to 100% in every column ("single 45.7 | married 54.3"
    then "children at home 43.2", "lower education 13.2"): the rows after them belong to other variables
    (were they categories of the same one, the percentages would pass 100%)."""
    rows = run.rows
    if len(rows) < 3 or run.responses:
        return [run]
    for k in range(2, len(rows)):
        cols = [j for j in dcols if _run_percents(rows[:k], j) is not None]
        if not cols:
            return [run]
        if all(sum_within_rounding(_run_percents(rows[:k], j), 100, []).consistent for j in cols) and any(
                (p := _run_percents(rows[k:k + 1], j)) is not None and p[0][0] > 0 for j in cols):
            head = CategoryRun(run.table, rows[:k], run.heading, run.heading_row, run.context_row)
            return [head] + _split_complete_prefix(CategoryRun(run.table, rows[k:]), dcols)
    return [run]


@per_document  # keyed by the table's identity: the category sets, the median and percentage facts and two
#              rules ask for the same table's runs; the runs are shared, read-only
def category_runs(table: Table) -> list[CategoryRun]:
    """All runs of category rows of one variable in a table (categories as rows)."""
    dcols = data_columns(table)
    if not dcols:
        return []
    stats = stat_columns(table)
    runs: list[CategoryRun] = []
    cur: list[TableRow] = []
    heading: str | None = None
    heading_row: TableRow | None = None
    context: TableRow | None = None

    def close():
        nonlocal cur
        if cur:
            runs.append(CategoryRun(table, cur, heading, heading_row, context))
        cur = []

    for row in table.rows:
        kind = row_kind(table, row, dcols)
        if kind == "heading":
            close()
            heading, heading_row, context = re.sub(r",?\s*n\s*\(%\)\s*$", "", row.label).strip(), row, None
            continue
        if kind in ("summary", "other"):
            close()
            # a summary row outside a heading starts a new variable; inside a heading it ends it
            heading, heading_row = None, None
            context = row if kind == "summary" else None
            continue
        # category row
        if _OWN_N.search(row.label) and not response_category(row.label) and \
                parse_interval(_OWN_N.sub("", row.label)) is None:
            # "Previous radiotherapy, n (%)": a variable of its own
            close()
            heading, heading_row, context = None, None, None
            continue
        if rate_measure(row.label) and not response_category(row.label):
            close()
            heading, heading_row, context = None, None, None
            continue
        # a second row carrying its own test statistic starts a new variable
        if cur and stats and any(j < len(row.cells) and row.cells[j].text for j in stats) and \
                any(j < len(x.cells) and x.cells[j].text for x in cur for j in stats):
            close()
            heading, heading_row, context = None, None, None
        if heading is None and context is None and not cur and row.group is None:
            # a category row with nothing above: only a run if its neighbours look like categories too
            pass
        cur.append(row)
    close()
    runs = [part for run in runs for part in _split_complete_prefix(run, dcols)]
    # response categories form their own runs, whatever the headings say
    out: list[CategoryRun] = []
    for run in runs:
        resp = [r for r in run.rows if response_category(r.label)]
        if resp and len(resp) == len(run.rows):
            run.responses = True
        out.append(run)
    for run in out:
        run.row_percentages = row_percent_block(run.rows, dcols)
    resp_run: list[TableRow] = []
    for r in table.rows:
        if r.kind != "group" and response_category(r.label) and row_kind(table, r, dcols) == "category":
            resp_run.append(r)
        else:
            if len(resp_run) >= 2 and not any([x.index for x in o.rows] == [x.index for x in resp_run] for o in out):
                out.append(CategoryRun(table, resp_run, None, None, None, responses=True,
                                       row_percentages=row_percent_block(resp_run, dcols)))
            resp_run = []
    if len(resp_run) >= 2 and not any([x.index for x in o.rows] == [x.index for x in resp_run] for o in out):
        out.append(CategoryRun(table, resp_run, None, None, None, responses=True,
                               row_percentages=row_percent_block(resp_run, dcols)))
    return out


def _key(label: str) -> str:
    if re.fullmatch(r"\s*no\.?\s*", label, re.I):
        return "no"
    lab = norm_label(label)
    lab = re.sub(r"[a-z]$", "", lab) if re.fullmatch(r".*\d[a-z]", lab) else lab  # footnote letters "2b"
    return re.sub(r"\s+", " ", lab).strip()


def classify(labels: list[str], heading: str | None = None) -> CategorySet:
    """Are these categories mutually exclusive, and do they cover every patient?"""
    keys = [_key(x) for x in labels]
    if len(keys) < 2:
        return CategorySet(False, False, "fewer than two categories")
    if len(set(keys)) != len(keys):
        return CategorySet(False, False, "repeated category labels")
    # response categories
    cats = [response_category(x) for x in labels]
    if all(cats):
        if len(set(cats)) != len(cats):
            return CategorySet(False, False, "repeated response categories")
        complete = {"CR", "PR", "SD", "PD"} <= set(cats)
        return CategorySet(True, complete, "best overall response categories")
    remainder = [bool(_REMAINDER.match(k)) for k in keys]
    core = [k for k, r in zip(keys, remainder) if not r]
    if _ethnicity_among_races(labels):
        return CategorySet(False, False, "an ethnicity row (Hispanic/Latino) among race categories: a patient of any "
                                         "race may also be counted in it")
    # closed vocabularies
    for s in _CLOSED_SETS:
        if set(core) <= s and len(core) >= 2:
            return CategorySet(True, set(core) == s or any(remainder), "closed vocabulary " + "/".join(sorted(s)))
        if set(core) <= s and len(core) == 1 and any(remainder):
            return CategorySet(True, True, "category and its complement")
    # "only lung" / "others"
    if len(core) == 1 and re.search(r"\bonly\b", core[0]) and any(remainder):
        return CategorySet(True, True, "one category and the remainder")
    # numeric / ordinal codes
    ivs = [parse_interval(x) for x, r in zip(labels, remainder) if not r]
    if any(iv is not None for iv in ivs) and any(iv is None for iv in ivs) and \
            sum(iv is not None for iv in ivs) >= len(ivs) - 1 and not all(_STAGE.match(k) for k in core):
        return CategorySet(False, False, "numeric codes mixed with other labels", ivs)
    if ivs and all(iv is not None for iv in ivs) and len(ivs) >= 2:
        ordered = sorted(ivs, key=lambda iv: (iv.lo if iv.lo is not None else float("-inf")))
        overlap = False
        for a, b in zip(ordered, ordered[1:]):
            if a.hi is None or b.lo is None or a.hi > b.lo or (a.hi == b.lo and a.hi_incl and b.lo_incl):
                overlap = True
        if overlap:
            return CategorySet(False, False, "overlapping numeric categories", ivs)
        open_top = ordered[-1].hi is None
        open_bottom = ordered[0].lo is None or ordered[0].lo == 0.0
        gaps = any(a.hi is not None and b.lo is not None and a.hi_incl and b.lo_incl and b.lo - a.hi > 1
                   for a, b in zip(ordered, ordered[1:]))
        has_cmp = any(iv.lo is None or iv.hi is None for iv in ivs)
        complete = (open_top and open_bottom and not gaps) or any(remainder)
        if has_cmp or any(remainder) or (heading and _EXCLUSIVE_HEADING.search(heading)):
            return CategorySet(True, complete and has_cmp or any(remainder), "numeric categories", ivs)
        return CategorySet(False, False, "bare numbers without a recognised variable", ivs)
    # stage codes
    if all(_STAGE.match(k) for k in core) and len(core) >= 2:
        prefixes = {k[0] for k in core if k[0] in "tnmg"}
        if len(prefixes) <= 1:
            return CategorySet(True, any(remainder), "stage/grade codes")
    if heading and _EXCLUSIVE_HEADING.search(heading) and not re.search(r"\b(?:sites?\s+of|metastas[ie]s\s+sites?|"
                                                                         r"comorbid|toxicit|adverse|events?)\b",
                                                                         heading, re.I):
        return CategorySet(True, any(remainder), f"categories of '{heading}'")
    return CategorySet(False, False, "not recognisably exclusive")


def _ethnicity_among_races(labels: list[str]) -> bool:
    """Race rows (White, Black, Asian ...) listed with an ethnicity row ("Hispanic/Latino", "Non-Hispanic") that
    names no race: ethnicity is asked apart from race, so its patients are counted in a race row too. Race rows
    that carry the ethnicity themselves ("White, non-Hispanic", "Black non-Hispanic") make a combined scheme whose
    categories are exclusive."""
    race = [x for x in labels if _RACE_LABEL.search(x)]
    eth = [x for x in labels if _ETHNICITY_LABEL.search(x) and not _RACE_LABEL.search(x)]
    return bool(race) and bool(eth) and not any(_ETHNICITY_LABEL.search(x) for x in race)


_CAPTION_N = re.compile(r"\b(?:of|in|for|among)\s+(?:the\s+|all\s+)?(\d{1,5})\s+(?:\w+\s+){0,2}?(?:patients|participants|subjects|"
                        r"cases|children|adults)\b|\b(?:patients|participants)\s+(?:\(?n\s*=\s*)?(\d{1,5})\b|"
                        r"\(\s*n\s*=\s*(\d{1,5})\s*\)", re.I)


def caption_n(table: Table) -> int | None:
    """The group size stated in a caption ("Demographics of 33 patients", "in patients 33", "(n = 33)")."""
    m = _CAPTION_N.search(table.caption or "")
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def single_column_denominator(doc: Document, table: Table, j: int) -> Denominator | None:
    """For a table with one value column and no n in its header: the n stated in the caption."""
    dcols = data_columns(table)
    if dcols != [j]:
        return None
    n = caption_n(table)
    if n is None:
        return None
    span = table.caption_span or table.span
    ev = Evidence(quote=table.caption, line=span.line, line_end=span.line_end, char_start=span.char_start,
                  char_end=span.char_end, section=section_title(doc, table.section), table=table.label,
                  page=span.page, bbox=span.bbox, role="denominator")
    return Denominator(n, ev, "table caption")


def category_set_facts(doc: Document) -> list[CategorySetFact]:
    """Every category run of every table with its verdict (``Study.category_sets``)."""
    out: list[CategorySetFact] = []
    for table in doc.tables:
        for run in category_runs(table):
            cs = classify(run.labels, run.heading)
            out.append(CategorySetFact(table=table.label or "", variable=run.variable,
                                       rows=[r.index for r in run.rows], labels=run.labels,
                                       responses=run.responses, row_percentages=run.row_percentages,
                                       exclusive=cs.exclusive, complete=cs.complete, reason=cs.reason))
    return out
