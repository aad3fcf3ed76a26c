"""RevMan-shaped exports of meta-analysis answers: they load into pandas as they are and
feed a fixed-effect meta-analysis that matches a hand computation."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy import stats
from typer.testing import CliRunner

from trialaudit.meta_export import (BinaryRow, ContinuousRow, answer_questions, read_questions, table_schema,
                                    write_tables)



def _binary(study, a, n1, c, n2):
    return BinaryRow(study=study, events_e=a, total_e=n1, events_c=c, total_c=n2, outcome="death",
                     intervention="drug", comparator="placebo", location="Table 2: Death", evidence_e=f"{a}",
                     evidence_c=f"{c}", total_source_e="column header", total_source_c="column header")


def test_revman_csv_feeds_a_fixed_effect_meta_analysis(tmp_path):
    rows = [_binary("Trial A", 12, 50, 20, 50), _binary("Trial B", 8, 100, 15, 98), _binary("Trial C", 30, 120, 41, 121)]
    write_tables({"binary": rows, "continuous": [], "unanswered": []}, tmp_path)
    df = pd.read_csv(tmp_path / "binary.csv")
    assert list(df.columns[:5]) == ["study", "events_e", "total_e", "events_c", "total_c"]

    # inverse-variance fixed-effect pooled log risk ratio
    a, n1, c, n2 = (df[k].to_numpy(float) for k in ("events_e", "total_e", "events_c", "total_c"))
    log_rr = np.log((a / n1) / (c / n2))
    var = 1 / a - 1 / n1 + 1 / c - 1 / n2
    w = 1 / var
    pooled = float(np.sum(w * log_rr) / np.sum(w))
    se = math.sqrt(1 / float(np.sum(w)))
    z = pooled / se
    p = 2 * stats.norm.sf(abs(z))

    # the same by hand, study by study
    hand = []
    for (ea, ta, ec, tc) in [(12, 50, 20, 50), (8, 100, 15, 98), (30, 120, 41, 121)]:
        lr = math.log((ea / ta) / (ec / tc))
        v = 1 / ea - 1 / ta + 1 / ec - 1 / tc
        hand.append((lr, 1 / v))
    hand_pooled = sum(lr * wt for lr, wt in hand) / sum(wt for _, wt in hand)
    assert pooled == pytest.approx(hand_pooled, rel=1e-12)
    # worked on paper: weights 10.714, 5.832, 24.316; log RRs -0.5108, -0.6488, -0.3041
    # -> pooled log RR -16.651 / 40.862 = -0.4075, RR 0.6653
    assert math.exp(pooled) == pytest.approx(0.6653, abs=5e-4)
    assert se == pytest.approx(math.sqrt(1 / sum(wt for _, wt in hand)))
    assert 0 < p < 0.05


def test_continuous_csv_and_mean_difference(tmp_path):
    rows = [ContinuousRow(study="S1", mean_e=3.2, sd_e=1.1, n_e=40, mean_c=4.5, sd_c=1.3, n_c=38, outcome="pain",
                          intervention="aspirin", comparator="placebo", location="Table 2", evidence_e="3.2 (1.1)",
                          evidence_c="4.5 (1.3)"),
            ContinuousRow(study="S2", mean_e=2.9, sd_e=1.4, n_e=60, mean_c=3.8, sd_c=1.5, n_c=61, outcome="pain",
                          intervention="aspirin", comparator="placebo", location="sentence", evidence_e="2.9 ± 1.4",
                          evidence_c="3.8 ± 1.5", sd_converted_e="", sd_converted_c="")]
    write_tables({"binary": [], "continuous": rows, "unanswered": []}, tmp_path, xlsx=False)
    df = pd.read_csv(tmp_path / "continuous.csv")
    assert list(df.columns[:7]) == ["study", "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"]
    md = df.mean_e - df.mean_c
    var = df.sd_e ** 2 / df.n_e + df.sd_c ** 2 / df.n_c
    pooled = float((md / var).sum() / (1 / var).sum())
    v1 = 1.1 ** 2 / 40 + 1.3 ** 2 / 38
    v2 = 1.4 ** 2 / 60 + 1.5 ** 2 / 61
    assert pooled == pytest.approx((-1.3 / v1 - 0.9 / v2) / (1 / v1 + 1 / v2))


def test_workbook_has_a_sheet_per_table_and_schemas(tmp_path):
    write_tables({"binary": [_binary("T", 1, 10, 2, 10)], "continuous": [], "unanswered": []}, tmp_path)
    wb = load_workbook(tmp_path / "meta-analysis.xlsx")
    assert wb.sheetnames == ["binary", "continuous", "unanswered"]
    assert [c.value for c in wb["binary"][1]][:5] == ["study", "events_e", "total_e", "events_c", "total_c"]
    assert [c.value for c in wb["binary"][2]][:5] == ["T", 1, 10, 2, 10]
    schema = json.loads((tmp_path / "binary.schema.json").read_text())
    assert schema == table_schema("binary")
    assert {"events_e", "total_e", "events_c", "total_c"} <= set(schema["required"])


def test_questions_answered_end_to_end_and_cli(tmp_path, aspirin_trial):
    (tmp_path / "trial.md").write_text(aspirin_trial)
    qfile = tmp_path / "questions.csv"
    qfile.write_text("article,outcome,intervention,comparator,outcome_type,study\n"
                     "trial.md,headache resolution,aspirin,placebo,binary,Smith 2020\n"
                     "trial.md,pain score,aspirin,placebo,continuous,Smith 2020\n"
                     "trial.md,all-cause mortality,aspirin,placebo,binary,Smith 2020\n")
    tables = answer_questions(read_questions(qfile))
    assert [r.model_dump()["events_e"] for r in tables["binary"]] == [24]
    assert tables["continuous"][0].sd_c == 1.3 and tables["continuous"][0].n_c == 38
    assert tables["unanswered"][0].status == "not reported"

    from trialaudit.cli import app
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["meta", str(qfile), "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out / "binary.csv")
    assert df.loc[0, ["events_e", "total_e", "events_c", "total_c"]].tolist() == [24, 40, 11, 38]
    assert df.loc[0, "evidence_e"].startswith("24")
    res = CliRunner().invoke(app, ["meta", "--schema", "continuous"])
    assert res.exit_code == 0 and '"sd_converted_e"' in res.output
