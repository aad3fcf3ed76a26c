"""The question's intervention and comparator matched to the study's arms and to a
table's columns: the arms -> columns step of :func:`trialaudit.meta.answer`.

Column headers are scored against the arm texts (their alternatives, the group labels
the article defines, the extracted arms' labels, aliases and drugs); a column must fit
its arm clearly better than the other arm, a near rival makes the columns unclear (None,
never a guess). Time points, strata ('Children / Placebo', 'Overall / Placebo'), mean/SD
and n/% sub-columns are resolved here.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from trialaudit.extractor.study.arms import resolve_arm, strip_n
from trialaudit.extractor.study.meta_labels import LabelDefinition, labels_in
from trialaudit.schemas.document import Table
from trialaudit.schemas.study import Arm
from trialaudit.meta_words import _content, _is_abbreviation, _norm, _stem

ARM_THRESHOLD = 70.0      # intervention/comparator text vs column header


ARM_MARGIN = 5.0


DOSE_PENALTY = 25.0       # a header's number that the question does not name


JUDGED = 90.0             # a header made only of one arm's words


ARM_RIVAL = 10.0     # a third column within this of the best makes the arm unclear          # a column must fit its arm better than the other arm by this much


_NON_ARM_COL = re.compile(
    r"^\s*(p|p[- ]?values?|[tfz][- ](test|values?|statistics?)|chi[- ]?squared?|total|all|overall|difference|diff|effect|or|rr|hr|rd|arr|rrr|nnt|risk difference|risk ratio|odds ratio|hazard ratio|95%|ci|change|"
    r"characteristics?|variables?|outcomes?|parameters?|es|effect size|cohen'?s?|t|f|z|u|χ2|chi|statistics?|"
    r"test|df|sig|significance|mean difference|md|smd)(?![\w-])", re.I)


_OVERALL = re.compile(r"^\s*(overall|total|all( patients| participants| subjects)?|whole (sample|population)|combined)\s*$", re.I)


_BASELINE_ROW = re.compile(r"\b(baseline|pre[- ]?(treatment|intervention|test|op(erative)?)?|before|"
                           r"admission|at entry|initial|week 0|day 0|screening)\b", re.I)


_ARM_STOP = {"the", "group", "groups", "arm", "cohort", "of", "patients", "participants", "subjects",
             "with", "in", "treated", "who", "received", "receiving", "a", "an", "and", "or", "were", "was"}


def _arm_norm(s: str) -> str:
    toks = [t for t in _norm(s).split() if t not in _ARM_STOP]
    return " ".join(toks)


def _alternatives(text: str) -> list[str]:
    """'White Grape Juice (WGJ)' -> full text, text without the parenthetical, 'WGJ',
    and the leading clause ('intervention group, i.e. ...' -> 'intervention group')."""
    alts = [text]
    inner = re.findall(r"\(([^()]{1,60})\)", text)
    outer = re.sub(r"\([^()]*\)", " ", text).strip()
    if outer and outer != text:
        alts.append(outer)
    alts.extend(i for i in inner if i.strip())
    lead = re.split(r",|;|:|\s[-–]\s|\bi\.e\.|\bwhich\b|\bwho\b", outer or text)[0].strip()
    if lead and lead != outer:
        alts.append(lead)
    return list(dict.fromkeys(a for a in (_arm_norm(x) for x in alts) if a))


_CONTROL = re.compile(r"^\s*(no|without)\s+\w|\b(control|controls|placebo|pbo|sham|usual|standard|routine|conventional|"
                      r"no (intervention|treatment|therapy)|non[- ]?intervention|untreated|tau|"
                      r"wait[- ]?list|waiting list|vehicle|dummy)\b", re.I)


_GENERIC_ACTIVE = re.compile(r"^\s*(intervention|treatment|experimental|study|active|trial)\s*$", re.I)


def _exact_len(col: str, query_alts: list[str]) -> int:
    """Length of the longest wording of ``col`` equal to one of the query's: 'ACVC-HA group'
    is a more specific match of 'ACVC-HA ... (ACVC) ...' than 'ACVC group'."""
    raw = strip_n(col)[0]
    alts = set(_alternatives(raw)) or {_arm_norm(raw)}
    alts |= set(labels_in(raw))
    return max((len(a) for a in alts if a in query_alts), default=0)


def expand_abbreviations(text: str, abbrev: dict[str, str] | None) -> str:
    """``text`` with the abbreviations the article defines written out ('CZP 200 mg + MTX' ->
    'certolizumab pegol 200 mg + methotrexate'); ``text`` itself when it holds none."""
    if not abbrev:
        return text
    return re.sub(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![\w-])",
                  lambda m: abbrev.get(m.group(0), m.group(0)) if sum(c.isupper() for c in m.group(0)) >= 2
                  else m.group(0), text)


def _arm_score(col: str, query_alts: list[str], query_is_control: bool | None = None,
               abbrev: dict[str, str] | None = None) -> float:
    raw = strip_n(col)[0]
    col_alts = _alternatives(raw) or [_arm_norm(raw)]
    wide = expand_abbreviations(raw, abbrev)
    if wide != raw:   # the header's abbreviations written out, as the article defines them
        col_alts += [a for a in _alternatives(wide) if a not in col_alts]
    base = col_alts[0] if col_alts else ""
    if not base and not labels_in(raw):
        return 0.0
    best = 0.0
    if any(k in query_alts for k in labels_in(raw)):
        best = 100.0
    for b in col_alts:
        for q in query_alts:
            if b == q:
                best = 100.0
                break
            sc = 0.6 * fuzz.token_set_ratio(b, q) + 0.4 * fuzz.token_sort_ratio(b, q)
            best = max(best, min(sc, 95.0))
    # an abbreviation in the header for the arm's words ('F-URS' for 'flexible ureteroscopy')
    if best < 90:
        for tok in re.findall(r"\b[A-Z][A-Za-z]*(?:-[A-Z]+)*\b", raw):
            letters = tok.replace("-", "")
            if sum(ch.isupper() for ch in letters) < 2:
                continue
            if any(_is_abbreviation(letters, q.split()) for q in query_alts):
                best = max(best, 90.0)
    if query_is_control is None:
        return best
    col_control = bool(_CONTROL.search(raw))
    if col_control and not query_is_control:
        return min(best, 60.0)   # a control column never answers for an active arm
    if col_control and query_is_control:
        best = max(best, 88.0)
    elif not col_control and not query_is_control and _GENERIC_ACTIVE.match(base):
        best = max(best, 85.0)   # 'Intervention' column for a named active arm
    return best


LABEL_COVERAGE = 0.75     # share of the query's words a group's definition must contain


LABEL_MARGIN = 0.3        # ... more than any other group's definition


def _words(s: str) -> set[str]:
    return {_stem(t) for t in _arm_norm(s).split() if len(t) > 1 or t.isdigit()}


def _label_keys(text: str, defs: list[LabelDefinition]) -> list[str]:
    """The group label ('group:i') whose definition in the text describes ``text``."""
    keys = labels_in(text)
    if keys or not defs:
        return keys
    q = _words(text)
    if not q:
        return []
    best: dict[str, float] = {}
    for d in defs:
        cov = len(q & _words(d.text)) / len(q)
        best[d.key] = max(best.get(d.key, 0.0), cov)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= LABEL_COVERAGE and \
            (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= LABEL_MARGIN):
        return [ranked[0][0]]
    return []


def _study_arm(text: str, arms: list[Arm], alts: list[str] | None = None, sizes_only: bool = False) -> Arm | None:
    """The study arm the question's arm text names: by label or alias, by a clear best
    wording match, or by role (a control named 'usual care', 'placebo', ... when the
    study's control-like arms are one arm of one size). None when unclear."""
    if not arms:
        return None
    arm = resolve_arm(text, arms)
    if arm is not None:
        return arm
    alts = alts if alts is not None else _alternatives(text)
    scored = []
    for a in arms:
        if a.is_total:
            continue
        names = [a.label, *a.aliases, *a.drugs]
        scored.append((max(_arm_score(n, alts) for n in names), a))
    scored.sort(key=lambda x: -x[0])
    if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= ARM_MARGIN):
        return scored[0][1]
    if sizes_only and scored and scored[0][0] >= 85:
        near = [a for sc, a in scored if sc >= 85]
        if len({a.n for a in near}) == 1 and near[0].n is not None:
            return near[0]   # several arms fit the words, all of one size: the size is known
    if _CONTROL.search(text):
        controls = [a for a in arms if not a.is_total and any(_CONTROL.search(n) for n in [a.label, *a.aliases])]
        if controls and len({a.n for a in controls}) == 1 and controls[0].n is not None:
            return controls[0]
    return None


def _query_alts(text: str, arms: list[Arm], defs: list[LabelDefinition] | None = None) -> list[str]:
    """The query's own wordings plus those of the study arm it names (when one does) and
    the group label the text defines for it."""
    alts = _alternatives(text)
    alts.extend(_label_keys(text, defs or []))
    arm = _study_arm(text, arms, alts)
    if arm is not None:
        alts.extend(_arm_norm(n) for n in [arm.label, *arm.aliases] if _arm_norm(n))
    return list(dict.fromkeys(alts))


def _arm_by_abbreviation(alts: list[str], arms: list[Arm], abbrev: dict[str, str] | None) -> Arm | None:
    """The one study arm whose label is the long form of an abbreviation the article defines
    and the question uses ('colored and flavored water (WA)', 'WA' defined as 'water', arm
    'Water')."""
    lower = {_arm_norm(k): _arm_norm(v) for k, v in (abbrev or {}).items()}
    longs = {lower[a] for a in alts if a in lower and lower[a]}
    found = [a for a in arms if not a.is_total and _arm_norm(a.label) in longs]
    return found[0] if len(found) == 1 else None


def other_arm_alts(intervention: str, comparator: str, arms: list[Arm], int_alts: list[str],
                   cmp_alts: list[str], abbrev: dict[str, str] | None = None) -> list[str]:
    """Wordings of the study's groups other than the two asked ('Apple Juice' and its defined
    abbreviation 'AJ' when the question asks white grape juice against water): they hold
    places in a sentence's 'respectively' list. Only when both asked arms are study arms,
    and never a wording that is (in words) part of the asked arms' wordings or holds one."""
    ai = _study_arm(intervention, arms, int_alts) or _arm_by_abbreviation(int_alts, arms, abbrev)
    ac = _study_arm(comparator, arms, cmp_alts) or _arm_by_abbreviation(cmp_alts, arms, abbrev)
    if ai is None or ac is None or ai is ac:
        return []
    mine = [f" {m} " for m in [*int_alts, *cmp_alts] if not m.startswith("group:")]
    out: list[str] = []
    for a in arms:
        if a.is_total or a is ai or a is ac:
            continue
        names = {_arm_norm(n) for n in [a.label, *a.aliases]} - {""}
        names |= {_arm_norm(k) for k, v in (abbrev or {}).items() if _arm_norm(v) in names} - {""}
        for w in sorted(names):
            if any(f" {w} " in m or m in f" {w} " for m in mine):
                continue
            out.append(w)
    return list(dict.fromkeys(out))


def _distinct_run(mine: list[str], other: list[str]) -> str | None:
    """The one run of words of ``mine`` that ``other`` does not share, with a number's
    unit ('1 week' of '1-week quadruple therapy' against '2-week quadruple therapy')."""
    ops = [op for op in SequenceMatcher(a=mine, b=other, autojunk=False).get_opcodes() if op[0] != "equal"]
    runs = [(i1, i2) for tag, i1, i2, _, _ in ops if i2 > i1]
    if len(runs) != 1:
        return None
    i1, i2 = runs[0]
    if set(mine[i1:i2]) & set(other):
        return None   # the differing words are words of the other arm too ('A + B' / 'B + A')
    if all(t.replace(".", "").isdigit() for t in mine[i1:i2]) and i2 < len(mine):
        i2 += 1
    run = mine[i1:i2]
    if not any(len(t) >= 3 and t.isalpha() for t in run):
        return None
    return " ".join(run)


def distinct_alts(intervention: str, comparator: str) -> tuple[list[str], list[str]]:
    """The words that tell the two arms apart, as extra wordings of each: 'cemented component'
    against 'trabecular metal tibial monoblock component (TM)' -> 'cemented' and 'trabecular
    metal tibial monoblock'. Nothing when the texts share no words or differ in several places."""
    wi = _arm_norm(re.sub(r"\([^()]*\)", " ", intervention)).split()
    wc = _arm_norm(re.sub(r"\([^()]*\)", " ", comparator)).split()
    if not wi or not wc or not set(wi) & set(wc):
        return [], []
    ri, rc = _distinct_run(wi, wc), _distinct_run(wc, wi)
    if ri is None or rc is None or ri == rc:
        return [], []
    return [ri], [rc]


_MEAN_SUB = re.compile(r"^\s*(mean|χ|x̄|x|average|m)\s*$", re.I)


_N_SUB = re.compile(r"^\s*(n|no\.?|number|count)\s*$", re.I)


_PCT_SUB = re.compile(r"^\s*\(?\s*%\s*\)?\s*$", re.I)


_SD_SUB = re.compile(r"^\s*(sd|s\.d\.|±\s*sd|standard deviation)\s*$", re.I)


Col = tuple[int, "int | None"]   # (value column, separate SD column or None)


def _strata_rests(t: Table, ncols: int) -> set[str]:
    """The second header level under strata that are not the overall one ('Placebo' of
    'Children / Placebo (n = 42)')."""
    out = set()
    for j in range(1, ncols):
        parts = t.column_label(j).split(" / ")
        if len(parts) > 1 and not _OVERALL.match(parts[0]) and not _NON_ARM_COL.match(parts[0]):
            out.add(strip_n(parts[1])[0])
    return out


def _respanned_labels(labels: list[str]) -> list[str]:
    """Column labels whose spanning arm headers lost their span: 'A / Mean', 'B / SD', 'Mean',
    'SD' (each arm's header over its first column only) -> 'A / Mean', 'A / SD', 'B / Mean',
    'B / SD'. Only the exact pattern: k headed columns then k bare ones, sub-labels
    alternating mean, SD; anything else is left as it is."""
    out = list(labels)
    for start in range(len(labels)):
        for k in range(len(labels) - start, 1, -1):
            if start + 2 * k > len(labels):
                continue
            run = labels[start:start + 2 * k]
            tops, subs = [], []
            for x in run:
                top, _, sub = x.rpartition(" / ") if " / " in x else ("", "", x)
                tops.append(top)
                subs.append(sub)
            if not all(_MEAN_SUB.match(subs[i]) if i % 2 == 0 else _SD_SUB.match(subs[i]) for i in range(2 * k)):
                continue
            if not all(tops[:k]) or any(tops[k:]) or len(set(tops[:k])) != k:
                continue
            for i in range(k):
                out[start + 2 * i] = f"{tops[i]} / {subs[2 * i]}"
                out[start + 2 * i + 1] = f"{tops[i]} / {subs[2 * i + 1]}"
            return out
    return out


def _column_groups(t: Table) -> dict[str, Col]:
    """Arm-like columns of ``t`` by label; a 'mean' and an 'SD' sub-column under one
    header become one column pair."""
    ncols = max((len(r.cells) for r in t.rows), default=0)
    by_top: dict[str, list[tuple[int, str]]] = {}
    strata = _strata_rests(t, ncols)
    respanned = _respanned_labels([t.column_label(j) for j in range(1, ncols)])
    for j in range(1, ncols):
        lab = respanned[j - 1]
        if not lab:
            continue
        top, _, sub = lab.rpartition(" / ") if " / " in lab else (lab, "", "")
        parts = lab.split(" / ")
        if len(parts) > 1 and _OVERALL.match(parts[0]) and strip_n(parts[1])[0] in strata:
            parts = parts[1:]   # 'Overall / Placebo' beside 'Children / Placebo': the whole population's arm
        if _NON_ARM_COL.match(sub or top) or any(_NON_ARM_COL.match(part) for part in parts):
            continue   # a p-value, a difference between groups, ... at any header level
        paired = sub and any(rx.match(sub) for rx in (_MEAN_SUB, _SD_SUB, _N_SUB, _PCT_SUB))
        by_top.setdefault(top if paired else lab, []).append((j, sub))
    out: dict[str, Col] = {}
    for key, cols in by_top.items():
        if len(cols) == 1:
            out[key] = (cols[0][0], None)
        else:
            means = [j for j, sub in cols if _MEAN_SUB.match(sub)]
            sds = [j for j, sub in cols if _SD_SUB.match(sub)]
            if len(cols) == 2 and len(means) == 1 and len(sds) == 1:
                out[key] = (means[0], sds[0])
                continue
            counts = [j for j, sub in cols if _N_SUB.match(sub)]
            pcts = [j for j, sub in cols if _PCT_SUB.match(sub)]
            if len(cols) == 2 and len(counts) == 1 and len(pcts) == 1:
                out[key] = (counts[0], None)   # 'N' and '%' under one arm: the count column
                continue
            # the same header over a spanning empty column: keep the one that holds values
            filled = [j for j, _ in cols if any(j < len(r.cells) and r.cells[j].text.strip()
                                                 for r in t.rows if r.kind == "body")]
            if len(filled) == 1 and all(sub == cols[0][1] for _, sub in cols):
                out[key] = (filled[0], None)
    return out


_TIME_PART = re.compile(
    r"^\s*(baseline|pre\b|pre[- ]?(treatment|intervention|test)|post\b|post[- ]?(treatment|intervention|test)|"
    r"week|wk\b|month|day\b|year|visit|t\d\b|follow|mid[- ]?point|end\b|end of|final|endpoint|"
    r"\d+(\.\d+)?\s*-?\s*(m|mo|months?|weeks?|wks?|days?|d|years?|y|h|hours?)\b)", re.I)


def _split_time(label: str) -> tuple[str, str]:
    """'Week 12 / CZP 200 mg (n = 393)' -> ('CZP 200 mg (n = 393)', 'Week 12')."""
    parts = label.split(" / ")
    if len(parts) < 2:
        return label, ""
    times = [p for p in parts if _TIME_PART.match(p)]
    arms = [p for p in parts if not _TIME_PART.match(p)]
    if len(times) != 1 or not arms:
        return label, ""
    # 'Week 12 (n=592) mean (95% CI)' -> 'Week 12': what the cells hold is no part of the time
    raw = re.sub(r"\s*\b(mean|median|sd|se)\b.*$|\s*\(?\s*95\s*%.*$", "", times[0], flags=re.I)
    return " / ".join(arms), strip_n(raw)[0].strip() or strip_n(times[0])[0]


def _time_in_outcome(tm: str, outcome: str) -> bool:
    nums = re.findall(r"\d+", tm)
    if not nums:
        return False
    return all(re.search(rf"\b{n}\s*-?\s*(m\b|mo\b|months?|weeks?|wks?|days?|years?|h\b|hours?)", outcome, re.I)
               or re.search(rf"\b(week|month|day|year|visit)s?\s*{n}\b", outcome, re.I) for n in nums)


def _stratum_columns(groups: dict[str, Col], outcome: str, arm_alts: list[str]) -> dict[str, Col]:
    """Arms printed under strata ('Children / Placebo', ..., 'Overall / Placebo'; 'Cervical
    spine / Open MR', 'Lumbar spine / Open MR'): the stratum the outcome names, else the
    overall one; the arms' columns under it, their labels without the stratum."""
    split = [k.split(" / ", 1) for k in groups]
    if len(split) < 4 or any(len(p) < 2 for p in split):
        return groups
    tops = list(dict.fromkeys(p[0] for p in split))
    if len(tops) < 2 or any(_TIME_PART.match(tp) for tp in tops):
        return groups
    if any(_arm_score(tp, arm_alts) >= ARM_THRESHOLD for tp in tops):
        return groups   # the top level names the arms (times or measures below them)
    rests = [{strip_n(p[1])[0] for p in split if p[0] == tp} for tp in tops]
    if any(r != rests[0] for r in rests[1:]):
        return groups   # not the same arms under each stratum
    ow = set(_content(outcome))
    named = [tp for tp in tops if (cw := set(_content(tp))) and cw <= ow]
    pick = named if len(named) == 1 else [tp for tp in tops if _OVERALL.match(tp)]
    if len(pick) != 1:
        return groups
    return {k.split(" / ", 1)[1]: col for k, col in groups.items() if k.split(" / ", 1)[0] == pick[0]}


def _arm_columns(t: Table, int_alts: list[str], cmp_alts: list[str],
                 roles: tuple[bool | None, bool | None] = (None, None),
                 outcome: str = "", judge=None, abbrev: dict[str, str] | None = None) -> tuple[Col, Col] | None:
    """The column of the intervention and of the comparator in ``t`` (None when unclear).

    ``roles`` says whether the intervention / the comparator text names a control. When
    the arms are printed at several time points, the time the outcome names is taken,
    else the last one after baseline."""
    groups = _stratum_columns(_column_groups(t), outcome, int_alts + cmp_alts)
    by_time: dict[str, dict[str, Col]] = {}
    for key, col in groups.items():
        arm, tm = _split_time(key)
        if arm in by_time.setdefault(tm, {}):
            return None
        by_time[tm][arm] = col
    timed = [tm for tm in by_time if tm and len(by_time[tm]) >= 2]
    if "" in by_time and len(timed) >= 2:
        by_time.pop("")   # a 'Subgroup' or '% change' column beside arms at time points is no arm
    if len(by_time) > 1 and "" not in by_time:
        times = list(by_time)  # in column order
        named = [tm for tm in times if _time_in_outcome(tm, outcome)]
        asks_baseline = bool(_BASELINE_ROW.search(outcome))
        if len(named) == 1:
            tm = named[0]
        else:
            later = [tm for tm in times if bool(_BASELINE_ROW.search(tm)) == asks_baseline]
            if not later:
                return None
            tm = later[-1] if not asks_baseline else later[0]
        return _pick_columns(by_time[tm], int_alts, cmp_alts, roles, judge, abbrev)
    return _pick_columns(groups, int_alts, cmp_alts, roles, judge, abbrev)


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", text.replace(" 0 ", " 0.").replace(",", "."))}


def _distinguishing_numbers(groups: dict[str, Col], int_alts: list[str],
                            cmp_alts: list[str]) -> tuple[str, str] | None:
    """Two arms told apart only by a number ('... for 48 weeks' / '... for 24 weeks'; columns
    'SD48W' and 'SD24W'): each column holds exactly one of the numbers only one side names."""
    qi = set().union(*(_numbers(a) for a in int_alts)) if int_alts else set()
    qc = set().union(*(_numbers(a) for a in cmp_alts)) if cmp_alts else set()
    only_i, only_c = qi - qc, qc - qi
    if not only_i or not only_c:
        return None
    side = {}
    for k in groups:
        kn = {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", strip_n(k)[0])}
        hi, hc = kn & only_i, kn & only_c
        if bool(hi) == bool(hc):
            return None
        if kn - only_i - only_c:
            return None   # another number (a time point, a dose) the question does not explain
        side[k] = "i" if hi else "c"
    a, b = list(groups)
    if side[a] == side[b]:
        return None
    return (a, b) if side[a] == "i" else (b, a)


_ADD_ON_FILLER = {"alone", "only", "group", "arm", "groups", "plus", "with", "and", "the"}


def _nested_pair(groups: dict[str, Col], judge=None) -> tuple[str, str] | None:
    """An add-on design: 'BTH1677/Bevacizumab/Carboplatin/Paclitaxel' beside 'Bevacizumab/
    Carboplatin/Paclitaxel', 'MPC + HA' beside 'HA alone'. The column with the extra
    component is the intervention when the extra words belong to the intervention's
    description only (and the shared ones do not)."""
    a, b = list(groups)
    wa = _words(strip_n(a)[0]) - _ADD_ON_FILLER
    wb = _words(strip_n(b)[0]) - _ADD_ON_FILLER
    if not wa or not wb or wa == wb:
        return None
    if wb < wa:
        big, small, extra = a, b, wa - wb
    elif wa < wb:
        big, small, extra = b, a, wb - wa
    else:
        return None
    if _CONTROL.search(big):
        return None
    if judge is not None and judge(" ".join(sorted(extra))) == "i" and judge(" ".join(sorted(
            _words(strip_n(small)[0]) - _ADD_ON_FILLER))) != "i":
        return big, small
    return None


def _pick_columns(groups: dict[str, Col], int_alts: list[str], cmp_alts: list[str],
                  roles: tuple[bool | None, bool | None], judge=None,
                  abbrev: dict[str, str] | None = None) -> tuple[Col, Col] | None:
    si = {k: _arm_score(k, int_alts, roles[0], abbrev) for k in groups}
    sc = {k: _arm_score(k, cmp_alts, roles[1], abbrev) for k in groups}
    # a dose in the header must be the dose the question names ('CZP 400 mg' is not 'certolizumab 200 mg')
    for score, alts in ((si, int_alts), (sc, cmp_alts)):
        qn = set().union(*(_numbers(a) for a in alts)) if alts else set()
        if not qn:
            continue
        for k in groups:
            kn = _numbers(strip_n(k)[0])
            if kn and not kn <= qn:
                score[k] -= DOSE_PENALTY
    if judge is not None:
        # a header whose words all belong to one arm's description ('Left anodal' for
        # 'left DLPFC anodal tDCS', 'EP group' for 'externship program (EP)')
        int_is_control = any(_CONTROL.search(a) for a in int_alts)
        for k in groups:
            side = judge(strip_n(k)[0])
            if side == "i" and _CONTROL.search(k) and not int_is_control:
                continue   # a control column never answers for an active arm
            if side == "i":
                si[k] = max(si[k], JUDGED)
            elif side == "c":
                sc[k] = max(sc[k], JUDGED)
    ci = [k for k in si if si[k] >= ARM_THRESHOLD and si[k] - sc[k] >= ARM_MARGIN]
    cc = [k for k in sc if sc[k] >= ARM_THRESHOLD and sc[k] - si[k] >= ARM_MARGIN]
    if len(groups) == 2:
        # two arm columns, one clearly named: the other is the other arm (a control
        # called 'placebo', 'usual care', ...) unless it fits the named arm too
        a, b = list(groups)
        if ci and not cc:
            other = b if ci[0] == a else a
            if si[other] < ARM_THRESHOLD and len(ci) == 1:
                cc = [other]
        elif cc and not ci:
            other = b if cc[0] == a else a
            if sc[other] < ARM_THRESHOLD and len(cc) == 1:
                ci = [other]
    if (not ci or not cc) and len(groups) == 2:
        pair = _distinguishing_numbers(groups, int_alts, cmp_alts) or _nested_pair(groups, judge)
        if pair is not None:
            return groups[pair[0]], groups[pair[1]]
    if not ci or not cc:
        return None
    bi = max(ci, key=lambda k: (si[k], _exact_len(k, int_alts)))
    bc = max(cc, key=lambda k: (sc[k], _exact_len(k, cmp_alts)))
    # two columns fitting equally well (e.g. the arm at two time points) -> unclear
    if bi == bc:
        return None
    # another arm column fitting almost as well ('ACVC' beside 'ACVC-HA', the arm at two
    # time points) -> unclear which one is meant
    def rival(score: dict, best: str, alts: list[str]) -> bool:
        return any(score[k] >= score[best] - ARM_RIVAL and (score[best] < 100 or score[k] >= 100)
                   and not (score[k] >= 100 and _exact_len(k, alts) < _exact_len(best, alts))
                   for k in groups if k not in (bi, bc))
    if rival(si, bi, int_alts) or rival(sc, bc, cmp_alts):
        return None
    return groups[bi], groups[bc]


_GENERIC_WORDS = {"intervention", "treatment", "experimental", "study", "active", "trial", "treated"}


def _vocab(text: str, alts: list[str], abbrev: dict[str, str]) -> set[str]:
    """The words that may name an arm: its own, its alternatives', and defined abbreviations
    of them (both ways)."""
    words = set(_words(text))
    for a in alts:
        if not a.startswith("group:"):
            words |= set(a.split())
    low = " ".join(sorted(words))
    for abbr, long_ in abbrev.items():
        if abbr.lower() in words:
            words |= _words(long_)
        lw = _words(long_)
        if lw and lw <= words:
            words.add(abbr.lower())
    return {w for w in words if not w.isdigit() and len(w) > 1} if low else set()


_N_PAREN = re.compile(r"\(\s*n\s*=\s*\d+\s*\)", re.I)


def _phrase_judge(intervention: str, comparator: str, int_alts, cmp_alts, abbrev):
    vi, vc = _vocab(intervention, int_alts, abbrev), _vocab(comparator, cmp_alts, abbrev)
    ic, cc = bool(_CONTROL.search(intervention)), bool(_CONTROL.search(comparator))

    # an add-on design ('ropivacaine + clonidine' against 'ropivacaine + saline'): the comparator
    # is the other arm's base, so 'the control group' is the comparator
    base = vc - {"saline", "placebo", "plus", "with", "alone", "only"}
    add_on = not ic and not cc and bool(base) and base < vi

    def judge(phrase: str) -> str | None:
        w = _words(_N_PAREN.sub(" ", phrase))   # 'EP group (n=19) Mean ± SD': the size is no name
        if not w:
            return None
        if w <= {"control", "placebo"} and (cc or add_on) and not ic:
            return "c"
        if w <= _GENERIC_WORDS and not ic and cc:
            return "i"
        in_i, in_c = w <= vi, w <= vc
        if in_i and not in_c:
            if _CONTROL.search(phrase) and not ic:
                return None   # a control group never answers for an active arm
            return "i"
        if in_c and not in_i:
            return "c"
        return None
    return judge
