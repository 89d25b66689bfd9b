"""Unit tests of ChocoLlama's transforms and metrics (src/lmrepro/papers/chocollama): token-translation embedding
re-initialisation on a hand-computed example, the random re-init control, special-token mapping, the peft LoRA
merge against W0 + (alpha/r) B A, bits per character and QA scoring against direct computations, the mixed
batches, and the world's guarantees (cognates, dictionary coverage, QA items that render the facts)."""
from __future__ import annotations

import math

import pytest
import torch

from lmrepro.common.tokenizers import build_bpe_tokenizer, build_word_tokenizer
from lmrepro.papers.chocollama import data, method
from lmrepro.papers.chocollama import world as chocolate
from lmrepro.papers.chocollama.params import LMDataConfig, LoraConfig, WorldConfig
from lmrepro.worlds import languages as lw


@pytest.fixture(scope="module")
def toks():
    old = build_word_tokenizer(["the", "dog", "cat", "big"])  # ids: 4 specials, then the=4 dog=5 cat=6 big=7
    new = build_word_tokenizer(["xa", "lepe", "zat", "cat"])  # xa=4 lepe=5 zat=6 cat=7
    return old, new


def old_matrix() -> torch.Tensor:
    return torch.tensor([[float(i), float(i * i)] for i in range(8)])  # row i = [i, i^2]


def test_token_translation_hand_computed(toks):
    old, new = toks
    dictionary = {"lepe": "dog", "zat": "big cat", "xa lepe": "the dog"}
    counts = {"lepe": 3, "zat": 2, "xa lepe": 1}
    matrix, stats = method.token_translation_matrix(old_matrix(), old, new, dictionary, counts)
    # lepe: "lepe" votes dog (weight 3 per spelling), "xa lepe" votes mean(the, dog) with 1/2 per spelling
    expected_lepe = (6 * torch.tensor([5.0, 25.0]) + 1 * torch.tensor([4.5, 20.5])) / 7
    torch.testing.assert_close(matrix[5], expected_lepe)  # [34.5/7, 170.5/7]
    torch.testing.assert_close(matrix[4], torch.tensor([4.5, 20.5]))  # xa: only "xa lepe" -> mean(the, dog)
    torch.testing.assert_close(matrix[6], torch.tensor([6.5, 42.5]))  # zat -> "big cat" -> mean(big, cat)
    torch.testing.assert_close(matrix[7], torch.tensor([6.0, 36.0]))  # cat: no vote -> its own old pieces
    torch.testing.assert_close(matrix[:4], old_matrix()[:4])  # specials keep their old rows
    assert stats == {"n_translated": 3, "n_fallback": 1, "n_special": 4}


def test_token_translation_uniform_weights_and_zero_counts(toks):
    old, new = toks
    dictionary = {"lepe": "dog", "xa lepe": "the dog"}
    uniform, _ = method.token_translation_matrix(old_matrix(), old, new, dictionary, None)
    # lepe: weight 1 for dog, 1/2 for mean(the, dog) -> (1*[5,25] + 0.5*[4.5,20.5]) / 1.5
    torch.testing.assert_close(uniform[5], (torch.tensor([5.0, 25.0]) + 0.5 * torch.tensor([4.5, 20.5])) / 1.5)
    unseen, stats = method.token_translation_matrix(old_matrix(), old, new, dictionary, {"lepe": 5})
    torch.testing.assert_close(unseen[4], old_matrix()[3])  # "xa lepe" never seen: xa falls back (old <unk>)
    assert stats["n_fallback"] == 3  # xa, zat, cat


def test_special_tokens_map_by_role_not_by_id():
    old = build_word_tokenizer(["a", "b"])  # <pad>=0 <bos>=1 <eos>=2 <unk>=3
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
    new = build_bpe_tokenizer(["ab ba abba"] * 5, 270, specials)  # <s>=0 </s>=1 <unk>=2 <pad>=3
    assert method.special_map(old, new) == {0: 1, 1: 2, 2: 3, 3: 0}
    matrix, _ = method.token_translation_matrix(torch.arange(len(old) * 3.0).view(-1, 3), old, new, {}, None)
    torch.testing.assert_close(matrix[0], torch.tensor([3.0, 4.0, 5.0]))  # new <s> = old <bos> (id 1)


def test_random_matrix_moments_and_specials(toks):
    old, _ = toks
    big_new = build_bpe_tokenizer([" ".join(f"w{i}" for i in range(400))] * 3, 900)
    source = torch.randn(len(old), 4) * torch.tensor([1.0, 2.0, 0.5, 3.0]) + torch.tensor([1.0, -1.0, 0.0, 5.0])
    a = method.random_matrix(source, old, big_new, torch.Generator().manual_seed(0))
    b = method.random_matrix(source, old, big_new, torch.Generator().manual_seed(0))
    torch.testing.assert_close(a, b)
    rest = a[4:]
    torch.testing.assert_close(rest.mean(0), source.mean(0), atol=0.35, rtol=0.0)
    torch.testing.assert_close(rest.std(0), source.std(0), atol=0.35, rtol=0.15)
    for new_id, old_id in method.special_map(old, big_new).items():
        torch.testing.assert_close(a[new_id], source[old_id])


def tiny_llama(vocab: int, seed: int = 0):
    from lmrepro.common.models import build_model

    torch.manual_seed(seed)
    return build_model({"family": "llama", "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                        "num_key_value_heads": 2, "intermediate_size": 24, "max_position_embeddings": 32,
                        "tie_word_embeddings": False}, vocab_size=vocab,
                       special_ids={"pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2})


def test_lora_merge_equals_w0_plus_scaled_ba():
    model = tiny_llama(20)
    w0 = model.model.layers[0].self_attn.q_proj.weight.detach().clone()
    cfg = LoraConfig(r=4, alpha=12)
    peft_model = method.add_lora(model, cfg)
    trainable = {n for n, p in peft_model.named_parameters() if p.requires_grad}
    assert any("embed_tokens" in n for n in trainable) and any("lm_head" in n for n in trainable)
    assert not any(n.endswith("q_proj.base_layer.weight") for n in trainable)
    q = peft_model.base_model.model.model.layers[0].self_attn.q_proj
    assert torch.count_nonzero(q.lora_B["default"].weight) == 0  # B = 0: the adapted model starts as the base
    with torch.no_grad():
        q.lora_B["default"].weight.normal_()
        emb = peft_model.base_model.model.model.embed_tokens.modules_to_save["default"].weight
        emb.add_(1.0)
    a, b = q.lora_A["default"].weight.detach().clone(), q.lora_B["default"].weight.detach().clone()
    trained_emb = emb.detach().clone()
    merged = peft_model.merge_and_unload()
    torch.testing.assert_close(merged.model.layers[0].self_attn.q_proj.weight, w0 + (12 / 4) * b @ a)
    torch.testing.assert_close(merged.model.embed_tokens.weight, trained_emb)


def test_reembed_swaps_vocabulary_and_special_ids(toks):
    old, _ = toks
    new = build_bpe_tokenizer(["xa lepe zat"] * 5, 280)
    model = tiny_llama(len(old))
    rows_in, rows_out = torch.randn(len(new), 16), torch.randn(len(new), 16)
    model = method.reembed(model, new, rows_in, rows_out)
    torch.testing.assert_close(model.get_input_embeddings().weight, rows_in)
    torch.testing.assert_close(model.get_output_embeddings().weight, rows_out)
    assert model.config.vocab_size == len(new) and model.config.eos_token_id == new.eos_token_id


def test_bits_per_char_matches_direct_nll(toks):
    old, _ = toks
    model = tiny_llama(len(old)).eval()
    sentences = ["the dog", "the big cat cat", "dog"]
    total = 0.0
    with torch.no_grad():
        for s in sentences:
            ids = torch.tensor([[old.eos_token_id] + old.encode(s, add_special_tokens=False) + [old.eos_token_id]])
            loss = model(input_ids=ids, labels=ids).loss  # mean NLL over the ids[1:] targets
            total += float(loss) * (ids.size(1) - 1)
    expected = total / math.log(2) / sum(len(s) + 1 for s in sentences)
    assert data.bits_per_char(model, old, sentences) == pytest.approx(expected, rel=1e-5)


def test_tokens_per_char(toks):
    old, _ = toks
    assert data.tokens_per_char(old, ["the dog", "cat"]) == pytest.approx(3 / 10)


def test_qa_accuracy_normalises_by_characters(toks, monkeypatch):
    old, _ = toks
    items = [{"prompt": "the", "options": ["dog", "big cat"], "answer": 1}]
    # sums: "dog" -2.0 (-0.5/char over " dog"), " big cat" -3.0 (-0.375/char): per char picks option 1
    monkeypatch.setattr(data, "continuation_logprobs", lambda model, tok, ctx, cont: [-2.0, -3.0])
    assert data.qa_accuracy(None, old, items) == 1.0
    monkeypatch.setattr(data, "continuation_logprobs", lambda model, tok, ctx, cont: [-1.0, -3.0])
    assert data.qa_accuracy(None, old, items) == 0.0
    assert math.isnan(data.qa_accuracy(None, old, []))


def test_continuation_logprobs_padding_invariant(toks):
    old, _ = toks
    model = tiny_llama(len(old)).eval()
    ctx = [[2, 4], [2, 4, 5, 6, 7]]
    cont = [[5, 6], [4]]
    batched = data.continuation_logprobs(model, old, ctx, cont)
    single = [data.continuation_logprobs(model, old, [c], [x])[0] for c, x in zip(ctx, cont)]
    assert batched == pytest.approx(single, abs=1e-5)


def test_mixed_batches_are_seeded_and_follow_the_mix():
    en, nl = torch.zeros(500, dtype=torch.long), torch.ones(500, dtype=torch.long)
    cfg = LMDataConfig(batch_size=400, block_size=8)
    only_en = data.mixed_batches([en, nl], [1.0, 0.0], cfg, seed=1)(0)["input_ids"]
    assert only_en.shape == (400, 8) and int(only_en.sum()) == 0
    get = data.mixed_batches([en, nl], [0.75, 0.25], cfg, seed=1)
    torch.testing.assert_close(get(3), get(3))
    share = get(3)["input_ids"][:, 0].float().mean().item()
    assert 0.18 < share < 0.32
    with pytest.raises(ValueError, match="not longer than one block"):
        data.mixed_batches([torch.zeros(8, dtype=torch.long)], [1.0], cfg, seed=0)


@pytest.fixture(scope="module")
def small_world():
    return chocolate.build(WorldConfig(), seed=5)


def test_world_nl_is_english_related_v2_with_a_70pct_dictionary(small_world):
    nl, cfg = small_world["nl"], WorldConfig()
    n = len(nl.forms)
    assert len(nl.cognates) >= 0.5 * n  # ~60% drawn; a sound change that leaves English gets a fresh form
    content = {form for form, en in small_world["dictionary"].items() if en in nl.forms}
    assert len({small_world["dictionary"][f] for f in content}) == round(cfg.dictionary_coverage * n)
    event = {**small_world["facts"][0], "tense": "past"}
    words = lw.render(nl, event).split()
    assert words[1] == lw.verb_form(nl, event["verb"], True, False, False)  # V2: the verb after the fronted adverb


def test_world_qa_items_render_the_facts(small_world):
    items = chocolate.qa_items(small_world, seed=1)
    assert len(items) == len(small_world["facts"]) == 200
    for item, fact in zip(items, small_world["facts"]):
        assert len(set(item["options"])) == 4
        assert f"{item['prompt']} {item['options'][item['answer']]}" == lw.render(small_world["nl"], fact)
        assert lw.analyze(small_world["nl"], f"{item['prompt']} {item['options'][item['answer']]}")["patient"] == \
            fact["patient"]


def test_world_is_a_pure_function_of_the_seed(small_world):
    again = chocolate.build(WorldConfig(), seed=5)
    assert chocolate.sentences(again, "nl", 30, 0.3, 2) == chocolate.sentences(small_world, "nl", 30, 0.3, 2)
    assert chocolate.sentences(small_world, "nl", 30, 0.3, 2) != chocolate.sentences(small_world, "nl", 30, 0.3, 3)
    facts = set(lw.render(small_world["nl"], f) for f in small_world["facts"])
    share = sum(s in facts for s in chocolate.sentences(small_world, "nl", 2000, 0.3, 4)) / 2000
    assert 0.25 < share < 0.36  # p_fact of the sentences state a fact (a random event rarely equals one)
