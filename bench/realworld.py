"""Real-world precision: run the development set and score findings against the judgement file.

    python bench/realworld.py [--articles DIR] [--jobs 2] [--json OUT] [--from-json RUN.json]

Prints, per rule and severity: findings, judged true (a), undisclosed denominators (a*),
false alarms (c), undecidable (u), precision of error findings ((a + a*) / judged is NOT used:
only ``a`` counts as true) and the findings not yet judged; then errors per article, and
randomised arm sizes extracted against the sizes the articles state (``tests/realworld/arm_sizes.yaml``,
judged by reading each article: exact / stated, and the cause of each miss), and arm sizes against the
group sizes of ``annotations.json`` (which are often analysed, not randomised, numbers).

The judgement file (``tests/realworld/judgements.yaml``) maps a finding's fingerprint to a
verdict a careful reader gave after opening the article at the evidence and recomputing.
Precision over unjudged findings is unknown, and is printed as such.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "realworld"
JUDGEMENTS = ROOT / "tests" / "realworld" / "judgements.yaml"


def load_judgements(path: Path = JUDGEMENTS) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {str(j["fingerprint"]): j for j in data}


def run(articles: Path, jobs: int) -> dict:
    from trialaudit.api import check_paths
    from trialaudit.validation.settings import Settings

    run_ = check_paths([str(articles)], Settings(jobs=jobs))
    return json.loads(run_.model_dump_json())


def score(run_json: dict, judged: dict[str, dict]) -> dict:
    per = collections.defaultdict(collections.Counter)
    errors_per_article = collections.Counter()
    statuses = collections.Counter()
    unjudged: list[tuple[str, str, str]] = []
    for a in run_json["articles"]:
        statuses[a["status"]] += 1
        for f in a["findings"]:
            key = (f["code"], f["severity"])
            j = judged.get(f["fingerprint"]) or next(
                (judged[fp] for fp in (f.get("details") or {}).get("merged_fingerprints", []) if fp in judged), None)
            v = j["verdict"] if j else "?"
            per[key][v] += 1
            per[key]["n"] += 1
            if f["severity"] == "error":
                errors_per_article[a["id"]] += 1
                if j is None:
                    unjudged.append((a["id"], f["code"], f["message"][:140]))
    err = collections.Counter()
    for (code, sev), c in per.items():
        if sev == "error":
            err.update(c)
    n_art = len(run_json["articles"])
    judged_err = err["a"] + err["a*"] + err["c"] + err["u"]
    return {
        "articles": n_art, "statuses": dict(statuses),
        "per_rule": {f"{c} {s}": dict(v) for (c, s), v in sorted(per.items())},
        "errors": err["n"], "errors_judged": judged_err, "errors_true": err["a"], "errors_a_star": err["a*"],
        "errors_false": err["c"], "errors_undecidable": err["u"],
        "precision_errors": (err["a"] / judged_err) if judged_err else None,
        "errors_per_article": err["n"] / n_art if n_art else 0.0,
        "crashes": sum(v["n"] for k, v in per.items() if k[0] == "TA900"),
        "unjudged_errors": unjudged,
    }


ARM_SIZES = ROOT / "tests" / "realworld" / "arm_sizes.yaml"

#: categories of an article's randomised arm sizes (``--arms``)
ARM_CATEGORIES = {
    "a": "exact: the extracted randomised sizes are the ones the text states",
    "b": "exact, and annotations.json counts another set (analysed/subgroup numbers)",
    "c": "wrong: extracted sizes differ from the stated randomised sizes",
    "d": "not stated: the text/tables give no randomised arm sizes",
    "e": "missed: stated, but nothing extracted",
}


def annotation_sizes() -> dict[str, set[int]]:
    ann = json.loads((SHARED / "annotations.json").read_text(encoding="utf-8"))
    by_art: dict[str, set[int]] = collections.defaultdict(set)
    for q in ann:
        for k in ("intervention_group_size", "comparator_group_size"):
            v = q.get(k)
            if isinstance(v, (int, float)) or (isinstance(v, str) and v.strip().isdigit()):
                by_art[f"PMC{q.get('pmcid')}"].add(int(float(v)))
    return by_art


def randomised_sizes(study) -> list[int]:
    """The randomised arm sizes a Study states (one per arm that has one)."""
    return [a.randomised_n for a in study.arms if a.randomised_n and not a.is_total]


def arm_category(stated: list[int], got: list[int], annotated: set[int] | None = None) -> str:
    if not stated:
        return "d"
    if not got:
        return "e"
    if set(got) != set(stated):
        return "c"
    return "b" if annotated and annotated != set(stated) else "a"


def arm_sizes(articles: Path, truth: Path = ARM_SIZES) -> dict:
    """Randomised arm sizes extracted vs the sizes the articles state (``arm_sizes.yaml``, judged
    by reading each article), and vs the group sizes of ``annotations.json`` (often analysed)."""
    from trialaudit.api import document_for
    from trialaudit.extractor.study import extract_study

    entries = yaml.safe_load(truth.read_text(encoding="utf-8")) or []
    by_art = annotation_sizes()
    cats: collections.Counter = collections.Counter()
    ann = collections.Counter()
    rows = []
    claimed_unstated = []
    for e in entries:
        path = articles / f"{e['article']}.nxml"
        if not path.exists():
            continue
        study = extract_study(document_for(path))
        got = randomised_sizes(study)
        want = list(e.get("randomised") or [])
        cat = arm_category(want, got, by_art.get(e["article"]))
        cats[cat] += 1
        if cat in ("c", "e"):
            rows.append((e["article"], cat, sorted(want), sorted(got)))
        if cat == "d" and got:
            claimed_unstated.append((e["article"], sorted(got)))
        arm_n = {a.n for a in study.arms if a.n and not a.is_total}
        want_ann = by_art.get(e["article"])
        if want_ann:
            ann["none" if not arm_n else "consistent" if (arm_n <= want_ann or want_ann <= arm_n) else "differ"] += 1
    stated = cats["a"] + cats["b"] + cats["c"] + cats["e"]
    return {"categories": dict(cats), "stated": stated, "exact": cats["a"] + cats["b"], "rows": rows,
            "claimed_unstated": claimed_unstated, "annotations": dict(ann)}


def _print_arms(articles: Path) -> int:
    a = arm_sizes(articles)
    st = a["stated"]
    print(f"randomised arm sizes: exact {a['exact']}/{st} of the articles that state them"
          f" ({a['exact'] / st:.1%})" if st else "randomised arm sizes: none stated")
    for k, text in ARM_CATEGORIES.items():
        print(f"  {k} {a['categories'].get(k, 0):>4}  {text}")
    for r in a["rows"]:
        print("   ", r[0], r[1], "stated", r[2], "extracted", r[3])
    for art, got in a["claimed_unstated"]:
        print("    not stated but extracted:", art, got)
    an = a["annotations"]
    print(f"arm n vs annotations.json group sizes: {an.get('consistent', 0)} consistent, "
          f"{an.get('differ', 0)} differ, {an.get('none', 0)} none extracted")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=Path, default=SHARED / "articles")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the check run here")
    ap.add_argument("--from-json", type=Path, help="score an existing `trialaudit check -f json` run")
    ap.add_argument("--arms", action="store_true",
                    help="also measure randomised arm sizes against arm_sizes.yaml (and annotations.json)")
    ap.add_argument("--arms-only", action="store_true", help="only the arm-size measure (no check run)")
    ap.add_argument("--judgements", type=Path, action="append",
                    help="judgement file(s) to score against (default: tests/realworld/judgements.yaml)")
    args = ap.parse_args(argv)
    if not args.articles.exists() and not args.from_json:
        print(f"no development set at {args.articles}", file=sys.stderr)
        return 2
    if args.arms_only:
        return _print_arms(args.articles)
    run_json = json.loads(args.from_json.read_text()) if args.from_json else run(args.articles, args.jobs)
    if args.json:
        args.json.write_text(json.dumps(run_json))
    judged: dict[str, dict] = {}
    for path in args.judgements or [JUDGEMENTS]:
        judged.update(load_judgements(path))
    s = score(run_json, judged)
    print(f"articles: {s['articles']}  statuses: {s['statuses']}  TA900: {s['crashes']}")
    print(f"{'rule severity':<18} {'n':>5} {'a':>4} {'a*':>4} {'c':>4} {'u':>4} {'?':>4}")
    for k, v in s["per_rule"].items():
        print(f"{k:<18} {v.get('n', 0):>5} {v.get('a', 0):>4} {v.get('a*', 0):>4} {v.get('c', 0):>4} "
              f"{v.get('u', 0):>4} {v.get('?', 0):>4}")
    p = s["precision_errors"]
    print(f"error findings: {s['errors']} ({s['errors_per_article']:.2f} per article); judged {s['errors_judged']}: "
          f"true {s['errors_true']}, undisclosed denominators {s['errors_a_star']}, false {s['errors_false']}, "
          f"undecidable {s['errors_undecidable']}; precision {'unknown' if p is None else f'{p:.1%}'}; "
          f"not judged: {len(s['unjudged_errors'])}")
    for u in s["unjudged_errors"][:50]:
        print("  unjudged:", *u)
    if args.arms:
        _print_arms(args.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
