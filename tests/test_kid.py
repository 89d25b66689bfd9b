"""kid: the knowledge trie, local memory and knowledge query (hand-computed), BM25 (hand-computed), the policy
loss and KV-cache update (against direct computation and an unbatched run), the filters (against transformers'
logits processors), and the metrics (ROUGE-L against rouge-score, which `evaluate`'s rouge wraps; BLEU against
sacrebleu; the others hand-computed)."""
import math

import pygtrie

import pytest
import torch
import torch.nn.functional as F

from lmrepro.papers.kid.knowledge import KnowledgeTrie, bm25_scores, local_memory, query_knowledge, trie_keys
from lmrepro.papers.kid.metrics import bleu, distinct_n, false_values, knowledge_recall, perplexities, rouge_l
from lmrepro.papers.kid.params import DecodeConfig, TaskConfig
from lmrepro.papers.kid.policy import (banned_ngram_mask, decode, filter_top_k_top_p, forward_last, kid_loss,
                                       perturb_past)

TAGS = {"mira": "PROPN", "tosk": "PROPN", "varno": "PROPN", "baker": "NOUN", "works": "X", "as": "X", "a": "X",
        "lives": "X", "in": "X", "kelu": "PROPN", "farmer": "NOUN", "miran": "PROPN", "lode": "PROPN"}


# -- knowledge trie, memory, query --------------------------------------------------------------------------------
def test_trie_keys_and_prefix_query_match_marisa_semantics():
    triples = [{"subject": "mira tosk", "relation": "works_as", "object": "baker"},
               {"subject": "mira tosk", "relation": "lives_in", "object": "varno"},
               {"subject": "mira kelu", "relation": "works_as", "object": "farmer"},
               {"subject": "varno", "relation": "near_river", "object": "lode"},
               {"subject": "miran tosk", "relation": "works_as", "object": "baker"}]
    keys = trie_keys(triples)
    assert keys == ["mira tosk baker", "mira tosk varno", "mira kelu farmer", "varno lode", "miran tosk baker"]
    trie = KnowledgeTrie(keys + ["mira tosk baker"])  # duplicates collapse
    assert len(trie) == 5
    # character prefixes, as marisa_trie.Trie.keys: "mira" also finds "miran ..."
    assert trie.keys("mira") == ["mira kelu farmer", "mira tosk baker", "mira tosk varno", "miran tosk baker"]
    assert trie.keys("mira tosk") == ["mira tosk baker", "mira tosk varno"]
    assert trie.keys("varno") == ["varno lode"] and trie.keys("tosk") == [] and trie.keys("zz") == []
    assert trie.keys("") == sorted(set(keys))
    ref = pygtrie.CharTrie.fromkeys(keys)
    for prefix in ("mira", "mira t", "varno", "v", "miran", "m"):
        assert trie.keys(prefix) == sorted(ref.keys(prefix=prefix))


def test_local_memory_takes_nouns_in_order_fifo():
    words = "tell me about Mira tosk . mira tosk works as a baker and lives in varno".split()
    assert local_memory(words, TAGS) == ["mira", "tosk", "baker", "varno"]
    assert local_memory(words, TAGS, capacity=2) == ["baker", "varno"]
    assert local_memory(["works", "as", "a"], TAGS) == []


def test_query_knowledge_one_and_two_hops():
    trie = KnowledgeTrie(["mira tosk baker", "mira tosk varno", "varno lode", "lode sea"])
    # hop 1 from "tosk": no key starts with it; from "mira": both keys' words
    assert query_knowledge(trie, ["tosk"], hops=1) == []
    assert query_knowledge(trie, ["mira"], hops=1) == ["mira", "tosk", "baker", "varno"]
    # hop 2 queries the hop-1 words: "mira" again and "varno" -> "varno lode"
    assert query_knowledge(trie, ["mira"], hops=2) == ["mira", "tosk", "baker", "varno", "lode"]
    assert query_knowledge(trie, ["mira"], hops=3) == ["mira", "tosk", "baker", "varno", "lode", "sea"]


def test_bm25_hand_computed():
    docs = [["a", "b", "a"], ["b", "c"], ["c"]]
    scores = bm25_scores(["a", "c"], docs, k1=1.5, b=0.75)
    avg = 2.0
    idf_a = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    idf_c = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    tf_part = lambda tf, n: tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * n / avg))
    assert scores[0] == pytest.approx(idf_a * tf_part(2, 3))
    assert scores[1] == pytest.approx(idf_c * tf_part(1, 2))
    assert scores[2] == pytest.approx(idf_c * tf_part(1, 1))
    assert scores[2] > scores[1]  # a shorter document with the same term scores higher
    with pytest.raises(ValueError):
        bm25_scores(["a"], [])


# -- policy ---------------------------------------------------------------------------------------------------------
def tiny_model(seed=0, vocab=23):
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    cfg = GPT2Config(vocab_size=vocab, n_embd=16, n_layer=2, n_head=2, n_positions=32, bos_token_id=1,
                     eos_token_id=2, pad_token_id=0, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    return GPT2LMHeadModel(cfg).eval()


def test_kid_loss_matches_direct_formula():
    torch.manual_seed(0)
    probs = torch.softmax(torch.randn(3, 7), -1)
    probs_0 = torch.softmax(torch.randn(3, 7), -1)
    mask = torch.zeros(3, 7)
    mask[0, [1, 4]] = 1
    mask[1, 0] = 1
    mask[2, [2, 3, 6]] = 1
    loss = kid_loss(probs, mask, probs_0, beta=0.01)
    for b in range(3):
        k = mask[b].nonzero().flatten()
        kl = (probs[b] * (probs[b] / probs_0[b]).log()).sum()
        assert loss[b].item() == pytest.approx((-probs[b, k].sum().log() + 0.01 * kl).item(), rel=1e-6)
    assert kid_loss(probs_0, mask, probs_0, 0.5)[0].item() == pytest.approx(-probs_0[0, [1, 4]].sum().log().item())


def _past(model, ids):
    with torch.no_grad():
        out = model(input_ids=ids[:, :-1], use_cache=True)
    return [(l.keys, l.values) for l in out.cache.layers]


def test_perturb_past_is_the_normalised_gradient_step_and_raises_knowledge_mass():
    model = tiny_model()
    ids = torch.tensor([[1, 5, 6, 7, 8]])
    past, last = _past(model, ids), ids[:, -1:]
    attn, pos = torch.ones(1, 5, dtype=torch.long), torch.tensor([[4]])
    with torch.no_grad():
        logits_0, _ = forward_last(model, past, last, attn, pos)
    p0 = logits_0.softmax(-1)
    mask = torch.zeros(1, 23)
    mask[0, [9, 10]] = 1
    one = perturb_past(model, past, last, attn, pos, mask, p0, steps=1, eta=0.01, gamma=1.5, beta=0.01)
    # one step by hand: delta = -eta * g / ||g||^gamma per layer (||g|| over that layer's keys and values)
    leaves = [(torch.zeros_like(k, requires_grad=True), torch.zeros_like(v, requires_grad=True)) for k, v in past]
    logits, _ = forward_last(model, [(k + dk, v + dv) for (k, v), (dk, dv) in zip(past, leaves)], last, attn, pos)
    kid_loss(logits.softmax(-1), mask, p0, 0.01).sum().backward()
    for (k, v), (dk, dv), (pk, pv) in zip(past, leaves, one):
        norm = torch.sqrt(dk.grad.pow(2).sum() + dv.grad.pow(2).sum()) + 1e-15
        assert torch.allclose(pk, k - 0.01 * dk.grad / norm ** 1.5, atol=1e-6)
        assert torch.allclose(pv, v - 0.01 * dv.grad / norm ** 1.5, atol=1e-6)
    three = perturb_past(model, past, last, attn, pos, mask, p0, steps=3, eta=0.05, gamma=1.5, beta=0.01)
    with torch.no_grad():
        logits_3, _ = forward_last(model, three, last, attn, pos)
    assert logits_3.softmax(-1)[0, [9, 10]].sum() > p0[0, [9, 10]].sum()
    # empty knowledge: nothing changes (no EOS fallback)
    same = perturb_past(model, past, last, attn, pos, torch.zeros(1, 23), p0, steps=3, eta=0.05, gamma=1.5, beta=0.01)
    assert all(a is b for (a, _), (b, _) in zip(same, past))


def test_perturb_past_batched_equals_one_sequence_at_a_time():
    model = tiny_model(1)
    ids = torch.tensor([[1, 5, 6, 7], [1, 8, 9, 3], [1, 4, 4, 4]])
    past, last = _past(model, ids), ids[:, -1:]
    attn, pos = torch.ones(3, 4, dtype=torch.long), torch.full((3, 1), 3)
    with torch.no_grad():
        p0 = forward_last(model, past, last, attn, pos)[0].softmax(-1)
    mask = torch.zeros(3, 23)
    mask[0, 11] = mask[1, [12, 13]] = 1  # row 2 has no knowledge
    batched = perturb_past(model, past, last, attn, pos, mask, p0, steps=3, eta=0.02, gamma=1.5, beta=0.01)
    for b in range(3):
        single = perturb_past(model, [(k[b:b + 1], v[b:b + 1]) for k, v in past], last[b:b + 1], attn[b:b + 1],
                              pos[b:b + 1], mask[b:b + 1], p0[b:b + 1], steps=3, eta=0.02, gamma=1.5, beta=0.01)
        for (bk, bv), (sk, sv) in zip(batched, single):
            assert torch.allclose(bk[b:b + 1], sk, atol=1e-5) and torch.allclose(bv[b:b + 1], sv, atol=1e-5)
    assert all(torch.equal(bk[2], k[2]) for (bk, _), (k, _) in zip(batched, past))


def test_filters_match_transformers_processors():
    from transformers.generation.logits_process import (NoRepeatNGramLogitsProcessor, TopKLogitsWarper,
                                                        TopPLogitsWarper)

    torch.manual_seed(0)
    logp = F.log_softmax(torch.randn(4, 50) * 2, -1)
    ours = filter_top_k_top_p(logp, 20, 0.92)
    ref = TopPLogitsWarper(0.92)(None, TopKLogitsWarper(20)(None, logp.clone()))
    assert torch.equal(torch.isinf(ours), torch.isinf(ref))
    assert torch.allclose(ours[~torch.isinf(ours)], ref[~torch.isinf(ref)])
    generated = torch.tensor([[3, 4, 5, 3, 9, 3], [1, 2, 1, 2, 1, 7]])
    hf = NoRepeatNGramLogitsProcessor(2)(generated, torch.zeros(2, 12))
    assert torch.equal(banned_ngram_mask(generated, 2, 12), torch.isinf(hf))
    assert banned_ngram_mask(generated, 2, 12)[0].nonzero().flatten().tolist() == [4, 9]


def test_decode_without_knowledge_is_greedy_and_seeded_sampling_is_reproducible():
    model = tiny_model(2)
    prompts = [[1, 5, 6], [1, 7, 8, 9]]
    out = decode(model, prompts, max_new_tokens=6, eos_id=2, pad_id=0, greedy=True, no_repeat_ngram=0)
    for p, o in zip(prompts, out):  # left padding and positions give each row its own greedy continuation
        ids = list(p)
        for _ in range(len(o)):
            with torch.no_grad():
                ids.append(int(model(torch.tensor([ids])).logits[0, -1].argmax()))
            if ids[-1] == 2:
                break
        assert ids[len(p):] == o
    sample = lambda seed, kn=None: decode(model, prompts, max_new_tokens=6, eos_id=2, pad_id=0, knowledge=kn,
                                          generator=torch.Generator().manual_seed(seed))
    assert sample(3) == sample(3)
    steer = lambda texts: torch.zeros(len(texts), 23).index_fill_(1, torch.tensor([11]), 1.0)
    kid = decode(model, prompts * 20, max_new_tokens=4, eos_id=2, pad_id=0, knowledge=steer, eta=0.2,
                 generator=torch.Generator().manual_seed(0))
    plain = decode(model, prompts * 20, max_new_tokens=4, eos_id=2, pad_id=0,
                   generator=torch.Generator().manual_seed(0))
    assert sum(o.count(11) for o in kid) > sum(o.count(11) for o in plain)


# -- metrics --------------------------------------------------------------------------------------------------------
def test_knowledge_metrics_hand_computed():
    out = "mira tosk works as a baker and lives in kelo ."
    assert knowledge_recall(["baker", "varno"], out) == 0.5
    assert knowledge_recall(["baker"], "a bakery") == 0.0
    assert false_values({"baker", "varno"}, {"baker", "varno", "kelo", "farmer"}, out + " kelo farmer") == 2
    with pytest.raises(ValueError):
        knowledge_recall([], out)
    assert distinct_n(["a b a b", "a b c"], 2) == pytest.approx(3 / 5)
    assert distinct_n(["a"], 2) == 0.0


def test_rouge_l_and_bleu_against_their_libraries():
    import sacrebleu
    from rouge_score import rouge_scorer

    refs = ["mira tosk works as a baker and lives in varno .", "kelu dan works as a farmer and lives in lode ."]
    outs = ["mira tosk works as a smith and lives in varno .", "kelu dan lives in lode ."]
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    # by hand ("." dropped by the tokenizer): 9 of 10 words in order -> F = 0.9; 5-word subsequence of 10 -> 2/3
    assert scorer.score(refs[0], outs[0])["rougeL"].fmeasure == pytest.approx(0.9)
    assert rouge_l(refs, outs) == pytest.approx((0.9 + 2 / 3) / 2)
    assert bleu(refs, outs) == pytest.approx(sacrebleu.corpus_bleu(outs, [refs], tokenize="none").score)
    assert bleu(refs, refs) == pytest.approx(100.0)


def test_perplexities_match_the_model_loss():
    model = tiny_model(3)
    prompts, outputs = [[1, 5, 6], [1, 7]], [[8, 9, 2], [4]]
    ppl = perplexities(model, prompts, outputs, pad_id=0)
    for p, o, value in zip(prompts, outputs, ppl):
        ids = torch.tensor([p + o])
        labels = ids.clone()
        labels[0, :len(p)] = -100
        with torch.no_grad():
            assert value == pytest.approx(math.exp(model(input_ids=ids, labels=labels).loss.item()), rel=1e-5)
    assert math.isnan(perplexities(model, [[1, 5]], [[]], pad_id=0)[0])


def test_config_checks():
    with pytest.raises(ValueError):
        DecodeConfig(arm="beam").check("decode")
    with pytest.raises(ValueError):
        DecodeConfig(fusion=1.5).check("decode")
    with pytest.raises(ValueError):
        TaskConfig(n_test=0).check("task")
    DecodeConfig().check("decode")
