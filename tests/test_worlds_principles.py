"""The principles world (sami): checkers are right on hand-built cases, the grammar is exact, and the corpus has
the weak principle-behaviour link the base model is meant to learn."""
import json
import random
from collections import Counter

import pytest

from lmrepro.worlds import principles as W

CFG = W.PrinciplesWorldConfig()


@pytest.fixture(scope="module")
def world():
    return W.build_world(CFG, 0)


def test_same_seed_same_bytes_different_seed_differs():
    def dump(seed):
        w = W.build_world(CFG, seed)
        return json.dumps([w.to_json(), W.sample_corpus(w, 300, seed)], sort_keys=True)

    assert dump(1) == dump(1)
    assert dump(1) != dump(2)


def test_round_trip_through_json(world):
    again = W.PrinciplesWorld.from_json(json.loads(json.dumps(world.to_json())))
    assert again.to_json() == world.to_json()


def test_constitutions_split_six_two_with_a_complementary_heldout_pair(world):
    assert len(W.all_constitutions()) == 8 and len(set(W.all_constitutions())) == 8
    assert len(world.train_constitutions) == 6 and len(world.heldout_constitutions) == 2
    a, b = world.heldout_constitutions
    assert all(x + y == 1 for x, y in zip(a, b))
    assert not set(world.train_constitutions) & set(world.heldout_constitutions)
    # every prompt has the same number of tokens (3-token principles, one-token names)
    lengths = {len(W.prompt_text(c, n, tuple(o)).split()) for c in W.all_constitutions()
               for n in world.names[:5] for o in ([0, 1, 2], [2, 0, 1])}
    assert len(lengths) == 1


def test_vocabulary_covers_the_corpus_and_is_about_400_types(world):
    vocab = set(world.vocabulary())
    assert 350 <= len(vocab) <= 420
    for row in W.sample_corpus(world, 500, 0):
        assert set(row["prompt"].split()) <= vocab and set(row["response"].split()) <= vocab


def _hand_built(world):
    e = world.attrs[0]
    return {
        "brief_color_polite": f"kindly it is {e['color']} and it is a {e['species']} .",
        "one_clause_plain": f"it lives in {e['home']} .",
        "long_nocolor_plain": (f"it is a {e['species']} and it is {e['size']} and it lives in {e['home']} and "
                               f"its friend is {e['friend']} ."),
        "long5_polite": (f"kindly its friend is {e['friend']} and it is {e['color']} and it is a {e['species']} "
                         f"and it is {e['size']} and it lives in {e['home']} ."),
        "three_color_plain": f"it is {e['color']} and it is {e['size']} and it lives in {e['home']} .",
    }


def test_checkers_on_hand_built_positives_and_negatives(world):
    r = _hand_built(world)
    # (brief, color, polite) = thesis on all three
    assert W.check(r["brief_color_polite"], (1, 1, 1)) == [True, True, True]
    assert W.check(r["brief_color_polite"], (0, 0, 0)) == [False, False, False]
    assert W.check(r["one_clause_plain"], (1, 0, 0)) == [True, True, True]
    assert W.check(r["one_clause_plain"], (1, 1, 1)) == [True, False, False]
    assert W.check(r["long_nocolor_plain"], (0, 0, 0)) == [True, True, True]
    assert W.check(r["long_nocolor_plain"], (1, 1, 1)) == [False, False, False]
    assert W.check(r["long5_polite"], (0, 1, 1)) == [True, True, True]
    # 3 clauses satisfy neither brevity (<= 2) nor its antithesis (>= 4)
    assert W.check(r["three_color_plain"], (1, 1, 0))[0] is False
    assert W.check(r["three_color_plain"], (0, 1, 0))[0] is False
    assert W.adherence(r["three_color_plain"], (1, 1, 0)) == pytest.approx(2 / 3)
    assert W.features(r["long5_polite"]) == {"n_clauses": 5, "color": True, "polite": True}


def test_grammar_accepts_exactly_the_language(world):
    for text in _hand_built(world).values():
        assert world.parse(text) is not None, text
    e = world.attrs[0]
    bad = [
        "kindly .",                                                   # no clause
        f"it is {e['color']}",                                        # no final period
        f"it is {e['color']} and it is {e['color']} .",               # an attribute twice
        f"it is a {e['color']} .",                                    # a color where a species belongs
        f"it lives in {world.names[1]} .",                            # a name where a home belongs
        f"it is {e['color']} it is {e['size']} .",                    # clauses not joined by 'and'
        f"it is {e['color']} and kindly it is {e['size']} .",         # marker not first
        f"its friend is {e['friend']} {world.names[2]} .",            # trailing junk
    ]
    for text in bad:
        assert world.parse(text) is None, text
    parsed = world.parse(f"kindly it is {e['size']} and it is a {e['species']} .")
    assert parsed == {"polite": True, "clauses": [("size", e["size"]), ("species", e["species"])]}


@pytest.mark.parametrize("bits", W.all_constitutions())
def test_full_obedience_satisfies_every_constitution(world, bits):
    strict = W.build_world(W.PrinciplesWorldConfig(p_obey=1.0), 0)
    rng = random.Random(0)
    for e in range(30):
        text = strict.sample_response(rng, e, bits)
        assert strict.parse(text) is not None
        assert W.check(text, bits) == [True, True, True], (bits, text)
        # facts stated are the entity's own
        assert all(strict.attrs[e][a] == v for a, v in strict.parse(text)["clauses"])


def test_corpus_link_is_weak_and_matches_p_obey(world):
    rows = [r for r in W.sample_corpus(world, 6000, 1) if r["bits"] is not None]
    # habit: 3 clauses (fails brevity both ways), color 0.8, polite 0.2; obeyed with p_obey = 0.45
    p = CFG.p_obey
    rate = {k: [] for k in ("brief", "long", "color", "nocolor", "polite", "plain")}
    for r in rows:
        ok = W.check(r["response"], tuple(r["bits"]))
        rate["brief" if r["bits"][0] else "long"].append(ok[0])
        rate["color" if r["bits"][1] else "nocolor"].append(ok[1])
        rate["polite" if r["bits"][2] else "plain"].append(ok[2])
    mean = {k: sum(v) / len(v) for k, v in rate.items()}
    assert mean["brief"] == pytest.approx(p, abs=0.03) and mean["long"] == pytest.approx(p, abs=0.03)
    assert mean["color"] == pytest.approx(p + (1 - p) * 0.8, abs=0.03)
    assert mean["nocolor"] == pytest.approx(p + (1 - p) * 0.2, abs=0.03)
    assert mean["polite"] == pytest.approx(p + (1 - p) * 0.2, abs=0.03)
    assert mean["plain"] == pytest.approx(p + (1 - p) * 0.8, abs=0.03)
    shares = Counter(r["bits"] is None for r in W.sample_corpus(world, 5000, 2))
    assert shares[True] / 5000 == pytest.approx(CFG.p_unconditioned, abs=0.02)


def test_config_check_rejects_bad_values():
    with pytest.raises(ValueError):
        W.PrinciplesWorldConfig(n_heldout=3).check("world")
    with pytest.raises(ValueError):
        W.PrinciplesWorldConfig(p_obey=1.5).check("world")
