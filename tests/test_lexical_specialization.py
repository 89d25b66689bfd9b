"""lexical_specialization: the NT-Xent loss (against pytorch-metric-learning's NTXentLoss, the paper's loss), word
mean pooling without [CLS]/[SEP], BLI MRR / P@1 (against scikit-learn), language-pair upsampling, BERT masking
(against transformers' collator), the shuffled-label control, the WordPiece tokenizer and the world-built test
sets (no test word in the constraints)."""
import random

import numpy as np
import pytest
import torch

from lmrepro.papers.lexical_specialization import method as M
from lmrepro.papers.lexical_specialization.params import LexiconConfig, PhonotacticsConfig
from lmrepro.common.tokenizers import build_wordpiece_tokenizer
from lmrepro.papers.lexical_specialization.prep import world_lexicon
from lmrepro.worlds.conlang import ConlangConfig

LANGS = [PhonotacticsConfig("l1", "bdglmr", "aiu"), PhonotacticsConfig("l2", "ptksfv", "aeo"),
         PhonotacticsConfig("l3", "mnrlzd", "eiou")]


@pytest.mark.parametrize("labels", [[0, 1, 2, 3, 0, 1, 2, 3], [0, 1, 0, 2, 0, 1, 0, 2], [5, 5, 1, 2, 5, 5, 1, 2]])
def test_nt_xent_matches_pytorch_metric_learning(labels):
    from pytorch_metric_learning.losses import NTXentLoss

    torch.manual_seed(0)
    emb = torch.randn(len(labels), 16, dtype=torch.float64, requires_grad=True)
    labels = torch.tensor(labels)
    ours = M.nt_xent_loss(emb, labels, 0.07)
    ref = NTXentLoss(temperature=0.07)(emb, labels)
    assert torch.allclose(ours, ref, atol=1e-6)
    (grad_ours,) = torch.autograd.grad(ours, emb)
    (grad_ref,) = torch.autograd.grad(NTXentLoss(temperature=0.07)(emb, labels), emb)
    assert torch.allclose(grad_ours, grad_ref, atol=1e-6)


def test_nt_xent_is_the_spec_formula_with_one_positive_per_anchor():
    torch.manual_seed(1)
    emb = torch.randn(6, 8, dtype=torch.float64)
    labels = torch.tensor([0, 1, 2, 0, 1, 2])
    sims = torch.nn.functional.cosine_similarity(emb.unsqueeze(1), emb.unsqueeze(0), dim=2) / 0.5
    expected = torch.stack([-(sims[i, (i + 3) % 6] - torch.logsumexp(sims[i, torch.arange(6) != i], 0))
                            for i in range(6)]).mean()
    assert torch.allclose(M.nt_xent_loss(emb, labels, 0.5), expected, atol=1e-9)


def test_nt_xent_duplicate_synset_is_a_positive_not_a_negative():
    emb = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.05], [0.0, 1.0]])
    # rows 0-2 share a synset and point the same way: low loss; calling row 2 another synset makes it a hard negative
    together = M.nt_xent_loss(emb, torch.tensor([0, 0, 0, 1]), 0.07)
    split = M.nt_xent_loss(emb, torch.tensor([0, 0, 2, 1]), 0.07)
    assert together < 0.01 < split
    with pytest.raises(ValueError):
        M.nt_xent_loss(emb, torch.tensor([0, 1]), 0.07)


def test_word_mean_pool_drops_cls_and_final_sep():
    hidden = torch.arange(2 * 5 * 1, dtype=torch.float32).view(2, 5, 1)
    mask = torch.tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]])
    pooled = M.word_mean_pool(hidden, mask)
    assert pooled[:, 0].tolist() == [1.5, 7.0]  # row 0: positions 1-2; row 1: positions 1-3 (5+1..5+3)
    assert mask.tolist() == [[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]]  # the caller's mask is not modified
    with pytest.raises(ValueError):
        M.word_mean_pool(hidden, torch.tensor([[1, 1, 0, 0, 0], [1, 1, 1, 0, 0]]))


def test_mrr_and_p1_match_sklearn_ranking_metrics():
    from sklearn.metrics import label_ranking_average_precision_score, top_k_accuracy_score

    gen = torch.Generator().manual_seed(0)
    src, tgt = torch.randn(40, 8, generator=gen), torch.randn(70, 8, generator=gen)
    gold = torch.randint(70, (40,), generator=gen)
    mrr, p1 = M.mrr_and_p1(src, tgt, gold)
    scores = (torch.nn.functional.normalize(src, dim=1) @ torch.nn.functional.normalize(tgt, dim=1).T).numpy()
    onehot = np.zeros_like(scores, dtype=int)
    onehot[np.arange(40), gold.numpy()] = 1
    assert mrr == pytest.approx(label_ranking_average_precision_score(onehot, scores), abs=1e-9)
    assert p1 == pytest.approx(top_k_accuracy_score(gold.numpy(), scores, k=1, labels=np.arange(70)), abs=1e-9)
    perfect, _ = M.mrr_and_p1(tgt[:10], tgt, torch.arange(10))
    assert perfect == 1.0


def test_xlsim_spearman_is_scipy_on_cosines():
    from scipy.stats import spearmanr

    gen = torch.Generator().manual_seed(2)
    a, b, gold = torch.randn(20, 4, generator=gen), torch.randn(20, 4, generator=gen), torch.rand(20, generator=gen)
    cos = torch.nn.functional.cosine_similarity(a, b).numpy()
    assert M.xlsim_spearman(a, b, gold.tolist()) == pytest.approx(spearmanr(cos, gold.numpy()).statistic)
    assert M.xlsim_spearman(a, a, [1.0] * 19 + [0.5]) != M.xlsim_spearman(a, b, [1.0] * 19 + [0.5])


def test_pair_weights_upsample_language_pairs_by_alpha():
    lang1, lang2 = ["en"] * 90 + ["l1"] * 10, ["l1"] * 90 + ["en"] * 10  # one unordered pair
    assert M.pair_weights(lang1, lang2, 0.5) == pytest.approx(np.full(100, 0.01))
    lang1, lang2 = ["en"] * 80 + ["l2"] * 20, ["l1"] * 80 + ["l3"] * 20
    w = M.pair_weights(lang1, lang2, 0.5)
    q_big, q_small = 0.8 ** 0.5 / (0.8 ** 0.5 + 0.2 ** 0.5), 0.2 ** 0.5 / (0.8 ** 0.5 + 0.2 ** 0.5)
    assert w.sum() == pytest.approx(1.0)
    assert w[:80].sum() == pytest.approx(q_big) and w[80:].sum() == pytest.approx(q_small)
    assert M.pair_weights(lang1, lang2, 1.0)[80:].sum() == pytest.approx(0.2)  # alpha 1: no upsampling


def test_mlm_mask_matches_transformers_collator():
    from transformers import DataCollatorForLanguageModeling

    from lmrepro.common.mlm import mlm_mask

    tok = build_wordpiece_tokenizer(["ab cd ef gh", "ij kl mn op qr"] * 20, 60)
    ids = torch.randint(5, len(tok), (16, 24))
    ids[:, 0], ids[:, -1], ids[3, 10:] = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id
    special = torch.isin(ids, torch.tensor(tok.all_special_ids))
    collator = DataCollatorForLanguageModeling(tok, mlm_probability=0.15, seed=123, return_tensors="pt")
    collator.generator = collator.get_generator(123, "pt")
    want_inputs, want_labels = collator.torch_mask_tokens(ids.clone(), special.clone())
    inputs, labels = mlm_mask(ids, special, 0.15, tok.mask_token_id, len(tok), torch.Generator().manual_seed(123))
    assert torch.equal(inputs, want_inputs) and torch.equal(labels, want_labels)
    assert (labels != -100).any() and (labels[special] == -100).all()


def test_shuffled_pairs_break_every_translation_but_keep_languages_and_words():
    rows = [{"word1": f"en{c}", "word2": f"{lang}{c}", "lang1": "en", "lang2": lang, "synset": f"c{c}"}
            for c in range(30) for lang in ("l1", "l2")]
    shuffled = M.shuffled_pairs(rows, random.Random(0))
    assert [(r["lang1"], r["lang2"], r["synset"]) for r in shuffled] == [(r["lang1"], r["lang2"], r["synset"])
                                                                       for r in rows]
    assert sorted(r["word1"] for r in shuffled) == sorted(r["word1"] for r in rows)
    same_concept = sum(r["word1"][2:] == r["word2"][2:] for r in shuffled)
    assert same_concept <= 3  # a random permutation keeps ~1 fixed point per language
    by_word = {}
    for r in shuffled:  # consistent: one English word always gets the same label
        by_word.setdefault(r["word1"], set()).add(r["synset"])
    assert all(len(s) == 1 for s in by_word.values())


def test_wordpiece_adds_cls_sep_and_splits_unknown_words():
    tok = build_wordpiece_tokenizer(["bada lomi .", "the dog sees a cat ."] * 30, 80)
    ids = tok("bada")["input_ids"]
    assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id and len(ids) >= 3
    assert tok.mask_token_id is not None and tok.pad_token_id is not None


class _Stage:
    seed = 3


def test_world_lexicon_holds_test_concepts_out_of_the_constraints():
    lex = LexiconConfig(languages=LANGS + [PhonotacticsConfig("l4", "kgtbpz", "aiou")], seen=["en", "l1", "l2"],
                        n_sentences=50, bli_seen=["en-l1"], bli_unseen=["en-l4"], xlsim_pairs=30, n_parallel=5)
    world = ConlangConfig(n_nouns=30, n_verbs=10, n_adjs=10)
    out = world_lexicon(_Stage(), lex, world)
    assert {r["lang1"] for r in out["pairs"]} | {r["lang2"] for r in out["pairs"]} == {"en", "l1", "l2"}
    assert len(out["pairs"]) == 3 * (50 - out["n_test_concepts"])  # 3 seen language pairs per training concept
    train_words = {w for r in out["pairs"] for w in (r["word1"], r["word2"])}
    for rows in out["bli"].values():
        assert len(rows) == out["n_test_concepts"] == 15
        assert not {w for row in rows for w in row} & train_words  # no leakage of test words into constraints
    for lang, words in out["vocab"].items():
        assert len(words) == 50 and (lang == "en" or not set(words) & set(out["vocab"]["en"]))
    assert all(t in out["vocab"]["l1"] for _, t in out["bli"]["en-l1"])  # gold inside the full target vocabulary
    scores = [r[4] for r in out["xlsim"]["seen"]]
    assert scores.count(1.0) >= 10 and min(scores) < 0.5
    langs = {r["lang"] for r in out["corpus"]}
    assert langs == {"en", "l1", "l2", "l3", "l4"} and len(out["corpus"]) == 5 * 50
    assert world_lexicon(_Stage(), lex, world)["pairs"] == out["pairs"]  # same seed, same table
    l1 = "".join(out["vocab"]["l1"])
    assert set(l1) <= set("bdglmraiu")  # the language's own sound inventory


def test_lexicon_config_rejects_unknown_languages():
    with pytest.raises(ValueError):
        LexiconConfig(languages=LANGS, bli_seen=["en-l9"]).check("lexicon")
    with pytest.raises(ValueError):
        PhonotacticsConfig("en").check("lexicon.languages[0]")

