"""Meta-analysis questions answered by trialaudit, measured against hand annotations.

For each question in ``annotations.json`` (pmcid, outcome, intervention,
comparator, outcome type and the hand-extracted numbers) read the article,
ask :func:`trialaudit.meta.answer` and classify the answer:

- exact: every number asked equals the annotation;
- rounding: every number within rounding of the annotation (the printed
  precision, or 1% relative);
- wrong: a number is given and differs;
- missing: "not reported" / "ambiguous".

Scored on the questions whose data are in the text or tables (not in a figure)
and whose annotation is complete. Usage::

    python bench/metaanalysis.py [--split TEST|DEV] [--limit N] [--articles N] [--show-wrong N]

``--split TEST`` also scores every question of the annotations' TEST split (656: 171
binary, 485 continuous, whatever their scope) the way Yun et al. (2024, "Automatically
extracting numerical results from randomized controlled trials with large language
models"; public repository hyesunyun/llm-meta-analysis) scored their models: a question
is exact when every field (binary: events and group size per arm; continuous: mean, SD
and group size per arm) equals the annotation, an unknown field ("x", here an empty
annotation or a value trialaudit does not give) counting as equal to an unknown one.
Their models' TEST-split numbers are printed beside trialaudit's (from the repository's
``evaluation/metrics/*/…_test_output_20240403-*.json_metrics.json`` files,
``exact_match_accuracy.total``).

Last measured (README, "meta-analysis"): binary 38/144 exact, continuous 88/258, 2 wrong; TEST
split 44/171 binary, 90/485 continuous (GPT-4 65.5% / 46.4%).
"""
from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from trialaudit.api import document_for
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.meta_abbrev import abbreviations
from trialaudit.meta import answer
from trialaudit.meta_words import _content
from trialaudit.validation.textmatch import footnote_abbreviations

ROOT = Path("/work/shared/realworld")

# Yun et al. 2024, TEST split, exact-match accuracy of all fields (their evaluation/metrics files,
# runs of 2024-04-03 on the Markdown inputs): (binary, continuous).
YUN_TEST = {
    "GPT-4": (0.6549707602339181, 0.4639175257731959),
    "GPT-3.5": (0.2982456140350877, 0.26804123711340205),
    "Mistral-7B": (0.15204678362573099, 0.09484536082474226),
}

YUN_FIELDS = {
    "binary": [("intervention_events", "intervention", "events"),
               ("intervention_group_size", "intervention", "group_size"),
               ("comparator_events", "comparator", "events"),
               ("comparator_group_size", "comparator", "group_size")],
    "continuous": [("intervention_mean", "intervention", "mean"),
                   ("intervention_standard_deviation", "intervention", "sd"),
                   ("intervention_group_size", "intervention", "group_size"),
                   ("comparator_mean", "comparator", "mean"),
                   ("comparator_standard_deviation", "comparator", "sd"),
                   ("comparator_group_size", "comparator", "group_size")],
}

#: the fields scored in the development-set bench: Yun's, without the continuous group sizes
FIELDS = {"binary": YUN_FIELDS["binary"],
          "continuous": [f for f in YUN_FIELDS["continuous"] if f[2] != "group_size"]}


def _num(x) -> float | None:
    if x in ("", None):
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def in_scope(q: dict) -> bool:
    return (q.get("is_data_in_figure_graphics") == "FALSE" and q.get("is_data_complete") == "TRUE"
            and q.get("outcome_type") in FIELDS)


def classify(q: dict, ans) -> tuple[str, str]:
    if not ans.reported:
        return "missing", ans.status + ": " + ans.reason
    verdict = "exact"
    diffs = []
    for key, side, attr in FIELDS[q["outcome_type"]]:
        gold = _num(q.get(key))
        arm = getattr(ans, side)
        got = getattr(arm, attr)
        if gold is None:
            continue
        if got is None:
            return "missing", f"{key} not given"
        if got.value == gold:
            continue
        tol = max(0.5 * 10 ** -max(_decimals(got.text), 0), 0.01 * abs(gold))
        if abs(got.value - gold) <= tol:
            verdict = "rounding"
        else:
            diffs.append(f"{key}: {got.value:g} vs {gold:g} ({got.source})")
    if diffs:
        return "wrong", "; ".join(diffs)
    return verdict, ""


def yun_exact(q: dict, ans) -> bool:
    """Yun et al.'s exact match: every field equal, an unknown equal to an unknown."""
    for key, side, attr in YUN_FIELDS[q["outcome_type"]]:
        gold = _num(q.get(key))
        got = getattr(getattr(ans, side), attr) if ans is not None and ans.reported else None
        if (gold is None) != (got is None) or (gold is not None and got.value != gold):
            return False
    return True


def _decimals(text: str) -> int:
    t = text.strip()
    return len(t.split(".")[1]) if "." in t else 0


def _defined_as_asked(q: dict, ans, doc) -> bool:
    """The answered row's abbreviation is defined (table footnote or text) by a long form that
    holds the asked outcome's words: the answer is the outcome the article names; the
    annotation holds another row."""
    if doc is None or ans.table is None or not ans.row:
        return False
    tables = [t for t in doc.tables if t.label == ans.table]
    defs = {**abbreviations(doc), **(footnote_abbreviations(tables[0].footnotes) if tables else {})}
    want = set(_content(q["outcome"]))
    for tok in re.findall(r"[\w-]+", ans.row):
        long_ = defs.get(tok)
        if long_ and want and want <= set(_content(long_)):
            return True
    return False


def _cause(q: dict, ans, detail: str, doc=None) -> str:
    if _defined_as_asked(q, ans, doc):
        return "annotation holds another row than the one the article defines as the asked outcome"
    if "derived from %" in detail:
        sides = [getattr(ans, side).events for side in ("intervention", "comparator")]
        golds = [_num(q.get(f"{side}_events")) for side in ("intervention", "comparator")]
        if all(v is not None and g is not None and re.search(rf"(?<![\d.]){g:g}(?![\d])", v.provenance.quote)
               for v, g in zip(sides, golds)):
            return "annotation holds the printed percentage as the count"
        return "count derived from % and group size differs (another denominator)"
    if "group_size" in detail and "events" not in detail:
        return "group size (analysed vs randomised / denominator source)"
    if q["outcome_type"] == "continuous" and ("_mean" in detail):
        return "mean: another row/time point or column matched"
    if q["outcome_type"] == "continuous":
        return "SD differs (SE/CI-derived SD in the annotation, or another row)"
    if "events" in detail:
        return "events: another row or arm column matched"
    return "other"


def _printed(text: str, x: float | None) -> bool:
    if x is None:
        return False
    forms = {f"{x:g}", f"{x:.1f}", f"{x:.2f}"} if x != int(x) else {str(int(x))}
    return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", text) for f in forms)


def locate(q: dict, doc) -> str:
    """Where the annotated numbers (both arms' events or means) are printed in the article:
    'table row', 'sentence' or 'not printed' (computed by the annotator: from %, SE, CI, sums)."""
    keys = ("intervention_events", "comparator_events") if q["outcome_type"] == "binary" \
        else ("intervention_mean", "comparator_mean")
    gi, gc = (_num(q.get(k)) for k in keys)
    for t in doc.tables:
        for r in t.rows:
            cells = [c.text for c in r.cells[1:]]
            ci = {j for j, c in enumerate(cells) if _printed(c, gi)}
            cc = {j for j, c in enumerate(cells) if _printed(c, gc)}
            if ci and cc and (ci != cc or gi == gc):
                return "table row"
    if any(_printed(s.text, gi) and _printed(s.text, gc) for s in doc.sentences):
        return "sentence"
    return "not printed"


def _miss_reason(where: str, reason: str) -> str:
    if where == "not printed":
        return "numbers not printed as such (annotator computed them: from %, SE/CI, sums, a figure)"
    if "ambiguous" in reason or "several" in reason:
        return f"in a {where}: several candidates (time points, rows, tables) -> ambiguous"
    if "cells do not hold" in reason:
        return f"in a {where}: row found, cells not read (format, group size unknown)"
    if "no table has columns for both arms" in reason:
        return f"in a {where}: arms not matched to columns/mentions (arm naming)"
    if "no table row matches" in reason:
        return f"in a {where}: outcome not matched to the row/sentence (outcome naming) or arms in text"
    return f"in a {where}: {reason[:60]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="score at most N questions")
    ap.add_argument("--articles", type=int, default=0, help="read at most N articles")
    ap.add_argument("--show-wrong", type=int, default=15)
    ap.add_argument("--annotations", default=str(ROOT / "annotations.json"))
    ap.add_argument("--split", choices=("TEST", "DEV"), help="only the questions of this split of the "
                    "annotations; TEST also prints the comparison with Yun et al.'s models")
    args = ap.parse_args()

    everything = [q for q in json.loads(Path(args.annotations).read_text())
                  if q.get("outcome_type") in FIELDS and (not args.split or q.get("split") == args.split)]
    qs = [q for q in everything if in_scope(q)]
    if args.articles:
        keep = list(dict.fromkeys(q["pmcid"] for q in qs))[: args.articles]
        qs = [q for q in qs if q["pmcid"] in set(keep)]
    if args.limit:
        qs = qs[: args.limit]
    scoped = {id(q) for q in qs}
    if args.split != "TEST":
        everything = qs
    else:
        everything = [q for q in everything if not args.articles or q["pmcid"] in {x["pmcid"] for x in qs}]
    yun: dict[str, Counter] = defaultdict(Counter)

    cache: dict = {}
    t0 = time.time()
    table: dict[str, Counter] = defaultdict(Counter)
    wrong: list[tuple[dict, str, str]] = []
    causes: Counter = Counter()
    missing_why: Counter = Counter()
    miss_where: Counter = Counter()
    sources: Counter = Counter()
    load_fail = 0
    for q in everything:
        pid = q["pmcid"]
        if pid not in cache:
            path = ROOT / "articles" / f"PMC{pid}.nxml"
            try:
                doc = document_for(path)
                cache[pid] = (doc, extract_study(doc))
            except (OSError, ValueError) as e:
                cache[pid] = None
                print(f"PMC{pid}: not read ({e})")
        if cache[pid] is None:
            yun[q["outcome_type"]]["n"] += 1
            yun[q["outcome_type"]]["exact"] += yun_exact(q, None)
            if id(q) in scoped:
                load_fail += 1
                table[q["outcome_type"]]["missing"] += 1
            continue
        ans = answer(cache[pid], q["outcome"], q["intervention"], q["comparator"],
                     outcome_type=q["outcome_type"])
        yun[q["outcome_type"]]["n"] += 1
        yun[q["outcome_type"]]["exact"] += yun_exact(q, ans)
        if id(q) not in scoped:
            continue
        verdict, detail = classify(q, ans)
        table[q["outcome_type"]][verdict] += 1
        if ans.reported:
            where = "sentence" if ans.table is None else "table"
            converted = any(a.sd is not None and a.sd.converted for a in (ans.intervention, ans.comparator))
            derived = any(a.events is not None and a.events.converted for a in (ans.intervention, ans.comparator))
            sources[(where + (", SD converted" if converted else "") + (", count derived from %" if derived else ""),
                     verdict)] += 1
        if verdict == "missing":
            missing_why[(q["outcome_type"], detail.split(":", 1)[-1].strip())] += 1
            miss_where[(q["outcome_type"], _miss_reason(locate(q, cache[pid][0]), detail))] += 1
        if verdict == "wrong":
            wrong.append((q, detail, f"{ans.table}: {ans.row}"))
            causes[_cause(q, ans, detail, cache[pid][0])] += 1

    print(f"\nMeta-analysis questions (data in text/tables, annotation complete): {len(qs)} questions, "
          f"{len(cache)} articles, {time.time() - t0:.0f} s\n")
    print(f"{'type':<11}{'n':>5}{'exact':>8}{'round':>8}{'wrong':>8}{'missing':>9}   exact%  exact+round%  wrong%")
    for ot in ("binary", "continuous"):
        c = table[ot]
        n = sum(c.values())
        if not n:
            continue
        print(f"{ot:<11}{n:>5}{c['exact']:>8}{c['rounding']:>8}{c['wrong']:>8}{c['missing']:>9}"
              f"   {100 * c['exact'] / n:5.1f}   {100 * (c['exact'] + c['rounding']) / n:9.1f}   "
              f"{100 * c['wrong'] / n:5.1f}")
    print("targets (issue 14): binary exact >= 80%, continuous exact >= 65%, wrong <= 5%")

    if args.split == "TEST":
        b, c = yun["binary"], yun["continuous"]
        print("\nComparison with large language models (Yun et al. 2024, 'Automatically extracting numerical")
        print("results from randomized controlled trials with large language models'; their metric: every")
        print("question of the TEST split, all fields equal incl. group sizes, unknown = unknown):")
        print(f"  {'system':<24}{'binary exact':>20}{'continuous exact':>22}")
        cells = [f"{x['exact']}/{x['n']} ({100 * x['exact'] / max(x['n'], 1):.1f}%)" for x in (b, c)]
        print(f"  {'trialaudit (this run)':<24}{cells[0]:>20}{cells[1]:>22}")
        for name, (pb, pc) in YUN_TEST.items():
            print(f"  {name + ' (Yun et al.)':<24}{f'{100 * pb:.1f}%':>20}{f'{100 * pc:.1f}%':>22}")
    else:
        print("\n(python bench/metaanalysis.py --split TEST compares with Yun et al.'s LLM results)")

    if sources:
        print("\nAnswers by where they were read (verdict):")
        for (where, verdict), k in sorted(sources.items()):
            print(f"  {k:4d}  {where}: {verdict}")
    if missing_why:
        print("\nWhy answers are missing:")
        for (ot, why), k in missing_why.most_common():
            print(f"  {k:4d}  [{ot}] {why}")
    if miss_where:
        print("\nMisses by where the annotated numbers are printed, and what stopped the answer:")
        for (ot, why), k in sorted(miss_where.items(), key=lambda kv: (kv[0][0], -kv[1])):
            print(f"  {k:4d}  [{ot}] {why}")
    if wrong:
        print("\nCauses of wrong answers:")
        for cause, k in causes.most_common():
            print(f"  {k:4d}  {cause}")
        print(f"\nWrong answers (first {args.show_wrong}):")
        for q, detail, where in wrong[: args.show_wrong]:
            print(f"  PMC{q['pmcid']} [{q['outcome_type']}] {q['outcome'][:50]!r} -> {where[:60]}\n      {detail}")
    if load_fail:
        print(f"\n{load_fail} questions on articles that could not be read (counted missing)")


if __name__ == "__main__":
    main()
