"""prior_influence: the error-toward-prior share, Spearman and prior bins by hand, the single-token answer rule,
the neutral-frame prior, last-token residuals vs output_hidden_states, probe R^2 vs sklearn, block selection,
answer splits, and the layer-restricted finetune's freezing and bitwise check."""
import math

import numpy as np
import pytest
import torch

from lmrepro.common.models import build_model
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.prior_influence.eval_heldout import changed_only_within
from lmrepro.papers.prior_influence.finetune import arm_blocks, freeze_except
from lmrepro.papers.prior_influence.fit_probes import probe_r2, select_blocks
from lmrepro.papers.prior_influence.gen_tasks import answer_split
from lmrepro.papers.prior_influence.method import (answer_token_ids, higher_prior_error_share,
                                                   last_token_logits, last_token_residuals, neutral_log_prior,
                                                   predictions, prior_bins, render, spearman)

WORDS = ["the", "number", "is", "count", "cat", "dog", ":", "=", "1", "2", "3", "4"]


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    tok = build_word_tokenizer(WORDS)
    model = build_model({"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 3,
                         "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 32},
                        tokenizer=tok)
    return model.eval(), tok


def test_higher_prior_error_share_by_hand():
    prior = {"1": -0.5, "2": -1.0, "3": -2.0}
    preds = ["1", "2", "3", "1", "x", "2"]
    truths = ["1", "3", "2", "2", "1", "2"]
    # scored errors: 2 vs 3 (higher), 3 vs 2 (lower), 1 vs 2 (higher); "x" is not a scored answer
    share, n = higher_prior_error_share(preds, truths, prior)
    assert n == 3 and share == pytest.approx(2 / 3)
    assert math.isnan(higher_prior_error_share(["1"], ["1"], prior)[0])
    tie = {"1": -1.0, "2": -1.0}
    assert higher_prior_error_share(["1"], ["2"], tie)[0] == 0.5


def test_spearman_by_hand_and_against_scipy():
    from scipy.stats import spearmanr

    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=50), rng.integers(0, 2, size=50)
    assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic)
    assert math.isnan(spearman([1, 2, 3], [0, 0, 0]))


def test_prior_bins_rank_into_terciles():
    prior = {str(n): -float(n) for n in range(1, 7)}
    bins = prior_bins(prior)
    assert bins == {"6": 0, "5": 0, "4": 1, "3": 1, "2": 2, "1": 2}


def test_answer_tokens_single_and_distinct(tiny):
    _, tok = tiny
    assert answer_token_ids(tok, ["1", "2"]) == [tok.convert_tokens_to_ids("1"), tok.convert_tokens_to_ids("2")]
    with pytest.raises(ValueError, match="single tokens"):
        answer_token_ids(tok, ["1 2"])
    with pytest.raises(ValueError, match="distinct"):
        answer_token_ids(tok, ["zebra", "horse"])  # both unknown: the same <unk> id


def test_neutral_prior_is_a_distribution_over_answers(tiny):
    model, tok = tiny
    prior = neutral_log_prior(model, tok, "the number is", ["1", "2", "3", "4"])
    assert sum(math.exp(v) for v in prior.values()) == pytest.approx(1.0, abs=1e-5)
    logits = last_token_logits(model, tok, ["the number is"], 1)[0]
    ids = answer_token_ids(tok, ["1", "2"])
    assert prior["1"] - prior["2"] == pytest.approx(float(logits[ids[0]] - logits[ids[1]]), abs=1e-5)


def test_last_token_residuals_match_hidden_states_under_padding(tiny):
    model, tok = tiny
    prompts = ["count cat : cat dog cat =", "count dog : dog ="]
    acts = last_token_residuals(model, tok, prompts, layers=[1, 2, 3], batch_size=2)
    for i, prompt in enumerate(prompts):  # each prompt alone, no padding
        ids = torch.tensor([[tok.bos_token_id] + tok(prompt, add_special_tokens=False)["input_ids"]])
        hidden = model(input_ids=ids, output_hidden_states=True).hidden_states
        for layer in (1, 2, 3):
            assert np.allclose(acts[layer][i], hidden[layer][0, -1].detach().numpy(), atol=1e-5)
    logits = last_token_logits(model, tok, prompts, 1)
    assert predictions(logits, tok, ["1", "2"])[0] in ("1", "2")


def test_render_fills_target_and_items():
    assert render("count {target} : {items} =", {"target": "cat", "items": ["cat", "dog"]}) == \
        "count cat : cat dog ="
    assert render("last : {items} =", {"items": ["dog"]}) == "last : dog ="


def test_probe_r2_against_sklearn():
    from sklearn.linear_model import Ridge
    from sklearn.metrics import r2_score

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = x @ np.array([1.0, -2.0, 0.0, 0.5, 0.0]) + 0.1 * rng.normal(size=200)
    train, test = np.arange(100), np.arange(100, 200)
    r2 = probe_r2(x, y, train, test, [1e-3])
    ref = r2_score(y[test], Ridge(alpha=1e-3).fit(x[train], y[train]).predict(x[test]))
    assert r2 == pytest.approx(ref, abs=1e-3) and r2 > 0.95
    assert probe_r2(rng.normal(size=(200, 5)), y, train, test, [1.0]) < 0.1  # unrelated features


def test_select_blocks_and_arms():
    assert select_blocks([0.2, 0.9, 0.1, 0.5]) == (1, 2)
    with pytest.raises(ValueError):
        select_blocks([0.3])
    selection = {"selected": 1, "other": 2, "n_blocks": 4}
    assert arm_blocks("selected", selection) == [1] and arm_blocks("other", selection) == [2]
    assert arm_blocks("all", selection) == [0, 1, 2, 3]


def test_answer_split_disjoint_odd_even():
    answers = [str(n) for n in range(1, 9)]
    ft, test = answer_split(answers, "odd")
    assert ft == ["1", "3", "5", "7"] and test == ["2", "4", "6", "8"]
    assert answer_split(answers, "even") == (test, ft)


def test_freeze_and_bitwise_check(tiny):
    import copy

    base, _ = tiny
    tuned = copy.deepcopy(base)
    freeze_except(tuned, [1])
    trainable = {n for n, p in tuned.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith("model.layers.1.") for n in trainable)
    with torch.no_grad():
        tuned.model.layers[1].mlp.up_proj.weight.add_(0.01)
    assert changed_only_within(base, tuned, [1])
    assert not changed_only_within(base, tuned, [0])  # the change lies outside block 0
    assert not changed_only_within(base, copy.deepcopy(base), [1])  # nothing changed at all
    with torch.no_grad():
        tuned.lm_head.weight.add_(0.01)
    assert not changed_only_within(base, tuned, [1])  # a frozen tensor moved


def test_answer_prefix_empty_for_prompts_ending_in_space(tiny):
    model, tok = tiny
    assert answer_token_ids(tok, ["3"], prefix="") == answer_token_ids(tok, ["3"], prefix=" ")
    prior = neutral_log_prior(model, tok, "the number is ", ["1", "2"], prefix="")
    assert sum(math.exp(v) for v in prior.values()) == pytest.approx(1.0, abs=1e-5)
