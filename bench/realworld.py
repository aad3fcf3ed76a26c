"""Real-world precision: run the development set and score findings against the judgement file.

    python bench/realworld.py [--articles DIR] [--jobs 2] [--json OUT] [--from-json RUN.json]

Prints, per rule and severity: findings, judged true (a), undisclosed denominators (a*),
false alarms (c), undecidable (u), precision of error findings ((a + a*) / judged is NOT used:
only ``a`` counts as true) and the findings not yet judged; then errors per article, and
arm sizes extracted against the group sizes of ``annotations.json``.

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


def arm_sizes(articles: Path) -> dict:
    """Randomised arm sizes extracted vs the annotations' group sizes (exact matches, mismatches)."""
    from trialaudit.api import document_for
    from trialaudit.extractor.study import extract_study

    ann = json.loads((SHARED / "annotations.json").read_text(encoding="utf-8"))
    by_art: dict[str, set[int]] = collections.defaultdict(set)
    for q in ann:
        for k in ("intervention_group_size", "comparator_group_size"):
            v = q.get(k)
            if isinstance(v, (int, float)) or (isinstance(v, str) and v.strip().isdigit()):
                by_art[f"PMC{q.get('pmcid')}"].add(int(float(v)))
    exact = mismatch = none = 0
    rows = []
    for path in sorted(articles.glob("*.nxml")):
        want = by_art.get(path.stem)
        if not want:
            continue
        study = extract_study(document_for(path))
        got = {a.n for a in study.arms if a.n and not a.is_total}
        if not got:
            none += 1
            rows.append((path.stem, sorted(want), []))
        elif got <= want or want <= got:
            exact += 1
        else:
            mismatch += 1
            rows.append((path.stem, sorted(want), sorted(got)))
    return {"exact": exact, "mismatch": mismatch, "none": none, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=Path, default=SHARED / "articles")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the check run here")
    ap.add_argument("--from-json", type=Path, help="score an existing `trialaudit check -f json` run")
    ap.add_argument("--arms", action="store_true", help="also compare arm sizes with annotations.json")
    args = ap.parse_args(argv)
    if not args.articles.exists() and not args.from_json:
        print(f"no development set at {args.articles}", file=sys.stderr)
        return 2
    run_json = json.loads(args.from_json.read_text()) if args.from_json else run(args.articles, args.jobs)
    if args.json:
        args.json.write_text(json.dumps(run_json))
    s = score(run_json, load_judgements())
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
        a = arm_sizes(args.articles)
        print(f"arm sizes vs annotations: {a['exact']} consistent, {a['mismatch']} differ, {a['none']} none extracted")
        for r in a["rows"][:40]:
            print("  ", *r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
