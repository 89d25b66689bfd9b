"""CLIMB: curricula (pacing, vocab map, difficulty sampling, word-class masking), PLL against minicons, the
pre-LN RoBERTa family, and config/params registration."""
from __future__ import annotations

import math

import pytest
import torch

from lmrepro.common.models import build_model, load_model
from lmrepro.papers.climb.curricula import (curriculum_batch, map_to_unk, pacing_value, pos_mask, unigram_perplexity,
                                            unk_type_share)
from lmrepro.papers.climb.params import Pacing
from lmrepro.papers.climb.pll import pair_accuracy, pll_scores
from lmrepro.papers.climb.prep import frequency_tokenizer


@pytest.mark.parametrize("shape", ["linear", "quad", "root", "log", "exp", "step"])
def test_pacing_endpoints_and_monotone(shape):
    p = Pacing(shape=shape, start=0.2, start_frac=0.1, end_frac=0.8)
    vals = [pacing_value(p, t, 300) for t in range(301)]
    assert vals[0] == 0.2 and vals[30] == 0.2 and vals[240] == 1.0 and vals[300] == 1.0
    assert all(b >= a - 1e-12 for a, b in zip(vals, vals[1:]))
    assert all(0.2 <= v <= 1.0 for v in vals)


def test_pacing_linear_midpoint_and_log_fast_start():
    assert pacing_value(Pacing("linear", 0.2, 0.1, 0.8), 135, 300) == pytest.approx(0.6)
    lin, log = Pacing("linear", 0.1, 0.0, 0.8), Pacing("log", 0.1, 0.0, 0.8)
    assert pacing_value(log, 24, 300) > pacing_value(lin, 24, 300) + 0.3  # log rises fast early


def climb_reference_pacing(shape, total, start_frac, end_frac, start, step):
    """CLIMB src/data_curriculum/pacing_fn.py `get_pacing_fn` (max_difficulty 1, c = 10), restated from its
    formulas: evaluated at the global step, rising over int(end - start) steps."""
    t0, n = start_frac * total, int(end_frac * total - start_frac * total)
    if shape == "step":
        return start if step < end_frac * total else 1.0
    if step < t0:
        return start
    if shape == "linear":
        v = (1 - start) / n * step + start
    elif shape == "quad":
        v = (1 - start) / n ** 2 * step ** 2 + start
    elif shape == "root":
        v = (1 - start) / n ** 0.5 * step ** 0.5 + start
    elif shape == "exp":
        v = (1 - start) / (math.exp(10) - 1) * (math.exp(step * 10 / n) - 1) + start
    else:  # log
        v = (1 - start) * (1 + math.log(step / n + math.exp(-10)) / 10) + start
    return min(v, 1.0)


@pytest.mark.parametrize("shape", ["linear", "quad", "root", "log", "exp", "step"])
def test_pacing_matches_climb_when_rising_from_step_zero(shape):
    p = Pacing(shape=shape, start=0.1, start_frac=0.0, end_frac=0.8)
    for total in (10, 300, 1500):
        for t in range(0, total + 1, max(1, total // 60)):
            assert pacing_value(p, t, total) == pytest.approx(
                climb_reference_pacing(shape, total, 0.0, 0.8, 0.1, t), abs=1e-9), (shape, total, t)


def test_pacing_rejects_bad_config():
    with pytest.raises(ValueError, match="shape"):
        Pacing(shape="cubic").check("x")
    with pytest.raises(ValueError, match="start_frac"):
        Pacing(start_frac=0.9, end_frac=0.5).check("x")


def test_map_to_unk_threshold():
    ids = torch.arange(10)
    out = map_to_unk(ids, 0.5, 10, unk_id=3)
    assert out.tolist() == [0, 1, 2, 3, 4, 5, 3, 3, 3, 3]  # ids > 0.5 * 10 -> unk
    assert map_to_unk(ids, 1.0, 10, 3).tolist() == ids.tolist()
    assert unk_type_share(1.0, 245, 5) == 0.0
    assert unk_type_share(0.2, 245, 5) == pytest.approx(1 - (49 - 5 + 1) / 240)


def test_unigram_perplexity():
    ppl = unigram_perplexity([["a", "a"], ["a", "b"]])  # p(a)=3/4, p(b)=1/4
    assert ppl[0] == pytest.approx(4 / 3)
    assert ppl[1] == pytest.approx(math.exp(-(math.log(0.75) + math.log(0.25)) / 2))


def test_curriculum_batch_draws_from_easiest_without_replacement():
    order = torch.randperm(1000, generator=torch.Generator().manual_seed(0))
    gen = torch.Generator().manual_seed(1)
    batch = curriculum_batch(order, 0.1, 64, gen)
    assert len(set(batch.tolist())) == 64
    assert set(batch.tolist()) <= set(order[:100].tolist())
    assert set(curriculum_batch(order, 0.01, 64, gen).tolist()) <= set(order[:64].tolist())  # pool >= batch


def test_pos_mask_rates_and_labels():
    gen = torch.Generator().manual_seed(0)
    n = 200_000
    ids = torch.randint(10, 50, (1, n), generator=gen)
    cls = (torch.arange(n) % 3).view(1, n)  # 0 other, 1 NOUN, 2 VERB
    special = torch.zeros_like(ids, dtype=torch.bool)
    special[0, :1000] = True
    out, labels = pos_mask(ids, cls, special, mask_id=4, vocab_size=50, p_target=0.4, p_other=0.15, gen=gen)
    masked = labels != -100
    assert not masked[0, :1000].any()
    rest = slice(1000, n)
    target = cls[0, rest] > 0
    assert masked[0, rest][target].float().mean().item() == pytest.approx(0.4, abs=0.01)
    assert masked[0, rest][~target].float().mean().item() == pytest.approx(0.15, abs=0.01)
    assert torch.equal(labels[masked], cls[masked])
    share_mask = (out[masked] == 4).float().mean().item()
    share_same = (out[masked] == ids[masked]).float().mean().item()
    assert share_mask == pytest.approx(0.8, abs=0.01) and share_same == pytest.approx(0.1, abs=0.01)
    assert torch.equal(out[~masked], ids[~masked])


@pytest.fixture(scope="module")
def tiny_mlm(tmp_path_factory):
    rows = [{"text": t} for t in ["the dog runs .", "the dogs run .", "a cat sees the dog .", "cats see dogs ."] * 3]
    tok = frequency_tokenizer(rows)
    torch.manual_seed(0)
    model = build_model({"family": "roberta_prelayernorm", "hidden_size": 16, "intermediate_size": 32,
                         "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 20},
                        vocab_size=len(tok), special_ids={"pad_token_id": tok.pad_token_id}).eval()
    return model, tok


def test_frequency_tokenizer_orders_by_frequency(tiny_mlm):
    _, tok = tiny_mlm
    assert tok.mask_token == "<mask>" and tok.cls_token == "<bos>" and tok.sep_token == "<eos>"
    ids = [tok.convert_tokens_to_ids(w) for w in (".", "the", "cats")]  # 12, 9, 3 occurrences
    assert ids == sorted(ids)


def test_roberta_prelayernorm_family_roundtrip(tiny_mlm, tmp_path):
    model, tok = tiny_mlm
    assert type(model).__name__ == "RobertaPreLayerNormForMaskedLM"
    model.save_pretrained(tmp_path, safe_serialization=True)
    again = load_model(tmp_path, kind="masked_lm").eval()
    x = torch.tensor([[tok.cls_token_id, 5, 6, tok.sep_token_id]])
    assert torch.allclose(model(input_ids=x).logits, again(input_ids=x).logits)


def test_pll_matches_minicons(tiny_mlm):
    from minicons import scorer

    model, tok = tiny_mlm
    sents = ["the dog runs .", "the dogs run .", "a cat sees the dog .", "cats ."]
    ours = pll_scores(model, tok, sents, batch_size=5)  # batch boundary splits a sentence
    assert tok(sents[0])["input_ids"][0] == tok.cls_token_id  # minicons relies on the tokenizer adding CLS/SEP

    class Tok(type(tok)):  # minicons 0.3.39 calls batch_encode_plus, which transformers 5 removed
        def batch_encode_plus(self, *args, **kwargs):
            return self(*args, **kwargs)

    tok.__class__ = Tok
    mlm = scorer.MaskedLMScorer(model, device="cpu", tokenizer=tok)
    theirs = mlm.sequence_score(sents, reduction=lambda x: x.sum().item(), PLL_metric="original")
    assert ours == pytest.approx(theirs, abs=1e-4)


def test_pair_accuracy_prefers_higher_pll(tiny_mlm):
    model, tok = tiny_mlm
    pairs = [{"phenomenon": "x", "good": "the dog runs .", "bad": "the dogs runs ."},
             {"phenomenon": "y", "good": "cats see dogs .", "bad": "cats sees dogs ."}]
    scores = pll_scores(model, tok, [p[k] for p in pairs for k in ("good", "bad")])
    acc = pair_accuracy(model, tok, pairs)
    assert acc["x"] == float(scores[0] > scores[1]) and acc["y"] == float(scores[2] > scores[3])
    assert acc["macro"] == (acc["x"] + acc["y"]) / 2


def test_params_type_both_pacings_and_the_default_cfg_arm():
    from lmrepro.common import config as cfglib
    from lmrepro.common.params import ModelSpec, TrainConfig

    for scale in ("ci", "small", "paper"):
        params = cfglib.validate_params("climb", cfglib.load_paper_config(cfglib.paper_config_path("climb"), scale))
        assert isinstance(params.vocab_pacing, Pacing) and isinstance(params.data_pacing, Pacing)
        assert isinstance(params.default_model, ModelSpec) and isinstance(params.default_pretrain, TrainConfig)


def test_blimp_pairs_take_each_paradigm_up_to_the_limit_and_group_by_phenomenon(tmp_path):
    """BLiMP rows (the card's columns) from per-paradigm parquet shards, as the hub's parquet conversion lays them
    out; the phenomenon is the row's linguistics_term, so eval_pll's macro mean is over BLiMP's phenomena."""
    import pandas as pd

    from lmrepro.papers.climb.prep import blimp_pairs

    def rows(uid, term, n):
        return [{"sentence_good": f"the dog  barks {i} .", "sentence_bad": f"the dog bark {i} .", "field": "morphology",
                 "linguistics_term": term, "UID": uid, "simple_LM_method": True, "pair_id": i} for i in range(n)]

    for uid, term, n in [("regular_plural_subject_verb_agreement_1", "subject_verb_agreement", 5),
                         ("anaphor_gender_agreement", "anaphor_agreement", 2)]:
        (tmp_path / uid / "train").mkdir(parents=True)
        pd.DataFrame(rows(uid, term, n)).to_parquet(tmp_path / uid / "train" / "0000.parquet", index=False)
    pairs = blimp_pairs(str(tmp_path), 3)
    assert [p["paradigm"] for p in pairs].count("regular_plural_subject_verb_agreement_1") == 3
    assert {p["phenomenon"] for p in pairs} == {"subject_verb_agreement", "anaphor_agreement"} and len(pairs) == 5
    assert pairs[0]["good"] == "the dog barks 0 ." and pairs[0]["bad"] == "the dog bark 0 ."
    with pytest.raises(FileNotFoundError):
        blimp_pairs(str(tmp_path / "empty"), 3)
