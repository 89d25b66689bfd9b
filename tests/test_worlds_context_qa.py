"""The context-QA world (uncertainty_tuning): determinism, the sibling structure and the train/test split, the
closed vocabulary, reserved words, and the instruction pool's checkers."""
import json
import random
from dataclasses import asdict

import pytest

from lmrepro.worlds import context_qa as W

CFG = W.ContextQAConfig(n_groups=30, test_groups=10, n_first=20, n_surnames=40, n_values=6)


@pytest.fixture(scope="module")
def world():
    return W.build_world(CFG, 0, reserved_words=("no", "be"))


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        return json.dumps(asdict(W.build_world(CFG, seed)))

    assert dump(3) == dump(3) and dump(3) != dump(4)


def test_split_is_disjoint_by_sibling_group_and_every_person_has_a_sibling(world):
    train, test = world.persons["train"], world.persons["test"]
    assert {p["surname"] for p in train}.isdisjoint({p["surname"] for p in test})
    assert len({p["surname"] for p in test}) == CFG.test_groups
    for split in ("train", "test"):
        for person in world.persons[split]:
            assert 1 <= len(W.siblings(world, person, split)) <= CFG.siblings[1] - 1
    names = [W.name(p) for p in train + test]
    assert len(names) == len(set(names))


def test_values_are_disjoint_across_attributes_and_avoid_reserved_words(world):
    words = [w for attr in W.ATTRIBUTES for v in world.values[attr] for w in v.split()]
    assert len(words) == len(set(words))
    assert all(len(v.split()) == 2 for v in world.values["employer"])
    assert not {"no", "be", "it", "is", *W.ATTRIBUTES} & set(words + world.first + world.surnames)


def test_renderings_use_the_vocabulary_only(world):
    vocab = set(world.vocabulary())
    rng = random.Random(0)
    for _ in range(50):
        person = W.random_person(world, rng)
        attrs = rng.sample(W.ATTRIBUTES, 3)
        text = W.passage(person, attrs) + " " + W.question(person, attrs[0], rng.randrange(2))
        assert set(text.split()) <= vocab
        answer = person[attrs[0]].split()
        for c in W.CONSTRAINTS:
            assert set(c.apply(answer) + c.violate(answer)) <= vocab
    assert W.passage({"first": "a", "surname": "b", "town": "t", "pet": "p"}, ["pet", "town"]) == \
        "about a b : pet p ; town t ."


@pytest.mark.parametrize("answer", [["zole"], ["go", "de"]])
def test_constraint_checkers_pass_applied_and_fail_violated_answers(answer):
    for c in W.CONSTRAINTS:
        assert c.check(c.apply(answer)) and not c.check(c.violate(answer)), c.name
    by_name = {c.name: c for c in W.CONSTRAINTS}
    assert by_name["upper"].check(["GO", "DE"]) and not by_name["upper"].check(["GO", "de"])
    assert by_name["prefix"].check(["answer:", "x"]) and not by_name["prefix"].check(["x", "answer:"])
    assert by_name["period"].check(["x", "."]) and not by_name["period"].check([".", "x"])
    assert by_name["short"].check(["a", "b"]) and not by_name["short"].check(["a", "b", "c"])
    assert not by_name["short"].check([])


def test_bad_configs_are_refused():
    with pytest.raises(ValueError, match="siblings"):
        W.ContextQAConfig(siblings=(1, 2)).check()
    with pytest.raises(ValueError, match="test_groups"):
        W.ContextQAConfig(n_groups=10, test_groups=10).check()
