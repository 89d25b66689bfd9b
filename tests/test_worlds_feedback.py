"""The feedback world (coh, implicit_reward, context_pref): oracles on hand-built answers, exact noisy answers,
strict pair orderings, single-token pair differences, exact fact exposures, style read-back, and reversals."""
import json
import random
import time
from collections import Counter

import pytest

from lmrepro.worlds import feedback as W

CFG = W.FeedbackWorldConfig()


@pytest.fixture(scope="module")
def world():
    return W.build_world(CFG, 0)


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        w = W.build_world(CFG, seed)
        return json.dumps([w.entities, W.description_corpus(w, CFG, seed), W.preference_pairs(w, w.finetune, 50, seed),
                           W.rpr_pairs(w, CFG, w.finetune, 50, seed)])

    assert dump(1) == dump(1) and dump(1) != dump(2)


def test_splits_and_attributes(world):
    assert len(world.heldout) == CFG.n_heldout and not set(world.heldout) & set(world.finetune)
    assert len(world.heldout) + len(world.finetune) == CFG.n_entities
    assert world.attributes == list(W.ATTRIBUTES[: CFG.n_attributes])


def test_oracles_on_hand_built_answers(world):
    name = world.finetune[0]
    truth = world.entities[name]
    wrong_color = next(v for v in world.values["color"] if v != truth["color"])
    good = W.render_answer([("color", truth["color"]), ("city", truth["city"])])
    mixed = W.render_answer([("color", wrong_color), ("city", truth["city"])])
    assert good == f"color is {truth['color']} ; city is {truth['city']} ; ."
    n = CFG.n_attributes
    assert W.quality(world, name, good) == 2 / n and W.quality(world, name, mixed) == (1 - 2) / n
    assert W.quality(world, name, W.true_answer(world, name)) == 1.0
    assert W.fact_score(world, name, mixed) == {"score": 0, "compliant": True}
    assert W.fact_score(world, name, good) == {"score": 2, "compliant": True}
    for bad in ("color is red", "color is red ; color is blue ; .", "colour is red ; .", "color was red ; ."):
        assert W.quality(world, name, bad) is None and W.fact_score(world, name, bad)["compliant"] is False
    assert W.parse_answer(world, good) == [("color", truth["color"]), ("city", truth["city"])]


def test_noisy_answers_state_exactly_k_true_and_m_false(world):
    rng = random.Random(0)
    for name in world.finetune[:50]:
        k, m = rng.randint(0, 2), rng.randint(0, 2)
        facts = W.parse_answer(world, W.noisy_answer(world, name, k, m, rng))
        right = sum(world.entities[name][a] == v for a, v in facts)
        assert (right, len(facts) - right) == (k, m)
    with pytest.raises(ValueError, match="k_correct"):
        W.noisy_answer(world, world.finetune[0], 4, 4, rng)


def test_preference_pairs_are_strict_and_single_fact_pairs_differ_in_one_token(world):
    for row in W.preference_pairs(world, world.finetune, 300, 3):
        assert W.quality(world, row["name"], row["chosen"]) == row["q_chosen"] > row["q_rejected"] == \
            W.quality(world, row["name"], row["rejected"])
    for row in W.single_fact_pairs(world, world.heldout, 4):
        a, b = row["chosen"].split(), row["rejected"].split()
        assert [i for i in range(len(a)) if a[i] != b[i]] == [row["diff_token"]]
        assert W.fact_score(world, row["name"], row["chosen"])["score"] == CFG.n_attributes
        assert W.fact_score(world, row["name"], row["rejected"])["score"] == CFG.n_attributes - 2
        assert a[row["diff_token"] - 2] == row["attribute"]


def test_description_corpus_states_every_fact_exactly_exposures_times(world):
    lines = W.description_corpus(world, CFG, 5)
    counts = Counter()
    for line in lines:
        tokens = line.split()
        name = next(t for t in tokens if t in world.entities)
        attr = next(t for t in tokens if t in world.values)
        value = next(t for t in tokens if t in world.values[attr])
        assert world.entities[name][attr] == value
        counts[name, attr] += 1
    assert set(counts.values()) == {CFG.exposures}
    assert len(counts) == CFG.n_entities * CFG.n_attributes


def test_styles_read_back_exactly(world):
    name = world.finetune[0]
    for bits in range(32):
        style = tuple((bits >> i) & 1 for i in range(5))
        assert W.style_of(W.styled_answer(world, name, style)) == style


def test_criteria_oracle_reverses_and_rpr_pairs_hold(world):
    crits = W.criteria(CFG)
    assert len(crits) == len(W.STYLES) * 2 * (CFG.n_paraphrases + 1)
    rows = W.rpr_pairs(world, CFG, world.finetune, 300, 6)
    for row in rows:
        x, y = row["criterion_x"], row["criterion_y"]
        assert x["style"] == y["style"] and x["polarity"] != y["polarity"]
        assert W.prefers(x, row["a"], row["b"]) == 1 and W.prefers(y, row["a"], row["b"]) == 0
        diff = sum(p != q for p, q in zip(W.style_of(row["a"]), W.style_of(row["b"])))
        assert diff >= CFG.min_style_diff
    assert {r["criterion_x"]["style"] for r in rows} == set(W.STYLES)
    neg = W.rpr_pairs(world, CFG, world.finetune, 50, 7, styles=("humor",), negative=True)
    assert all(r["criterion_x"]["negative"] and r["criterion_x"]["text"].startswith("avoid") for r in neg)
    short = next(c for c in crits if c["style"] == "brevity" and c["polarity"] == 1 and c["negative"])
    assert short["text"] == "avoid long answers"


def test_profiles_never_tie_on_differing_answers(world):
    name = world.finetune[1]
    answers = [W.styled_answer(world, name, tuple((b >> i) & 1 for i in range(5))) for b in range(32)]
    for profile in W.sample_profiles(5, 0):
        for a in answers[:8]:
            for b in answers:
                assert (W.profile_prefers(profile, a, b) == -1) == (a == b)


def test_vocabulary_covers_every_rendering(world):
    vocab = set(world.vocabulary())
    name = world.finetune[0]
    texts = [W.query(name), W.true_answer(world, name), *W.FEEDBACK.values(), *W.description_corpus(world, CFG, 0)[:50],
             *(c["text"] for c in W.criteria(CFG)), W.styled_answer(world, name, (1, 1, 1, 1, 1)),
             W.styled_answer(world, name, (0, 0, 0, 0, 0))]
    assert {w for t in texts for w in t.split()} <= vocab


def test_small_corpus_under_two_seconds():
    start = time.perf_counter()
    world = W.build_world(CFG, 0)
    W.description_corpus(world, CFG, 0)
    W.preference_pairs(world, world.finetune, 600, 0)
    W.rpr_pairs(world, CFG, world.finetune, 2000, 0)
    W.single_fact_pairs(world, world.heldout, 0)
    assert time.perf_counter() - start < 2.0


def _snapshot(tmp_path, name, rows):
    path = tmp_path / name / "data"
    path.mkdir(parents=True)
    (path / "test-00000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(tmp_path / name)


def test_paper_scale_loaders_give_the_world_schemas(world, tmp_path):
    rpr = _snapshot(tmp_path, "rpr", [{"prompt": "p", "response_a": "A", "response_b": "B", "criteria_x": "cx",
                                       "criteria_y": "cy", "scenario_x": "s"}])
    [row] = W.load_rpr(rpr)
    synthetic = W.rpr_pairs(world, CFG, world.finetune, 1, 0)[0]
    assert set(row) == set(synthetic) and set(row["criterion_x"]) == set(synthetic["criterion_x"])
    assert (row["a"], row["b"], row["criterion_x"]["text"], row["criterion_y"]["text"]) == ("A", "B", "cx", "cy")
    hh = _snapshot(tmp_path, "hh", [
        {"chosen": "\n\nHuman: hi\n\nAssistant: hello", "rejected": "\n\nHuman: hi\n\nAssistant: go away"},
        {"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: other\n\nAssistant: c"}])
    rows = W.load_comparisons(hh, split="test")
    assert len(rows) == 1 and set(rows[0]) == set(W.preference_pairs(world, world.finetune, 1, 0)[0])
    assert (rows[0]["prompt"], rows[0]["chosen"], rows[0]["rejected"]) == \
        ("\n\nHuman: hi\n\nAssistant:", "hello", "go away")
    with pytest.raises(KeyError, match="criteria_x"):
        W.load_rpr(_snapshot(tmp_path, "bad", [{"prompt": "p"}]))
    with pytest.raises(FileNotFoundError, match="hub_snapshot"):
        W.load_rpr(str(tmp_path / "missing"))
