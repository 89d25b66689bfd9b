import json
import math

import numpy as np
import pytest
import yaml
from scipy import stats

from lmrepro.common.claims import evaluate_claim, evaluate_claims, ours_text, per_seed_text, verdict_text
from lmrepro.common.config import ConfigError, load_paper_config, paper_config_path
from lmrepro.common.report import claims_table
from lmrepro.common.seeding import derive_seed
from lmrepro.common.summary import render

CLAIM = {"id": "A", "statement": "s", "metric": "evaluate.gap", "op": ">=", "threshold": 0.5}


def seeds(*values):
    return {i: {"evaluate": {"gap": v}} for i, v in enumerate(values)}


def test_mean_aggregation():
    out = evaluate_claim({**CLAIM, "agg": "mean"}, seeds(0.4, 0.7, 0.7))
    assert out["holds"] and out["observed"] == pytest.approx(0.6) and out["per_seed"] == {"0": 0.4, "1": 0.7, "2": 0.7}
    assert out["sd"] == pytest.approx(0.1732, abs=1e-4)


def test_every_aggregation_reports_the_worst_seed():
    out = evaluate_claim({**CLAIM, "agg": "every"}, seeds(0.4, 0.7, 0.7))
    assert not out["holds"] and out["observed"] == 0.4
    out = evaluate_claim({**CLAIM, "agg": "every", "op": "<=", "threshold": 0.8}, seeds(0.4, 0.7, 0.75))
    assert out["holds"] and out["observed"] == 0.75


def test_nan_never_holds():
    assert not evaluate_claim(CLAIM, seeds(float("nan"), 1.0))["holds"]


def test_missing_metric_is_named():
    with pytest.raises(KeyError, match="evaluate.gap"):
        evaluate_claim(CLAIM, {0: {"evaluate": {"other": 1.0}}})


def test_claims_file_shape():
    doc = evaluate_claims("meco", "small", [CLAIM], seeds(0.6, 0.6, 0.6))
    assert set(doc) == {"paper", "scale", "seeds", "claims", "paper_results"} and doc["seeds"] == [0, 1, 2]
    assert {"id", "statement", "observed", "op", "threshold", "holds"} <= set(doc["claims"][0])
    assert not math.isnan(doc["claims"][0]["observed"])


def test_claim_limited_to_some_scales_is_left_out_elsewhere():
    """`scales`: a claim whose metric only our toy design has (cross_dative's intransitive control) is not
    judged at paper scale, where the official stimuli have no such run (it would read NaN: "fails")."""
    small_only = {**CLAIM, "id": "B", "metric": "evaluate.control", "scales": ["ci", "small"]}
    per_seed = {i: {"evaluate": {"gap": 0.6, "control": float("nan")}} for i in range(2)}
    assert [c["id"] for c in evaluate_claims("x", "paper", [CLAIM, small_only], per_seed)["claims"]] == ["A"]
    assert [c["id"] for c in evaluate_claims("x", "small", [CLAIM, small_only], per_seed)["claims"]] == ["A", "B"]


def two_arms(metric, baseline):
    return {i: {"evaluate": {"arm": m, "base": b}} for i, (m, b) in enumerate(zip(metric, baseline))}


DIFF = {"id": "D", "statement": "s", "metric": "evaluate.arm", "baseline": "evaluate.base", "agg": "diff",
        "op": ">", "threshold": 0.0}


def test_every_verdict_marks_each_seed_pass_or_fail():
    out = evaluate_claim({**CLAIM, "agg": "mean"}, seeds(0.4, 0.7, 0.7))
    assert out["per_seed_pass"] == {"0": False, "1": True, "2": True}
    assert per_seed_text(out, str) == "0: 0.4 ✗, 1: 0.7 ✓, 2: 0.7 ✓"


def test_k_of_n_counts_the_seeds_that_pass():
    claim = {**CLAIM, "agg": "k_of_n", "k": 2}
    out = evaluate_claim(claim, seeds(0.4, 0.7, 0.6))
    assert out["holds"] is True and out["observed"] == 2 and (out["k"], out["n"]) == (2, 3)
    assert "2/3 seeds pass" in ours_text(out, str)
    out = evaluate_claim(claim, seeds(0.4, 0.7, 0.3))  # the mean (0.47) is irrelevant: one seed passes
    assert out["holds"] is False and out["observed"] == 1
    out = evaluate_claim(claim, seeds(0.9))  # fewer seeds than k: cannot hold, and says so
    assert out["holds"] is False and "exceeds" in out["note"]


def test_k_of_n_share_scales_with_the_seeds_run():
    """k: 0.66 means 2 of 3 seeds, 7 of 10, 1 of 1 (a share, rounded up), never a fixed count."""
    claim = {**CLAIM, "agg": "k_of_n", "k": 0.66}
    assert evaluate_claim(claim, seeds(0.4, 0.7, 0.6))["holds"] is True
    ten = evaluate_claim(claim, seeds(*([0.7] * 6 + [0.1] * 4)))
    assert ten["k"] == 7 and ten["holds"] is False
    assert evaluate_claim(claim, seeds(0.7))["k"] == 1


def test_k_of_n_nan_seed_does_not_pass():
    out = evaluate_claim({**CLAIM, "agg": "k_of_n", "k": 2}, seeds(float("nan"), 0.7, 0.7))
    assert out["holds"] is True and out["per_seed_pass"]["0"] is False


def test_report_only_has_no_verdict_and_is_never_counted(tmp_path):
    claim = {"id": "R", "statement": "s", "metric": "evaluate.gap", "agg": "report"}
    out = evaluate_claim(claim, seeds(0.4, 0.8))
    assert out["holds"] is None and out["per_seed_pass"] is None and out["op"] is None
    assert out["observed"] == pytest.approx(0.6) and out["per_seed"] == {"0": 0.4, "1": 0.8}
    assert verdict_text(out) == "report only" and "report only" in claims_table({"paper": "p", "scale": "small",
                                                                                 "claims": [out]})
    doc = evaluate_claims("p", "small", [claim, CLAIM, {**CLAIM, "id": "B", "threshold": 0.9}], seeds(0.4, 0.8))
    path = tmp_path / "p" / "claims.json"
    path.parent.mkdir()
    path.write_text(json.dumps(doc))
    text = render("small", [path], tmp_path / "summary.md")
    assert "1 of 2 claims hold at scale `small` (1 report-only, not counted)." in text
    assert "| p | R | s | not recorded | 0.6 ± 0.283 (report) | 0: 0.4, 1: 0.8 | report only |" in text


def test_diff_interval_is_scipys_percentile_bootstrap_over_seed_differences():
    per_seed = two_arms([0.9, 0.7, 1.0, 0.8], [0.5, 0.6, 0.4, 0.5])
    out = evaluate_claim(DIFF, per_seed)
    diffs = np.array(list(out["per_seed"].values()))
    assert diffs == pytest.approx([0.4, 0.1, 0.6, 0.3])
    expected = stats.bootstrap((diffs,), np.mean, n_resamples=9999, confidence_level=0.95, method="percentile",
                               rng=np.random.default_rng(derive_seed(0, "claim", "D"))).confidence_interval
    assert out["interval"] == [expected.low, expected.high] and out["observed"] == pytest.approx(0.35)
    assert out["holds"] is True and expected.low > 0
    assert evaluate_claim(DIFF, per_seed)["interval"] == out["interval"]  # same inputs, same interval
    narrower = evaluate_claim({**DIFF, "confidence": 0.5}, per_seed)["interval"]
    assert out["interval"][0] < narrower[0] <= narrower[1] < out["interval"][1]


def test_diff_judges_the_bound_on_the_thresholds_side():
    per_seed = two_arms([0.9, 0.7, 1.0, 0.8], [0.5, 0.6, 0.4, 0.5])  # diffs 0.4, 0.1, 0.6, 0.3: CI ~ [0.18, 0.5]
    low, high = evaluate_claim(DIFF, per_seed)["interval"]
    # the mean difference (0.35) clears 0.3, but the interval's lower bound does not
    assert not evaluate_claim({**DIFF, "threshold": 0.3}, per_seed)["holds"]
    assert evaluate_claim({**DIFF, "op": "<", "threshold": high + 0.01}, per_seed)["holds"]
    assert not evaluate_claim({**DIFF, "op": "<", "threshold": 0.4}, per_seed)["holds"]  # mean < 0.4 < high


def test_diff_with_one_seed_degenerates_to_its_value():
    out = evaluate_claim(DIFF, two_arms([0.7], [0.5]))
    assert out["interval"] == [pytest.approx(0.2)] * 2 and out["holds"] is True and "one seed" in out["note"]
    assert not evaluate_claim({**DIFF, "op": "<"}, two_arms([0.7], [0.5]))["holds"]


def test_kind_without_its_fields_is_named():
    with pytest.raises(ValueError, match="claim K: agg k_of_n needs k"):
        evaluate_claim({**CLAIM, "id": "K", "agg": "k_of_n"}, seeds(0.6))
    with pytest.raises(ValueError, match="claim D: agg diff needs baseline"):
        evaluate_claim({k: v for k, v in DIFF.items() if k != "baseline"}, seeds(0.6))


def _meco_with_claim(tmp_path, claim: dict):
    doc = yaml.safe_load(paper_config_path("meco").read_text())
    doc["claims"].append(claim)
    path = tmp_path / "meco.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize("claim,message", [
    ({**CLAIM, "id": "no-k", "agg": "k_of_n"}, r"claims\.{n}: 'k' is a required property \(claim no-k\)"),
    ({**CLAIM, "id": "no-base", "agg": "diff"}, r"claims\.{n}: 'baseline' is a required property \(claim no-base\)"),
    ({**CLAIM, "id": "stray-k", "k": 2}, r"claims\.{n}: key 'k' is not allowed here \(claim stray-k\)"),
    ({**CLAIM, "id": "judged-report", "agg": "report"}, r"claims\.{n}: key 'op' is not allowed here"),
])
def test_schema_checks_each_kinds_fields_and_names_the_claim(tmp_path, claim, message):
    n = len(yaml.safe_load(paper_config_path("meco").read_text())["claims"])  # the appended claim's index
    with pytest.raises(ConfigError, match=message.replace("{n}", str(n))):
        load_paper_config(_meco_with_claim(tmp_path, claim), "small")


def test_schema_accepts_every_kind(tmp_path):
    report = {"id": "R", "statement": "s", "metric": "evaluate.gap", "agg": "report"}
    for claim in ({**CLAIM, "agg": "k_of_n", "k": 2}, {**DIFF, "confidence": 0.9}, report):
        load_paper_config(_meco_with_claim(tmp_path, claim), "small")


def test_diff_with_a_nan_seed_does_not_hold():
    out = evaluate_claim(DIFF, two_arms([0.9, float("nan"), 1.0], [0.5, 0.6, 0.4]))
    assert out["holds"] is False and all(math.isnan(x) for x in out["interval"])


FIGURE = {"value": "+1.2", "setting": "1.6B model, average of 10 tasks", "source": "arXiv:2501.01956v3, Table 1",
          "where": "table", "comparison": "direction"}


@pytest.mark.parametrize("reported,message", [
    ({"value": 0.5}, r"claims\.{n}\.reported: 'setting' is a required property"),
    ({k: v for k, v in FIGURE.items() if k != "source"}, r"claims\.{n}\.reported: 'source' is a required property"),
    ({**FIGURE, "source": "Table 1"}, r"claims\.{n}\.reported\.source: 'Table 1' does not match"),
    ({k: v for k, v in FIGURE.items() if k != "comparison"}, r"'comparison' is a required property"),
    ({**FIGURE, "comparison": "roughly"}, r"claims\.{n}\.reported\.comparison: 'roughly' is not one of"),
    ({**FIGURE, "page": 3}, r"claims\.{n}\.reported: Unevaluated properties are not allowed \('page'"),
])
def test_schema_refuses_a_paper_figure_without_its_source_setting_or_comparison(tmp_path, reported, message):
    n = len(yaml.safe_load(paper_config_path("meco").read_text())["claims"])  # the appended claim's index
    with pytest.raises(ConfigError, match=message.replace("{n}", str(n))):
        load_paper_config(_meco_with_claim(tmp_path, {**CLAIM, "id": "F", "reported": reported}), "small")


def test_schema_refuses_a_headline_without_where_it_is_printed(tmp_path):
    doc = yaml.safe_load(paper_config_path("meco").read_text())
    doc["paper_results"] = {"headlines": [{k: v for k, v in FIGURE.items() if k not in ("where", "comparison")}]}
    path = tmp_path / "meco.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ConfigError, match=r"paper_results\.headlines\.0: 'where' is a required property"):
        load_paper_config(path, "small")


def test_summary_and_table_show_the_papers_figure_with_its_source(tmp_path):
    headline = {k: v for k, v in FIGURE.items() if k != "comparison"} | {"value": "33% less data", "where": "abstract"}
    claims = [{**CLAIM, "reported": FIGURE}, {**CLAIM, "id": "B", "reported": {**FIGURE, "comparison": "magnitude"}},
              {**CLAIM, "id": "C"}]
    doc = evaluate_claims("p", "small", claims, seeds(0.6, 0.7), {"headlines": [headline], "note": "no Table 2"})
    path = tmp_path / "p" / "claims.json"
    path.parent.mkdir()
    path.write_text(json.dumps(doc))
    text = render("small", [path], tmp_path / "summary.md")
    figure = "+1.2 (1.6B model, average of 10 tasks; arXiv:2501.01956v3, Table 1)"
    assert f"| p | A | s | {figure} [direction only] |" in text
    assert f"| p | B | s | {figure} |" in text and "| p | C | s | not recorded |" in text
    assert "2 of 3 claims have the paper's own figure beside ours" in text
    assert "- 33% less data (1.6B model, average of 10 tasks; arXiv:2501.01956v3, Table 1)" in text
    assert "- note: no Table 2" in text
    html = claims_table(doc)
    assert "arXiv:2501.01956v3, Table 1" in html and "The paper's headline figures" in html


@pytest.mark.parametrize("slug", sorted(p.stem for p in paper_config_path("meco").parent.glob("*.yaml")))
def test_every_paper_records_its_headline_figures_or_says_why_not(slug):
    """Issue 16's bar: the abstract's headline and at least one table figure, each with its source, or a note."""
    results = load_paper_config(paper_config_path(slug), "small").get("paper_results")
    assert results, f"{slug}: no paper_results block (the paper's own headline figures)"
    wheres = {h["where"] for h in results.get("headlines", [])}
    assert {"abstract", "table"} <= wheres or results.get("note"), (
        f"{slug}: paper_results needs the abstract's headline and a table figure, or a note saying why not")


def test_report_plot_draws_a_bar_panel_whose_metric_is_nan_on_every_seed(tmp_path):
    """A metric this scale's design lacks (cross_dative's control at paper scale) is NaN: the plot still draws."""
    from lmrepro.common.report import plot

    per_seed = {0: {"score": {"a": 1.0, "control": float("nan")}}, 1: {"score": {"a": 2.0, "control": float("nan")}}}
    panels = [{"title": "deltas", "bars": {"a": "score.a", "control": "score.control"}}]
    claims = evaluate_claims("x", "paper", [{**CLAIM, "metric": "score.a"}], per_seed)
    plot(panels, per_seed, [], tmp_path / "plot.png", "x", claims)
    assert (tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG"
