"""lmrepro.worlds.reviews: determinism and the label rules its docstring guarantees."""
import random

import pytest

from lmrepro.worlds import reviews as W

CFG = W.ReviewWorldConfig(n_places=6, n_adjectives=5, corpus_sentences=300)


def valence_of(world, adj):
    return 1 if adj in world.positive else 0 if adj in world.negative else None


def test_same_seed_same_world_and_data():
    a, b = W.make_world(CFG, 3), W.make_world(CFG, 3)
    assert a == b and W.make_world(CFG, 4) != a
    assert W.corpus(a, CFG, random.Random(1)) == W.corpus(b, CFG, random.Random(1))
    for task in ("sentiment", "nli"):
        rows = [W.task_examples(world, CFG, task, 20, random.Random(2)) for world in (a, b)]
        assert rows[0] == rows[1]


def test_adjective_sets_are_disjoint_and_avoid_verbalizer_words():
    world = W.make_world(CFG, 0)
    assert not set(world.positive) & set(world.negative)
    reserved = set(W.VERDICT_WORDS) | set(W.ANSWER_WORDS) | set(W.ITEMS) | {"not"}
    assert not (set(world.positive) | set(world.negative) | set(world.places)) & reserved


def test_sentiment_label_is_the_majority_after_negation():
    world = W.make_world(CFG, 0)
    rows = W.task_examples(world, CFG, "sentiment", 300, random.Random(0))
    assert {r["label"] for r in rows} == {0, 1}
    negated = 0
    for row in rows:
        score = 0
        for clause in row["text"].split(" : ", 1)[1].rstrip(" .").split(" , "):
            words = clause.split()
            negated += "not" in words
            score += 1 if valence_of(world, words[-1]) != ("not" in words) else -1
        assert row["label"] == int(score > 0)
    assert negated > 0


def test_nli_labels_follow_the_premise():
    world = W.make_world(CFG, 1)
    rows = W.task_examples(world, CFG, "nli", 90, random.Random(0))
    assert [r["label"] for r in rows[:6]] == [0, 1, 2, 0, 1, 2]
    for row in rows:
        described = {}
        for clause in row["premise"].split(" ", 2)[2].rstrip(" .").split(" and "):
            _, item, _, adj = clause.split()
            described[item] = valence_of(world, adj)
        _, item, _, adj = row["hypothesis"].rstrip(" .").split()
        expected = 1 if item not in described else 0 if described[item] == valence_of(world, adj) else 2
        assert row["label"] == expected


def test_corpus_uses_the_verbalizer_words():
    world = W.make_world(CFG, 0)
    text = " ".join(W.corpus(world, CFG, random.Random(0)))
    for word in (*W.VERDICT_WORDS, *W.ANSWER_WORDS):
        assert f" {word} " in text


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="review_items"):
        W.make_world(W.ReviewWorldConfig(review_items=2), 0)
    with pytest.raises(ValueError, match="unknown reviews task"):
        W.task_examples(W.make_world(CFG, 0), CFG, "qa", 3, random.Random(0))
    with pytest.raises(ValueError, match="nli label"):
        W.nli_example(W.make_world(CFG, 0), CFG, random.Random(0), 3)
