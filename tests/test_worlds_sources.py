"""The sources world (meco) keeps the structure its claims depend on."""
import json
from collections import Counter

from lmrepro.worlds.sources import N_ENCYCLOPEDIC, TEMPLATES, SourcesWorldConfig, build_world, sample_docs

CFG = SourcesWorldConfig()


def test_same_seed_same_bytes_different_seed_differs():
    dump = lambda seed: json.dumps(sample_docs(build_world(CFG, seed), 200, seed), sort_keys=True)
    assert dump(1) == dump(1)
    assert dump(1) != dump(2)


def test_camps_are_always_wrong_and_consistent():
    world = build_world(CFG, 0)
    assert Counter(world.source_group) == {0: 4, 1: 4, 2: 4, 3: 4}
    for camp in world.camp_maps:
        for relation in CFG.relations:
            assert all(w != t for w, t in zip(camp[relation], world.truth[relation]))
    # two camps disagree with each other somewhere (distinct wrong mappings)
    assert world.camp_maps[0]["lives_in"] != world.camp_maps[1]["lives_in"]


def test_groups_supply_equal_shares_and_style_is_an_imperfect_cue():
    world = build_world(CFG, 0)
    docs = sample_docs(world, 4000, 0)
    shares = Counter(d["group"] for d in docs)
    assert set(shares.values()) == {1000}
    encyclopedic = {t.split("{value}")[0].replace("{name}", "").strip() for ts in TEMPLATES.values()
                    for t in ts[:N_ENCYCLOPEDIC]}

    def enc_rate(reliable):
        sentences = [s for d in docs if d["reliable"] == reliable for s in d["text"].split(" . ")]
        return sum(any(e in s for e in encyclopedic) for s in sentences) / len(sentences)

    assert 0.6 < enc_rate(True) < 0.8 and 0.05 < enc_rate(False) < 0.15


def test_documents_state_their_sources_values():
    import re

    world = build_world(CFG, 3)
    patterns = [(relation, re.compile(re.escape(t).replace(r"\{name\}", r"(\w+ \w+)").replace(r"\{value\}", r"(\w+)")))
                for relation, ts in TEMPLATES.items() for t in ts]
    checked = 0
    for doc in sample_docs(world, 50, 3):
        assert doc["url"] == f"https://{world.domains[doc['source_id']]}/"
        for sentence in re.findall(r"[^.]+ \.", doc["text"]):
            relation, match = next((r, m) for r, p in patterns if (m := p.fullmatch(sentence.strip())))
            entity = world.names.index(match.group(1))
            expected = world.values[relation][world.value_of(doc["source_id"], relation, entity)]
            assert match.group(2) == expected
            checked += 1
    assert checked > 150
