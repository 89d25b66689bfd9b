"""sar: TokenSAR, SentenceSAR and SAR against lm_polygraph.estimators on identical arrays (and by hand), the
relevance arrays (positional vs official str.replace removal, special tokens, clipping, clustering), the baselines'
inputs (SemanticEntropy classes, the equivalence oracle), AUROC's sign against scikit-learn, teacher-forced NLLs
against an unbatched pass, and prep's held-out split."""
import math

import numpy as np
import pytest
import torch
from lm_polygraph.estimators import SAR, SemanticEntropy, SentenceSAR, TokenSAR
from sklearn.metrics import roc_auc_score

from lmrepro.common import sentence_encoder
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.sar import scores as S
from lmrepro.papers.sar.evaluate import auroc, oracle_classes, semantic_classes
from lmrepro.papers.sar.generate import token_nlls
from lmrepro.papers.sar.params import RelevanceConfig, ScoreConfig, TaskConfig
from lmrepro.papers.sar.prep import corpus_lines, held_out_facts
from lmrepro.papers.sar.relevance import Similarity, greedy_classes, relevance_rows, removal_texts
from lmrepro.worlds import entities as W


def random_question(rng: np.random.Generator, k: int = 5):
    """One question's stats: k answers of 2-9 tokens (NLLs, token similarities in [0, 1)) and a K x K similarity."""
    lengths = rng.integers(2, 10, size=k)
    nlls = [rng.gamma(1.0, 1.5, size=n) for n in lengths]
    token_sims = [rng.uniform(0.0, 0.99, size=n) for n in lengths]
    sim = rng.uniform(0.0, 1.0, size=(k, k))
    return nlls, token_sims, (sim + sim.T) / 2


# -- the scores against lm-polygraph ------------------------------------------------------------------------------
def test_token_sar_matches_lm_polygraph_per_answer():
    rng = np.random.default_rng(0)
    nlls, sims = [], []
    for _ in range(20):
        z, t, _ = random_question(rng)
        nlls += z
        sims += t
    ours = np.array([S.token_sar(z, t) for z, t in zip(nlls, sims)])
    theirs = TokenSAR()({"greedy_log_likelihoods": [-z for z in nlls], "token_similarity": sims})
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    # and a question's TokenSAR is the mean over its answers
    assert S.question_token_sar(nlls[:5], sims[:5]) == pytest.approx(ours[:5].mean(), abs=1e-12)


@pytest.mark.parametrize("t", [0.001, 0.1, 1.0])
def test_sentence_sar_and_sar_match_lm_polygraph(t):
    rng = np.random.default_rng(1)
    questions = [random_question(rng, k=int(rng.integers(2, 7))) for _ in range(30)]
    sar_est, sent_est = SAR(), SentenceSAR()
    sar_est.t = sent_est.t = t
    log_probs = [[-float(z.sum()) for z in q[0]] for q in questions]
    theirs_sent = sent_est({"sample_log_probs": log_probs, "sample_sentence_similarity": [q[2] for q in questions]})
    theirs_sar = sar_est({"sample_log_likelihoods": [[-z for z in q[0]] for q in questions],
                          "sample_token_similarity": [q[1] for q in questions],
                          "sample_sentence_similarity": [q[2] for q in questions]})
    ours_sent = [S.sentence_sar(q[0], q[2], t) for q in questions]
    ours_sar = [S.sar(q[0], q[1], q[2], t) for q in questions]
    np.testing.assert_allclose(ours_sent, theirs_sent, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours_sar, theirs_sar, rtol=0, atol=1e-6)
    assert not np.allclose(ours_sent, ours_sar)  # the token weighting matters


def test_token_sar_by_hand_and_zero_relevance_fallback():
    # relevances 0.5 and 0 -> all weight on the first token
    assert S.token_sar([1.0, 2.0], [0.5, 1.0]) == pytest.approx(1.0)
    # relevances 0.3 and 0.1 -> weights 0.75, 0.25
    assert S.token_sar([2.0, 4.0], [0.7, 0.9]) == pytest.approx(0.75 * 2 + 0.25 * 4)
    # every token irrelevant: lm-polygraph divides by zero, ours falls back to the mean NLL
    assert S.zero_relevance([1.0, 1.0]) and not S.zero_relevance([1.0, 0.9])
    assert S.token_sar([1.0, 3.0], [1.0, 1.0]) == pytest.approx(2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        peer = TokenSAR()({"greedy_log_likelihoods": [np.array([-1.0, -3.0])], "token_similarity": [np.ones(2)]})
    assert math.isnan(peer[0])
    with pytest.raises(ValueError, match="token similarities"):
        S.token_sar([1.0, 2.0, 3.0], [0.5, 0.5])  # lengths differ: never scored 0.0 silently


def test_sentence_relevance_by_hand_and_self_similarity_excluded():
    # two answers, p = (0.5, 0.25), g = 0.8 off the diagonal, t = 0.1:
    # E_1 = -log(0.5 + 0.8 * 0.25 / 0.1), E_2 = -log(0.25 + 0.8 * 0.5 / 0.1)
    sim = np.array([[1.0, 0.8], [0.8, 1.0]])
    expected = np.mean([-math.log(0.5 + 2.0), -math.log(0.25 + 4.0)])
    got = S.sentence_relevance_entropy(np.log([0.5, 0.25]), sim, t=0.1)
    assert got == pytest.approx(expected)
    sim_other_diag = sim.copy()
    np.fill_diagonal(sim_other_diag, 0.0)
    assert S.sentence_relevance_entropy(np.log([0.5, 0.25]), sim_other_diag, t=0.1) == pytest.approx(expected)
    with pytest.raises(ValueError, match="2 x 2"):
        S.sentence_relevance_entropy(np.log([0.5, 0.25]), np.ones((3, 3)))


def test_relevant_token_dominates_token_sar_unlike_the_mean():
    # a filler token with a high NLL and no relevance, a key token with a low NLL and all the relevance
    nll, sim = [3.0, 0.2, 0.0], [1.0, 0.9, 1.0]
    assert S.token_sar(nll, sim) == pytest.approx(0.2)
    assert np.mean(nll) > 1.0


# -- relevance arrays -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def word_tokenizer():
    return build_word_tokenizer(["i", "think", "it", "is", "varno", ".", "well", ",", "where", "does", "mira",
                                 "tosk", "live", "?"])


def test_removal_positional_vs_official_replace(word_tokenizer):
    ids = word_tokenizer.encode("i think it is varno .", add_special_tokens=False) + [word_tokenizer.eos_token_id]
    special = [t in word_tokenizer.all_special_ids for t in ids]
    assert special == [False] * 6 + [True]

    def decode(x):
        return word_tokenizer.decode(x, skip_special_tokens=True)

    positional = removal_texts(ids, special, decode)
    assert positional == ["think it is varno .", "i it is varno .", "i think is varno .", "i think it varno .",
                          "i think it is .", "i think it is varno", "i think it is varno ."]
    official = removal_texts(ids, special, decode, mimic_official_replace=True)
    assert official[0] == " thnk t s varno ."  # every "i", inside "think", "it" and "is" too
    assert official[4] == "i think it is  ."
    with pytest.raises(ValueError, match="special flags"):
        removal_texts(ids, special[:-1], decode)


def test_relevance_rows_layout_special_tokens_and_question_prefix(word_tokenizer):
    eos = word_tokenizer.eos_token_id
    enc = word_tokenizer.encode
    samples = [enc("well , varno .", add_special_tokens=False) + [eos], enc("varno", add_special_tokens=False),
               [eos]]
    rows = [{"id": 0, "question": "where does mira tosk live ?",
             "samples": [{"ids": s, "text": word_tokenizer.decode(s, skip_special_tokens=True)} for s in samples]}]
    seen = []

    def fake_similarity(pairs):  # word-overlap similarity, recording what is compared
        seen.extend(pairs)
        return np.array([len(set(a.split()) & set(b.split())) / max(1, len(set(a.split()) | set(b.split())))
                         for a, b in pairs])

    cfg = RelevanceConfig(cluster_threshold=0.5)
    out = relevance_rows(rows, fake_similarity, cfg,
                         lambda ids: word_tokenizer.decode(ids, skip_special_tokens=True), {eos})[0]
    first = out["token_similarity"][0]
    assert len(first) == 5 and first[-1] == 1.0  # EOS: similarity 1, zero relevance
    assert first[2] == pytest.approx(9 / 10)      # removing "varno": 9 shared words out of 10
    assert out["token_similarity"][1] == [0.5] and out["token_similarity"][2] == [0.5]  # one-token answers
    assert all(a.startswith("where does mira tosk live ?") for a, _ in seen)
    sim = np.array(out["sentence_similarity"])
    assert sim.shape == (3, 3) and np.allclose(np.diag(sim), 1.0)
    assert out["classes"] == greedy_classes(sim, 0.5)
    # without the question, the answers are compared alone
    seen.clear()
    relevance_rows(rows, fake_similarity, RelevanceConfig(prepend_question=False),
                   lambda ids: word_tokenizer.decode(ids, skip_special_tokens=True), {eos})
    assert ("well , varno .", "well , varno .") in seen


def test_greedy_classes_need_both_directions():
    sim = np.array([[1.0, 0.95, 0.2, 0.95],
                    [0.95, 1.0, 0.2, 0.5],
                    [0.2, 0.2, 1.0, 0.2],
                    [0.5, 0.95, 0.2, 1.0]])
    # sample 3 vs head 0: 0.5 one way -> not equivalent; it opens a class although g(0, 3) = 0.95
    assert greedy_classes(sim, 0.9) == [0, 0, 1, 2]
    assert greedy_classes(sim, 0.1) == [0, 0, 0, 0]
    with pytest.raises(ValueError, match="square"):
        greedy_classes(np.ones((2, 3)), 0.9)


def test_bi_encoder_similarity_is_clipped_cosine(monkeypatch):
    texts = ["where does mira tosk live ? i think it is varno .", "where does mira tosk live ? well , varno .",
             "what does mira tosk like to eat ? probably bread ."]
    sim = Similarity(RelevanceConfig())
    got = sim([(texts[0], texts[1]), (texts[0], texts[2]), (texts[1], texts[1])])
    ref = sentence_encoder.cosine_matrix(texts, texts).double().numpy()
    np.testing.assert_allclose(got, [ref[0, 1], ref[0, 2], 1.0], atol=1e-5)
    assert sim.n_encoded == 3  # each distinct text embedded once
    # a negative cosine is clipped to 0 (relevance 1 - g stays in [0, 1])
    monkeypatch.setattr(sentence_encoder, "encode",
                        lambda t, *a, **k: torch.tensor([[1.0, 0.0], [-0.6, 0.8]])[: len(t)])
    assert Similarity(RelevanceConfig())([("a", "b")]).tolist() == [0.0]


# -- baselines' inputs and AUROC ------------------------------------------------------------------------------------
def test_semantic_entropy_on_our_classes_by_hand():
    texts = ["i think it is varno .", "well , varno .", "it is brell .", "probably ."]
    values = {"varno", "brell"}
    classes = oracle_classes(texts, values)
    assert classes == [0, 0, 1, 2]  # same key value; another value; no value: alone
    stat = semantic_classes([classes])
    assert stat["class_to_sample"] == [[[0, 1], [2], [3]]]
    ll = [math.log(0.4), math.log(0.2), math.log(0.3), math.log(0.1)]
    se = SemanticEntropy()({"sample_log_probs": [ll], "sample_texts": [texts], "semantic_classes_entail": stat})
    by_hand = -np.mean([math.log(0.6), math.log(0.6), math.log(0.3), math.log(0.1)])
    assert se[0] == pytest.approx(by_hand)


def test_auroc_positive_class_is_incorrect():
    correct = [1, 1, 0, 0, 1, 0]
    u = [0.1, 0.2, 0.9, 0.8, 0.3, 0.35]
    assert auroc(correct, u) == pytest.approx(roc_auc_score([0, 0, 1, 1, 0, 1], u)) == pytest.approx(1.0)
    assert auroc(correct, [-x for x in u]) == pytest.approx(0.0)
    assert math.isnan(auroc([1, 1, 1], [0.1, 0.2, 0.3]))


# -- generation and data ------------------------------------------------------------------------------------------
def test_token_nlls_match_an_unbatched_pass(word_tokenizer):
    from lmrepro.common.models import build_model

    torch.manual_seed(0)
    model = build_model({"family": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 2, "n_positions": 32},
                        tokenizer=word_tokenizer).eval()
    prompts = [[word_tokenizer.bos_token_id] + word_tokenizer.encode(q, add_special_tokens=False)
               for q in ("where does mira tosk live ?", "where does mira live ?")]
    answers = [word_tokenizer.encode("i think it is varno .", add_special_tokens=False), [word_tokenizer.eos_token_id]]
    got = token_nlls(model, word_tokenizer, prompts, answers, batch_size=2)
    for p, a, z in zip(prompts, answers, got):
        with torch.no_grad():
            logp = torch.log_softmax(model(input_ids=torch.tensor([p + a])).logits[0], -1)
        expected = [-logp[len(p) - 1 + i, tok].item() for i, tok in enumerate(a)]
        np.testing.assert_allclose(z, expected, atol=1e-5)


def test_held_out_split_and_corpus():
    kb = W.build_knowledge(W.KnowledgeConfig(n_persons=40, n_towns=6, n_jobs=4, n_foods=4, n_rivers=2), seed=0)
    test_ids = held_out_facts(kb, 20, (0, 1, 2, 8), seed=0)
    assert len(set(test_ids)) == 20
    assert sorted(kb.triples[i]["exposures"] for i in test_ids) == [0] * 5 + [1] * 5 + [2] * 5 + [8] * 5
    task = TaskConfig(qa_schedule="held_out", qa_copies=2)
    lines, n_qa = corpus_lines(kb, set(test_ids), task, seed=0)
    for i in test_ids:  # a held-out question never appears; its fact sentence exactly `exposures` times
        t = kb.triples[i]
        assert not any(line.startswith(W.question_text(t)) for line in lines)
        assert lines.count(W.fact_text(t)) == t["exposures"]
    seen = [t for t in kb.triples if t["relation"] in W.PERSON_RELATIONS and t["exposures"] > 0]
    assert n_qa == 2 * (len(seen) - sum(kb.triples[i]["exposures"] > 0 for i in test_ids))
    assert lines == corpus_lines(kb, set(test_ids), task, seed=0)[0]
    # exposure schedule: each person fact's question as often as its sentence, each time with its value
    lines, n_qa = corpus_lines(kb, set(test_ids), TaskConfig(qa_schedule="exposure"), seed=0)
    for t in kb.triples:
        if t["relation"] in W.PERSON_RELATIONS:
            asked = [line for line in lines if line.startswith(W.question_text(t) + " ")]
            assert len(asked) == t["exposures"] and all(t["object"] in line.split() for line in asked)
    assert n_qa == sum(t["exposures"] for t in seen)
    with pytest.raises(ValueError, match="exposure level"):
        held_out_facts(kb, 400, (0, 1, 2, 8), seed=0)


def test_config_checks():
    with pytest.raises(ValueError, match="kind"):
        RelevanceConfig(kind="nli").check("relevance")
    with pytest.raises(ValueError, match="qa_schedule"):
        TaskConfig(qa_schedule="all").check("task")
    with pytest.raises(ValueError, match="num_used"):
        ScoreConfig(num_used=1).check("score")
