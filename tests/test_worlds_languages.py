"""Languages over one world (camlang, chocollama, lsk, multilingual_cpt, mella, lexical_specialization): the
analyzer inverts the renderer for every rule combination, forms never collide, the grammar book states the
rules, dictionaries and fact assignments are exact, code-switching counts, tokenizers round-trip."""
import json
import random
import time

import pytest

from lmrepro.worlds import languages as L

CFG = L.LanguagesConfig()
CAMLANG = L.LanguageSpec("cam")  # SOV, case suffixes with harmony, neg prefix, verb suffixes, reduplication
NL_STAR = L.LanguageSpec("nl", order="V2", articles=True, case=False, harmony=False, negation_prefix=False,
                         verb_suffixes=False, plural_reduplication=False, p_cognate=0.6)
SYNONYMS = L.LanguageSpec("l4", order="VSO", harmony=False, max_synonyms=3, consonants="bdgmprstvz", vowels="aeo")
SPECS = [L.ENGLISH, CAMLANG, NL_STAR, SYNONYMS]


@pytest.fixture(scope="module")
def languages():
    return {spec.name: L.build_language(spec, CFG, 0) for spec in SPECS}


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        langs = [L.build_language(spec, CFG, seed) for spec in SPECS]
        events = L.sample_events(CFG, 200, seed)
        return json.dumps([[L.to_json(x) for x in langs], [L.render(x, e) for x in langs for e in events]])

    assert dump(2) == dump(2) and dump(2) != dump(3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_analyzer_inverts_renderer_for_every_event(seed):
    events = L.sample_events(L.LanguagesConfig(p_recipient=0.5, p_color=0.5, p_plural=0.5, p_negated=0.5,
                                               p_past=0.5, p_hearsay=0.5, p_question=0.5), 1500, seed)
    for spec in SPECS:
        lang = L.build_language(spec, CFG, seed)
        for event in events:
            for synonym in range(1 + spec.max_synonyms):
                assert L.analyze(lang, L.render(lang, event, synonym)) == event, (spec.name, event)
    with pytest.raises(ValueError, match="unknown word"):
        L.analyze(lang, "nonsense words .")


def test_english_renders_as_english(languages):
    event = {"agent": "dog", "verb": "gives", "patient": "cake", "recipient": "child", "color": "red",
             "agent_pl": True, "patient_pl": False, "negated": True, "tense": "past", "evidential": "hearsay",
             "mood": "question"}
    assert L.render(languages["en"], event) == \
        "is it true that reportedly the dogs never give the red cake to the child before ."


def test_camlang_rules_on_a_hand_built_event(languages):
    cam = languages["cam"]
    f, form = cam.function, lambda c: cam.forms[c][0]  # noqa: E731
    event = {"agent": "dog", "verb": "gives", "patient": "cake", "recipient": "child", "color": None,
             "agent_pl": True, "patient_pl": False, "negated": True, "tense": "past", "evidential": "direct",
             "mood": "statement"}
    words = L.render(cam, event).split()
    assert words[0] == form("dog") * 2  # plural by reduplication, nominative unmarked
    assert words[1].startswith(form("child")) and words[1][len(form("child")):-1] == "n"  # dative -na/-ne
    assert words[2].startswith(form("cake")) and words[2][len(form("cake")):-1] == "k"  # accusative -ka/-ke
    assert words[3] == f["neg"] + form("gives") + words[3][len(f["neg"]) + len(form("gives")):]
    assert words[-1] == f["final"] and len(words) == 5  # SOV: agent recipient patient verb final


def test_vowel_harmony(languages):
    cam = languages["cam"]
    for noun in CFG.nouns():
        stem = cam.forms[noun][0]
        last = next(ch for ch in reversed(stem) if ch in "aeiou")
        assert L.noun_form(cam, noun, False, "acc")[-1] == ("e" if last in "ei" else "a")
    no_harmony = languages["l4"]
    assert {L.noun_form(no_harmony, n, False, "acc")[-2:] for n in CFG.nouns()} == {"ka"}


def test_forms_are_distinct_new_and_cognates_follow_sound_changes(languages):
    english = set(languages["en"].forms) | set(L.vocabulary(languages["en"]))
    for name in ("cam", "nl", "l4"):
        lang = languages[name]
        forms = [f for fs in lang.forms.values() for f in fs]
        assert len(forms) == len(set(forms)) and not set(forms) & english
    nl = languages["nl"]
    # 60% are chosen; the few whose sound-changed form is still English (apple) get fresh forms
    assert 0.45 * len(nl.forms) <= len(nl.cognates) <= round(0.6 * len(nl.forms))
    assert all(nl.forms[c][0] == L._cognate(c) != c for c in nl.cognates)
    assert L._cognate("three") == "drie" and L._cognate("cow") == "zove" and L._cognate("knife") == "gmive"
    assert any(len(fs) > 1 for fs in languages["l4"].forms.values())


def test_grammar_book_states_every_rule(languages):
    rules, text = L.grammar_book(languages["cam"])
    tags = [r["tag"] for r in rules]
    assert tags == ["word_order", "case", "case", "negation", "tense", "evidentiality", "plural", "question"]
    f = languages["cam"].function
    for morph in (f["acc"], f["dat"], f["past"], f["hearsay"]):
        assert f"-{morph}" in text
    assert f"prefix {f['neg']}-" in text and "SOV" in text
    en_tags = [r["tag"] for r in L.grammar_book(languages["en"])[0]]
    assert en_tags == ["word_order", "question"]


def test_dictionary_coverage_is_exact(languages):
    lang = languages["l4"]
    for coverage in (0.7, 0.25):
        entries = L.dictionary(lang, coverage, 1)
        assert len(set(entries.values())) == round(coverage * len(lang.forms))
        assert all(form in lang.forms[c] for form, c in entries.items())


def test_code_switching_and_bilingual_documents(languages):
    cam, en = languages["cam"], languages["en"]
    rng = random.Random(0)
    for event in L.sample_events(CFG, 200, 4):
        mixed, n = L.code_switch(cam, en, event, 0.5, rng)
        english_words = [w for w in mixed.split() if w in en.forms]
        assert len(english_words) == n
        assert L.code_switch(cam, en, event, 0.0, rng) == (L.render(cam, event), 0)
    events = L.sample_events(CFG, 3, 5)
    assert L.bilingual_document(cam, en, events) == " ".join(f"{L.render(cam, e)} {L.render(en, e)}" for e in events)


def test_fact_languages_exact_home_only_share():
    facts = [{"home": f"c{i % 3}"} for i in range(200)]
    langs = ["en", "c0", "c1", "c2"]
    out = L.fact_languages(facts, langs, 0.85, 0)
    only = [i for i, ls in enumerate(out) if ls == [facts[i]["home"]]]
    assert len(only) == 170 and all(out[i] == langs for i in range(200) if i not in set(only))


def test_similarity_and_topic_labels():
    assert L.similarity("dog", "dog") == 1.0 and L.similarity("dog", "cat") == 0.5
    assert L.similarity("dog", "apple") == 0.0 and L.similarity("sees", "dog") == 0.0
    assert L.category("apple") == "food" and len(L.CATEGORIES) == 7


def test_tokenizer_round_trip(languages):
    events = L.sample_events(CFG, 100, 6)
    for lang in languages.values():
        tok = L.tokenizer(lang)
        for event in events:
            text = L.render(lang, event)
            ids = tok(text, add_special_tokens=False)["input_ids"]
            assert tok.unk_token_id not in ids and tok.decode(ids) == text


def test_bad_spec_is_named():
    with pytest.raises(ValueError, match="order"):
        L.LanguageSpec("x", order="OSV").check("x")
    with pytest.raises(ValueError, match="p_recipient"):
        L.LanguagesConfig(p_recipient=2.0).check()


def test_small_corpus_under_two_seconds():
    start = time.perf_counter()
    langs = [L.build_language(spec, CFG, 0) for spec in SPECS]
    events = L.sample_events(CFG, 5000, 0)
    for lang in langs:
        [L.render(lang, e) for e in events]
    assert time.perf_counter() - start < 2.0
