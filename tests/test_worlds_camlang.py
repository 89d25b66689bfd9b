"""Camlang items over the languages world (camlang): the analyzer inverts the scrambling renderer and the
wh-questions, the dictionary holds lemmas only, the lexical gloss follows its matching rules, items have exactly
one answer with matched competitors, the knowledge base is consistent, and everything is seeded."""
import json
import random

import pytest

from lmrepro.worlds import camlang as W
from lmrepro.worlds import languages as L

CFG = W.CamlangConfig()


@pytest.fixture(scope="module")
def world():
    return W.build(CFG, 0)


@pytest.fixture(scope="module")
def items():
    return W.make_items(CFG, 200, 0)


def test_same_seed_same_bytes_other_seed_differs(world):
    def dump(seed):
        w = W.build(CFG, seed)
        its = W.make_items(CFG, 40, seed)
        rng = random.Random(seed)
        return json.dumps([W.dictionary(w), W.grammar_book(w)[1], its, [W.render_item(w, i, rng) for i in its]])

    assert dump(1) == dump(1) and dump(1) != dump(2)


@pytest.mark.parametrize("seed", [0, 1])
def test_analyzer_inverts_scrambled_statements_and_wh_questions(seed):
    w = W.build(CFG, seed)
    rich = L.LanguagesConfig(p_recipient=0.5, p_color=0.5, p_plural=0.5, p_negated=0.5, p_past=0.5, p_hearsay=0.5,
                             p_question=0.5)
    rng = random.Random(seed)
    for event in L.sample_events(rich, 600, seed):
        assert W.analyze(w.cam, W.render_cam(w.cam, event, rng)) == event
        assert W.to_english(w, W.analyze(w.cam, W.render_cam(w.cam, event, rng))) == L.render(w.en, event)
        event = dict(event, mood="statement")
        for slot in (r for r in W.ROLES if event[r] is not None):
            expected = dict(event, **{slot: None}, **({f"{slot}_pl": False} if slot != "recipient" else {}))
            assert W.analyze_question(w, W.render_question_cam(w, event, slot, rng)) == (expected, slot)
    with pytest.raises(ValueError, match="wh-question"):
        W.analyze_question(w, W.render_cam(w.cam, event, rng))


def test_scrambling_varies_order_and_case_marks_roles(world):
    event = {"agent": "dog", "verb": "gives", "patient": "cake", "recipient": "child", "color": None,
             "agent_pl": False, "patient_pl": False, "negated": False, "tense": "present", "evidential": "direct",
             "mood": "statement"}
    rng = random.Random(0)
    orders = {tuple(W.render_cam(world.cam, event, rng).split()[:3]) for _ in range(60)}
    assert len(orders) == 6  # all 3! orders of agent, recipient, patient before the verb
    cam = world.cam
    for words in orders:
        assert set(words) == {cam.forms["dog"][0], L.noun_form(cam, "child", False, "dat"),
                              L.noun_form(cam, "cake", False, "acc")}


def test_wh_word_takes_case_with_harmony(world):
    forms = {c: W.wh_form(world, c) for c in ("nom", "acc", "dat")}
    last = next(ch for ch in reversed(world.wh) if ch in "aeiou")
    vowel = "e" if last in "ei" else "a"
    assert forms == {"nom": world.wh, "acc": world.wh + "k" + vowel, "dat": world.wh + "n" + vowel}
    assert not set(forms.values()) & set(world.cam._parse)


def test_english_question_and_grammar_route(world):
    event = {"agent": "farmer", "verb": "gives", "patient": "apple", "recipient": "child", "color": None,
             "agent_pl": False, "patient_pl": False, "negated": True, "tense": "past", "evidential": "hearsay",
             "mood": "statement"}
    assert W.render_question_en(world.en, event, "recipient") == \
        "reportedly the farmer never gives the apple to what before ?"
    question = dict(event, recipient=None)
    cam = W.render_question_cam(world, question, "recipient", random.Random(0))
    assert W.to_english(world, *W.analyze_question(world, cam)) == \
        "reportedly the farmer never gives the apple to what before ?"


def test_dictionary_has_lemmas_only(world):
    entries = W.dictionary(world)
    cam = world.cam
    inflected = {L.noun_form(cam, n, pl, c) for n in CFG.languages.nouns() for pl in (False, True)
                 for c in ("acc", "dat")} | {L.noun_form(cam, n, True, "nom") for n in CFG.languages.nouns()}
    inflected |= {L.verb_form(cam, v, p, h, n) for v in CFG.languages.verbs() for p in (False, True)
                  for h in (False, True) for n in (False, True)} - {cam.forms[v][0] for v in CFG.languages.verbs()}
    assert not set(entries) & inflected
    assert entries[world.wh] == W.EN_WH and entries[cam.forms["apple"][0]] == "apple"
    assert len(entries) == len(cam.forms) + 3


def test_lexical_gloss_rules():
    entries = {"bada": "dog", "badaru": "cat", "lo": "sees", "qa": "."}
    assert W.lexical_gloss(entries, "bada badaru qa") == "dog cat ."             # exact
    assert W.lexical_gloss(entries, "badaka badaruke lofa") == "dog cat sees"    # longest prefix
    assert W.lexical_gloss(entries, "halofa") == "sees"                          # inside (prefixed form)
    assert W.lexical_gloss(entries, "halofa", match_inside=False) == "halofa"    # spec: prefix only
    assert W.lexical_gloss(entries, "zuzu") == "zuzu"                            # unknown: unchanged


def test_grammar_book_states_every_rule(world):
    rules, text = W.grammar_book(world)
    assert [r["tag"] for r in rules][-2:] == ["word_order", "wh_question"]
    assert "any order" in text and world.wh in text and "-ka" in text and "-na" in text


def _lemmas(fact, skip=None):
    return {fact[k] for k in ("verb", *W.ROLES) if k != skip and fact[k] is not None}


def test_items_have_one_answer_and_matched_competitors(items, world):
    assert [it["stratum"] for it in items[:4]] == ["lexical", "morph", "lexical", "morph"]
    assert {it["rule"] for it in items if it["stratum"] == "morph"} == set(W.MORPH_RULES)
    rng = random.Random(0)
    for it in items:
        slot, question = it["slot"], it["question"]
        gold = it["options"][it["answer"]]
        answering = [f for f in it["facts"] if W.matches(f, question, slot)]
        assert len(answering) == 1 and answering[0][slot] == gold and len(set(it["options"])) == CFG.n_options
        others = [f for f in it["facts"] if f is not answering[0]]
        wanted = _lemmas(question, slot)
        rivals = [f for f in others if wanted <= _lemmas(f)]
        if it["stratum"] == "morph":
            assert len(rivals) == 1 and len(_lemmas(rivals[0]) - wanted) == 1  # lemma matching cannot choose
            assert (_lemmas(rivals[0]) - wanted) & set(it["options"])
        else:
            assert rivals == []
        text = W.render_item(world, it, rng)
        assert text["cam"]["options"] == [L.noun_form(world.cam, o, False, W.CASE_OF[slot]) for o in it["options"]]


def test_items_form_a_consistent_knowledge_base(items):
    answers = {}
    for it in items:
        for fact in it["facts"]:
            for question, slot in W.fact_questions(fact):
                key = W.question_key(question, slot)
                assert answers.setdefault(key, fact[slot]) == fact[slot]


def test_bad_config_is_rejected():
    with pytest.raises(ValueError, match="morph_weights"):
        W.CamlangConfig(morph_weights={"tense": 1.0}).check()
    with pytest.raises(ValueError, match="stratum"):
        W.make_item(CFG, random.Random(0), "other")
