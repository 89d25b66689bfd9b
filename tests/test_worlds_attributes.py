"""The attribute-sentence world (neurofeedback): disjoint seeded splits whose words carry their attributes, and
episodes whose labels follow one attribute (cued: its own polarity; uncued: either polarity), all in-vocabulary."""
import random

import pytest

from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.worlds import attributes as W

CFG = W.AttributesConfig(n_words=3, n_persons=2, n_train=60, n_pool=40, n_probe=40)


@pytest.fixture(scope="module")
def tokenizer():
    return build_word_tokenizer(W.vocabulary(CFG))


def test_splits_are_disjoint_distinct_and_seeded():
    splits = W.split_sentences(CFG, seed=3)
    texts = {name: [r["text"] for r in rows] for name, rows in splits.items()}
    assert {name: len(t) for name, t in texts.items()} == {"train": 60, "pool": 40, "probe": 40}
    every = [t for ts in texts.values() for t in ts]
    assert len(set(every)) == len(every)
    assert W.split_sentences(CFG, seed=3) == splits and W.split_sentences(CFG, seed=4) != splits
    lex = W.lexicon(CFG)
    for row in splits["pool"]:
        person, verb, _, obj, _, place = row["text"].split()
        assert verb in lex["moral"][row["moral"]] and obj in lex["animate"][row["animate"]]
        assert place in lex["urban"][row["urban"]]


def test_episodes_cued_keep_polarity_uncued_follow_one_attribute(tokenizer):
    rows = W.split_sentences(CFG, seed=0)["train"]
    by_text = {r["text"]: r for r in rows}
    rng = random.Random(0)
    for cued_share in (1.0, 0.0):
        for _ in range(20):
            text = W.meta_episode(rows, 5, rng, cued_share)
            cue, rest = text.split(f" {W.CUE_END} ", 1)
            pairs = [p.split(f" {W.SEPARATOR} ") for p in rest.rstrip(f" {W.END}").split(f" {W.END} ")]
            labels = [int(y) for _, y in pairs]
            if cued_share == 1.0:
                assert labels == [by_text[s][cue] for s, _ in pairs]
            else:
                assert cue == W.UNCUED
                assert any(labels == [by_text[s][a] ^ flip for s, _ in pairs]
                           for a in W.ATTRIBUTES for flip in (0, 1))
            assert tokenizer.unk_token_id not in tokenizer(text)["input_ids"]


def test_a_config_asking_for_more_sentences_than_exist_is_refused():
    with pytest.raises(ValueError, match="exceeds the 432 distinct sentences"):
        W.AttributesConfig(n_words=3, n_persons=2, n_train=400, n_pool=40, n_probe=40).check("world")
