"""Camlang-like multiple-choice items over the `languages` world: facts and wh-questions in English and in a
constructed language learnable only from a grammar book and a lemma dictionary (used by: camlang).

The language is `languages`' SOV language with case suffixes and 2-way vowel harmony (accusative -ka/-ke, dative
-na/-ne, nominative unmarked), a negation prefix, past and hearsay suffixes on the verb, plural by reduplication and
a clause-initial yes/no particle, plus two rules of this module:
- scrambling: the noun phrases before the verb come in any order (a seeded draw per sentence), as in case-marking
  SOV languages (Turkish, Japanese), so only the case suffixes say who did what to whom;
- wh-questions: the questioned noun phrase is replaced in place by the wh-word, which takes that role's case.

An item (a CommonsenseQA-like, closed-book 5-way question) rests on facts of the world (statements a QA model can
learn in English), asks a wh-question about its target fact and offers 5 answer options (nouns, inflected in the
questioned role's case in Camlang). Its facts are the target, one competitor and fillers. The competitor is the
target with the answer replaced by another noun and one more change:
- stratum "lexical": one more lemma differs (the verb or another noun), so the question's lemmas pick out the
  target alone (the competitor lacks one of them);
- stratum "morph": a morpheme differs, tagged by the rule the answer hinges on: "case" (a known noun moved into the
  questioned role, the new noun into its place), "negation" (polarity flipped), "evidentiality" (hearsay flipped).
  The competitor's lemmas are then exactly the question's plus its own answer, so lemma matching cannot choose.
Both strata draw questioned roles, features and options the same way (matched strata): the options are the gold
noun, the competitor's noun, a filler's noun and fresh nouns.

Structure guaranteed (tested in tests/test_worlds_camlang.py):
- `analyze(cam, render_cam(cam, e, rng)) == e` for every event (statements and yes/no questions, any feature) and
  `analyze_question(world, render_question_cam(world, e, slot, rng)) == (e with the slot blanked, slot)`: the
  analyzer is exact; `to_english` maps its output to the English of the same event.
- The dictionary lists lemmas only (no inflected form), so inflections must be derived through the grammar.
- In every item exactly one option answers the question from the item's facts; in a "morph" item the competitor
  has the question's lemmas plus one, in a "lexical" item it lacks one of the question's lemmas; the facts of all
  items form one consistent knowledge base (no question has two answers).
- A pure function of (config, seed): the same seed gives byte-identical items.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lmrepro.worlds import languages as L
from lmrepro.worlds.lexicon import make_words

MORPH_RULES = ("case", "negation", "evidentiality")
STRATA = ("lexical", "morph")
EN_WH = "what"
ROLES = ("agent", "recipient", "patient")
CASE_OF = {"agent": "nom", "recipient": "dat", "patient": "acc"}


def camlang_spec() -> L.LanguageSpec:
    return L.LanguageSpec("cam", order="SOV", articles=False, case=True, harmony=True, negation_prefix=True,
                          verb_suffixes=True, plural_reduplication=True)


@dataclass
class CamlangConfig:
    """Items of the toy Camlang-CSQA (spec: Small scale, Items)."""
    languages: L.LanguagesConfig = field(default_factory=L.LanguagesConfig)
    cam: L.LanguageSpec = field(default_factory=camlang_spec)
    n_fillers: int = 1            # facts besides the target and its competitor
    n_options: int = 5            # CommonsenseQA: 5 options
    p_ditransitive: float = 0.4   # share of targets with a recipient (3 roles to question)
    p_negated: float = 0.3
    p_hearsay: float = 0.3
    p_past: float = 0.3
    morph_weights: dict[str, float] = field(
        default_factory=lambda: {"case": 2.0, "negation": 1.0, "evidentiality": 1.0})

    def check(self, where: str = "camlang") -> None:
        self.languages.check(f"{where}.languages")
        self.cam.check(f"{where}.cam")
        if not (self.cam.case and self.cam.order == "SOV" and self.cam.verb_suffixes and self.cam.negation_prefix):
            raise ValueError(f"{where}.cam must be SOV with case, verb suffixes and a negation prefix (Camlang)")
        if self.n_fillers < 1 or self.n_options < 4:
            raise ValueError(f"{where}: n_fillers must be >= 1 and n_options >= 4")
        if set(self.morph_weights) - set(MORPH_RULES) or not any(w > 0 for w in self.morph_weights.values()):
            raise ValueError(f"{where}.morph_weights: keys among {MORPH_RULES}, some weight > 0")
        for name in ("p_ditransitive", "p_negated", "p_hearsay", "p_past"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1], got {getattr(self, name)}")


@dataclass
class Camlang:
    cam: L.Language
    en: L.Language
    wh: str                             # the wh-word's stem (its case forms: `wh_form`)
    _wh_case: dict = field(default_factory=dict, repr=False)  # wh surface form -> case


def wh_form(world: Camlang, case: str) -> str:
    return world.wh if case == "nom" else L._suffix(world.cam, world.wh, case)


def build(cfg: CamlangConfig, seed: int) -> Camlang:
    cfg.check()
    cam, en = L.build_language(cfg.cam, cfg.languages, seed), L.build_language(L.ENGLISH, cfg.languages, seed)
    taken = set(cam._parse) | set(en._parse) | set(L.EN_FUNCTION["question"].split()) | {EN_WH}
    stem_consonants = "".join(c for c in cfg.cam.consonants if c not in L.AFFIX_CONSONANTS)
    rng = random.Random(f"camlang-wh-{seed}")
    while True:  # a wh stem none of whose case forms is another word
        (wh,) = make_words(rng, 1, syllables=(2, 2), exclude=taken, consonants=stem_consonants, vowels=cfg.cam.vowels)
        world = Camlang(cam, en, wh)
        forms = {wh_form(world, c): c for c in ("nom", "acc", "dat")}
        if not set(forms) & taken:
            world._wh_case = forms
            return world


# -- rendering ----------------------------------------------------------------------------------------------------

def _constituents(cam: L.Language, event: dict, wh_slot: str | None, world: Camlang | None) -> list[list[str]]:
    out = []
    for role in ROLES:
        noun = event[role]
        if noun is None and role != wh_slot:
            continue
        if role == wh_slot:
            words = [wh_form(world, CASE_OF[role])]
        else:
            words = [L.noun_form(cam, noun, event[f"{role}_pl"] if role != "recipient" else False, CASE_OF[role])]
        if role == "patient" and event["color"]:
            words.append(cam.forms[event["color"]][0])
        out.append(words)
    return out


def _clause(cam: L.Language, event: dict, rng: random.Random, wh_slot=None, world=None) -> str:
    nps = _constituents(cam, event, wh_slot, world)
    rng.shuffle(nps)  # scrambling: case, not position, marks the role
    past, hearsay = event["tense"] == "past", event["evidential"] == "hearsay"
    verb = L.verb_form(cam, event["verb"], past, hearsay, event["negated"])
    words = [w for np in nps for w in np] + [verb, cam.function["final"]]
    if event["mood"] == "question":
        words = cam.function["question"].split() + words
    return " ".join(words)


def render_cam(cam: L.Language, event: dict, rng: random.Random) -> str:
    """A Camlang statement or yes/no question: the noun phrases in a seeded order, then the verb."""
    return _clause(cam, event, rng)


def render_question_cam(world: Camlang, event: dict, slot: str, rng: random.Random) -> str:
    """The wh-question about `event`'s `slot` role: the wh-word, in that role's case, replaces the noun in place."""
    return _clause(world.cam, event, rng, wh_slot=slot, world=world)


def render_en(en: L.Language, event: dict) -> str:
    return L.render(en, event)


def render_question_en(en: L.Language, event: dict, slot: str) -> str:
    """English in situ wh-question: 'the farmer gives what to the child ?' (the slot's noun phrase -> what)."""
    words = L.render(en, event).split()
    noun = event[slot]
    i = words.index(noun)  # the items' nouns are distinct and singular, so the slot's noun occurs once
    if words[i - 1] != en.function["article"]:
        raise ValueError(f"render_question_en: expected an article before {noun!r} in {' '.join(words)!r}")
    words[i - 1:i + 1] = [EN_WH]
    words[-1] = "?"
    return " ".join(words)


# -- analysis (the grammar engine) --------------------------------------------------------------------------------

def analyze(cam: L.Language, sentence: str) -> dict:
    """The event of a Camlang statement or yes/no question (any noun-phrase order); ValueError otherwise."""
    return L.analyze(cam, sentence)


def analyze_question(world: Camlang, sentence: str) -> tuple[dict, str]:
    """(event with the questioned role None, that role) of a Camlang wh-question."""
    tokens = sentence.split()
    wh = [i for i, t in enumerate(tokens) if t in world._wh_case]
    if len(wh) != 1:
        raise ValueError(f"not a wh-question (one wh-word expected): {sentence!r}")
    slot = {c: r for r, c in CASE_OF.items()}[world._wh_case[tokens[wh[0]]]]
    # parse the rest with a stand-in noun in the wh-word's place, then blank it
    meanings = [world.cam._parse.get(t) for t in tokens]
    stand_in = _stand_in(world.cam, {m[1] for m in meanings if m and m[0] == "noun"})
    tokens[wh[0]] = L.noun_form(world.cam, stand_in, False, CASE_OF[slot])
    event = L.analyze(world.cam, " ".join(tokens))
    if event[slot] != stand_in:
        raise ValueError(f"wh-word role mismatch in {sentence!r}")
    event[slot] = None
    return event, slot


def analyze_noun(cam: L.Language, form: str) -> str:
    """The lemma of an inflected noun form (an answer option)."""
    meaning = cam._parse.get(form)
    if meaning is None or meaning[0] != "noun":
        raise ValueError(f"not a Camlang noun form: {form!r}")
    return meaning[1]


# -- the two resources --------------------------------------------------------------------------------------------

def dictionary(world: Camlang) -> dict[str, str]:
    """The bilingual lemma dictionary: Camlang lemma form -> English lemma, plus the free words (wh-word and the
    two particles). Lemmas only: inflected forms are derived through the grammar (spec pitfall: leakage)."""
    cam, f = world.cam, world.cam.function
    entries = {forms[0]: concept for concept, forms in cam.forms.items()}
    entries[world.wh] = EN_WH
    entries[f["question"]] = L.EN_FUNCTION["question"]
    entries[f["final"]] = "."
    return entries


def grammar_book(world: Camlang) -> tuple[list[dict], str]:
    """`languages.grammar_book` plus this module's rules (scrambling, wh-questions), with glossed examples."""
    rules, text = L.grammar_book(world.cam)
    rules = rules + [{"tag": "word_order", "value": "scrambling"}, {"tag": "wh_question", "stem": world.wh}]
    text += ("\nthe noun phrases before the verb may come in any order: the case suffixes mark their roles."
             f"\na wh-question puts the wh-word {world.wh} in place of the questioned noun phrase, with that noun "
             "phrase's case suffix, and ends with the final particle.")
    return rules, text


def lexical_gloss(entries: dict[str, str], sentence: str, match_inside: bool = True) -> str:
    """Shallow lexical alignment (spec S-LEX): each word -> its dictionary entry by exact match, else the entry of
    the longest dictionary form it starts with, else (match_inside) the longest dictionary form inside it, else the
    word unchanged; Camlang word order is kept and no grammar rule is used."""
    by_length = sorted(entries, key=len, reverse=True)
    out = []
    for word in sentence.split():
        if word in entries:
            out.append(entries[word])
            continue
        hit = next((k for k in by_length if word.startswith(k)), None)
        if hit is None and match_inside:
            hit = next((k for k in by_length if k in word), None)
        out.append(entries[hit] if hit is not None else word)
    return " ".join(out)


def to_english(world: Camlang, event: dict, slot: str | None = None) -> str:
    """The grammar route's generator (spec S-GRAM): an analyzed event (and questioned role) back to English."""
    if slot is None:
        return render_en(world.en, event)
    return render_question_en(world.en, dict(event, **{slot: _stand_in(world.cam, {event[r] for r in ROLES})}), slot)


def _stand_in(cam: L.Language, present: set) -> str:
    """A noun of the lexicon not in `present` (fills a questioned role while rendering or parsing)."""
    return next(n for n in cam.forms if n in L.CATEGORIES["object"] and n not in present)


# -- items --------------------------------------------------------------------------------------------------------

def _event(cfg: CamlangConfig, rng: random.Random, nouns: list[str], ditransitive: bool) -> dict:
    verbs = cfg.languages.verbs()
    pool = verbs[cfg.languages.n_verbs:] if ditransitive else verbs[: cfg.languages.n_verbs]
    return {"agent": nouns[0], "verb": rng.choice(pool), "patient": nouns[1],
            "recipient": nouns[2] if ditransitive else None, "color": None, "agent_pl": False,
            "patient_pl": False, "negated": rng.random() < cfg.p_negated,
            "tense": "past" if rng.random() < cfg.p_past else "present",
            "evidential": "hearsay" if rng.random() < cfg.p_hearsay else "direct", "mood": "statement"}


def matches(statement: dict, question: dict, slot: str) -> bool:
    """Does the statement answer the question (every field equal except the questioned role)?"""
    return all(statement[k] == question[k] for k in question if k != slot)


def make_item(cfg: CamlangConfig, rng: random.Random, stratum: str) -> dict:
    """One item as events: target, competitor, fillers, the questioned slot, the options (gold first) and tags."""
    if stratum not in STRATA:
        raise ValueError(f"stratum must be one of {STRATA}, got {stratum!r}")
    all_nouns = cfg.languages.nouns()
    ditransitive = rng.random() < cfg.p_ditransitive
    roles = ["agent", "patient"] + (["recipient"] if ditransitive else [])
    need = 3 + 2 * (cfg.n_fillers + 1) + cfg.n_options
    if len(all_nouns) < need:
        raise ValueError(f"make_item: {len(all_nouns)} nouns, need >= {need} (raise nouns_per_category)")
    fresh = rng.sample(all_nouns, len(all_nouns))
    target = _event(cfg, rng, fresh[:3], ditransitive)
    fresh = fresh[3:]
    slot = rng.choice(roles)
    known = [r for r in roles if r != slot]
    rival = fresh.pop()
    competitor = dict(target, **{slot: rival})
    if stratum == "lexical":
        rule = "lexical"
        changed = rng.choice(["verb", *known])
        if changed == "verb":
            pool = [v for v in (cfg.languages.verbs()[cfg.languages.n_verbs:] if ditransitive
                                else cfg.languages.verbs()[: cfg.languages.n_verbs]) if v != target["verb"]]
            competitor["verb"] = rng.choice(pool)
        else:
            competitor[changed] = fresh.pop()
    else:
        rules = [r for r in MORPH_RULES if cfg.morph_weights.get(r, 0) > 0]
        rule = rng.choices(rules, weights=[cfg.morph_weights[r] for r in rules])[0]
        if rule == "case":  # a known noun moves into the questioned role, the rival takes its place
            moved = rng.choice(known)
            competitor[slot], competitor[moved] = target[moved], rival
        elif rule == "negation":
            competitor["negated"] = not target["negated"]
        else:
            competitor["evidential"] = "direct" if target["evidential"] == "hearsay" else "hearsay"
    fillers = []
    for _ in range(cfg.n_fillers):
        filler = _event(cfg, rng, [fresh.pop(), fresh.pop(), fresh.pop()], rng.random() < cfg.p_ditransitive)
        fillers.append(filler)
    question = dict(target, **{slot: None})
    options = [target[slot], rival, fillers[0][rng.choice(["agent", "patient"])]]
    options += [fresh.pop() for _ in range(cfg.n_options - len(options))]
    facts = [target, competitor, *fillers]
    answers = [o for o in options if any(matches(s, question, slot) and s[slot] == o for s in facts)]
    if answers != [target[slot]]:
        raise AssertionError(f"make_item: the item must have exactly one answer, got {answers}")
    return {"stratum": stratum, "rule": rule, "slot": slot, "facts": facts, "question": question,
            "options": options}


def question_key(fact: dict, slot: str) -> str:
    """What a question about `fact`'s `slot` role asks (every field but the questioned role)."""
    return repr(sorted((k, v) for k, v in fact.items() if k != slot))


def fact_questions(fact: dict) -> list[tuple[dict, str]]:
    """Every wh-question a fact answers: (question event with the role blanked, the role)."""
    return [(dict(fact, **{slot: None}), slot) for slot in ROLES if fact[slot] is not None]


def make_items(cfg: CamlangConfig, n: int, seed: int) -> list[dict]:
    """`n` items, strata alternating, options and facts shuffled; a pure function of (cfg, n, seed). The items'
    facts form one consistent knowledge base: no question of one fact has another answer in another fact."""
    rng = random.Random(f"camlang-items-{seed}")
    answers: dict[str, str] = {}
    items = []
    while len(items) < n:
        item = make_item(cfg, rng, STRATA[len(items) % 2])
        keys = {question_key(f, slot): f[slot] for f in item["facts"] for slot in ROLES if f[slot] is not None}
        if any(answers.get(k, v) != v for k, v in keys.items()):
            continue  # would contradict an earlier item's fact: draw again
        answers.update(keys)
        gold = item["options"][0]
        rng.shuffle(item["options"])
        rng.shuffle(item["facts"])
        item["answer"] = item["options"].index(gold)
        items.append(item)
    return items


def render_item(world: Camlang, item: dict, rng: random.Random) -> dict:
    """The item's text in both languages: fact sentences, question and options (Camlang options inflected in the
    questioned role's case, consistent with the question: spec pitfall)."""
    slot, case = item["slot"], CASE_OF[item["slot"]]
    gold = item["options"][item["answer"]]
    return {
        "en": {"facts": [render_en(world.en, e) for e in item["facts"]],
               "question": render_question_en(world.en, dict(item["question"], **{slot: gold}), slot),
               "options": list(item["options"])},
        "cam": {"facts": [render_cam(world.cam, e, rng) for e in item["facts"]],
                "question": render_question_cam(world, item["question"], slot, rng),
                "options": [L.noun_form(world.cam, o, False, case) for o in item["options"]]},
    }
