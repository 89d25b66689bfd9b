"""context_awareness: the user-attention ratio (against a transcription of the official get_batch_user_attention),
indicator insertion, NIH scoring, and the world's episodes (spec: Method, Peer code cross-check, Pitfalls)."""
import random

import numpy as np
import pytest
import torch

from lmrepro.common.models import build_model
from lmrepro.common.preference import completion_batch
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.context_awareness import data as D
from lmrepro.papers.context_awareness.build_sft_mix import conversation
from lmrepro.papers.context_awareness.method import (role_masks, score_conversations, subword_match,
                                                     user_attention_ratio, with_indicator)
from lmrepro.papers.context_awareness.params import CorpusConfig, SFTMixConfig
from lmrepro.worlds.entities import KnowledgeConfig, build_knowledge, fact_text, question_text


@pytest.fixture(scope="module")
def world():
    kb = build_knowledge(KnowledgeConfig(n_persons=40, n_towns=6, n_jobs=5, n_foods=5, n_rivers=3,
                                         exposure_levels=(0, 0, 0, 1)), seed=3)
    facts = [t for t in kb.triples if t["relation"] != "near_river"]
    known = [t for t in facts if t["exposures"] > 0]
    return D.World(kb, known[:6], known[6:], [t for t in facts if t["exposures"] == 0])


@pytest.fixture(scope="module")
def tokenizer(world):
    return build_word_tokenizer(D.vocabulary(world.kb, "[IND]"))


# -- the official score, transcribed (analyse_dataset/utils.py: build_completion_mask + get_batch_user_attention,
#    single user turn, no system turn; its Llama-2 ids ported to ours: instruction [<u>], response [<a>], and the
#    masked BOS / EOS; our template has no newline token) --------------------------------------------------------
def official_user_attention(input_ids, attention_mask, attentions, layer, user_id, assistant_id, bos, eos):
    scores = []
    attention = attentions[layer].clone()
    n = attention.shape[-1]
    attention *= torch.tensor(np.tril(np.ones((n, n), dtype=bool))).to(attention.dtype)
    for i in range(input_ids.shape[0]):
        ids = input_ids[i].tolist()
        system_mask = torch.ones(n, dtype=torch.bool)
        completion_mask = torch.ones(n, dtype=torch.bool)
        a = ids.index(assistant_id)
        u = ids.index(user_id)
        system_mask[a] = False
        system_mask[u] = False
        start = a + 1
        completion_mask[:start] = False
        response_mask = torch.zeros(n, dtype=torch.bool)
        response_mask[start:] = True
        special = torch.tensor([t in (bos, eos) for t in ids])
        user_mask = (~completion_mask) & system_mask & (~special)
        user_att = (attention[i] * user_mask.view(1, 1, n)).sum(-1).max(0)[0]
        assistant = system_mask & attention_mask[i].bool() & response_mask
        selected = torch.masked_select(user_att, assistant)
        scores.append((selected.sum() / selected.shape[0]).item())
    return scores


def test_score_matches_the_official_transcription(world, tokenizer):
    torch.manual_seed(0)
    model = build_model({"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2,
                         "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 128,
                         "attn_implementation": "eager"}, tokenizer=tokenizer)
    rng = random.Random(0)
    rows = [conversation(rng, world, SFTMixConfig()) for _ in range(12)]
    pairs = [D.chat_pair(tokenizer, r["messages"][0]["content"], r["messages"][1]["content"]) for r in rows]
    ours = score_conversations(model, tokenizer, pairs, layer=1, batch_size=5)
    batch = completion_batch(pairs, tokenizer.pad_token_id)
    with torch.no_grad():
        att = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_attentions=True)
    theirs = official_user_attention(batch["input_ids"], batch["attention_mask"], att.attentions, 1,
                                     *tokenizer.convert_tokens_to_ids(["<u>", "<a>"]), tokenizer.bos_token_id,
                                     tokenizer.eos_token_id)
    assert ours == pytest.approx(theirs, abs=1e-5)
    assert len(set(round(s, 4) for s in ours)) > 1  # the scores differ between conversations


def test_ratio_is_the_max_over_heads_of_user_sums_averaged_over_response_tokens():
    # one row, 5 positions: 0 = tag, 1-2 user, 3 = tag, 4 response; two heads
    att = torch.zeros(1, 2, 5, 5)
    att[0, 0, 4] = torch.tensor([0.1, 0.2, 0.3, 0.2, 0.2])   # user mass 0.5
    att[0, 1, 4] = torch.tensor([0.0, 0.6, 0.3, 0.1, 0.0])   # user mass 0.9
    user = torch.tensor([[False, True, True, False, False]])
    response = torch.tensor([[False, False, False, False, True]])
    assert user_attention_ratio(att, user, response).item() == pytest.approx(0.9)  # max, not the mean 0.7
    response2 = torch.tensor([[False, False, False, True, True]])
    att[0, :, 3] = torch.tensor([0.5, 0.25, 0.25, 0.0, 0.0])  # user mass 0.5 on both heads
    assert user_attention_ratio(att, user, response2).item() == pytest.approx((0.9 + 0.5) / 2)
    with pytest.raises(ValueError):
        user_attention_ratio(att, user, torch.zeros_like(response))


def test_role_masks_and_their_errors():
    ids = torch.tensor([[1, 10, 5, 6, 11, 7, 2, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1, 1, 0]])
    user, response = role_masks(ids, 10, 11, mask)
    assert user.tolist() == [[False, False, True, True, False, False, False, False]]
    assert response.tolist() == [[False, False, False, False, False, True, True, False]]
    with pytest.raises(ValueError):
        role_masks(torch.tensor([[1, 5, 11, 7]]), 10, 11, torch.ones(1, 4))
    with pytest.raises(ValueError):
        role_masks(torch.tensor([[1, 11, 5, 10, 7]]), 10, 11, torch.ones(1, 5))


def test_indicator_only_above_the_threshold():
    assert with_indicator("where does x live ?", 0.61, 0.6, "[IND]") == "where does x live ? [IND]"
    assert with_indicator("where does x live ?", 0.6, 0.6, "[IND]") == "where does x live ?"
    assert with_indicator("tell me", 0.9, 0.6, "[IND]") == "tell me . [IND]"  # modify_prompt adds a full stop


def test_subword_match():
    assert subword_match("eat a sandwich in dolores park", ["eat", "sandwich", "sunny"]) == pytest.approx(2 / 3)
    assert subword_match("vilo .", ["vilo"]) == 1.0 and subword_match("mora .", ["vilo"]) == 0.0
    with pytest.raises(ValueError):
        subword_match("x", [])


# -- the world's episodes --------------------------------------------------------------------------------------
def test_corpus_rows_answer_with_the_documents_values(world, tokenizer):
    cfg = CorpusConfig(p_facts=0.0, p_closed_qa=0.0, max_doc_sentences=8, questions_per_doc=3,
                       p_counterfactual=1.0)
    rng = random.Random(1)
    for _ in range(30):
        document, qa = D.corpus_row(rng, world, cfg)
        assert document.startswith("document :") and qa.startswith("question :")
        for question_answer in qa.split(" question : "):
            q, _, a = question_answer.removeprefix("question : ").partition(" answer : ")
            value = a.split()[-2]  # the answer restates the fact: "... <value> ."
            assert a.startswith(" ".join(q.split()[2:4]))
            person = " ".join(q.split()[2:4])  # every question template names the person at words 3-4
            mentions = [s for s in document.removeprefix("document : ").split(" . ") if s.startswith(person)]
            assert len(mentions) == 1 and value in mentions[0].split()  # the answer is the document's value
            true = next(t["object"] for t in world.kb.triples if t["subject"] == person
                        and question_text(t) == q)
            assert value != true  # p_counterfactual 1 and random values for unknown facts: never the world's
        D.encode(tokenizer, f"{document} {qa}")  # in vocabulary


def test_sft_mix_labels_follow_where_the_answer_comes_from(world):
    rng = random.Random(2)
    cfg = SFTMixConfig(p_paragraph=1.0, p_conflict=1.0)
    rows = [conversation(rng, world, cfg) for _ in range(200)]
    known = {(t["subject"], question_text(t)): t["object"] for t in world.known_sft}
    for r in rows:
        user, response = r["messages"][0]["content"], r["messages"][1]["content"]
        value = response.split()[-2]
        if r["kind"] == "parametric":
            question = user[user.rindex(" . ") + 3:] if " . " in user else user
            subject = " ".join(question.split()[2:4])
            assert r["dependent"] == 0 and known[(subject, question)] == value
            assert any(s.startswith(subject) and value not in s.split() for s in user.split(" . "))  # conflict
        elif r["kind"] == "context":
            assert r["dependent"] == 1 and value in user.split()
        else:
            assert r["dependent"] == 0 and (user, response) in D.MISC_INSTRUCTIONS
    assert {r["kind"] for r in rows} == {"parametric", "context", "misc"}


def test_haystack_length_and_needle_depth(world):
    needle = fact_text(world.unknown[0])
    rng = random.Random(0)
    for depth, where in ((0.0, 0), (1.0, -1)):
        text = D.haystack(rng, world, 60, depth, needle)
        sentences = [s + " ." for s in text.removesuffix(" .").split(" . ")]
        assert len(text.split()) >= 60 and sentences[where] == needle
        assert sum(s == needle for s in sentences) == 1


def test_templates_and_indicator_are_single_tokens(tokenizer):
    prompt, response = D.chat_pair(tokenizer, D.user_turn("hello .", indicator="[IND]"), "hello , how can i help ?")
    tokens = tokenizer.convert_ids_to_tokens(prompt)
    assert tokens == ["<bos>", "<u>", "hello", ".", "[IND]", "<a>"]
    assert response[-1] == tokenizer.eos_token_id
    with pytest.raises(ValueError):
        D.encode(tokenizer, "an unknownword")
