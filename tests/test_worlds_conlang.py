"""Guarantees of the conlang world (src/lmrepro/worlds/conlang.py), used by wechsel."""
from __future__ import annotations

import pytest

from lmrepro.worlds.conlang import EN_ADJS, EN_NOUNS, EN_VERBS, ConlangConfig, build_world, render, sample_events, \
    sample_sentences

CFG = ConlangConfig(n_nouns=120, n_verbs=40, n_adjs=40)


@pytest.fixture(scope="module")
def world():
    return build_world(CFG, seed=7)


@pytest.fixture(scope="module")
def streams(world):
    return {"en": sample_sentences(world, "en", 3000, seed=1), "tgt": sample_sentences(world, "tgt", 3000, seed=2)}


def test_same_seed_byte_identical():
    a, b = build_world(CFG, seed=11), build_world(CFG, seed=11)
    assert (a.en, a.tgt, a.pos, a.exposed, a.suffixes, a.final) == (b.en, b.tgt, b.pos, b.exposed, b.suffixes, b.final)
    for lang in ("en", "tgt"):
        text_a = "\n".join(sample_sentences(a, lang, 500, seed=3)[0]).encode()
        text_b = "\n".join(sample_sentences(b, lang, 500, seed=3)[0]).encode()
        assert text_a == text_b


def test_different_seed_different_world():
    a, b = build_world(CFG, seed=11), build_world(CFG, seed=12)
    assert a.tgt != b.tgt and a.exposed != b.exposed


def test_no_string_overlap(world, streams):
    en_forms, tgt_forms = world.surface_forms("en"), world.surface_forms("tgt")
    assert not en_forms & tgt_forms
    assert not {*EN_NOUNS, *EN_VERBS, *EN_ADJS} & tgt_forms  # not even English words outside this world's sample
    en_tokens = {w for s in streams["en"][0] for w in s.split()}
    tgt_tokens = {w for s in streams["tgt"][0] for w in s.split()}
    assert en_tokens <= en_forms and tgt_tokens <= tgt_forms
    assert not en_tokens & tgt_tokens


def test_tgt_surface_forms_unambiguous(world):
    nouns = [world.tgt[i] for i in world.index("noun")]
    forms = [*world.tgt, *(n + s for n in nouns for s in world.suffixes.values()), world.final]
    assert len(forms) == len(set(forms))
    assert len(set(world.suffixes.values())) == len(world.suffixes)


def test_dictionary_coverage_fraction(world):
    n = len(world.en)
    assert n == CFG.n_nouns + CFG.n_verbs + CFG.n_adjs
    assert len(world.dictionary(exposed_only=False)) == n
    assert len(world.dictionary()) == round(CFG.dict_exposed_frac * n)
    assert set(world.dictionary()) <= set(world.dictionary(exposed_only=False))
    for pos in ("noun", "verb", "adj"):  # exposure is spread over parts of speech, not one class only
        ids = world.index(pos)
        assert 0 < sum(world.exposed[i] for i in ids) < len(ids)


def test_sov_order_and_case_suffixes(world):
    events = sample_events(world, 200, seed=5)
    en, tgt = render(world, events, "en"), render(world, events, "tgt")
    for i in range(200):
        subj, obj, verb = int(events["subj"][i]), int(events["obj"][i]), int(events["verb"][i])
        t = tgt[i].split()
        assert t[-1] == world.final and t[-2] == world.tgt[verb]  # verb-final
        assert world.tgt[subj] in t and world.tgt[obj] + world.suffixes["acc"] in t
        assert t.index(world.tgt[subj]) < t.index(world.tgt[obj] + world.suffixes["acc"])  # S before O
        e = en[i].split()
        assert e.index(world.en[verb]) < len(e) - 1 and world.en[subj] in e  # English: SVO with articles
        assert e.index(world.en[subj]) < e.index(world.en[verb])


def test_streams_not_parallel(world, streams):
    en, _ = streams["en"]
    tgt, _ = streams["tgt"]
    # rendering the TGT events in English would give different sentences from the English stream
    assert len(en) == len(tgt) == 3000
    tgt_in_en = render(world, sample_events(world, 3000, seed=2), "en")
    same = sum(a == b for a, b in zip(en, tgt_in_en))
    assert same < 30


def test_shared_distribution(world, streams):
    """Both languages draw lemmas from the same world: lemma frequencies correlate strongly."""
    import numpy as np

    _, en_counts = streams["en"]
    _, tgt_counts = streams["tgt"]
    assert np.corrcoef(en_counts, tgt_counts)[0, 1] > 0.9


def test_config_check():
    from lmrepro.common.config import from_dict

    with pytest.raises(ValueError):
        from_dict(ConlangConfig, {"n_nouns": len(EN_NOUNS) + 1}, "world")
    with pytest.raises(ValueError):
        from_dict(ConlangConfig, {"dict_exposed_frac": 1.0}, "world")
