"""LSK: the world's guarantees, the router against the repo's get_langs (spec A4), baselines, purity, parsing."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmrepro.papers.lsk import method
from lmrepro.papers.lsk import world as lsk_world
from lmrepro.worlds import languages as lw


def _small_world(seed: int = 0):
    cfg = lsk_world.LSKWorldConfig(entities_per_culture=20, neutral_entities=40)
    return lsk_world.build(cfg, seed)


# -- the world ----------------------------------------------------------------------------------------------------

def test_fact_languages_have_exact_shares():
    world = _small_world()
    cfg = world["cfg"]
    for spec in cfg.cultures:
        facts = [f for f in world["facts"] if f["culture"] == spec.name]
        only_home = [f for f in facts if f["stated_in"] == [spec.name]]
        assert len(only_home) == round(cfg.p_home_only * len(facts))
        assert all(f["stated_in"] == sorted([spec.name, "en"]) for f in facts if f not in only_home)
    neutral = [f for f in world["facts"] if f["culture"] == lsk_world.NEUTRAL]
    assert all("en" in f["stated_in"] for f in neutral)
    for spec in cfg.cultures:
        assert sum(spec.name in f["stated_in"] for f in neutral) == round(cfg.p_neutral_in_conlang * len(neutral))


def test_items_ask_the_same_fact_in_every_language():
    world = _small_world()
    langs = lsk_world.named_languages(world)
    items = lsk_world.mc_items(world, langs, seed=1)
    facts = {f["id"]: f for f in world["facts"]}
    for item in items[:60]:
        fact = facts[item["id"]]
        for key, lang in langs.items():
            view = item["langs"][key]
            assert len(view["options"]) == 4
            true_text = f"{view['prompt']} {view['options'][item['answer']]}"
            assert true_text == lw.render(lang, lsk_world.fact_event(fact))
            assert lw.verb_form(lang, fact["verb"], False, False, False) in view["prompt"].split()  # verb first
        assert (world["homelands"].get(fact["culture"], "@") in item["query_en"]) == (fact["culture"] != "neutral")


def test_world_is_a_pure_function_of_the_seed():
    a, b, c = _small_world(3), _small_world(3), _small_world(4)
    assert a["facts"] == b["facts"] and a["entities"] == b["entities"]
    assert a["facts"] != c["facts"]


def test_world_rejects_an_sov_conlang():
    cfg = lsk_world.LSKWorldConfig(cultures=[lw.LanguageSpec("c1", order="SOV"), lw.LanguageSpec("c2", order="SVO"),
                                             lw.LanguageSpec("c3", order="VSO")])
    with pytest.raises(ValueError, match="SOV"):
        cfg.check("world")


# -- the router against the repo (spec A4) ------------------------------------------------------------------------

def repo_get_langs(assigned_clusters, datasets, num_clusters):
    """agarwalishika/LSKExtractor EVALUATION_lskextractor.py `get_langs`, its file reading and debug log removed:
    `datasets` maps a language to its DataFrame with an `is_correct` column, in the order the repo globbed them."""
    cluster_langs = []
    for i in range(num_clusters):
        best_lang = "English"
        lang_accuracy = 0
        for lang in datasets.keys():
            df = datasets[lang][assigned_clusters == i]
            acc = sum(df['is_correct']) / (len(df) + 1e-10)
            if acc > lang_accuracy:
                lang_accuracy = acc
                best_lang = lang
        cluster_langs.append(best_lang)
    return cluster_langs


def repo_route_accuracy(test_assigned_clusters, train_langs, datasets, num_clusters, num_test):
    num_accurate = 0
    for i in range(num_clusters):
        df = datasets[train_langs[i]][test_assigned_clusters == i]
        num_accurate += sum(df['is_correct'])
    return num_accurate / num_test


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_router_reproduces_the_repo_expert_map(seed):
    from sklearn.cluster import kmeans_plusplus
    from sklearn.metrics.pairwise import cosine_similarity

    rng = np.random.default_rng(seed)
    langs = ["Arabic", "Chinese", "English", "French", "Hindi"]
    k, n_train, n_test = 12, 300, 120
    emb = rng.normal(size=(n_train + n_test, 16))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    # per-cluster-ish skill: some languages better on some directions, plus ties (coarse 0/1 tables)
    skill = {lang: 1 / (1 + np.exp(-3 * emb @ rng.normal(size=16))) for lang in langs}
    correct = {lang: rng.random(n_train + n_test) < skill[lang] for lang in langs}
    correct["Hindi"][:] = False  # a language that never beats 0
    # the repo: kmeans_plusplus centres, argmax cosine, get_langs over sorted files
    centers, _ = kmeans_plusplus(emb[:n_train], n_clusters=k, random_state=512)
    repo_train = np.argmax(cosine_similarity(emb[:n_train], centers), axis=1)
    repo_test = np.argmax(cosine_similarity(emb[n_train:], centers), axis=1)
    frames = {lang: pd.DataFrame({"is_correct": correct[lang].astype(float)}) for lang in langs}
    repo_experts = repo_get_langs(repo_train, {lang: frames[lang][:n_train] for lang in langs}, k)
    repo_acc = repo_route_accuracy(repo_test, repo_experts, {lang: frames[lang][-n_test:] for lang in langs},
                                   k, n_test)
    # ours, on the same inputs (languages handed over in another order: ours sorts them)
    ours_centers = method.cluster_centers(emb[:n_train], k, "seeding", 512)
    np.testing.assert_array_equal(ours_centers, centers)
    assign_train = method.nearest_center(emb[:n_train], ours_centers)
    assign_test = method.nearest_center(emb[n_train:], ours_centers)
    shuffled = {lang: correct[lang][:n_train] for lang in reversed(langs)}
    experts = method.expert_languages(assign_train, shuffled, k, "English")
    assert experts == repo_experts
    acc = method.route_accuracy(assign_test, experts, {lang: c[n_train:] for lang, c in correct.items()})
    assert acc == pytest.approx(repo_acc, abs=1e-12)


def test_expert_map_ties_and_empty_clusters():
    correct = {"b": np.array([1, 0, 0, 0], bool), "a": np.array([1, 0, 1, 0], bool), "en": np.array([1, 0, 0, 0], bool)}
    assign = np.array([0, 0, 1, 1])
    # cluster 0: a, b, en tie at 0.5 -> first in sorted order (a); cluster 1: a 0.5; cluster 2 empty -> en
    assert method.expert_languages(assign, correct, 3, "en") == ["a", "a", "en"]
    correct["a"][:] = False
    assert method.expert_languages(assign, correct, 2, "en") == ["b", "en"]


def test_full_kmeans_centres_are_sklearns():
    from sklearn.cluster import KMeans

    emb = np.random.default_rng(0).normal(size=(50, 4))
    np.testing.assert_allclose(method.cluster_centers(emb, 5, "full", 7),
                               KMeans(n_clusters=5, random_state=7, n_init=1).fit(emb).cluster_centers_)
    with pytest.raises(ValueError):
        method.cluster_centers(emb, 51, "seeding", 0)
    with pytest.raises(ValueError, match="unknown"):
        method.cluster_centers(emb, 5, "hdbscan", 0)


# -- baselines, top-n vote, purity ---------------------------------------------------------------------------------

def test_baselines_from_raw_tables():
    train = {"en": np.array([1, 1, 0, 0], bool), "x": np.array([1, 1, 1, 0], bool)}
    test = {"en": np.array([1, 0, 0, 0], bool), "x": np.array([0, 0, 1, 0], bool), }
    out = method.baselines(train, test, "en")
    assert out["global_language"] == "x" and out["acc_global"] == 0.25
    assert out["acc_english"] == 0.25
    assert out["acc_random_language"] == 0.25   # mean over languages, not divided again by NUM_TEST
    assert out["acc_oracle"] == 0.5
    test["en"][1] = True
    assert method.baselines(train, test, "en")["global_test_language"] == "en"


def test_vote_matches_scipy_mode():
    from scipy.stats import mode

    rng = np.random.default_rng(0)
    preds = {lang: rng.integers(0, 4, 200) for lang in ("a", "b", "c", "d")}
    answers = rng.integers(0, 4, 200)
    assign = rng.integers(0, 2, 200)
    top = [["a", "b", "c"], ["b", "c", "d"]]
    expected = np.mean([mode(np.array([preds[lang][i] for lang in top[c]])).mode == answers[i]
                        for i, c in enumerate(assign)])
    assert method.vote_accuracy(assign, top, preds, answers) == pytest.approx(expected)


def test_top_languages_order():
    correct = {"a": np.array([1, 0], bool), "b": np.array([1, 1], bool), "c": np.array([1, 0], bool),
               "d": np.array([0, 0], bool)}
    assert method.top_languages(np.array([0, 0]), correct, 1, 3) == [["b", "a", "c"]]


def test_purity_against_sklearn_contingency():
    from sklearn.metrics.cluster import contingency_matrix

    rng = np.random.default_rng(1)
    labels = rng.choice(["c1", "c2", "c3", "neutral"], 300).tolist()
    assign = rng.integers(0, 7, 300)
    expected = contingency_matrix(labels, assign).max(axis=0).sum() / 300
    assert method.purity(assign, labels) == pytest.approx(expected)
    per = method.cluster_purities(np.array([0, 0, 0, 2]), ["a", "a", "b", "b"], 3)
    assert per[0] == ("a", pytest.approx(2 / 3), 3) and per[1][2] == 0 and per[2] == ("b", 1.0, 1)


@pytest.mark.parametrize("response,expected", [
    ('{"reasoning_in_French": "...", "final_answer": "B. le chat"}', 1),
    ('blah {\n "reasoning_in_Thai": "x",\n "final_answer": "C"\n} trailing', 2),
    ('{"final_answer": "the dog"}', 0),
    ('"final_answer": "D. fish", broken json', 3),
    ('no json at all', None),
    ('{"final_answer": "Z"}', None),
])
def test_parse_final_answer(response, expected):
    assert method.parse_final_answer(response, ["the dog", "le chat", "cow", "fish"]) == expected


# -- answering: summed option log-prob ----------------------------------------------------------------------------

def test_loglik_answers_pick_the_highest_summed_logprob():
    import torch

    from lmrepro.common.models import build_model
    from lmrepro.common.tokenizers import build_word_tokenizer
    from lmrepro.papers.lsk.answer import loglik_answers

    tok = build_word_tokenizer("the x y z a b c .".split())
    torch.manual_seed(0)
    model = build_model({"family": "llama", "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                         "num_key_value_heads": 2, "intermediate_size": 32, "max_position_embeddings": 16},
                        tokenizer=tok).eval()
    items = [{"langs": {"en": {"prompt": "the x", "options": ["a .", "b b .", "c", "y z ."]}}},
             {"langs": {"en": {"prompt": "y", "options": ["z", "a b", "the", "c ."]}}}]
    preds = loglik_answers(model, tok, items, "en", batch_size=3)
    for item, pred in zip(items, preds):
        view = item["langs"]["en"]
        scores = []
        for option in view["options"]:
            ids = [tok.bos_token_id] + tok.encode(f"{view['prompt']} {option}", add_special_tokens=False)
            n_prompt = 1 + len(tok.encode(view["prompt"], add_special_tokens=False))
            with torch.no_grad():
                logp = torch.log_softmax(model(torch.tensor([ids])).logits[0], -1)
            scores.append(sum(float(logp[t - 1, ids[t]]) for t in range(n_prompt, len(ids))))
        assert pred == int(np.argmax(scores))
