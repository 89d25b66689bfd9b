"""Unit tests of multilingual_cpt (src/lmrepro/papers/multilingual_cpt): mixture shares and batches, the world's
documents (bilingual order, topic labels, code that parses), label-token choice, batched label scoring against a
one-item-at-a-time computation, translation metrics against sacreBLEU, the switch tagger, perplexity against
the model's own loss, and fixed few-shot draws."""
from __future__ import annotations

import ast
import math

import pytest
import sacrebleu
import torch

from lmrepro.common.models import build_model
from lmrepro.common.tokenizers import build_bpe_tokenizer, build_word_tokenizer
from lmrepro.papers.multilingual_cpt import data, world as mworld
from lmrepro.papers.multilingual_cpt import evaluate as ev
from lmrepro.papers.multilingual_cpt.params import CodeConfig, EvalConfig, LMDataConfig, MixConfig, WorldConfig
from lmrepro.worlds import languages as lw

TINY = {"family": "llama", "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
        "num_key_value_heads": 2, "intermediate_size": 32, "max_position_embeddings": 64}


@pytest.fixture(scope="module")
def small_world():
    cfg = WorldConfig(languages=lw.LanguagesConfig(nouns_per_category=3, n_verbs=3, n_ditransitive=1))
    return cfg, mworld.build(cfg, 0)


def test_resolve_splits_group_equally_and_normalises():
    shares = data.resolve({"mono": 0.6, "en": 0.3, "code": 0.1, "bi": 0.0}, ["lo", "md"])
    assert shares == pytest.approx({"mono:lo": 0.3, "mono:md": 0.3, "en": 0.3, "code": 0.1})
    assert data.resolve({"mono:lo": 1.0, "en": 3.0}, ["x"]) == pytest.approx({"mono:lo": 0.25, "en": 0.75})
    with pytest.raises(ValueError):
        data.resolve({"en": 0.0}, ["lo"])
    assert data.stream_file("mono:lo") == "mono_lo.jsonl" and data.stream_file("en") == "en.jsonl"


def test_mix_config_rejects_unknown_streams_and_missing_mixes():
    good = {m: {"mono": 1.0} for m in ("mono", "mono_code", "bi", "bi_code")}
    MixConfig(mixes=good).check("mix")
    with pytest.raises(ValueError, match="lacks"):
        MixConfig(mixes={"mono": {"mono": 1.0}}).check("mix")
    with pytest.raises(ValueError, match="bad stream"):
        MixConfig(mixes={**good, "bi": {"wiki": 1.0}}).check("mix")


def test_mixture_batches_follow_shares_and_are_pure():
    streams = [torch.zeros(500, dtype=torch.long), torch.ones(500, dtype=torch.long)]
    get = data.mixture_batches(streams, [0.8, 0.2], LMDataConfig(batch_size=400, block_size=8), seed=3)
    batch = get(5)["input_ids"]
    assert batch.shape == (400, 8)
    assert 0.15 < batch[:, 0].float().mean().item() < 0.25  # rows from stream 1 ~ 20%
    assert torch.equal(batch, get(5)["input_ids"]) and not torch.equal(batch, get(6)["input_ids"])
    with pytest.raises(ValueError, match="not longer than one block"):
        data.mixture_batches([torch.zeros(8, dtype=torch.long)], [1.0], LMDataConfig(block_size=8), 0)


def test_bilingual_docs_put_x_then_its_english_translation(small_world):
    cfg, world = small_world
    docs = mworld.bi_docs(world, "lo", 5, 1, seed=1)
    events = mworld.events(world, 5, 1)
    for doc, event in zip(docs, events):
        x, en = lw.render(world["langs"]["lo"], event), lw.render(world["en"], event)
        assert doc == f"{x} {en}"
        assert lw.analyze(world["langs"]["lo"], x) == event


def test_topic_lines_label_the_agent_category(small_world):
    _, world = small_world
    for line, event in zip(mworld.topic_lines(world, 20, 2), mworld.events(world, 20, 2)):
        assert line == f"topic of: {lw.render(world['en'], event)} => {lw.category(event['agent'])}"
    rows = mworld.labelled(world, "hi", 10, 4)
    assert [r["label"] for r in rows] == [lw.category(e["agent"]) for e in mworld.events(world, 10, 4)]


def test_world_tiers_and_mono_docs(small_world):
    cfg, world = small_world
    assert world["tiers"] == {"hi": "high", "md": "mid", "lo": "low"}
    docs = mworld.mono_docs(world, "md", 4, 3, seed=5)
    assert len(docs) == 4
    md_final = world["langs"]["md"].function["final"]
    assert all(doc.split().count(md_final) == 3 for doc in docs)


def test_code_docs_are_python_and_seeded():
    docs = mworld.code_docs(CodeConfig(), 30, seed=7)
    for doc in docs:
        tree = ast.parse(doc)
        assert all(isinstance(node, ast.FunctionDef) for node in tree.body)
    assert docs == mworld.code_docs(CodeConfig(), 30, seed=7) and docs != mworld.code_docs(CodeConfig(), 30, seed=8)


def test_label_token_ids_last_and_first_piece():
    tok = build_bpe_tokenizer(["topic of: x => animal", "science technology"] * 20, 300)
    label = "science/technology"
    pieces = tok.encode(" " + label, add_special_tokens=False)
    assert len(pieces) > 1  # a multi-piece label: the two choices differ
    assert ev.label_token_ids(tok, [label], "last") == [pieces[-1]]
    assert ev.label_token_ids(tok, [label], "first") == [pieces[0]]


def test_batched_label_scoring_matches_one_item_at_a_time():
    words = "topic of: => the dog cat sees box lamp animal object person".split()
    tok = build_word_tokenizer(words)
    torch.manual_seed(0)
    model = build_model(TINY, tokenizer=tok).eval()
    cfg = EvalConfig()
    labels = ["animal", "object", "person"]
    items = [{"text": " ".join(["the", a, "sees", "the", b] * n), "label": "animal"}
             for n in (1, 2, 3) for a in ("dog", "cat", "box") for b in ("lamp", "dog")][:20] + \
        [{"text": "the box sees the lamp", "label": "object"}]
    shots = [{"text": "the dog sees the cat", "label": "animal"}]
    preds = ev.classify(model, tok, cfg, items, labels, shots, "last")
    label_ids = [tok.convert_tokens_to_ids(label) for label in labels]
    direct = []
    for it in items:
        prompt = tok.eos_token + f"the dog sees the cat => animal{tok.eos_token}" + f"topic of: {it['text']} =>"
        ids = torch.tensor([tok.encode(prompt, add_special_tokens=False)])
        with torch.no_grad():
            direct.append(int(model(input_ids=ids).logits[0, -1, label_ids].argmax()))
    assert preds == direct
    assert ev.accuracy(preds, items, labels) == pytest.approx(
        sum(labels[p] == it["label"] for p, it in zip(direct, items)) / len(items))


def test_translation_scores_are_sacrebleu_and_cut_at_stop():
    hyps = [ev.cut(" the dog sees the cat . the", "."), ev.cut(". nothing", "."), "a box"]
    refs = ["the dog sees the cat", "the lamp", "the box"]
    assert hyps[:2] == ["the dog sees the cat", ""]  # spec pitfall: output starting with the stop is empty
    scores = ev.translation_scores(hyps, refs)
    assert scores["bleu"] == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)
    assert scores["chrf"] == pytest.approx(sacrebleu.CHRF().corpus_score(hyps, [refs]).score)
    assert scores["chrfpp"] == pytest.approx(sacrebleu.CHRF(word_order=2).corpus_score(hyps, [refs]).score)
    assert scores["chrfpp"] != pytest.approx(scores["chrf"])
    assert ev.translation_scores(refs, refs)["chrf"] == pytest.approx(100.0)


def test_switch_tagger_counts_english_only_words():
    english_only = {"dog", "sees", "the"}
    assert ev.is_switch("gabu tiso the", english_only)
    assert not ev.is_switch("gabu tiso . xa", english_only)
    assert not ev.is_switch("dog.", english_only)  # not an alphabetic word


def test_perplexity_matches_model_loss():
    tok = build_word_tokenizer("a b c d".split())
    torch.manual_seed(1)
    model = build_model(TINY, tokenizer=tok).eval()
    docs = ["a b c", "d a b c d a"]
    rows = [[tok.eos_token_id] + tok.encode(d, add_special_tokens=False) + [tok.eos_token_id] for d in docs]
    total, count = 0.0, 0
    with torch.no_grad():
        for r in rows:
            ids = torch.tensor([r])
            total += float(model(input_ids=ids, labels=ids).loss) * (len(r) - 1)
            count += len(r) - 1
    assert ev.perplexity(model, tok, docs, max_len=64) == pytest.approx(math.exp(total / count), rel=1e-5)


def test_fixed_shots_are_per_language_and_with_replacement():
    pool = [{"i": i} for i in range(3)]
    a = ev.fixed_shots(pool, 8, "lo", seed=0)
    assert a == ev.fixed_shots(pool, 8, "lo", seed=0) and len(a) == 8
    assert len({s["i"] for s in a}) < 8  # with replacement from 3 items
    assert a != ev.fixed_shots(pool, 8, "md", seed=0)
    assert ev.fixed_shots(pool, 0, "lo", 0) == []
    with pytest.raises(ValueError):
        ev.fixed_shots([], 3, "lo", 0)


def test_prompt_templates_fill_eos():
    tok = build_word_tokenizer(["x"])
    cfg = EvalConfig()
    shots = [{"src": "s1", "ref": "t1"}]
    assert ev.gen_prompt(cfg, tok, "q", shots) == "<eos>s1 t1<eos>q"
    assert ev.cls_prompt(cfg, tok, "the dog", []) == "<eos>topic of: the dog =>"


def test_topic_coherence_draws_patients_from_the_agent_category(small_world):
    cfg, world = small_world
    coherent = mworld.events({**world, "topic_coherence": 1.0}, 200, seed=3)
    assert all(lw.category(e["patient"]) == lw.category(e["agent"]) and e["patient"] != e["agent"]
               for e in coherent)
    free = mworld.events({**world, "topic_coherence": 0.0}, 200, seed=3)
    assert free == lw.sample_events(world["languages"], 200, 3)
    assert sum(lw.category(e["patient"]) == lw.category(e["agent"]) for e in free) < 100
