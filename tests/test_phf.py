"""phf: the objectives' losses by hand, the conditional tagger, token-score alignment, the scorer and the world."""
import math
import random
import types

import pytest
import torch

from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.phf.objectives import (awr_loss, cond_tags, document_rows, encode_document, objective_batches,
                                           objective_rows, unlikelihood_loss)
from lmrepro.papers.phf.params import ObjectiveConfig
from lmrepro.papers.phf.prep import CONTROL_TOKENS
from lmrepro.papers.phf.scorer import n_pii, score
from lmrepro.worlds import pii as W

ALIGNED, MISALIGNED = CONTROL_TOKENS


@pytest.fixture(scope="module")
def tok():
    return build_word_tokenizer(["a", "b", "c", ".", *CONTROL_TOKENS])


def test_unlikelihood_by_hand():
    logits = torch.tensor([[[0.0, 1.0, 2.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]])
    ids = torch.tensor([[0, 2, 1]])  # targets 2 (given position 0) and 1 (given position 1)
    p = [math.exp(2) / (1 + math.e + math.exp(2)), 1 / (math.exp(2) + 2)]
    mask, misaligned = torch.ones(1, 2), torch.tensor([[False, True]])
    expected = (-math.log(p[0]) - 0.5 * math.log(1 - p[1])) / 2
    assert float(unlikelihood_loss(logits, ids, mask, misaligned, alpha=0.5)) == pytest.approx(expected, rel=1e-6)
    assert float(unlikelihood_loss(logits, ids, torch.tensor([[1.0, 0.0]]), misaligned, 0.5)) == pytest.approx(
        -math.log(p[0]), rel=1e-6)


def test_awr_and_rwr_by_hand():
    logits = torch.tensor([[[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]])
    ids = torch.tensor([[0, 1, 1]])
    nll = [math.log(1 + math.e) - 1, math.log(1 + math.e)]
    rewards, values, mask = torch.tensor([[0.0, -1.0]]), torch.tensor([[0.5, -0.5]]), torch.ones(1, 2)
    w = [math.exp((0.0 - 0.5) / 2.0), math.exp((-1.0 + 0.5) / 2.0)]
    lm = (nll[0] * w[0] + nll[1] * w[1]) / 2
    mse = (0.25 + 0.25) / 2
    loss, logs = awr_loss(logits, values, ids, mask, rewards, alpha=0.5, beta=2.0, clip=1000.0)
    assert float(loss) == pytest.approx(0.5 * lm + 0.5 * mse, rel=1e-6) and logs["value_mse"] == pytest.approx(mse)
    rwr, _ = awr_loss(logits, None, ids, mask, rewards, alpha=1.0, beta=2.0, clip=1000.0)
    assert float(rwr) == pytest.approx((nll[0] + nll[1] * math.exp(-0.5)) / 2, rel=1e-6)
    clipped, logs = awr_loss(logits, None, ids, mask, torch.tensor([[10.0, 10.0]]), alpha=1.0, beta=1.0, clip=3.0)
    assert logs["weight_max"] == 3.0 and float(clipped) == pytest.approx(3.0 * sum(nll) / 2, rel=1e-6)


def test_value_gradients_reach_the_trunk_but_not_through_the_advantage():
    values = torch.zeros(1, 2, requires_grad=True)
    logits = torch.zeros(1, 3, 2)
    loss, _ = awr_loss(logits, values, torch.tensor([[0, 1, 1]]), torch.ones(1, 2), torch.tensor([[1.0, 1.0]]),
                       alpha=1.0, beta=1.0, clip=1000.0)
    loss.backward()
    assert torch.all(values.grad == 0)  # alpha 1: the LM term alone; the detached advantage gives V no gradient


def test_token_scores_follow_their_sentence_and_tags_precede_it(tok):
    ids, scores, text = encode_document(tok, ["a b .", "c ."], [0.0, 0.5], [ALIGNED, MISALIGNED], seq_len=16)
    words = tok.convert_ids_to_tokens(ids)
    assert words == ["<bos>", ALIGNED, "a", "b", ".", MISALIGNED, "c", ".", "<eos>"]
    assert scores == [0, 0, 0, 0, 0, 0, 0.5, 0.5, 0]
    assert text == [0, 0, 1, 1, 1, 0, 1, 1, 1]
    rows = document_rows(tok, [{"sentences": ["a b .", "c ."], "scores": [0.0, 0.5]}], 12, reward_scale=0.25)
    assert rows["rewards"][0, 4:6].tolist() == [-2.0, -2.0] and rows["loss_mask"][0].sum() == 7


def test_cond_tags_threshold_and_untagged_share():
    tags = cond_tags([0.0, 0.1, 0.0], 0.0, 0.0, random.Random(0))
    assert tags == [ALIGNED, MISALIGNED, ALIGNED]
    many = cond_tags([0.0] * 20000, 0.0, 0.01, random.Random(1))
    assert 0.007 < many.count(None) / 20000 < 0.013


def test_filter_drops_every_document_with_pii_and_cond_tags_all(tok):
    docs = [{"sentences": ["a ."], "scores": [0.0]}, {"sentences": ["b .", "c ."], "scores": [0.0, 0.2]}]
    cfg = ObjectiveConfig(drop_token_fraction=0.0)
    assert objective_rows(tok, docs, cfg, "filter", 0)["input_ids"].size(0) == 1
    cond = objective_rows(tok, docs, cfg, "cond", 0)["input_ids"]
    tags = [tok.convert_tokens_to_ids(t) for t in CONTROL_TOKENS]
    assert int(torch.isin(cond, torch.tensor(tags)).sum()) == 3


def test_mle_then_cond_switches_from_untagged_to_tagged_rows(tmp_path, tok):
    from lmrepro.common.io import write_jsonl
    from lmrepro.common.params import TrainConfig

    write_jsonl(tmp_path / "docs.jsonl", [{"sentences": ["a b ."], "scores": [0.0]}] * 8)
    sections = {"objective": ObjectiveConfig(objective="mle_then_cond", batch_size=4, drop_token_fraction=0.0),
                "pretrain": TrainConfig(steps=10, lr=1e-3)}
    st = types.SimpleNamespace(seed=0, inp=lambda name: tmp_path, params=lambda name, cls=None: sections[name])
    get_batch = objective_batches(st, tok)
    aligned = tok.convert_tokens_to_ids(ALIGNED)
    assert not (get_batch(4)["input_ids"] == aligned).any() and (get_batch(5)["input_ids"] == aligned).any()


def test_scorer_counts_pii_per_character():
    text = "you can call vogu at 305-249-7090 ."
    assert n_pii(text) == 1 and score(text) == pytest.approx(1 / len(text))
    assert score("write to bako at bako@post.com .") > 0 and score("bako likes the red boat .") == 0.0


def test_world_pii_is_exactly_what_scrubadub_finds():
    cfg = W.PIIWorldConfig(n_people=30)
    names = W.people(cfg, 0)
    docs = W.documents(cfg, names, 400, 1)
    vocab = set(W.vocabulary(names))
    flags = [(W.render(s), leaky) for d in docs for s, leaky in zip(d["sentences"], d["leaky"])]
    assert all((n_pii(text) > 0) == leaky for text, leaky in flags)
    assert 0.05 < sum(leaky for _, leaky in flags) / len(flags) < 0.25
    assert all(w in vocab for d in docs for s in d["sentences"] for w in s.split())
    assert W.documents(cfg, names, 400, 1) == docs and W.documents(cfg, names, 400, 2) != docs
    assert not any(any(d["leaky"]) for d in W.documents(cfg, names, 200, 3, clean=True))
    assert W.render("write to bako at bako @ post .com .") == "write to bako at bako@post.com ."
    assert W.render("call 4 1 5 - 2 6 7 - 0 1 9 3 now") == "call 415-267-0193 now"
    for prompt in W.redteam_prefixes(names, 20, 0):  # one leak, then an opening that invites another
        assert n_pii(W.render(prompt)) == 1 and prompt.endswith(" at")


def test_pii_rate_counts_only_pii_the_sample_adds(tok):
    from lmrepro.papers.phf.evaluate import pii_rate

    tok = build_word_tokenizer(W.vocabulary(["bako"]))
    enc = lambda text: tok.encode(text, add_special_tokens=False)  # noqa: E731
    prompt = enc("write to bako at bako @ post .com . you can call bako at")
    samples = [enc("4 1 5 - 2 6 7 - 0 1 9 3 ."), enc("the office ."), enc("")]
    assert pii_rate(tok, [prompt] * 3, samples) == pytest.approx(1 / 3)


def test_objective_config_refuses_unknown_objective():
    with pytest.raises(ValueError, match="objective must be one of"):
        ObjectiveConfig(objective="rlhf").check("objective")


def test_sampling_never_emits_banned_control_tokens(tok):
    from transformers import GPT2Config, GPT2LMHeadModel

    from lmrepro.common.generation import generate

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=16, n_layer=1, n_head=2, n_positions=32))
    tags = [tok.convert_tokens_to_ids(t) for t in CONTROL_TOKENS]
    prompts = [[tok.bos_token_id]] * 64
    free, _ = generate(model, tok, prompts, max_new_tokens=10, temperature=5.0, seed=0)
    banned, _ = generate(model, tok, prompts, max_new_tokens=10, temperature=5.0, top_p=0.9, banned_ids=tags, seed=0)
    assert any(t in s for s in free for t in tags) and not any(t in s for s in banned for t in tags)


def test_heldout_documents_keep_the_leading_sentences_that_fit_with_their_tags(tok):
    from lmrepro.papers.phf.evaluate import fitting

    docs = [{"sentences": ["a b c .", "b c .", "c c c c c ."]}, {"sentences": ["a b c a b c a b c ."]}]
    kept = fitting(tok, docs, seq_len=12)  # BOS + (tag + words) per sentence + EOS
    assert kept == [{"sentences": ["a b c .", "b c ."]}]
    for doc in kept:
        n = len(doc["sentences"])
        assert len(encode_document(tok, doc["sentences"], [0.0] * n, [ALIGNED] * n, 10**9)[0]) <= 12
    with pytest.raises(SystemExit, match="fits"):
        fitting(tok, docs, seq_len=3)
