import math

import pytest

from lmrepro.common.claims import evaluate_claim, evaluate_claims

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
    assert set(doc) == {"paper", "scale", "seeds", "claims"} and doc["seeds"] == [0, 1, 2]
    assert {"id", "statement", "observed", "op", "threshold", "holds"} <= set(doc["claims"][0])
    assert not math.isnan(doc["claims"][0]["observed"])
