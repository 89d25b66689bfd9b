"""SAMI's loss, score matrix, masks and prompt format (spec: Acceptance 4, Peer code cross-check, Pitfalls)."""
import math

import pytest
import torch
import torch.nn.functional as F

from lmrepro.common import config as cfglib
from lmrepro.common.models import build_model
from lmrepro.common.preference import completion_batch
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.common.train import TrainConfig, masked_lm_loss
from lmrepro.papers.sami.evaluate import win_rate
from lmrepro.papers.sami.method import (decode, generate, make_objective, matrix_batch, mean_logprobs, render_prompt,
                                        response_logprobs, sami_loss, score_matrices, token_kl)
from lmrepro.papers.sami.params import EvalConfig, PrepConfig, PromptConfig, SamiConfig
from lmrepro.papers.sami.prep import first_human_turn
from lmrepro.worlds import principles as W


# -- Acceptance 4: the 2x2 closed form ------------------------------------------------------------------------
def test_loss_on_a_2x2_matrix_equals_the_closed_form():
    s = torch.tensor([[-1.0, -2.5], [-0.3, -0.7]], dtype=torch.float64)
    a, b, c, d = s.flatten().tolist()
    row = 0.5 * (-(a - math.log(math.exp(a) + math.exp(b))) - (d - math.log(math.exp(c) + math.exp(d))))
    col = 0.5 * (-(a - math.log(math.exp(a) + math.exp(c))) - (d - math.log(math.exp(b) + math.exp(d))))
    loss, extras = sami_loss(s)
    assert float(loss) == pytest.approx(0.5 * (row + col), abs=1e-6)
    assert extras["row_loss"] == pytest.approx(row, abs=1e-6) and extras["col_loss"] == pytest.approx(col, abs=1e-6)


def test_loss_is_log2_when_all_entries_are_equal():
    loss, extras = sami_loss(torch.full((2, 2), -3.7, dtype=torch.float64))
    assert float(loss) == pytest.approx(math.log(2), abs=1e-6)
    assert extras["mi_lower_bound"] == pytest.approx(0.0, abs=1e-6)


# -- Peer-code cross-check: a hand transcription (from the math) of the official repo's sami_loss ----------------
def reference_sami_loss(logprobs: torch.Tensor) -> torch.Tensor:
    """Official repo (src/sami/trainers/sami_trainer.py), written from its math for one (n_constitutions x
    n_responses) matrix: normalise over responses (rows) and over constitutions (columns) with logsumexp, then
    cross-entropy with the diagonal as labels, the column term on the transposed matrix, and average the two."""
    logits_row = logprobs - torch.logsumexp(logprobs, dim=1, keepdim=True)
    logits_col = logprobs - torch.logsumexp(logprobs, dim=0, keepdim=True)
    labels = torch.arange(logprobs.shape[0])
    return 0.5 * (F.cross_entropy(logits_row, labels) + F.cross_entropy(logits_col.t(), labels))


@pytest.mark.parametrize("c", [2, 3, 4])
def test_loss_matches_reference_on_identical_matrices(c):
    gen = torch.Generator().manual_seed(c)
    mats = -torch.rand(5, c, c, generator=gen, dtype=torch.float64) * 4
    for m in mats:
        assert float(sami_loss(m)[0]) == pytest.approx(float(reference_sami_loss(m)), abs=1e-9)
    # a batch of Q matrices is the mean of the per-matrix losses (each query is one contrast)
    assert float(sami_loss(mats)[0]) == pytest.approx(float(torch.stack([reference_sami_loss(m) for m in mats]).mean()),
                                                      abs=1e-9)


def test_row_and_column_accuracies():
    s = torch.tensor([[0.0, -5.0], [-1.0, -0.5]])  # row 1 picks its own response; column 0 prefers constitution 0
    _, ex = sami_loss(s)
    assert ex["row_acc"] == 1.0
    s = torch.tensor([[0.0, 0.5], [-1.0, -0.5]])  # row 0 prefers response 1; column 1 prefers constitution 0
    _, ex = sami_loss(s)
    assert ex["row_acc"] == 0.5 and ex["col_acc"] == 0.5


def test_gradient_pushes_diagonal_up_and_off_diagonal_down():
    s = torch.zeros(3, 3, requires_grad=True)
    sami_loss(s)[0].backward()
    assert (torch.diagonal(s.grad) < 0).all() and (s.grad - torch.diag(torch.diagonal(s.grad)) > 0).sum() == 6


# -- score matrix: length-normalised, prompt and padding masked, the real EOS counted ---------------------------
@pytest.fixture(scope="module")
def tiny():
    tok = build_word_tokenizer(["a", "b", "c", "d", "e"])
    torch.manual_seed(0)
    model = build_model({"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                         "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 32},
                        vocab_size=len(tok), special_ids={"pad_token_id": tok.pad_token_id,
                                                          "bos_token_id": tok.bos_token_id,
                                                          "eos_token_id": tok.eos_token_id}).eval()
    return tok, model


@torch.no_grad()  # a reference value: no graph, so reading it as a float detaches nothing
def by_hand(model, prompt, response):
    """mean over response tokens of log p(token | everything before it), one unpadded sequence."""
    ids = torch.tensor([prompt + response])
    logp = torch.log_softmax(model(input_ids=ids).logits[0].float(), -1)
    return sum(float(logp[len(prompt) - 1 + i, t]) for i, t in enumerate(response)) / len(response)


def test_completion_batch_masks_prompt_and_padding_but_not_eos(tiny):
    tok, _ = tiny
    b = completion_batch([([1, 5, 6], [7, 2]), ([1, 5], [7, 8, 9, 2])], tok.pad_token_id)
    assert b["loss_mask"].tolist() == [[0, 0, 0, 1, 1, 0], [0, 0, 1, 1, 1, 1]]
    assert b["input_ids"][0, -1] == tok.pad_token_id and b["input_ids"][1, -1] == tok.eos_token_id


def test_score_matrix_is_the_length_normalised_logprob_of_each_pair(tiny):
    tok, model = tiny
    eos = tok.eos_token_id
    prompts = [[1, 5, 6], [1, 6, 5]]
    responses = [[7, eos], [8, 4, 7, eos]]  # different lengths: right padding must not leak into the mean
    item = {"prompt_ids": prompts, "response_ids": responses}
    with torch.no_grad():
        s = score_matrices(model, matrix_batch([item, item], tok.pad_token_id))
    assert s.shape == (2, 2, 2)
    for j in range(2):
        for k in range(2):
            assert float(s[0, j, k]) == pytest.approx(by_hand(model, prompts[j], responses[k]), abs=1e-5)
    assert torch.allclose(s[0], s[1])


def test_objectives_and_kl(tiny):
    tok, model = tiny
    eos = tok.eos_token_id
    item = {"prompt_ids": [[1, 5], [1, 6]], "response_ids": [[7, eos], [8, 4, eos]]}
    loss_fn, collate = make_objective("self_sft")
    batch = collate([item], tok.pad_token_id)
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    assert loss_fn(model, batch)[0].item() == pytest.approx(
        masked_lm_loss(logits, batch["input_ids"], batch["loss_mask"]).item(), abs=1e-5)
    loss_fn, collate = make_objective("sami", ref_model=model, beta=0.5)
    batch = collate([item], tok.pad_token_id)
    loss, extras = loss_fn(model, batch)
    assert extras["kl"] == pytest.approx(0.0, abs=1e-6)  # policy == reference
    assert loss.item() == pytest.approx(sami_loss(score_matrices(model, batch))[0].item(), abs=1e-5)
    logp = response_logprobs(model, batch)
    assert token_kl(logp, torch.log_softmax(torch.zeros_like(logp), -1), batch).item() > 0


def test_sampling_is_seeded_and_greedy_is_deterministic(tiny):
    tok, model = tiny
    prompts = [[1, 5, 6], [1, 6]]  # different lengths: left padding
    a = generate(model, tok, prompts, max_new_tokens=6, temperature=1.0, seed=3)
    assert a == generate(model, tok, prompts, max_new_tokens=6, temperature=1.0, seed=3)
    g, done = generate(model, tok, prompts, max_new_tokens=6, temperature=0.0, seed=0)
    # the left-padded prompt's greedy continuation equals the unpadded one
    alone, _ = generate(model, tok, [prompts[1]], max_new_tokens=6, temperature=0.0, seed=0)
    assert g[1] == alone[0]
    for ids, d in zip(g, done):
        assert (ids[-1] == tok.eos_token_id) == d and tok.eos_token_id not in ids[:-1]


# -- prompts, decoding, metrics, config -----------------------------------------------------------------------
def test_prompt_renderer_reproduces_the_world_prompts():
    world = W.build_world(W.PrinciplesWorldConfig(n_entities=8), 0)
    for bits in W.all_constitutions():
        for order in ((0, 1, 2), (2, 0, 1)):
            assert render_prompt(PromptConfig(), W.principle_sentences(bits), f"describe {world.names[0]}",
                                 order) == W.prompt_text(bits, world.names[0], order)
    assert render_prompt(PromptConfig(), None, "describe x") == W.prompt_text(None, "x")


def test_word_level_decode_keeps_the_period_a_separate_token():
    tok = build_word_tokenizer(["it", "is", "red", "."])
    ids = tok.encode("it is red .", add_special_tokens=False) + [tok.eos_token_id, tok.pad_token_id]
    assert decode(tok, ids) == "it is red ."


def test_win_rate_counts_ties_half():
    assert win_rate([1.0, 0.5, 0.0, 2 / 3], [0.0, 0.5, 1.0, 1 / 3]) == pytest.approx((1 + 0.5 + 0 + 1) / 4)


def test_hh_rlhf_single_turn_extraction():
    assert first_human_turn("\n\nHuman: How do I bake bread?\n\nAssistant: Knead it.") == "How do I bake bread?"
    assert first_human_turn("\n\nHuman: a\n\nAssistant: b\n\nHuman: c\n\nAssistant: d") is None


@pytest.mark.parametrize("scale", cfglib.SCALES)
def test_every_scale_builds_the_typed_configs(scale):
    cfg = cfglib.load_paper_config(cfglib.paper_config_path("sami"), scale)
    p = cfg["params"]
    for section, cls in (("sami", SamiConfig), ("prompt", PromptConfig), ("sami_train", TrainConfig),
                         ("pretrain", TrainConfig), ("prep", PrepConfig), ("evaluate", EvalConfig),
                         ("world", W.PrinciplesWorldConfig)):
        cfglib.from_dict(cls, p.get(section), where=f"sami.{scale}.{section}")
