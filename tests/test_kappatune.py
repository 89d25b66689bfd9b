"""KappaTune's condition numbers (hand-computed diagonal matrices, numpy.linalg.cond), the tensor selection and
freezing, the baselines' draws, the task / forgetting metrics (against transformers' loss and scikit-learn), the
two domains of the world, and the frozen-tensor check."""
import math
import random

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score

from lmrepro.common.config import from_dict
from lmrepro.papers.kappatune import domains as D
from lmrepro.papers.kappatune import kappa as K
from lmrepro.papers.kappatune import metrics as M
from lmrepro.papers.kappatune.evaluate import frozen_check
from lmrepro.papers.kappatune.finetune import strategy_of
from lmrepro.papers.kappatune.params import ArmsConfig, DomainsConfig, KappaConfig
from lmrepro.worlds.entities import KnowledgeConfig, build_knowledge


# -- condition numbers ---------------------------------------------------------------------------------------------
def test_condition_number_of_a_diagonal_matrix_is_its_largest_over_smallest_entry():
    assert K.condition_number(torch.diag(torch.tensor([4.0, 2.0, 0.5]))) == pytest.approx(8.0, rel=1e-6)
    assert K.condition_number(torch.diag(torch.tensor([-3.0, 1.0]))) == pytest.approx(3.0, rel=1e-6)
    assert K.condition_number(torch.eye(5)) == pytest.approx(1.0, rel=1e-6)


def test_condition_number_of_a_rectangular_matrix_uses_its_min_dimension_singular_values():
    w = torch.zeros(2, 4)
    w[0, 0], w[1, 3] = 6.0, 1.5  # singular values 6 and 1.5
    assert K.condition_number(w) == pytest.approx(4.0, rel=1e-6)
    assert K.condition_number(w.T) == pytest.approx(4.0, rel=1e-6)


def test_singular_matrix_has_infinite_kappa():
    assert K.condition_number(torch.diag(torch.tensor([1.0, 0.0]))) == math.inf


def test_kappa_is_scale_invariant():
    w = torch.randn(7, 5, generator=torch.Generator().manual_seed(0))
    assert K.condition_number(1000.0 * w) == pytest.approx(K.condition_number(w), rel=1e-5)


@pytest.mark.parametrize("shape", [(8, 8), (6, 10), (12, 4)])
def test_kappa_matches_numpy_cond(shape):
    w = torch.randn(*shape, generator=torch.Generator().manual_seed(sum(shape)), dtype=torch.float64)
    reference = np.linalg.cond(w.numpy(), 2)
    assert K.condition_number(w, torch.float64) == pytest.approx(reference, rel=1e-10)
    assert K.condition_number(w.float()) == pytest.approx(reference, rel=1e-4)


def test_higher_dimensional_tensor_is_viewed_as_rows_by_the_rest():
    w = torch.randn(3, 2, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert K.condition_number(w, torch.float64) == pytest.approx(np.linalg.cond(w.reshape(3, 8).numpy(), 2))


def test_condition_number_rejects_vectors_and_packed_integers():
    with pytest.raises(ValueError, match="ndim >= 2"):
        K.condition_number(torch.ones(4))
    with pytest.raises(TypeError, match="dequantise"):
        K.condition_number(torch.ones(4, 4, dtype=torch.uint8))


def test_log_volume_is_lower_for_a_more_concentrated_spectrum_at_unit_norm():
    assert K.log_volume(torch.diag(torch.tensor([2.0, 0.5]))) == pytest.approx(0.0, abs=1e-6)
    flat = torch.diag(torch.tensor([1.0, 1.0]))
    peaked = torch.diag(torch.tensor([1.9, 0.1]).sqrt())  # same Frobenius norm, kappa sqrt(19)
    assert K.log_volume(peaked) < K.log_volume(flat)
    assert K.condition_number(peaked) > K.condition_number(flat)


# -- analysis and selection on a module with hand-set kappas -------------------------------------------------------
class Toy(torch.nn.Module):
    """Named like a Llama block: diagonal weights with kappas q 2, k 10, v 2, gate 3, up 5; a norm, an embedding
    and an LM head (8 x 2: above max_dim 6)."""

    def __init__(self):
        super().__init__()
        diag = lambda *d: torch.nn.Parameter(torch.diag(torch.tensor(d)))
        self.layers = torch.nn.ModuleDict({
            "q_proj": torch.nn.Module(), "k_proj": torch.nn.Module(), "v_proj": torch.nn.Module(),
            "gate_proj": torch.nn.Module(), "up_proj": torch.nn.Module()})
        for name, values in [("q_proj", (2.0, 1.0)), ("k_proj", (10.0, 1.0)), ("v_proj", (1.0, 0.5)),
                             ("gate_proj", (3.0, 1.0)), ("up_proj", (5.0, 1.0))]:
            self.layers[name].weight = diag(*values)
        self.norm = torch.nn.Parameter(torch.ones(2))
        self.embed_tokens = torch.nn.Parameter(torch.randn(4, 2))
        self.lm_head = torch.nn.Parameter(torch.randn(8, 2))


def toy_kappas(**overrides):
    cfg = KappaConfig(**{"k": 2, "max_dim_size_to_analyze": 6, "exclude": ("embed_tokens",), **overrides})
    return K.analyse(Toy(), cfg)


def test_analyse_skips_vectors_excluded_names_and_oversized_tensors():
    kappas = toy_kappas()
    assert list(kappas) == [f"layers.{n}.weight" for n in ("q_proj", "k_proj", "v_proj", "gate_proj", "up_proj")]
    assert [round(v["kappa"], 4) for v in kappas.values()] == [2.0, 10.0, 2.0, 3.0, 5.0]
    assert [v["kind"] for v in kappas.values()] == ["attention"] * 3 + ["mlp"] * 2
    assert kappas["layers.q_proj.weight"]["shape"] == [2, 2]
    assert "lm_head" in " ".join(toy_kappas(max_dim_size_to_analyze=None))  # no size limit: the head is analysed


def test_lowest_is_ascending_with_ties_in_model_order_and_highest_descending():
    kappas = toy_kappas()
    assert K.lowest(kappas, 3) == ["layers.q_proj.weight", "layers.v_proj.weight", "layers.gate_proj.weight"]
    assert K.highest(kappas, 2) == ["layers.k_proj.weight", "layers.up_proj.weight"]
    assert K.select(kappas, "kappa_low", 2, random.Random(0)) == K.lowest(kappas, 2)
    with pytest.raises(ValueError, match="exceeds"):
        K.select(kappas, "kappa_low", 6, random.Random(0))
    with pytest.raises(ValueError, match="unknown selection"):
        K.select(kappas, "kappa_mid", 2, random.Random(0))


def test_random_draws_are_seeded_and_matched_draws_keep_kappa_lows_count_per_kind():
    kappas = toy_kappas()
    draw = K.select(kappas, "random", 3, random.Random(5))
    assert len(set(draw)) == 3 and draw == K.select(kappas, "random", 3, random.Random(5))
    low = K.lowest(kappas, 3)  # 2 attention (q, v) + 1 mlp (gate)
    for seed in range(20):
        matched = K.select(kappas, "matched", 3, random.Random(seed))
        assert sorted(kappas[n]["kind"] for n in matched) == ["attention", "attention", "mlp"]
        assert set(matched) != set(low)


def test_freeze_all_but_trains_exactly_the_selection_and_leaves_the_rest_bitwise_unchanged():
    model = Toy()
    names = K.lowest(K.analyse(model, KappaConfig(k=2, max_dim_size_to_analyze=6, exclude=("embed_tokens",))), 2)
    assert K.freeze_all_but(model, names) == names
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=0.1)
    loss = sum((p ** 2).sum() for p in model.parameters())
    loss.backward()
    optimizer.step()
    for name, param in model.named_parameters():
        assert torch.equal(param, before[name]) == (name not in names), name
    with pytest.raises(KeyError, match="not in the model"):
        K.freeze_all_but(model, ["layers.o_proj.weight"])


def test_module_kind_and_arm_strategy():
    assert K.module_kind("model.layers.0.self_attn.o_proj.weight") == "attention"
    assert K.module_kind("model.layers.3.mlp.down_proj.weight") == "mlp"
    assert K.module_kind("model.norm.weight") == "other"
    assert [strategy_of(a) for a in ("full", "kappa_low", "random_2", "matched_1", "lora")] == \
        ["full", "kappa_low", "random", "matched", "lora"]


def test_arms_config_rejects_unknown_arms_and_a_missing_claim_arm():
    with pytest.raises(ValueError, match="arms"):
        from_dict(ArmsConfig, {"run": ["full", "kappa_low", "random"]}, "kappatune.params.arms")
    with pytest.raises(ValueError, match="full and kappa_low"):
        from_dict(ArmsConfig, {"run": ["full", "kappa_high"], "arm": "full"}, "kappatune.params.arms")
    with pytest.raises(ValueError, match="svd_dtype"):
        from_dict(KappaConfig, {"svd_dtype": "float16"}, "kappatune.params.kappa")


# -- metrics -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_lm():
    from transformers import LlamaConfig, LlamaForCausalLM

    from lmrepro.common.tokenizers import build_word_tokenizer

    tokenizer = build_word_tokenizer("review bako : lumi dore verdict good bad mira lives in .".split())
    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32,
                                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                                         pad_token_id=tokenizer.pad_token_id)).eval()
    return model, tokenizer


def test_perplexity_equals_exp_of_transformers_loss(tiny_lm):
    model, tokenizer = tiny_lm
    texts = ["mira lives in bako .", "review bako : lumi verdict good", "mira ."]
    rows = M.lm_rows(tokenizer, texts)
    labels = rows["input_ids"].masked_fill(rows["attention_mask"] == 0, -100)
    # transformers averages per row in a batch of equal rows only, so sum token NLLs row by row
    total, count = 0.0, 0
    for i in range(len(texts)):
        n = int(rows["attention_mask"][i].sum())
        with torch.no_grad():
            loss = model(input_ids=rows["input_ids"][i:i + 1, :n], labels=labels[i:i + 1, :n]).loss
        total, count = total + float(loss) * (n - 1), count + n - 1
    assert M.perplexity(model, rows, batch_size=2) == pytest.approx(math.exp(total / count), rel=1e-5)


def test_verdict_accuracy_matches_sklearn_and_left_padding_reads_the_unpadded_logits(tiny_lm):
    model, tokenizer = tiny_lm
    prompts = ["review bako : lumi verdict", "review bako : lumi dore dore lumi verdict", "review : verdict"]
    ids, mask, positions = M.prompt_rows(tokenizer, prompts)
    with torch.no_grad():
        padded = model(input_ids=ids, attention_mask=mask, position_ids=positions).logits[:, -1]
        for i, p in enumerate(prompts):
            alone = torch.tensor([[tokenizer.bos_token_id, *tokenizer.encode(p, add_special_tokens=False)]])
            assert torch.allclose(padded[i], model(input_ids=alone).logits[0, -1], atol=1e-5)
    choices = ("good", "bad")
    pick = padded[:, [tokenizer.convert_tokens_to_ids(c) for c in choices]].argmax(-1).tolist()
    labels = ["good", "bad", "bad"]
    expected = accuracy_score(labels, [choices[i] for i in pick])
    assert M.verdict_accuracy(model, tokenizer, prompts, labels, choices) == pytest.approx(expected)
    with pytest.raises(ValueError, match="equal"):
        M.verdict_accuracy(model, tokenizer, prompts, labels[:2], choices)


def test_forgetting_at_target_reads_the_first_step_that_reaches_it():
    evals = {40: {"task_acc": 0.95, "forgetting": 0.5}, 0: {"task_acc": 0.5, "forgetting": 0.0},
             20: {"task_acc": 0.9, "forgetting": 0.2}}
    assert M.forgetting_at_target(evals, 0.9) == (0.2, 20)
    assert M.forgetting_at_target(evals, 0.95) == (0.5, 40)
    value, step = M.forgetting_at_target(evals, 0.99)
    assert math.isnan(value) and step is None
    assert M.forgetting(3.0, 2.0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="> 0"):
        M.forgetting(3.0, 0.0)


def test_frozen_check_counts_unchanged_frozen_and_changed_trained_tensors():
    base = {"a": torch.ones(2), "b": torch.zeros(2), "c": torch.ones(2)}
    tuned = {"a": torch.ones(2), "b": torch.tensor([0.0, 1e-8]), "c": torch.ones(2)}
    assert frozen_check(base, tuned, ["b"]) == (1.0, 1.0)
    assert frozen_check(base, tuned, ["c"]) == (0.5, 0.0)
    with pytest.raises(ValueError, match="differ"):
        frozen_check(base, {"a": torch.ones(2)}, ["a"])


# -- the two domains -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world():
    kb = build_knowledge(KnowledgeConfig(n_persons=20, n_towns=5, n_jobs=3, n_foods=3, n_rivers=2), seed=3)
    cfg = DomainsConfig(n_adjectives=6, n_task_train=60, n_task_test=30)
    return kb, cfg


def test_domain_a_lines_hold_facts_per_line_facts_and_cover_every_fact(world):
    kb, cfg = world
    n_facts = len(kb.triples)
    lines = D.domain_a_lines(kb, cfg, n_facts // cfg.facts_per_line + 1, random.Random(0))
    text = " ".join(lines)
    assert all(line.count(" .") == cfg.facts_per_line for line in lines)
    for triple in kb.triples:
        assert text.count(f"{D.E.fact_text(triple)}") >= 1
    assert lines == D.domain_a_lines(kb, cfg, len(lines), random.Random(0))


def test_reviews_are_distinct_balanced_and_labelled_by_their_adjectives_class(world):
    kb, cfg = world
    adjs = D.adjectives(kb, cfg, random.Random(1))
    assert not set(adjs["good"]) & set(adjs["bad"])
    assert not (set(adjs["good"]) | set(adjs["bad"])) & set(kb.vocabulary())
    train, test = D.reviews(kb, cfg, adjs, random.Random(2))
    assert len(train) == 60 and len(test) == 30
    assert not {r["prompt"] for r in train} & {r["prompt"] for r in test}
    assert sum(r["label"] == "good" for r in train + test) == 45
    for row in train + test:
        words = row["prompt"].split()
        assert words[0] == "review" and words[2] == ":" and words[-1] == "verdict"
        assert all(w in adjs[row["label"]] for w in words[3:-1]) and row["text"] == f"{row['prompt']} {row['label']}"
    assert (train, test) == D.reviews(kb, cfg, adjs, random.Random(2))
    with pytest.raises(ValueError, match="distinct reviews"):
        D.reviews(kb, DomainsConfig(n_adjectives=2, n_task_train=100, n_task_test=10), adjs, random.Random(0))
