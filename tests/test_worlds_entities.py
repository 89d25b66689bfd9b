"""The entities world (spt): unique names and titles, exact split sizes and exposure counts, no reverse fact of a
test person, chunks that rejoin to the sentence with "." last, probes that complete to the fact, determinism."""
import json
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
