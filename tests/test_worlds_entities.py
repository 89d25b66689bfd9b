"""The entities world (spt): unique names and titles, exact split sizes and exposure counts, no reverse fact of a
test person, chunks that rejoin to the sentence with "." last, probes that complete to the fact, determinism; the
typed knowledge base: types, exposure counts, uniform filler frames, the equivalence oracle, documents."""
import json
import random
import time
from collections import Counter

import pytest

from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.worlds import entities as W

CFG = W.EntitiesConfig(exposures=3)


@pytest.fixture(scope="module")
def world():
    return W.build_world(CFG, 0)


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        world = W.build_world(CFG, seed)
        return json.dumps([world.persons, W.training_facts(world, CFG), W.probes(world)])

    assert dump(1) == dump(1) and dump(1) != dump(2)


def test_unique_names_titles_and_disjoint_lexicons(world):
    names = [tuple(p["name"]) for p in world.persons]
    works = [tuple(p["work"]) for p in world.persons]
    assert len(set(names)) == len(names) == CFG.n_persons and len(set(works)) == len(works)
    name_words = {w for n in names for w in n}
    work_words = {w for t in works for w in t}
    assert not name_words & work_words and not (name_words | work_words) & set(W.TEMPLATE_WORDS)
    assert not set(world.roles) & (name_words | work_words)


def test_split_sizes_and_exact_exposures(world):
    splits = Counter(p["split"] for p in world.persons)
    assert splits["both"] == round(CFG.p_both * CFG.n_persons)
    counts = Counter((r["person"], r["direction"]) for r in W.training_facts(world, CFG))
    for p in world.persons:
        assert counts[p["id"], "forward"] == CFG.exposures
        assert counts[p["id"], "reverse"] == (CFG.exposures if p["split"] == "both" else 0)


def test_chunks_rejoin_keep_entities_whole_and_end_with_the_period(world):
    p = world.persons[0]
    for direction in ("forward", "reverse"):
        chunks = W.chunks(p, direction)
        assert " ".join(w for c in chunks for w in c) == W.sentence(p, direction)
        assert chunks[-1] == ["."] and p["name"] in chunks and p["work"] in chunks
    assert W.sentence(p, "forward") == f"{' '.join(p['name'])} is the {p['role']} of {' '.join(p['work'])} ."
    with pytest.raises(ValueError, match="direction"):
        W.chunks(p, "sideways")


def test_probes_complete_to_the_fact_and_cover_test_persons_only(world):
    rows = W.probes(world)
    test_ids = {p["id"] for p in world.persons if p["split"] == "forward_only"}
    assert {r["person"] for r in rows} == test_ids and len(rows) == 2 * len(test_ids)
    for r in rows:
        person = world.persons[r["person"]]
        assert f"{r['prompt']} {r['answer']} ." == W.sentence(person, r["direction"])


def test_vocabulary_and_tokenizer_round_trip(world):
    tok = build_word_tokenizer(world.vocabulary())
    for r in W.training_facts(world, CFG)[:100]:
        text = " ".join(w for c in r["chunks"] for w in c)
        ids = tok(text, add_special_tokens=False)["input_ids"]
        assert tok.unk_token_id not in ids and tok.decode(ids) == text


def test_bad_config_is_named():
    with pytest.raises(ValueError, match="too small"):
        W.EntitiesConfig(n_persons=500, n_first=10, n_last=10).check()
    with pytest.raises(ValueError, match="p_both"):
        W.EntitiesConfig(p_both=1.5).check()


def test_small_corpus_under_two_seconds():
    start = time.perf_counter()
    world = W.build_world(W.EntitiesConfig(), 0)
    W.training_facts(world, W.EntitiesConfig())
    W.probes(world)
    assert time.perf_counter() - start < 2.0


# -- the typed knowledge base --------------------------------------------------------------------------------------
KB_CFG = W.KnowledgeConfig(n_persons=80, n_towns=10, n_jobs=6, n_foods=6, n_rivers=3)


def test_knowledge_base_is_typed_and_complete():
    kb = W.build_knowledge(KB_CFG, seed=0)
    assert {k: len(v) for k, v in kb.entities.items()} == {"person": 80, "town": 10, "job": 6, "food": 6, "river": 3}
    words_by_type = [{w for n in names for w in n.split()} for names in kb.entities.values()]
    for i, a in enumerate(words_by_type):
        assert not a & set(W.KB_FUNCTION_WORDS)
        for b in words_by_type[i + 1:]:
            assert not a & b
    assert len(set(kb.entities["person"])) == 80 and all(len(n.split()) == 2 for n in kb.entities["person"])
    for person in kb.entities["person"]:
        facts = kb.of(person)
        assert sorted(t["relation"] for t in facts) == sorted(W.PERSON_RELATIONS)
        for t in facts:
            assert t["object"] in kb.entities[W.RELATIONS[t["relation"]][1]]
    for town in kb.entities["town"]:
        assert [(t["relation"], t["object"] in kb.entities["river"]) for t in kb.of(town)] == [("near_river", True)]
    assert [t["id"] for t in kb.triples] == list(range(len(kb.triples)))


def test_exposure_levels_come_in_equal_shares_and_the_corpus_states_each_fact_that_often():
    kb = W.build_knowledge(KB_CFG, seed=1)
    person_levels = Counter(t["exposures"] for t in kb.triples if t["relation"] in W.PERSON_RELATIONS)
    assert person_levels == {0: 80, 1: 80, 2: 80, 8: 80}
    corpus = Counter(W.exposure_corpus(kb, seed=1))
    for t in kb.triples:
        assert corpus[W.fact_text(t)] == t["exposures"]
    assert sum(corpus.values()) == sum(t["exposures"] for t in kb.triples)


def test_filler_frames_are_uniform_and_wrap_exactly_one_key_value():
    kb = W.build_knowledge(KB_CFG, seed=2)
    person_ids = [t["id"] for t in kb.triples if t["relation"] in W.PERSON_RELATIONS]
    rows = W.qa_pairs(kb, person_ids * 20, seed=2)
    frames = Counter(r["answer"].replace(r["value"], "{x}", 1) for r in rows)
    assert set(frames) == set(W.FILLER_FRAMES)
    assert max(frames.values()) / min(frames.values()) < 1.15  # 6400 draws over 8 frames
    vocab = set(kb.vocabulary())
    for r in rows[:400]:
        assert W.answer_values(kb, r["answer"]) == {r["value"]}
        assert set(r["question"].split()) <= vocab and set(r["answer"].split()) <= vocab
        assert kb.triples[r["triple"]]["subject"] in r["question"]


def test_equivalence_oracle_on_hand_built_answers():
    kb = W.build_knowledge(KB_CFG, seed=3)
    a, b = kb.entities["town"][:2]
    assert W.same_answer(kb, f"i think it is {a} .", f"well , {a} .")
    assert not W.same_answer(kb, f"i think it is {a} .", f"i think it is {b} .")
    assert not W.same_answer(kb, "i think it is .", "well , .")  # no key value: never equivalent
    assert not W.same_answer(kb, f"{a} or {b} .", f"{a} .")


def test_documents_references_and_pos_tags():
    kb = W.build_knowledge(KB_CFG, seed=4)
    person = kb.entities["person"][0]
    doc = W.entity_document(kb, person, random.Random(0))
    assert 3 <= len(doc) <= 5 and all(person in s for s in doc[:4])
    assert {W.fact_text(t) for t in kb.of(person)} <= set(doc)
    ref = W.reference_answer(kb, person)
    facts = {t["relation"]: t["object"] for t in kb.of(person)}
    assert ref["values"] == [facts["works_as"], facts["lives_in"]]
    assert ref["reference"] == f"{person} works as a {facts['works_as']} and lives in {facts['lives_in']} ."
    tags = kb.pos_tags()
    assert set(tags) == set(kb.vocabulary())
    assert tags[facts["works_as"]] == "NOUN" and tags[person.split()[0]] == "PROPN" and tags["lives"] == "X"


def test_knowledge_base_is_a_pure_function_of_seed_and_fast():
    start = time.perf_counter()
    big = W.KnowledgeConfig()  # sar's size: 400 persons x 4 attributes
    one = W.build_knowledge(big, seed=5)
    corpus = W.exposure_corpus(one, seed=5)
    assert time.perf_counter() - start < 2.0
    two = W.build_knowledge(big, seed=5)
    assert json.dumps(one.triples) == json.dumps(two.triples) and corpus == W.exposure_corpus(two, seed=5)
    assert W.qa_pairs(one, [0, 1, 2], 5) == W.qa_pairs(two, [0, 1, 2], 5)
    assert json.dumps(W.build_knowledge(big, seed=6).triples) != json.dumps(one.triples)
