"""Compare extraction with the hand-verified gold files in ``corpus/gold`` (per-field P/R).

Run:  python bench/bench_gold.py [ARTICLE-ID ...] [--verbose]

Every gold fact and every extracted fact is flattened into ``(key, field, value)`` triples;
per field, precision = |extracted ∩ gold| / |extracted| and recall = |extracted ∩ gold| /
|gold|. Keys: arms by label, outcomes by (arm, measure, timepoint), effects by (type,
estimate), adverse events by (table, arm, term, grade), baseline rows by (table, arm, row
label [, heading when the label repeats]), tests by (p, operator, statistic value). The
gold side is parsed here with its own small grammar (see corpus/gold/README.md), never with
the extractor's parser. The field ``_`` counts facts (keys) regardless of values.
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

import trialaudit.corpus as corpus  # noqa: E402
from trialaudit.extractor.loader import read_document  # noqa: E402
from trialaudit.extractor.study import extract_study  # noqa: E402
from trialaudit.extractor.study.arms import labels_match  # noqa: E402
from trialaudit.schemas.study import Study  # noqa: E402

Triple = tuple


# --------------------------------------------------------------------------- normalisation

def num(v) -> object:
    if v is None:
        return None
    if isinstance(v, str):
        return v.upper()
    return round(float(v), 4)


def norm_label(s: str | None) -> str:
    if not s:
        return ""
    raw = " ".join(re.sub(r"[^a-z0-9<>≤≥+]+", " ", s.lower()).split())
    s = s.lower().replace("–", "-").replace("−", "-")
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"\b(?:n|no|median|mean|average|range|iqr|sd|years?|months?|old|mm|min|max|minimum|maximum|standard|"
               r"deviation|ci|95%)\b", " ", s)
    s = re.sub(r"[^a-z0-9<>≤≥+]+", " ", s)
    return " ".join(s.split()) or raw


def norm_term(s: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s.lower()).split())


# --------------------------------------------------------------------------- gold cells

_CELL = re.compile(
    r"^\s*(?:(?P<mean>-?\d+(?:\.\d+)?)\s*±\s*(?P<sd>\d+(?:\.\d+)?)"
    r"|(?P<n>\d+)(?:\s*/\s*(?P<d>\d+))?(?:\s*\(\s*(?P<pct>\d+(?:\.\d+)?)\s*\))?(?![\d.%])"
    r"|(?P<pctonly>\d+(?:\.\d+)?)\s*%"
    r"|(?P<value>\d+\.\d+|NR))?"
    r"\s*(?:\[\s*(?P<lo>-?\d+(?:\.\d+)?|NE)\s*,\s*(?P<hi>-?\d+(?:\.\d+)?|NE)\s*\]\s*(?P<iv>ci|iqr|range))?\s*$")


def parse_gold_cell(s: str | None) -> dict | None:
    if s is None or s.strip() in ("", "-"):
        return None
    m = _CELL.match(s)
    if not m:
        raise ValueError(f"gold cell not understood: {s!r}")
    f: dict = {}
    if m.group("mean"):
        f["value"], f["sd"] = float(m.group("mean")), float(m.group("sd"))
    elif m.group("n"):
        if m.group("lo") and not m.group("pct"):
            f["value"] = float(m.group("n"))
        else:
            f["n"] = int(m.group("n"))
            if m.group("d"):
                f["d"] = int(m.group("d"))
            if m.group("pct"):
                f["pct"] = float(m.group("pct"))
    elif m.group("pctonly"):
        f["pct"] = float(m.group("pctonly"))
    elif m.group("value"):
        f["value"] = m.group("value") if m.group("value") == "NR" else float(m.group("value"))
    if m.group("lo"):
        f["lo"] = m.group("lo") if m.group("lo") == "NE" else float(m.group("lo"))
        f["hi"] = m.group("hi") if m.group("hi") == "NE" else float(m.group("hi"))
        f["ci"] = m.group("iv")
    return f


# --------------------------------------------------------------------------- fact sets

@dataclass
class Facts:
    triples: dict[str, set] = field(default_factory=lambda: defaultdict(set))

    def add(self, cat: str, key: tuple, fields: dict) -> None:
        self.triples[f"{cat}._"].add(key)
        for k, v in fields.items():
            if v is None:
                continue
            self.triples[f"{cat}.{k}"].add((key, num(v) if not isinstance(v, (bool, str)) or k in ("value", "lo", "hi")
                                            else v))


def _fields(d: dict, names: tuple[str, ...]) -> dict:
    return {k: d.get(k) for k in names if d.get(k) is not None}


OUTCOME_FIELDS = ("n", "d", "pct", "value", "lo", "hi", "ci")
BASELINE_FIELDS = ("n", "pct", "value", "sd", "lo", "hi", "ci")


def gold_facts(g: dict) -> Facts:
    f = Facts()
    for k, v in (g.get("design") or {}).items():
        if v is not None:
            f.add("design", (k,), {"value": str(v).lower()})
    if g.get("total_n") is not None:
        f.add("total_n", (), {"value": g["total_n"]})
    for a in g.get("arms", []):
        f.add("arms", (a["label"],), {"n": a.get("n")})
        for al in a.get("aliases", []):
            f.triples["arms.alias"].add((a["label"], al))
    for v, kind in g.get("sample_sizes", []):
        f.triples["sample_sizes.value"].add((v,))
        f.triples["sample_sizes.kind"].add((v, kind))
    for o in g.get("outcomes", []):
        f.add("outcomes", (o["arm"], o["m"], o.get("at")), _fields(o, OUTCOME_FIELDS))
    for e in g.get("effects", []):
        f.add("effects", (e["type"], num(e["est"])), {"lo": e.get("lo"), "hi": e.get("hi"), "p": e.get("p"),
                                                      "endpoint": e.get("endpoint")})
    for blk in g.get("adverse_events", []):
        if "columns" in blk:
            for row in blk["rows"]:
                for (arm, grade), cell in zip(blk["columns"], row[1:]):
                    c = parse_gold_cell(cell)
                    if c is not None:
                        f.add("adverse_events", (blk["table"], arm, norm_term(row[0]), grade), _fields(c, ("n", "pct")))
        else:
            for row in blk["rows"]:
                for term, cell in zip(blk["terms"], row[1:]):
                    c = parse_gold_cell(cell)
                    if c is not None:
                        f.add("adverse_events", (blk["table"], row[0], norm_term(term), blk.get("grade", "any")),
                              _fields(c, ("n", "pct")))
    for blk in g.get("baseline", []):
        for ri, row in enumerate(blk["rows"]):
            for arm, cell in zip(blk["arms"], row[2:]):
                c = parse_gold_cell(cell)
                if c is not None:
                    f.add("baseline", (blk["table"], arm, ri), _fields(c, BASELINE_FIELDS))
    for t in g.get("tests", []):
        key = (num(t.get("p")), t.get("op", "="), num(t.get("value")))
        f.add("tests", key, {"test": t.get("test"), "stat": t.get("stat"), "df": t.get("df")})
    for name in g.get("test_names", []):
        f.triples["test_names._"].add((name,))
    return f


def _arm_canon(g: dict, study: Study):
    gold_labels = [a["label"] for a in g.get("arms", [])]
    gold_groups = {o["arm"] for o in g.get("outcomes", [])} | {a for b in g.get("baseline", []) for a in b["arms"]} | \
        {c[0] for b in g.get("adverse_events", []) for c in b.get("columns", [])} | \
        {r[0] for b in g.get("adverse_events", []) if "rows" in b and "terms" in b for r in b["rows"]}
    by_id = {a.id: a for a in study.arms}

    def canon(arm_id: str | None, group: str | None) -> str | None:
        if arm_id and arm_id in by_id:
            a = by_id[arm_id]
            names = [a.label, *a.aliases]
            for gl in gold_labels:
                ga = next(x for x in g["arms"] if x["label"] == gl)
                if a.is_total and ga.get("total"):
                    return gl
                if any(labels_match(gl, x) or gl.lower() == x.lower() for x in names):
                    return gl
            return f"?{a.label}"
        if group:
            for gl in sorted(gold_groups, key=len, reverse=True):
                if gl.lower() == group.lower() or labels_match(gl, group):
                    return gl
            return f"?{group}"
        return None
    return canon


def _baseline_row_index(g: dict, table: str, row_label: str, heading: str | None) -> int | None:
    blk = next((b for b in g.get("baseline", []) if b["table"] == table), None)
    if blk is None:
        return None
    cands = [i for i, r in enumerate(blk["rows"]) if norm_label(r[0]) == norm_label(row_label)]
    if not cands:
        cands = [i for i, r in enumerate(blk["rows"]) if fuzz.token_set_ratio(norm_label(r[0]), norm_label(row_label)) >= 90
                 and norm_label(row_label)]
    if len(cands) <= 1:
        return cands[0] if cands else None
    scored = sorted(cands, key=lambda i: -fuzz.token_set_ratio(norm_label(blk["rows"][i][1] or ""), norm_label(heading or "")))
    return scored[0]


def extracted_facts(study: Study, g: dict) -> Facts:
    f = Facts()
    canon = _arm_canon(g, study)
    d = study.design
    for k in ("randomised", "phase", "timing", "centres"):
        v = getattr(d, k)
        if v is not None and (g.get("design") or {}).get(k) is not None:
            f.add("design", (k,), {"value": str(v).lower()})
    if study.total_n is not None:
        f.add("total_n", (), {"value": study.total_n})
    for a in study.arms:
        key = canon(a.id, None)
        f.add("arms", (key,), {"n": a.n})
    # an alias counts when it resolves to the right arm (recall only: the gold lists a few aliases)
    from trialaudit.extractor.study.arms import resolve_arm

    for ga in g.get("arms", []):
        for al in ga.get("aliases", []):
            arm = resolve_arm(al, study.arms)
            if arm is not None and canon(arm.id, None) == ga["label"]:
                f.triples["arms.alias"].add((ga["label"], al))
    for s in study.sample_sizes:
        f.triples["sample_sizes.value"].add((s.value,))
        f.triples["sample_sizes.kind"].add((s.value, s.kind))
    for o in study.outcomes:
        q = o.quantity
        vals: dict = {}
        if q.count is not None:
            vals["n"] = q.count.value
        if q.denominator is not None:
            vals["d"] = q.denominator.value
        if q.percent is not None:
            vals["pct"] = q.percent.value
        elif o.kind in ("rate", "landmark") and q.value is not None:
            vals["pct"] = q.value.value
        if o.kind == "median":
            vals["value"] = "NR" if q.kind == "not_reached" else (q.value.value if q.value else None)
        if q.interval in ("ci", "iqr", "range"):
            vals["lo"] = q.low.value if q.low else ("NE" if q.not_estimable else None)
            vals["hi"] = q.high.value if q.high else ("NE" if q.not_estimable else None)
            vals["ci"] = q.interval
        f.add("outcomes", (canon(o.arm, o.group), o.measure, o.timepoint), vals)
    for e in study.effects:
        gold_e = next((x for x in g.get("effects", []) if x["type"] == e.ratio_type and num(x["est"]) == num(e.estimate.value)), None)
        fields = {"lo": e.low.value if e.low else None, "hi": e.high.value if e.high else None,
                  "p": e.p.value if e.p else None}
        if gold_e is None or gold_e.get("endpoint") is not None:
            fields["endpoint"] = e.endpoint
        f.add("effects", (e.ratio_type, num(e.estimate.value)), fields)
    for ae in study.adverse_events:
        f.add("adverse_events", (ae.provenance.table, canon(ae.arm, ae.group), norm_term(ae.term), ae.grade),
              {"n": ae.count, "pct": ae.percent.value if ae.percent else None})
    for b in study.baseline:
        if b.group == "comparison":
            continue
        row_label = b.category or b.variable
        heading = b.variable if b.category else None
        idx = _baseline_row_index(g, b.provenance.table or "", row_label, heading)
        key = (b.provenance.table, canon(b.arm, b.group), idx if idx is not None else f"?{row_label}")
        q = b.quantity
        vals = {}
        if q.count is not None:
            vals["n"] = q.count.value
        if q.percent is not None:
            vals["pct"] = q.percent.value
        if q.kind in ("mean_sd", "median_range", "median_iqr", "estimate_ci", "number") and q.value is not None:
            vals["value"] = q.value.value
        if q.sd is not None:
            vals["sd"] = q.sd.value
        if q.interval in ("ci", "iqr", "range") or q.kind == "range":
            vals["lo"] = q.low.value if q.low else ("NE" if q.not_estimable else None)
            vals["hi"] = q.high.value if q.high else ("NE" if q.not_estimable else None)
            vals["ci"] = q.interval or "range"
        f.add("baseline", key, vals)
    unnamed = {(num(t.get("p")), t.get("op", "="), num(t.get("value"))) for t in g.get("tests", [])
               if t.get("test") is None}
    for t in study.tests:
        if t.p is None and t.stat_value is None:
            continue
        key = (num(t.p.value) if t.p else None, t.p_operator or "=", num(t.stat_value.value) if t.stat_value else None)
        # a test name is scored only where the gold names the test (null: not named / ambiguous)
        f.add("tests", key, {"test": t.test if key not in unnamed else None, "stat": t.statistic, "df": t.df})
    for t in study.tests:
        if t.test:
            f.triples["test_names._"].add((t.test,))
    return f


# --------------------------------------------------------------------------- scoring

FIELDS_SHOWN = [
    "design.value", "total_n.value", "arms._", "arms.n", "arms.alias", "sample_sizes.value", "sample_sizes.kind",
    "outcomes._", "outcomes.n", "outcomes.d", "outcomes.pct", "outcomes.value", "outcomes.lo", "outcomes.hi",
    "outcomes.ci", "effects._", "effects.lo", "effects.hi", "effects.p", "effects.endpoint",
    "adverse_events._", "adverse_events.n", "adverse_events.pct",
    "baseline._", "baseline.n", "baseline.pct", "baseline.value", "baseline.sd", "baseline.lo", "baseline.hi",
    "baseline.ci", "tests._", "tests.test", "tests.stat", "tests.df", "test_names._",
]


@dataclass
class Score:
    tp: int = 0
    n_ext: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / self.n_ext if self.n_ext else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.n_gold if self.n_gold else None

    def __iadd__(self, o: "Score") -> "Score":
        self.tp += o.tp
        self.n_ext += o.n_ext
        self.n_gold += o.n_gold
        return self


def compare(study: Study, g: dict) -> tuple[dict[str, Score], dict[str, tuple[set, set]]]:
    gf, ef = gold_facts(g), extracted_facts(study, g)
    scores: dict[str, Score] = {}
    diffs: dict[str, tuple[set, set]] = {}
    for name in sorted(set(gf.triples) | set(ef.triples)):
        G, E = gf.triples.get(name, set()), ef.triples.get(name, set())
        scores[name] = Score(len(G & E), len(E), len(G))
        diffs[name] = (G - E, E - G)
    return scores, diffs


def load_gold(article_id: str) -> dict:
    return json.loads(corpus.gold_dir().joinpath(f"{article_id}.json").read_text(encoding="utf-8"))


def gold_ids() -> list[str]:
    return [a.id for a in corpus.articles() if corpus.gold_dir().joinpath(f"{a.id}.json").is_file()]


def study_for(article_id: str) -> Study:
    a = corpus.get(article_id)
    assert a is not None, article_id
    with resources.as_file(resources.files("trialaudit.corpus").joinpath(a.file)) as p:
        doc = read_document(p, doc_id=a.id)
    return extract_study(doc)


def run(ids: list[str] | None = None) -> tuple[dict[str, Score], dict[str, dict[str, Score]], dict[str, dict]]:
    totals: dict[str, Score] = defaultdict(Score)
    per_article: dict[str, dict[str, Score]] = {}
    all_diffs: dict[str, dict] = {}
    for aid in ids or gold_ids():
        scores, diffs = compare(study_for(aid), load_gold(aid))
        per_article[aid] = scores
        all_diffs[aid] = diffs
        for k, s in scores.items():
            totals[k] += s
    return dict(totals), per_article, all_diffs


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def report(totals: dict[str, Score], per_article: dict[str, dict[str, Score]] | None = None) -> str:
    lines = [f"{'field':24s} {'prec':>6s} {'recall':>6s} {'tp':>5s} {'extr':>5s} {'gold':>5s}"]
    for name in FIELDS_SHOWN:
        s = totals.get(name)
        if s is None or (s.n_gold == 0 and s.n_ext == 0):
            continue
        lines.append(f"{name:24s} {fmt(s.precision):>6s} {fmt(s.recall):>6s} {s.tp:5d} {s.n_ext:5d} {s.n_gold:5d}")
    if per_article:
        lines.append("")
        lines.append("per article (facts '_' and all value fields pooled):")
        for aid, scores in per_article.items():
            pooled = Score()
            for k, s in scores.items():
                if k in FIELDS_SHOWN:
                    pooled += s
            lines.append(f"  {aid:40s} P={fmt(pooled.precision)} R={fmt(pooled.recall)} ({pooled.tp}/{pooled.n_ext}/{pooled.n_gold})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in argv or "-v" in argv
    ids = [a for a in argv if not a.startswith("-")] or None
    totals, per_article, diffs = run(ids)
    print(report(totals, per_article))
    if verbose:
        for aid, d in diffs.items():
            for name, (missing, extra) in sorted(d.items()):
                if missing or extra:
                    print(f"\n[{aid}] {name}")
                    for x in sorted(missing, key=str):
                        print(f"   missing {x}")
                    for x in sorted(extra, key=str):
                        print(f"   extra   {x}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
