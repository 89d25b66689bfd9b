"""context_pref: phrasing splits, RM inputs, judgments and the profile inference, by hand."""
import random

import pytest

from lmrepro.papers.context_pref.data import paraphrases, profile_text, rephrase, rm_text
from lmrepro.papers.context_pref.evaluate import infer_profile, profile_judgments, reversal_judgments
from lmrepro.papers.context_pref.params import RMConfig
from lmrepro.papers.context_pref.train_rm import judgments
from lmrepro.worlds import feedback as W


def test_test_phrasing_is_never_a_train_phrasing():
    table = paraphrases(W.FeedbackWorldConfig(n_paraphrases=3))
    for (style, polarity), texts in table.items():
        c = {"style": style, "polarity": polarity, "negative": False, "text": texts[0]}
        train = {rephrase(c, table, "train", pick)["text"] for pick in range(10)}
        assert train == set(texts[:-1]) and rephrase(c, table, "test")["text"] == texts[-1] not in train
    neg = {"style": "humor", "polarity": 1, "negative": True, "text": "avoid serious answers"}
    assert rephrase(neg, table, "test") is neg


def test_each_row_gives_both_reversed_judgments_and_general_pairs_have_no_context():
    row = {"prompt": "q", "a": "A", "b": "B", "criterion_x": {"text": "x"}, "criterion_y": {"text": "y"}}
    general = [{"prompt": "q", "chosen": "C", "rejected": "D"}]
    assert judgments([row], general) == [("x", "q", "A", "B"), ("y", "q", "B", "A"), (None, "q", "C", "D")]
    assert reversal_judgments([row], False) == [(None, "q", "A", "B"), (None, "q", "B", "A")]
    assert rm_text(None, "q", "A") == "q : A" and rm_text("x", "q", "A") == "x : q : A"


def test_arms_show_context_with_their_probability():
    assert [RMConfig(arm=a).p_context for a in ("no_ctx", "ctx_sparse", "carm")] == [0.0, 0.1, 1.0]
    with pytest.raises(ValueError, match="rm.arm must be one of"):
        RMConfig(arm="gpt4").check("rm")


def test_profile_inference_picks_the_profile_that_labelled_the_pairs():
    world = W.build_world(W.FeedbackWorldConfig(n_entities=20, n_heldout=5), 0)
    profiles = W.sample_profiles(5, 0)
    rows = W.rpr_pairs(world, W.FeedbackWorldConfig(), world.heldout, 40, 0)
    pairs = [{"prompt": r["prompt"], "a": r["a"], "b": r["b"],
              "prefers_a": [W.profile_prefers(p, r["a"], r["b"]) == 1 for p in profiles]} for r in rows]
    rng = random.Random(0)
    assert all(infer_profile(pairs, p, profiles, rng) == p for p in range(5))  # 40 labels identify every profile
    judged = profile_judgments(pairs, 2, "t")
    assert all(W.profile_prefers(profiles[2], yes, no) == 1 for _, _, yes, no in judged)


def test_profile_text_states_the_heaviest_style_in_the_held_out_phrasing():
    table = paraphrases(W.FeedbackWorldConfig(n_paraphrases=3))
    profile = {"brevity": 1, "formality": -2, "fact": 4, "humor": -16, "science": 8}
    assert profile_text(profile, table) == table[("humor", 0)][-1]
