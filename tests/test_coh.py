"""Chain of Hindsight: chains and their loss masks (spec Acceptance 4), the baselines' rows, context masking and
the unlikelihood term, by hand."""
import random

import pytest
import torch

from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.coh.chains import (BAD, GOOD, chain, encode_segments, mask_context, method_rows, segment_batch,
                                       unlikelihood_loss)
from lmrepro.papers.coh.params import METHODS, FinetuneConfig
from lmrepro.worlds import feedback as W


@pytest.fixture(scope="module")
def world_pairs():
    world = W.build_world(W.FeedbackWorldConfig(n_entities=30, n_heldout=10), 0)
    return world, W.preference_pairs(world, world.finetune, 20, 0), build_word_tokenizer(world.vocabulary())


def test_chain_supervises_exactly_the_answers_never_feedback_or_prompt(world_pairs):
    world, pairs, tok = world_pairs
    rng = random.Random(0)
    kinds = set()
    for p in pairs:
        segments = chain(p["prompt"], p["chosen"], p["rejected"], rng, p_pair=0.5)
        ids, mask = encode_segments(tok, segments)
        answers = [t for t, sup in segments if sup]
        kinds.add(len(answers))
        n_words = lambda text: len(text.split())  # noqa: E731 (word-level tokenizer: one id per word)
        assert sum(mask) == sum(n_words(a) for a in answers) + 1  # + the final EOS
        assert mask[0] == 0 and ids[0] == tok.bos_token_id and ids[-1] == tok.eos_token_id and mask[-1] == 1
        pos = 1
        for text, supervised in segments:
            assert set(mask[pos:pos + n_words(text)]) == {int(supervised)}, text
            pos += n_words(text)
        if len(answers) == 2:  # an ordered pair holds both answers, each after its own feedback phrase
            phrases = [t for t, sup in segments if not sup][1:]
            assert sorted(answers) == sorted([p["chosen"], p["rejected"]]) and sorted(phrases) == sorted([GOOD, BAD])
            assert phrases[answers.index(p["chosen"])] == GOOD
    assert kinds == {1, 2}


def test_each_baseline_sees_the_pairs_it_should(world_pairs):
    _, pairs, _ = world_pairs
    rng = random.Random(0)
    rows = {m: method_rows(m, pairs, rng, 0.5) for m in METHODS if m != "coh"}
    assert rows["sft_pos"] == rows["sft_u"] == [[(p["prompt"], False), (p["chosen"], True)] for p in pairs]
    assert len(rows["sft_all"]) == len(rows["c_sft"]) == 2 * len(pairs)
    assert {seg[1][0] for seg in rows["c_sft"]} == {GOOD, BAD}
    with pytest.raises(ValueError, match="unknown method"):
        method_rows("ppo", pairs, rng, 0.5)
    with pytest.raises(ValueError, match="finetune.method must be one of"):
        FinetuneConfig(method="ppo").check("finetune")


def test_context_masking_hides_only_unsupervised_real_positions_after_bos(world_pairs):
    _, pairs, tok = world_pairs
    batch = segment_batch(tok, method_rows("coh", pairs, random.Random(0), 1.0))
    masked = mask_context(batch, 0.5, torch.Generator().manual_seed(0))
    hidden = (batch["attention_mask"] == 1) & (masked["attention_mask"] == 0)
    assert hidden.any() and not (hidden & (batch["loss_mask"] == 1)).any() and not hidden[:, 0].any()
    assert mask_context(batch, 0.0, torch.Generator()) is batch


def test_unlikelihood_is_minus_log_one_minus_p_of_each_masked_target():
    logits = torch.tensor([[[0.0, 1.0, 2.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]])
    ids = torch.tensor([[0, 2, 0]])
    mask = torch.tensor([[0, 1, 0]])  # only the target at position 1 (predicted from position 0)
    p = torch.softmax(logits[0, 0], -1)[2]
    assert float(unlikelihood_loss(logits, ids, mask)) == pytest.approx(float(-torch.log(1 - p)))


def test_segment_batch_keeps_each_rows_last_max_len_tokens(world_pairs):
    _, pairs, tok = world_pairs
    rows = method_rows("sft_pos", pairs, random.Random(0), 0.0)
    full, cut = segment_batch(tok, rows), segment_batch(tok, rows, max_len=6)
    assert cut["input_ids"].size(1) == 6 < full["input_ids"].size(1)
    n = int(full["attention_mask"][0].sum())  # row 0's real tokens: the cut row is their last 6, with their mask
    assert torch.equal(cut["input_ids"][0], full["input_ids"][0, n - 6:n])
    assert torch.equal(cut["loss_mask"][0], full["loss_mask"][0, n - 6:n])
