"""The explanation-roles synthetic task (lmrepro.worlds.explanations): per-task balance, the label function,
the weak-feature correlation, no test duplicates of training sequences, explanation kinds and determinism."""
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from lmrepro.worlds import explanations as W

SMALL = W.ExplanationTaskConfig(num_tasks=30, points_per_task=10, test_per_task=10)


def tasks_of(world):
    return {int(k): tuple(v) for k, v in world["tasks"].items()}


def counts(s, mnrd):
    body = list(s[2:])
    return [body.count(v) for v in mnrd]


@pytest.fixture(scope="module")
def world():
    return W.build_world(SMALL, 0)


def test_sizes_and_value_ranges(world):
    assert len(world["train"]) == 300 and len(world["test"]) == 300 and len(world["tasks"]) == 30
    for row in world["train"] + world["test"]:
        s = row["s"]
        assert len(s) == SMALL.seq_len and s[0] == row["idx"] and s[1] in (1, 2)
        assert all(1 <= v <= SMALL.max_int for v in s[2:])  # zeros never used
    params = list(tasks_of(world).values())
    assert len(set(params)) == len(params) and all(len(set(p)) == 4 for p in params)


def test_label_function_recomputes_every_label_and_causal_counts_differ(world):
    tasks = tasks_of(world)
    for row in world["train"] + world["test"]:
        mnrd = tasks[row["idx"]]
        assert W.label_of(row["s"], mnrd) == row["label"]
        c = counts(row["s"], mnrd)
        causal = (c[0], c[1]) if row["selector"] == 1 else (c[2], c[3])
        assert causal[0] != causal[1]


def test_hand_case_label_function():
    mnrd = (3, 7, 5, 9)
    s = [4, 1, 3, 3, 7, 5, 9, 9, 9, 1, 2, 6]  # m=3 twice, n=7 once: selector 1 -> 1; r once, d thrice: selector 2 -> 0
    assert W.label_of(s, mnrd) == 1
    assert W.label_of([4, 2] + s[2:], mnrd) == 0
    with pytest.raises(ValueError, match="selector"):
        W.label_of([4, 3] + s[2:], mnrd)


def test_labels_and_selector_balanced_within_each_task(world):
    for split in ("train", "test"):
        by_task = {}
        for row in world[split]:
            by_task.setdefault(row["idx"], []).append(row)
        for rows in by_task.values():
            assert Counter(r["label"] for r in rows) == {0: 5, 1: 5}
            assert Counter(r["selector"] for r in rows) == {1: 5, 2: 5}


@pytest.mark.parametrize("corr", [0.5, 1.0])
def test_weak_feature_correlation_is_exact_in_training(corr):
    w = W.build_world(replace(SMALL, weak_feature_correlation=corr), 1)
    tasks = tasks_of(w)

    def agree(row):
        c = counts(row["s"], tasks[row["idx"]])
        return (c[0] > c[1]) == (c[2] > c[3])

    assert np.mean([agree(r) for r in w["train"]]) == pytest.approx(corr)
    assert np.mean([agree(r) for r in w["test"]]) == pytest.approx(0.5)  # test split: 0.5, as the official one


def test_count_sizes_carry_no_label_shortcut(world):
    """The mn/rd slot groups swap half the time, so the larger count is not tied to one pair."""
    tasks = tasks_of(world)
    mn_larger = [max(counts(r["s"], tasks[r["idx"]])[:2]) > max(counts(r["s"], tasks[r["idx"]])[2:])
                 for r in world["train"]]
    assert 0.3 < np.mean(mn_larger) < 0.7


def test_test_sequences_never_duplicate_training_ones():
    cfg = replace(SMALL, max_int=6, seq_len=8, num_tasks=5, points_per_task=40, test_per_task=40)
    w = W.build_world(cfg, 0)
    seen = {tuple(r["s"]) for r in w["train"]}
    assert not any(tuple(r["s"]) in seen for r in w["test"])
    assert w["skipped_test_duplicates"] > 0  # the tiny space forces redraws


def test_same_seed_same_world_and_kinds_share_sequences(world):
    assert W.build_world(SMALL, 0) == world
    assert W.build_world(SMALL, 1)["train"] != world["train"]
    tasks = tasks_of(world)
    evidential = W.build_world(replace(SMALL, explanation_kind="evidential"), 0)
    translate = W.build_world(replace(SMALL, explanation_kind="translate"), 0)
    for a, b, c in zip(world["train"], evidential["train"], translate["train"]):
        assert a["s"] == b["s"] == c["s"]
        assert a["e"] == [a["idx"], *tasks[a["idx"]]]
        assert b["e"][0] == a["idx"] and all(abs(x - y) <= SMALL.eps for x, y in zip(b["e"][1:], a["e"][1:]))
        assert c["e"] == [a["idx"]] + [v + SMALL.translate_shift for v in a["e"][1:]]
    noise = np.array([b["e"][1:] for b in evidential["train"]]) - np.array([a["e"][1:] for a in world["train"]])
    assert set(np.unique(noise)) == {-1, 0, 1}
    lo, hi = W.int_range(SMALL)
    assert noise.size and lo <= min(min(r["e"][1:]) for r in evidential["train"]) and \
        max(max(r["e"][1:]) for r in translate["train"]) <= hi


def test_fresh_examples_are_labelled_by_their_own_task():
    rng = np.random.default_rng(0)
    for _ in range(200):
        s, es, y = W.fresh_example(rng, SMALL, 1, 0)
        assert es[0][0] == s[0] and W.label_of(s, tuple(es[0][1:])) == y
    s, es, y = W.fresh_example(rng, SMALL, 4, 1)
    assert len(es) == 4 and all(e[0] == s[0] for e in es)


def test_balanced_array():
    rng = np.random.default_rng(0)
    arr = W.balanced_array(10, 0.3, rng)
    assert arr.sum() == 3 and len(arr) == 10


@pytest.mark.parametrize("bad, match", [({"explanation_kind": "other"}, "explanation_kind"),
                                        ({"points_per_task": 3}, "even"), ({"num_tasks": 300}, "num_tasks"),
                                        ({"weak_feature_correlation": 1.5}, "correlation")])
def test_bad_config_is_rejected(bad, match):
    with pytest.raises(ValueError, match=match):
        replace(SMALL, **bad).check("world")
