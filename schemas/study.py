"""Study facts extracted from a Document: arms, regimens, endpoints, outcomes ...

Every value carries a :class:`~schemas.provenance.Provenance` so checks and
reviewers can go back to the exact place in the article.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Model
from .findings import Evidence
from .provenance import Provenance
from .quantities import Num, Quantity


class SampleSize(Model):
    """A stated group size: "n=55", "(n = 53)", "55 patients received ..."."""

    value: int
    kind: Literal["enrolled", "randomised", "treated", "evaluable", "analysed", "stated"] = "stated"
    provenance: Provenance


class Arm(Model):
    id: str
    label: str
    aliases: list[str] = Field(default_factory=list)
    n: int | None = None
    sizes: list[SampleSize] = Field(default_factory=list)
    drugs: list[str] = Field(default_factory=list)  # generic names defining the arm
    definition: Provenance | None = None
    is_total: bool = False
    #: the number randomised (allocated) to this arm as the article states it: an allocation
    #: statement in the text, else the header n of the table of the randomised population; None
    #: when the article does not state it (``n`` stays the size the checks use as denominator)
    randomised_n: int | None = None
    randomised_provenance: Provenance | None = None


class Dose(Model):
    value: float
    value_high: float | None = None
    unit: str                                  # mg, g, mg/m2, g/m2, mg/kg, AUC
    per: Literal["day", "cycle", "dose", "week", "unspecified"] = "unspecified"
    text: str


class DrugMention(Model):
    drug: str                      # generic name
    surface: str                   # as written
    dose: Dose | None = None
    route: str | None = None       # oral, iv, sc
    days: str | None = None        # "1-3"
    frequency: str | None = None   # QD, BID, Q3W
    cycle_days: int | None = None  # 21 for every 3 weeks
    cycles: int | None = None
    adjustment: str | None = None  # "by BSA", "by weight"


class RegimenMention(Model):
    """One place where the article says which drugs an arm received."""

    arm: str | None = None             # arm id
    drugs: list[str] = Field(default_factory=list)
    mentions: list[DrugMention] = Field(default_factory=list)
    role: Literal["definition", "protocol", "other"] = "other"
    provenance: Provenance


class Endpoint(Model):
    name: str                      # normalised: PFS, OS, ORR ...
    role: Literal["primary", "secondary", "exploratory", "unspecified"] = "unspecified"
    definition: str | None = None
    surface: str
    provenance: Provenance


class Outcome(Model):
    """A result value for an arm: response counts, rates, medians, landmark rates."""

    measure: str                   # CR, PR, SD, PD, NE, ORR, DCR, CBR, PFS, OS, "PFS@6mo" ...
    arm: str | None = None
    group: str | None = None       # the group as printed when it is not an arm (cited cohort, subgroup)
    kind: Literal["count", "rate", "median", "landmark", "mean", "other"] = "other"
    quantity: Quantity
    unit: str | None = None        # months, %, patients
    timepoint: str | None = None
    provenance: Provenance


class EffectEstimate(Model):
    ratio_type: Literal["HR", "OR", "RR"]
    estimate: Num
    low: Num | None = None
    high: Num | None = None
    ci_level: float | None = 95.0
    p: Num | None = None
    p_operator: str | None = None
    comparison: str | None = None  # what is compared / the variable
    endpoint: str | None = None
    provenance: Provenance


class AdverseEvent(Model):
    term: str
    arm: str | None = None
    group: str | None = None       # the group as printed when it is not an arm
    grade: str = "any"             # "any", "1-2", ">=3", "3" ...
    count: int | None = None
    percent: Num | None = None
    provenance: Provenance


class BaselineRow(Model):
    variable: str
    category: str | None = None
    arm: str | None = None
    group: str | None = None       # the group as printed when it is not an arm
    quantity: Quantity
    provenance: Provenance


class StatTest(Model):
    test: str | None = None        # chi-square, Fisher, t-test, log-rank ...
    statistic: str | None = None
    stat_value: Num | None = None
    df: float | None = None
    p: Num | None = None
    p_operator: str | None = None
    compares: str | None = None
    provenance: Provenance


class ReferenceEntry(Model):
    number: int | None = None
    authors: list[str] = Field(default_factory=list)
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    provenance: Provenance


class CitationLink(Model):
    sentence: str
    numbers: list[int]
    provenance: Provenance


class Design(Model):
    randomised: bool | None = None
    phase: str | None = None
    timing: Literal["prospective", "retrospective"] | None = None
    centres: Literal["single", "multi"] | None = None
    evidence: list[Provenance] = Field(default_factory=list)


Certainty = Literal["stated", "inferred", "uncertain"]


class CellDenominator(Model):
    """What a table cell's count is out of, where that was stated, and how sure it is.

    ``certainty``: ``stated`` — the n is printed for this very cell (its own n/N, its
    row's n, its table's N row or its column header) and nothing in the table says
    otherwise; ``inferred`` — taken from elsewhere (an arm size stated in the text);
    ``uncertain`` — the table hints at another denominator (a restricting footnote, a
    Missing/Unknown row, counts of another unit, a nested row): checks stay silent.
    """

    table: str
    row: int                   # index into Table.rows
    col: int
    row_label: str = ""
    column: str = ""
    cell_kind: str = "count_percent"   # how the cell was typed (count_percent, fraction, ...)
    n: int | None = None
    source: str = ""           # "cell n/N", "row label", "table note", "table N row", "column header", "arm size"
    certainty: Certainty = "stated"
    unit: str = "participants"
    reasons: list[str] = Field(default_factory=list)
    provenance: Provenance | None = None


class DateWindow(Model):
    """A date range printed in one sentence ("from January 2020 to June 2024"), classified by its words."""

    kind: str                  # enrolment | diagnosis | other
    start: str                 # ISO at the printed precision: 2022-04-14 | 2020-01 | 2016
    end: str
    section_kind: str = ""
    provenance: Provenance


class CutoffDate(Model):
    """A date named as the data cut-off (cut-off, data lock, last follow-up ...)."""

    date: str
    section_kind: str = ""
    provenance: Provenance


class FollowUpMention(Model):
    """A median follow-up as printed, with its unit."""

    quantity: Quantity
    unit: str | None = None    # months | years | weeks | days
    section_kind: str = ""
    provenance: Provenance


class StudyDates(Model):
    """Every date fact of the article: the chosen enrolment window, cut-off and follow-up, and every mention.

    ``evidence`` maps each chosen value's name (``enrolment_start``, ``data_cutoff``, ``received`` ...) to
    where it was read.
    """

    enrolment_start: str | None = None
    enrolment_end: str | None = None
    data_cutoff: str | None = None
    median_follow_up: Quantity | None = None
    median_follow_up_unit: str | None = None
    planned_sample_size: int | None = None
    received: str | None = None
    accepted: str | None = None
    published: str | None = None
    evidence: dict[str, Provenance] = Field(default_factory=dict)
    windows: list[DateWindow] = Field(default_factory=list)
    cutoffs: list[CutoffDate] = Field(default_factory=list)
    follow_ups: list[FollowUpMention] = Field(default_factory=list)

    def value(self, name: str) -> str | None:
        """A chosen date by name (``received``, ``data_cutoff`` ...), None when not printed or not a date field."""
        v = getattr(self, name, None) if name in _DATE_FIELDS else None
        return v if isinstance(v, str) else None


_DATE_FIELDS = {"enrolment_start", "enrolment_end", "data_cutoff", "received", "accepted", "published"}


class RatioEstimate(Model):
    """A hazard, odds or risk ratio printed with its confidence interval (and P), in a table or a sentence."""

    ratio_type: str            # HR | OR | RR
    estimate: Num
    low: Num
    high: Num
    level: float = 95.0        # the interval's confidence level, %
    p: Num | None = None       # the P printed beside it
    p_operator: str | None = None   # = | < | > | <= | >=
    p_one_sided: bool = False  # the P is declared one-sided ("exact one-sided P = 0.068")
    label: str = ""            # the row label, or the sentence
    where: str = ""            # human-readable place
    evidence: list[Evidence] = Field(default_factory=list)
    binary: bool = False       # compares two groups (arms, yes/no, a treatment), not a per-unit effect
    key: str = ""              # stable identity (table|row|group or text|quote)
    source: str = "table"      # table | text


class ReportedValue(Model):
    """One printed result (median PFS, ORR, HR, p, median follow-up ...) at one place, with its arm.

    The same result printed in the abstract, the text and a table gives one ReportedValue per place;
    rules compare them (``key`` = measure, statistic, arm).
    """

    measure: str               # follow-up | PFS | OS | EFS | DFS | RFS | TTP | TTR | DoR | ORR | DCR | CBR
    stat: str                  # median | rate | hr | p | landmark@N
    arm: str | None            # arm id; None = whole cohort or a between-arm comparison (hr, p)
    value: Num | None
    low: Num | None = None
    high: Num | None = None
    interval: str | None = None  # ci | iqr | range | unspecified | None (no interval printed)
    low_ne: bool = False       # lower limit printed as not estimable (NE/NR)
    high_ne: bool = False
    place: str = "text"        # abstract | text | table
    section_kind: str = ""
    where: str = ""            # human-readable place
    evidence: Evidence | None = None
    source_id: str = ""        # sentence id or table/row id (to skip comparisons within one place)
    text: str = ""
    # which analysis of the cohort the value belongs to: None = the report's own, "original" = the
    # original/parent/initial trial or the primary analysis that the report extends, "extended" = an
    # extended/long-term/updated follow-up or analysis named as such; values of different periods
    # are different quantities (a median follow-up of 4.3 years in the original trial, 9.1 after extension)
    period: str | None = None
    # the analysis model, when the sentence says: True = adjusted ("after allowing for stratification
    # factors", "adjusted HR"), False = unadjusted ("unadjusted", "crude", "univariate"), None = not said;
    # an adjusted and an unadjusted estimate of one result are different quantities
    adjusted: bool | None = None

    @property
    def key(self) -> tuple[str, str, str | None]:
        return self.measure, self.stat, self.arm


class SizeStatement(Model):
    """One statement of the study's total size or of one arm's size, where it was printed.

    ``scope``: ``total``, an arm id, or ``?`` while a clause names several arms (resolved to
    ``total`` when its value is the arms' sum, else dropped). ``strength``: ``strong`` (enrolled,
    included, randomised; a Total column; an arm's own n), ``caption`` (a table or figure caption),
    ``weak`` (a bare "n = 95" that names no arm).
    """

    value: int
    scope: str
    place: str                 # abstract | methods | results | table | table-caption | figure-caption | ...
    strength: Literal["strong", "caption", "weak"]
    evidence: Evidence
    text: str = ""


class StatedPopulation(Model):
    """A group size a sentence states as the population of what it reports.

    "of the 47 evaluable patients", "among 120 participants", "in all 33 cases": the number, the
    preposition and determiner before it, the words between it and the noun (``qualifier``:
    "evaluable", "newly diagnosed") and the noun, with the phrase's span in the sentence's text.
    Rules choose the phrases they trust by these parts (e.g. only "of"/"among" with an enrolment
    qualifier); the reading itself happens once, here.
    """

    sentence: str              # sentence id
    start: int                 # the phrase in the sentence's text
    end: int
    n: int
    n_start: int               # where the number starts in the sentence's text
    preposition: str           # of | among | in | for | regarding | with regard to | out of (lower case)
    determiner: str = ""       # "" | the | all | these | those | all the | all of the (lower case)
    qualifier: str = ""        # words between the number and the noun, lower case, single-spaced
    noun: str                  # patients, participants, subjects, cases, women ... (lower case)
    # a planned size, not a population studied: "a sample of 36 patients would be necessary", any phrase of a
    # power or sample-size calculation
    planned: bool = False


class TableArmSizes(Model):
    """The arm sizes one table's column headers state (two or more arms)."""

    table: str                 # the table's label
    sizes: list[tuple[str, int]] = Field(default_factory=list)   # (arm id, n) in column order


class PopulationSizes(Model):
    """Every statement of the study's size and its arms' sizes, and the sizes most places agree on.

    Statements come from results, methods and abstract sentences (not planned sizes, not
    subsets: "Of the 20 patients with ...", "134 screened"), figure and table captions, table
    headers ("Drug A (n = 53)", "Total (n = 96)") and the arms' own definitions. ``total`` is
    chosen by votes (strong statements, the arms' sum, fractions using it as denominator);
    ``total_source`` says whether it came from the ``statements``, the ``arms``' sum or the
    ``study``'s total n. ``known_sizes`` lists every group size printed anywhere ("N patients",
    "n = N"), so a denominator that matches one of them is a known subgroup. ``study_columns``
    gives, for each of the Document's tables in order, its data columns that describe this study
    (column index -> arm id, or None for the whole cohort; cited cohorts and P/statistic columns are
    left out).
    """

    statements: list[SizeStatement] = Field(default_factory=list)
    total: int | None = None
    total_source: Literal["statements", "arms", "study"] | None = None
    total_statements: list[SizeStatement] = Field(default_factory=list)
    arms: dict[str, int] = Field(default_factory=dict)
    table_arm_sets: list[TableArmSizes] = Field(default_factory=list)
    known_sizes: list[int] = Field(default_factory=list)
    study_columns: list[dict[int, str | None]] = Field(default_factory=list)


class TestArm(Model):
    """An arm as a table test sees it: its column (or row) index, label and n, and where the n is printed."""

    index: int                 # column index (arms as columns) or row index (arms as rows)
    label: str
    n: int | None = None
    n_source: str = ""         # column header, row label, arm size ...
    n_evidence: Evidence | None = None


class CountTable(Model):
    """One candidate count table (arms x categories) a printed test may have been computed on."""

    counts: list[list[int]]    # per arm, the count of each category
    categories: list[str]
    description: str
    evidence: list[Evidence] = Field(default_factory=list)
    from_percent: bool = False  # some counts were rebuilt from a percentage and the arm's n


class PrintedStatistic(Model):
    """A test statistic printed in a table cell, and its kind from the column label."""

    value: Num
    kind: str                  # chi2 | t | F | z | unknown | mixed
    evidence: Evidence


class PrintedPValue(Model):
    """A P printed in a table cell: its value and operator ('<0.001')."""

    value: Num
    operator: str = "="
    evidence: Evidence


class TextTest(Model):
    """A two-group test printed in a sentence beside the numbers it may have been computed from.

    ``kind="proportions"``: two ``k/N`` then one P (or a chi-squared with its P), read as one 2x2 count
    table; ``kind="means"``: two ``mean ± SD`` then a t and/or P, with the two arms the sentence names
    (in order of mention; ``ns`` their sizes, which a rule may also try swapped).
    """

    kind: Literal["proportions", "means"]
    sentence: str              # Sentence.id
    where: str
    quote: str
    count_tables: list[CountTable] = Field(default_factory=list)
    means: list[tuple[Num, Num]] | None = None
    arm_ids: list[str] = Field(default_factory=list)
    ns: list[int] = Field(default_factory=list)
    statistic: PrintedStatistic | None = None
    p: PrintedPValue | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    #: what the ``±`` of ``means`` stands for (the sentence's own words, else the methods'): "sd", "se", "unclear"
    spread: Literal["sd", "se", "unclear"] = "sd"


class TextMean(Model):
    """A mean printed in a sentence with the number of values it averages.

    ``source="same sentence"``: "the mean age of the 25 patients was 45.37 years" (``variable`` is what the
    sentence averages, "age" or "number of cycles"); ``source="study population"``: a single "mean age was 60.27
    years" in a sentence that names no arm, no other group size and no second mean, so its n is the study's
    total (``n`` is then ``Study.total_n`` when it is known, else None).
    """

    variable: str
    mean: Num
    n: int | None = None
    source: Literal["same sentence", "study population"]
    sentence: str              # Sentence.id
    where: str                 # the phrase read, verbatim
    evidence: Evidence         # the phrase, role "reported"


class TableMean(Model):
    """A mean printed in a table cell for a variable that takes whole values, with the n it averages (see
    :mod:`trialaudit.extractor.study.table_means`): ``kind`` is "age" (in years), "count" (cycles, lesions, lines
    of therapy ...), "score" (single-item scores: ECOG, VAS, Apgar ...) or "kps" (Karnofsky/Lansky, steps of 10).
    ``n_source`` says where the n was read (the row label, the row's own n, the column header ...)."""

    table: str                 # the table's label
    row: str
    column: str
    variable: str              # the label the kind was read from
    kind: Literal["age", "count", "score", "kps"]
    mean: Num
    n: int
    n_source: str
    n_evidence: Evidence | None = None
    evidence: Evidence         # the cell, role "reported"
    where: str
    # the column's n less units a row of the same column reports lost (deaths, missing ...): the mean may be of these
    fewer_ns: list[int] = Field(default_factory=list)


class StatedDose(Model):
    """A dose written in a sentence next to the drug it belongs to (see :mod:`trialaudit.extractor.study.doses`):
    "ifosfamide 1.8 g/m²/day", "500 mg of apatinib orally once daily", "carboplatin AUC 5". ``value`` is in
    ``unit`` (mg, mg/m2, mg/kg or auc); ``per`` is "day" (a daily or per-administration dose), "cycle" (a total
    per course), "cumulative" or "unspecified"; ``daily_multiplier`` is 2 for "twice daily". ``high_dose`` says
    the sentence describes a high-dose, transplant or conditioning regimen."""

    drug: str                  # generic name
    surface: str               # as written
    text: str                  # the dose as printed
    value: float
    value_high: float | None = None
    unit: str
    per: str
    daily_multiplier: int = 1
    sentence_id: str
    sentence_index: int        # the sentence's place in the document's reading order
    section_kind: str = ""
    start: int                 # offsets in the sentence: the dose, and where its drug is written
    end: int
    drug_start: int
    high_dose: bool = False
    evidence: Evidence         # the drug and its dose, role "dose"


class ImpossiblePValue(Model):
    """A P value printed above 1 (see :mod:`trialaudit.extractor.study.p_range`): "P = 3.84" in a sentence, or a
    decimal above 1 in a table's P column whose other cells are P values (``valid_in_column`` of them)."""

    text: str                  # the number as printed
    value: float
    operator: str = "="
    context: Literal["text", "table"]
    printed: str               # "P = 3.84", or the cell
    where: str
    table: str = ""            # for a table cell: the table's label, the row's label and the column's header
    row: str = ""
    column: str = ""
    valid_in_column: int = 0
    evidence: Evidence         # the sentence span or the cell, role "P value"


class RegistryIdMention(Model):
    """A registry id printed in the article (see :mod:`trialaudit.extractor.study.registry`): the registry
    ("ClinicalTrials.gov", "ISRCTN", ... or "other"), the id normalised and as printed, where, and whether the
    passage presents it as this study's own registration (``own``) or cites it (reference list, a comparison
    table, a sentence with citations: ``cited``)."""

    registry: str
    id: str
    surface: str
    section_kind: str
    own: bool
    cited: bool
    in_table: bool = False
    provenance: Provenance


class CriteriaCitation(Model):
    """Response criteria the article cites (RECIST, WHO, Cheson ...; see
    :mod:`trialaudit.extractor.study.response_criteria`), the first place it names them, and whether that place calls
    them modified or adapted."""

    name: str
    modified: bool = False
    evidence: Evidence         # role "criteria cited"


class ResponseDefinition(Model):
    """The article's own definition of partial response ("PR") or progressive disease ("PD") by a percentage
    change in tumour size ("PR was defined as a ≥30% decrease ..."), outside the introduction and discussion."""

    category: Literal["PR", "PD"]
    threshold: float           # percent
    text: str                  # the definition as printed
    sentence: str              # Sentence.id
    evidence: Evidence         # role "definition"


class BaselineCell(Model):
    """A study column's cell of a baseline category row: its index, label, count (None for an age range) and
    place."""

    col: int
    column: str
    count: int | None = None
    evidence: Evidence


class BaselineLimitRow(Model):
    """A baseline-table row that an eligibility limit can contradict (see
    :mod:`trialaudit.extractor.study.baseline_limits`), in this study's columns only: an ECOG category row
    ("ECOG 2", "≥2") with the categories it covers and the columns holding patients; an age category row ("<18") with
    its bounds in years and the columns holding patients; or an age row's range cells ("15.5 (12–46)") with each
    cell's youngest and oldest age as printed. ``notes_name_ecog``: the table's notes mention ECOG or performance
    status; ``notes_name_category``: they also name one of the row's categories (an exception explained)."""

    kind: Literal["ecog", "age category", "age range"]
    table: str                 # the table's label
    table_id: str
    row: str
    categories: list[int] = Field(default_factory=list)
    low: float | None = None   # an age category's bounds (years)
    high: float | None = None
    low_text: str | None = None    # one age range cell's youngest and oldest age, as printed
    high_text: str | None = None
    cells: list[BaselineCell] = Field(default_factory=list)
    notes_name_ecog: bool = False
    notes_name_category: bool = False


class CategorySetFact(Model):
    """Consecutive rows of a table that are the categories of one variable ("Sex" over "Male" and "Female",
    "Best overall response" over CR/PR/SD/PD), with the verdict on them: mutually ``exclusive`` (each patient
    in at most one) and ``complete`` (each patient in at least one), and why (``reason``). Rules add up only
    exclusive sets, and flag a shortfall only in complete ones."""

    table: str                 # the table's label
    variable: str              # the heading (group or heading row), or the summary row just above, or ""
    rows: list[int]            # row indices in Table.rows
    labels: list[str]
    responses: bool = False    # a CR/PR/SD/PD/NE run
    row_percentages: bool = False  # each row's percentages add up to 100 across the columns (a row's own split):
                                   # the percentages are not to be summed down a column
    exclusive: bool
    complete: bool
    reason: str


class TextInterval(Model):
    """An estimate printed in a sentence with an interval ("median 12.1 months (IQR 5.4–18.8)", "a difference of
    2.3 (95% CI 0.6 to 4.0)", "6.50 (19.83-13.33)"): the value, its bounds as printed (not reordered) and the interval's
    kind ("ci", "iqr", "range" or "unspecified" when the bracket does not say). ``labelled``: the kind is printed
    in the quantity itself. Brackets that hold an SD before the interval ("(SD = 2.5; 95% CI ...)") are left out."""

    text: str
    value: Num
    low: Num
    high: Num
    kind: str
    labelled: bool
    sentence: str              # Sentence.id
    evidence: Evidence         # role "estimate and interval"
    # the words before it state a direction ("a loss of", "declined by"): the value may be printed as a magnitude
    direction_stated: bool = False


class TableInterval(Model):
    """An estimate printed with an interval in a table cell ("5.5 (5.9–6.4)", "12.1 (18.8, 5.4)"), or a rate or
    mean whose interval is printed in the "95% CI" row right below it (``ci_row``): the value, its bounds as printed
    (not reordered), the interval's kind ("ci", "iqr", "range" or "unspecified"), whether the kind is printed (in
    the quantity, the row, the group, the column or the caption: ``labelled``) and whether the labels state a
    direction ("reduction", "change from baseline": the value may be printed as a magnitude). Ratio columns (left
    to the ratio facts), P columns (their brackets hold more P values), brackets that hold an SD before the
    interval and unlabelled brackets under a percentage heading or with a decimal comma ("557 (62,0)") are left out."""

    table: int                 # index into Document.tables
    table_label: str
    row: str                   # the row's label
    column: int                # the column's index and label
    column_label: str
    value: Num
    low: Num
    high: Num
    kind: str
    labelled: bool = True
    direction_stated: bool = False
    ci_row: bool = False
    where: str                 # "Table 2, row 'PFS', column 'Arm A'"
    evidence: list[Evidence]   # the cell (role "estimate and interval"), or the estimate's and the CI row's cells


class TextStatistic(Model):
    """A test statistic printed in a sentence with its P ("χ² = 8.23, df = 2, P = 0.016", "t(38) = 2.1, P = 0.04"):
    the statistic's kind (chi2, t, F, z), its value, the degrees of freedom when printed (in the statistic or in
    the words right after it: "df = 2", "degrees of freedom 8"), and the P printed in it or right after it."""

    statistic: Literal["chi2", "t", "F", "z"]
    value: Num
    df: float | None = None            # printed with the statistic: "t(38)", "χ²(2)", "F(2, 57)"
    df2: float | None = None
    df_words: float | None = None      # printed in words right after it: "df = 2", "degrees of freedom 8"
    p: Num
    p_operator: str = "="
    text: str                  # the statistic and its P as printed
    sentence: str              # Sentence.id
    evidence: Evidence         # role "test"
    # an eta squared printed after it ("ηp² = .07", "η² = 0.58"; offsets in the sentence) and its kind
    eta_squared: Num | None = None
    eta_operator: str | None = None
    eta_kind: Literal["partial", "generalized", "unspecified"] | None = None
    eta_text: str | None = None
    eta_evidence: Evidence | None = None   # from the statistic to the eta squared, role "test and effect size"


class CellStatistic(Model):
    """A test printed whole in one table cell ("χ² =8.23, P =0.32 (degrees of freedom =8)", "t = 2.1, P = 0.04"):
    the statistic's kind, value, degrees of freedom (in the statistic, or in words within 60 characters after it)
    and its P, with the table, row and cell."""

    statistic: Literal["chi2", "t", "F", "z"]
    value: Num
    df: float | None = None
    df2: float | None = None
    df_words: float | None = None
    p: Num
    p_operator: str = "="
    text: str                  # the cell as printed
    table: str                 # the table's label and the row's label
    row: str
    where: str                 # "Table 2, row 'Age'"
    evidence: Evidence         # the cell, role "test"
    p_evidence: Evidence | None = None   # the P's own cell, when a row of P values sits beside a row of statistics


class SignificanceClaim(Model):
    """A clause that claims a difference is significant (``"sig"``: "significantly longer", "reached
    significance"), not significant (``"ns"``: "no significant difference", "did not reach significance") or, in
    softer words, absent (``"ns-soft"``: "did not differ", "comparable"), with the quantities printed in the same
    clause (P values, test statistics, ratios with intervals, percentages; offsets in the sentence) and the tables
    the sentence cites. ``wording`` is the claim's words (``wording_start``/``wording_end`` in the sentence);
    ``negation`` the strict negative wording of an ``"ns"`` claim."""

    claim: Literal["sig", "ns", "ns-soft"]
    sentence: str              # Sentence.id
    section: str               # the sentence's section kind
    clause: str                # verbatim
    start: int                 # the clause's span in the sentence text
    end: int
    wording: str
    wording_start: int
    wording_end: int
    negation: str | None = None
    negation_start: int | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    cited_tables: list[str] = Field(default_factory=list)   # "2", "IV"
    evidence: Evidence         # the claim's words, role "claim"


class EligibilityLimit(Model):
    """A limit the inclusion criteria set: ECOG performance status (``variable="ecog"``, categories ``low`` to
    ``high``) or age in years (``variable="age"``; ``low`` or ``high`` None when only one side is stated). ``text``
    is the criterion as printed; ``evidence`` the criterion's sentence, role "eligibility criterion"."""

    variable: Literal["ecog", "age"]
    low: float | None = None
    high: float | None = None
    text: str
    sentence: str              # Sentence.id
    evidence: Evidence


class StatedAgeRange(Model):
    """An age range printed in a results or abstract sentence ("age range of 12 to 51 years"): youngest and
    oldest as printed."""

    low: str
    high: str
    text: str
    sentence: str              # Sentence.id
    where: str                 # section title (or kind) and line
    evidence: Evidence         # role "age range"


class RequiredDiagnosis(Model):
    """The diagnosis the inclusion criteria require: ``diagnoses`` the most specific ones the criterion names (the
    population), ``mentioned`` every one it names; ``evidence`` the criterion's sentence, role "inclusion
    criterion"."""

    diagnoses: list[str]
    mentioned: list[str] = Field(default_factory=list)
    sentence: str              # Sentence.id
    evidence: Evidence


class DiagnosisCount(Model):
    """One study column's count on a diagnosis row (see DiagnosisRow)."""

    column: str                # the column's label
    count: int | None = None   # None when the cell states no whole count
    evidence: Evidence         # the cell


class DiagnosisRow(Model):
    """A table row that names one diagnosis of the vocabulary (:mod:`trialaudit.extractor.study.diagnoses`), under
    a pathological type / histology / diagnosis heading or as a plain row label ("Soft tissue sarcoma | 18 | 12"),
    with its family (osteosarcoma ⊂ bone sarcoma ⊂ sarcoma) and its counts in this study's columns. Rows that
    compare ("X vs Y") are left out."""

    table: str                 # the table's label
    row: str                   # the row's label, as printed
    group: str | None = None   # the heading it sits under
    diagnosis: str
    family: list[str]
    counts: list[DiagnosisCount]


class PrintedPercent(Model):
    """A category cell's percentage as printed ("12 (23.6)" → 23.6 with a count, "45%", a bare "0"): its value,
    decimals and text, whether it is an exact zero (0 patients), and whether a count is printed beside it."""

    value: float
    decimals: int
    text: str
    exact_zero: bool = False
    with_count: bool = False


class CategoryPercentages(Model):
    """The percentages printed for one set of category rows in one column (or, with arms as rows, for the response
    categories of one arm's row): what should add up to 100%. ``exclusive`` / ``complete`` / ``reason`` are the
    verdict on the categories (see CategorySetFact); ``own_denominators`` says the cells print "k/N" of different N
    (each category's own rate); ``n_known`` that every cell prints a count and the column's (row's) n is known,
    so the counts themselves can be checked."""

    table: str                 # the table's label
    orientation: Literal["rows", "columns"] = "rows"   # categories as rows (one column) or as columns (one row)
    column: str = ""           # the column's label (categories as rows) or the row's label (categories as columns)
    variable: str = ""
    labels: list[str]
    percents: list[PrintedPercent]
    exclusive: bool
    complete: bool
    reason: str
    own_denominators: bool = False
    n_known: bool = False
    evidence: list[Evidence]


class ColumnN(Model):
    """The n of a table column (or row) as the denominators resolved it: the number, where it was read
    ("column header", "arm size", "table N row" ...), how certain ("stated" or "inferred") and its evidence."""

    n: int
    source: str
    certainty: str = "stated"
    evidence: Evidence


class TotalColumnRow(Model):
    """A count row of a table that has one Total column beside two or more arm columns (arms named as the
    study's arms, the Total column's header n the sum of theirs when printed): the Total cell and the arms' cells.
    Rows of means, medians, ranges, scores or durations, and rows of bare percentages, are left out."""

    table: str                 # the table's label
    row: str                   # the row's label
    total_column: str
    arm_columns: list[str]
    total: int
    parts: list[int]
    evidence: list[Evidence]   # the Total cell (role "total"), then each arm's cell (role "arm")


class CategoryRowsColumn(Model):
    """One column of a run of category rows (under one group heading, split where a new variable starts, or a run
    of response rows): the categories' labels, their counts, the percentage printed beside each (None where
    none), the n every row of the run shares in this column, each cell's own "k/N" denominator (None where the
    cell prints none), whether the caption or notes announce missing data, and the counts printed in the
    column's other rows (one of them may be the size of a subgroup the categories describe). Runs whose cells are
    typed as percentages, columns under a "| Mean | s.d. |" sub-header, columns whose rows have different n and
    cells without a whole count are left out."""

    table: str
    column: str
    group: str | None = None   # the heading the run sits under
    labels: list[str]
    counts: list[int]
    percents: list[Num | None]
    own_denominators: list[int | None]
    n: ColumnN
    missing_note: bool = False
    other_counts: list[int] = Field(default_factory=list)
    evidence: list[Evidence]   # each category's cell, role "category"


class CategoryColumnsRow(Model):
    """A row of a table whose response categories are columns (arms as rows: "| Observation group | 1 | 12 | 14 |
    26 |" under "CR | PR | SD | PD"): the category columns' labels, the row's counts and its n."""

    table: str
    row: str
    labels: list[str]
    counts: list[int]
    n: ColumnN
    evidence: Evidence         # the row, role "categories"


class SlashPair(Model):
    """A cell printing the counts of a named pair of categories as "31/24" in a row labelled with the pair
    ("Sex (Male/Female)", "Gender, M/F", "Yes/No"), with the column's n. ``percentages``: a "%" in the row, group
    or column label says the pair is two percentages ("Gender (%) Male/female | 83/17")."""

    table: str
    row: str
    column: str
    labels: list[str]          # the pair's names as printed
    counts: list[int]
    n: ColumnN
    percentages: bool = False
    evidence: Evidence         # the cell, role "categories"


class RowPercentMisfit(Model):
    """In a table of row percentages (most rows' "n (%)" cells are the row's own split into the columns), a row
    whose cells are its own split but for one: that cell's count, the row's total and the printed percentage."""

    table: str
    row: str
    column: str
    count: int
    row_total: int
    percent: Num
    evidence: Evidence         # the cell, role "reported"
    row_evidence: Evidence     # the row, role "row total"


class CategoryBand(Model):
    """A category row read as the band of values it holds ("<18" → below 18, "12–17", "≥40"), or a remainder row
    ("Unknown", "Other") that holds no band."""

    label: str
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = True
    remainder: bool = False


class MedianCategoryColumn(Model):
    """One column of a MedianCategories: the median printed (with its range or IQR bounds when printed), the
    column's n when known, and each band's count and percentage in that column (None where the cell has none)."""

    column: str                # the column's label
    median: Num
    range_low: float | None = None
    range_high: float | None = None
    n: int | None = None
    n_evidence: Evidence | None = None
    counts: list[int | None]
    percents: list[Num | None]
    median_evidence: Evidence
    band_evidence: list[Evidence]


class MedianCategories(Model):
    """A median row of a table ("Age, years, median (range) | 15.5 (12–46)") followed by threshold categories of
    the same variable ("<18 | 29 (54.7)", "≥18 | ..."), with the bands and, per column, the median and the counts."""

    table: str                 # the table's label
    median_row: str            # its label
    bands: list[CategoryBand]
    columns: list[MedianCategoryColumn]


class PatientFraction(Model):
    """A fraction of patients printed in running text ("12/30 patients", "of the 45 patients, 12/45"):
    a count over a whole-number denominator, with patients named right after it or just before it.

    Sentences of the introduction, discussion, references, declarations and acknowledgements (after the
    section repairs) and sentences that cite references are not read; running text that ingestion attached
    to a table's notes is (``place="table note"``). Fractions followed by another unit ("3/12 cycles",
    "2/5 lesions", "4/20 days") are not patients and are left out.
    """

    text: str                  # the fraction as printed
    count: Num
    denominator: int
    place: Literal["sentence", "table note"]
    evidence: Evidence         # role "fraction" (or "fraction (text after a table)")


class TableTest(Model):
    """A test printed in a table (its statistic and/or P) and the numbers it may have been computed from.

    A block of rows one test covers: a variable heading with its category rows, a single row with its
    own P, a statistic on the heading and the P on the first category; or, with arms as rows, a rate
    or category column. ``count_tables`` lists every reading of the counts the test may have used (the
    categories, the categories plus the rest of each arm, one row against the rest, counts rebuilt from
    percentages), the most plausible first; ``means`` the arms' (mean, SD) for a t-test row. A rule
    flags a test only when no reading reproduces it. ``named_tests`` are the tests the table itself
    names (caption, headers, notes): chi2, fisher, student, welch, mann-whitney.
    """

    table: int                 # index into Document.tables
    table_label: str
    where: str
    label: str = ""
    orientation: Literal["columns", "rows"] = "columns"
    rows: list[int] = Field(default_factory=list)   # indices into the table's rows
    arms: list[TestArm] = Field(default_factory=list)
    statistic: PrintedStatistic | None = None
    p: PrintedPValue | None = None
    count_tables: list[CountTable] = Field(default_factory=list)
    means: list[tuple[Num, Num]] | None = None
    mean_evidence: list[Evidence] = Field(default_factory=list)
    named_tests: list[str] = Field(default_factory=list)
    named_where: str = ""
    #: the table prints model estimates (an OR/RR/HR or a difference with its CI) or says its P values come
    #: from an adjusted or regression model: its P need not be a test of the printed counts
    model_based: bool = False
    #: what the ``±`` of ``means`` stands for, as the table (headers, row labels, caption, footnotes) or else the
    #: methods declare it: "sd" (also when nothing is said), "se" (standard error), or "unclear" (both declared)
    spread: Literal["sd", "se", "unclear"] = "sd"
    spread_quote: str | None = None
    #: the table's caption or notes name a rank test (Mann–Whitney, Wilcoxon, Kruskal–Wallis, "non-parametric")
    rank_test_named: bool = False
    #: the table's caption, notes or headers say its comparisons are adjusted ("adjusted for", ANCOVA, covariates)
    adjusted: bool = False

    @property
    def stat_kind(self) -> str | None:
        """The statistic's kind; an unlabelled one is a t for a means row and a χ² for counts."""
        if self.statistic is None:
            return None
        k = self.statistic.kind
        if k in ("mixed", "unknown"):
            if self.means:
                return "t"
            if self.count_tables:
                return "chi2"
            return None
        return k


class NamedTests(Model):
    """The tests the methods or statistics text names for categorical and for continuous data, with a quote, and the
    tests the tables name."""

    categorical: list[str] = Field(default_factory=list)    # chi2, fisher
    categorical_quote: str | None = None
    continuous: list[str] = Field(default_factory=list)     # student, welch, mann-whitney
    continuous_quote: str | None = None
    in_tables: list[str] = Field(default_factory=list)      # named by any table's caption, headers or notes
    # adjusted or multi-factor models the methods name for continuous data: ancova, multi-way-anova,
    # mixed-model, adjusted-regression (their P is not an unadjusted two-sample test's)
    continuous_models: list[str] = Field(default_factory=list)
    continuous_models_quote: str | None = None
    # exact or resampling tests the methods name besides Fisher's (exact linear-by-linear, permutation, Monte Carlo):
    # their P is not the asymptotic tail of the printed statistic
    exact_tests: list[str] = Field(default_factory=list)   # exact, permutation, monte-carlo
    exact_tests_quote: str | None = None
    # the article declares its confidence intervals bootstrap intervals (percentile, BCa): they need not be
    # symmetric around the estimate on any scale
    bootstrap_intervals: bool = False
    bootstrap_intervals_quote: str | None = None
    # the article says its tests or P values are one-sided ("Chi-square test (one-sided)", "P (one sided)")
    one_sided: bool = False
    one_sided_quote: str | None = None
    # what the methods or statistics text declares the "±" of its means to be ("sd", "se", or both), figures aside
    mean_spread: list[str] = Field(default_factory=list)
    mean_spread_quote: str | None = None
    # a rank (non-parametric) test named in the methods, statistics, table or figure text, with a quote: a P printed
    # beside two means may come from it
    rank_tests: bool = False
    rank_tests_quote: str | None = None
    # the significance levels the article declares ("P < 0.01 was considered significant", "significance level
    # P<0.01", "α = 0.05"), with the first quote
    alpha_levels: list[float] = Field(default_factory=list)
    alpha_quote: str | None = None


class KaplanMeierMedian(Model):
    """A Kaplan–Meier median survival time as printed (a table cell or words of a sentence), with the first and
    third quartiles when the row prints them as the curve's Q1 and Q3, and its unit of time (months, years,
    weeks, days)."""

    value: Num
    q1: Num | None = None
    q3: Num | None = None
    unit: str
    label: str                 # the median row's label, or "median PFS" in text
    evidence: Evidence         # role "median"


class LandmarkRate(Model):
    """A landmark survival rate paired with the Kaplan–Meier median of the same curve (see
    :mod:`trialaudit.extractor.study.survival`): ``source`` says how they were paired (``"table"``: the same
    column of one block of rows; ``"text"``: one clause; ``"paired"``: per-arm lists of one paragraph in the same
    order). ``low``/``high`` are the rate's rounding interval in percent (the bound of "<10%"); ``months`` the
    landmark time converted to months."""

    source: Literal["table", "text", "paired"]
    endpoint: str              # the landmark row label's first part, or the endpoint's name (PFS, OS ...)
    time: str                  # the landmark time as printed ("12")
    time_unit: str             # as printed ("months", "yr")
    months: float
    rate: str                  # as printed, with "%"
    low: float
    high: float
    median: KaplanMeierMedian
    where: str                 # "Table 2, column 'Arm A'", the clause, or "" for per-arm lists
    evidence: Evidence         # role "landmark rate"
    key: str                   # stable identity of the pair (table, column, row label / clause)


class BinomialRate(Model):
    """A proportion printed with its confidence interval and the count and denominator it is made of (see
    :mod:`trialaudit.extractor.study.binomial_rates`): a table count with a "95% CI" row below it, a rate cell
    "81.8% (68.7%, 95.0%)" in a CI row (the count from the percentage and the column's n), "17/53 (95% CI
    19.9–46.3)" in a sentence, or a rate with its CI and the sentence's stated population. ``scale`` is 100 when
    the bounds are percentages, 1 for proportions; ``other_ks`` are the other counts the printed percentage allows
    out of ``n``."""

    k: int
    n: int
    low: Num
    high: Num
    level: float
    scale: float
    where: str
    evidence: list[Evidence] = Field(default_factory=list)
    n_source: str
    key: str
    other_ks: list[int] = Field(default_factory=list)


class ResponseCounts(Model):
    """The response categories (CR, PR, SD ...) one arm's column or row of one table counts, with its n (see
    :mod:`trialaudit.extractor.study.response_rates`). ``key`` is "<table label>::<arm id>" (or "::label:<column>"
    when the column names no arm of the study)."""

    key: str
    n: int
    n_source: str
    n_evidence: Evidence | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    evidence: dict[str, Evidence] = Field(default_factory=dict)


class ReportedRate(Model):
    """A response rate (ORR, DCR, CBR) printed for one arm, as a count and/or a percentage: a rate row or column of
    a table (``key`` as in :class:`ResponseCounts`) or a sentence ("text::<arm id>")."""

    key: str
    measure: str
    count: int | None = None
    percent: Num | None = None
    evidence: Evidence
    where: str


class SentenceResponse(Model):
    """One sentence that gives response categories and a rate derived from them for one population ("Among the 47
    patients, 3 (6.4%) achieved a complete response and 14 (29.8%) a partial response, for an ORR of 36.2%").
    ``n`` is the population the sentence states, else the study's when it has no sized arms; ``n_source`` says
    which."""

    sentence: str
    measure: str
    text: str                     # from the measure to the end of its rate
    counts: dict[str, int] = Field(default_factory=dict)
    count: Num | None = None      # the rate's own count, when printed ("17 (36.2%)")
    percent: Num | None = None
    n: int | None = None
    n_source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)   # the rate first, then each category
    key: str


class TextPercentage(Model):
    """A count with its percentage printed in a sentence, with the denominator it is out of (see
    :mod:`trialaudit.extractor.study.text_percentages`): ``source="n/N"`` for "12/40 (30%)", ``"sentence"`` for a
    bare "12 (30%)" in a sentence that states its population ("of the 40 evaluable patients"). ``other_ns`` are the
    other denominators the same sentence states or implies (more "k of N", "(n = 335)", the total of counts whose
    percentages add up to 100%): a bare count may be out of any of them."""

    sentence: str
    where: str                # the quantity as printed
    count: int
    percent: Num
    n: int
    source: Literal["n/N", "sentence"]
    other_ns: list[int] = Field(default_factory=list)
    evidence: Evidence        # role "reported"


class TrialNameMention(Model):
    """A place where the article writes something close to the trial's name (``Study.acronym``; see
    :mod:`trialaudit.extractor.study.trial_name`): ``"near"`` — as many words as the name whose letters are within
    ``edits`` edits of the name's (``similarity``: rapidfuzz ratio of the folded letters); ``"stem"`` — the name's
    stem followed by another number (``number`` as printed)."""

    kind: Literal["near", "stem"]
    text: str                  # verbatim
    edits: int | None = None
    similarity: float | None = None
    number: str | None = None
    sentence: str              # Sentence.id
    evidence: Evidence         # role "written '...'"


class Study(Model):
    """All facts extracted from one article."""

    id: str
    title: str | None = None
    design: Design = Field(default_factory=Design)
    registry_ids: list[str] = Field(default_factory=list)
    registry_mentions: list[Provenance] = Field(default_factory=list)
    # every registry id printed, with whether it is this study's own (see RegistryIdMention)
    registry_id_mentions: list[RegistryIdMention] = Field(default_factory=list)
    # the article reports several trials ("Results from Two Randomized Trials", "Study 1 ... Study 2"): each may
    # have its own registration; the words that say so
    several_trials: str | None = None
    acronym: str | None = None
    acronym_provenance: Provenance | None = None
    # every near copy of the trial's name outside the introduction, discussion and citing sentences
    trial_name_mentions: list[TrialNameMention] = Field(default_factory=list)
    enrolment_start: str | None = None
    enrolment_end: str | None = None
    data_cutoff: str | None = None
    median_follow_up: Quantity | None = None
    planned_sample_size: int | None = None
    total_n: int | None = None
    sample_sizes: list[SampleSize] = Field(default_factory=list)
    arms: list[Arm] = Field(default_factory=list)
    regimens: list[RegimenMention] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    effects: list[EffectEstimate] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    baseline: list[BaselineRow] = Field(default_factory=list)
    tests: list[StatTest] = Field(default_factory=list)
    references: list[ReferenceEntry] = Field(default_factory=list)
    citations: list[CitationLink] = Field(default_factory=list)
    denominators: list[CellDenominator] = Field(default_factory=list)
    # every date the article prints (the chosen ones are also above: enrolment_start ...)
    dates: StudyDates = Field(default_factory=StudyDates)
    # every ratio estimate with a CI (and its P), for the ratio rules
    ratio_estimates: list[RatioEstimate] = Field(default_factory=list)
    # results as printed, place by place (abstract, text, tables), for comparing one place with another
    reported_values: list[ReportedValue] = Field(default_factory=list)
    # sentence id -> section kind, where ingestion put a sentence in the wrong section (see study.sections)
    section_repairs: dict[str, str] = Field(default_factory=dict)
    # the study's and arms' sizes as each place states them, and the agreed ones (see PopulationSizes)
    population_sizes: PopulationSizes = Field(default_factory=PopulationSizes)
    # every "of the N patients" a sentence states (see StatedPopulation)
    stated_populations: list[StatedPopulation] = Field(default_factory=list)
    # every test printed in a table with the count tables or means it may come from (see TableTest)
    table_tests: list[TableTest] = Field(default_factory=list)
    # every two-group test printed in a sentence with its proportions or means (see TextTest)
    text_tests: list[TextTest] = Field(default_factory=list)
    # every mean a sentence prints with the number of values it averages (see TextMean)
    text_means: list[TextMean] = Field(default_factory=list)
    # every fraction of patients printed in running text (see PatientFraction)
    patient_fractions: list[PatientFraction] = Field(default_factory=list)
    # every estimate with an interval printed in a sentence (see TextInterval)
    text_intervals: list[TextInterval] = Field(default_factory=list)
    # every estimate with an interval printed in a table (see TableInterval)
    table_intervals: list[TableInterval] = Field(default_factory=list)
    # every test statistic printed with its P in a sentence (see TextStatistic)
    text_statistics: list[TextStatistic] = Field(default_factory=list)
    # tests printed whole in one table cell (see CellStatistic)
    cell_statistics: list[CellStatistic] = Field(default_factory=list)
    # the arms whose regimens are compared (ids; None: the design is unclear), the dose passages attributed to them
    # outside the discussion, introduction and references, and whether the article speaks of dose finding
    regimen_arms: list[str] | None = None
    dose_passages: list[RegimenMention] = Field(default_factory=list)
    dose_finding_wording: bool = False
    # every clause that claims a difference is (or is not) significant, with its own evidence (see SignificanceClaim)
    significance_claims: list[SignificanceClaim] = Field(default_factory=list)
    # the ECOG and age limits of the inclusion criteria, and the age ranges the results print
    eligibility: list[EligibilityLimit] = Field(default_factory=list)
    stated_age_ranges: list[StatedAgeRange] = Field(default_factory=list)
    # the diagnosis the inclusion criteria require (the population's disease), if they name one
    required_diagnosis: RequiredDiagnosis | None = None
    # rows of a table with a Total column beside its arm columns, and "Male/Female | 31/24" pairs (see TotalColumnRow,
    # SlashPair)
    total_column_rows: list[TotalColumnRow] = Field(default_factory=list)
    category_rows_columns: list[CategoryRowsColumn] = Field(default_factory=list)
    category_columns_rows: list[CategoryColumnsRow] = Field(default_factory=list)
    slash_pairs: list[SlashPair] = Field(default_factory=list)
    # in tables of row percentages, the one cell of a row that is not of the row's total (see RowPercentMisfit)
    row_percent_misfits: list[RowPercentMisfit] = Field(default_factory=list)
    # the percentages printed for each set of categories, per column (see CategoryPercentages)
    category_percentages: list[CategoryPercentages] = Field(default_factory=list)
    # median rows followed by threshold categories of the same variable (see MedianCategories)
    median_categories: list[MedianCategories] = Field(default_factory=list)
    # table rows that name one diagnosis, with their counts in this study's columns (see DiagnosisRow)
    diagnosis_rows: list[DiagnosisRow] = Field(default_factory=list)
    # every run of category rows of one variable in a table, with its exclusive/complete verdict
    category_sets: list[CategorySetFact] = Field(default_factory=list)
    # places that declare ranges are printed maximum first ("Median Range (Maximum- Minimum)")
    range_order_declarations: list[Evidence] = Field(default_factory=list)
    # landmark survival rates with the Kaplan–Meier median of the same curve (see LandmarkRate)
    survival_landmarks: list[LandmarkRate] = Field(default_factory=list)
    # proportions printed with their confidence interval, count and denominator (see BinomialRate), and the
    # binomial interval methods the methods text names ("Clopper-Pearson", "Wilson" ...), with a quote
    binomial_rates: list[BinomialRate] = Field(default_factory=list)
    ci_methods: list[str] = Field(default_factory=list)
    ci_methods_quote: str | None = None
    # response categories per arm and table, the response rates printed for arms, and sentences that give both
    # (see ResponseCounts, ReportedRate, SentenceResponse)
    response_counts: list[ResponseCounts] = Field(default_factory=list)
    reported_rates: list[ReportedRate] = Field(default_factory=list)
    sentence_responses: list[SentenceResponse] = Field(default_factory=list)
    # counts with percentages in sentences, with their denominators (see TextPercentage)
    text_percentages: list[TextPercentage] = Field(default_factory=list)
    # table means of whole-number variables with the n they average (see TableMean)
    table_means: list[TableMean] = Field(default_factory=list)
    # doses written next to their drugs in sentences (see StatedDose)
    stated_doses: list[StatedDose] = Field(default_factory=list)
    # P values printed above 1, in sentences or in table P columns (see ImpossiblePValue)
    impossible_p_values: list[ImpossiblePValue] = Field(default_factory=list)
    # the response criteria the article cites and its own PR/PD threshold definitions
    criteria_citations: list[CriteriaCitation] = Field(default_factory=list)
    response_definitions: list[ResponseDefinition] = Field(default_factory=list)
    # baseline rows an eligibility limit can contradict: ECOG and age categories, age ranges (see BaselineLimitRow)
    baseline_limit_rows: list[BaselineLimitRow] = Field(default_factory=list)
    # the tests the methods text names for categorical and for continuous data
    named_tests: NamedTests = Field(default_factory=NamedTests)
