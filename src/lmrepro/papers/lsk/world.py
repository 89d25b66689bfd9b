"""The small world of LSK (spec: Small scale): three cultures, each with its own constructed language (C1..C3, rule
built by lmrepro.worlds.languages) and its own entity-name phonotactics, plus English and culture-neutral entities.

A fact is (entity, relation verb) -> patient noun of the relation's category ("likes" -> a food, ...). Where a fact
is stated decides which language "knows" it (`fact_languages`):
- a culture's fact is stated in the culture's language, and exactly round((1 - p_home_only) * n) of them in
  English too (spec: 85% only in the conlang, 15% also in English);
- a neutral fact is stated in English, and exactly round(p_neutral_in_conlang * n) of them in each conlang
  (spec: 20% in each, drawn independently per conlang).
Every conlang puts the verb before the patient (SVO / VSO / V2), so the prompt of a fact question names the
relation. An MC item asks one fact in every language: the language's rendering of the fact up to the patient
(`prompt`), and 4 `options` (the true patient and 3 other nouns of its category, rendered in place; shared
suffix included). The English query the router embeds (`query_en`) names a culture's homeland twice, as
BLEnD-style questions name the country ("in Korea, what does a Korean ..."); neutral queries name none.
A pure function of (config, seed).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lmrepro.worlds import languages as lw
from lmrepro.worlds.lexicon import make_words

ENGLISH = "en"
NEUTRAL = "neutral"
FACT_FIELDS = {"recipient": None, "color": None, "agent_pl": False, "patient_pl": False, "negated": False,
               "tense": "present", "evidential": "direct", "mood": "statement"}


def _culture_specs() -> list[lw.LanguageSpec]:
    # verb before patient in every conlang (SVO / VSO / V2), so a fact's prompt names its relation
    return [lw.LanguageSpec("c1", order="SVO", case=True, harmony=True),
            lw.LanguageSpec("c2", order="VSO", case=True, harmony=False, consonants="bdglmprstvz", vowels="aeiu"),
            lw.LanguageSpec("c3", order="V2", case=False, harmony=False, plural_reduplication=False,
                            consonants="bdglmprstvz", vowels="aeo")]


@dataclass
class LSKWorldConfig:
    """spec: Small scale / the world (3 cultures with conlangs, culture-specific and neutral facts)."""
    languages: lw.LanguagesConfig = field(default_factory=lw.LanguagesConfig)
    cultures: list[lw.LanguageSpec] = field(default_factory=_culture_specs)
    # entity-name phonotactics: [consonants, vowels] per culture, then the neutral entities'
    name_sounds: list[list[str]] = field(default_factory=lambda: [["ktgz", "ao"], ["lmnv", "ei"], ["sprd", "uo"],
                                                                  ["bdfgklmnprstvz", "aeiou"]])
    relations: dict[str, str] = field(default_factory=lambda: {"likes": "food", "watches": "animal",
                                                               "holds": "object"})
    entities_per_culture: int = 50  # x 3 relations x 3 cultures = 450 culture-specific facts (spec: 50%)
    neutral_entities: int = 150  # x 3 relations = 450 neutral facts
    p_home_only: float = 0.85  # spec: 85% of culture facts only in the culture's conlang, 15% also in English
    p_neutral_in_conlang: float = 0.2  # spec: 20% of neutral facts also in each conlang
    n_options: int = 4  # spec: 4-option MC

    def check(self, where: str) -> None:
        if len(self.name_sounds) != len(self.cultures) + 1:
            raise ValueError(f"{where}.name_sounds needs one [consonants, vowels] per culture plus the neutral one")
        names = [c.name for c in self.cultures]
        if len(set(names)) != len(names) or ENGLISH in names:
            raise ValueError(f"{where}.cultures: language names must be distinct and not {ENGLISH!r}, got {names}")
        for spec in self.cultures:
            if spec.order == "SOV":
                raise ValueError(f"{where}.cultures.{spec.name}: SOV puts the patient before the verb, so a fact "
                                 f"question would not name its relation; use SVO, VSO or V2")
        for verb, cat in self.relations.items():
            if verb not in self.languages.verbs()[: self.languages.n_verbs] or cat not in lw.CATEGORIES:
                raise ValueError(f"{where}.relations: {verb!r} -> {cat!r} needs one of the world's transitive verbs "
                                 f"({', '.join(self.languages.verbs()[: self.languages.n_verbs])}) and a category")
            if self.languages.nouns_per_category < self.n_options:
                raise ValueError(f"{where}: {cat} has fewer nouns than n_options={self.n_options}")
        for name in ("p_home_only", "p_neutral_in_conlang"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1], got {getattr(self, name)}")


def build(cfg: LSKWorldConfig, seed: int) -> dict:
    """{"languages": {name: Language} (English first, then the conlangs), "entities": [{"name", "culture"}],
    "homelands": {culture: word}, "facts": [{"id", "entity", "culture", "verb", "patient", "stated_in"}]}."""
    cfg.check("world")
    langs = {ENGLISH: lw.build_language(lw.ENGLISH, cfg.languages, seed)}
    for spec in cfg.cultures:
        langs[spec.name] = lw.build_language(spec, cfg.languages, seed)
    rng = random.Random(f"lsk-world-{seed}")
    taken = {form for lang in langs.values() for forms in lang.forms.values() for form in forms}
    taken |= {w for lang in langs.values() for v in lang.function.values() for w in v.split()}
    homelands = {}
    for spec in cfg.cultures:
        (homelands[spec.name],) = make_words(rng, 1, (3, 4), exclude=taken)
        taken.add(homelands[spec.name])
    entities = []
    groups = [(spec.name, cfg.entities_per_culture) for spec in cfg.cultures] + [(NEUTRAL, cfg.neutral_entities)]
    for (culture, n), (consonants, vowels) in zip(groups, cfg.name_sounds):
        names = make_words(rng, n, (2, 3), exclude=taken, consonants=consonants, vowels=vowels)
        taken |= set(names)
        entities += [{"name": name, "culture": culture} for name in names]
    facts = []
    for entity in entities:
        for verb, cat in cfg.relations.items():
            patient = rng.choice(lw.CATEGORIES[cat][: cfg.languages.nouns_per_category])
            facts.append({"entity": entity["name"], "culture": entity["culture"], "verb": verb, "patient": patient})
    for i, fact in enumerate(facts):
        fact["id"] = i
    for fact, stated in zip(facts, fact_languages(facts, [s.name for s in cfg.cultures], cfg.p_home_only,
                                                  cfg.p_neutral_in_conlang, seed)):
        fact["stated_in"] = stated
    return {"languages": langs, "entities": entities, "homelands": homelands, "facts": facts, "cfg": cfg}


def fact_languages(facts: list[dict], conlangs: list[str], p_home_only: float, p_neutral_in_conlang: float,
                   seed: int) -> list[list[str]]:
    """The languages each fact is stated in (sorted): exact shares, drawn per culture and per conlang."""
    rng = random.Random(f"lsk-fact-languages-{seed}")
    stated = [[] for _ in facts]
    for culture in conlangs:
        ids = [i for i, f in enumerate(facts) if f["culture"] == culture]
        only = set(rng.sample(ids, round(p_home_only * len(ids))))
        for i in ids:
            stated[i] = [culture] if i in only else [culture, ENGLISH]
    neutral = [i for i, f in enumerate(facts) if f["culture"] == NEUTRAL]
    for i in neutral:
        stated[i] = [ENGLISH]
    for lang in conlangs:
        for i in rng.sample(neutral, round(p_neutral_in_conlang * len(neutral))):
            stated[i].append(lang)
    return [sorted(s) for s in stated]


def _with_names(lang: lw.Language, names: list[str]) -> lw.Language:
    """The language with proper names as nouns that every language shares (inflected by its own rules)."""
    return lw.Language(lang.spec, {**lang.forms, **{n: [n] for n in names}}, lang.function, lang.cognates)


def named_languages(world: dict) -> dict[str, lw.Language]:
    names = [e["name"] for e in world["entities"]]
    return {key: _with_names(lang, names) for key, lang in world["languages"].items()}


def fact_event(fact: dict, patient: str | None = None) -> dict:
    return {"agent": fact["entity"], "verb": fact["verb"], "patient": patient or fact["patient"], **FACT_FIELDS}


def fact_sentences(world: dict, langs: dict[str, lw.Language]) -> list[dict]:
    """Each fact once in every language it is stated in: rows {"fact", "lang", "text"}."""
    return [{"fact": f["id"], "lang": lang, "text": lw.render(langs[lang], fact_event(f))}
            for f in world["facts"] for lang in f["stated_in"]]


def generic_sentences(world: dict, n: int, seed: int) -> list[dict]:
    """`n` random events of the shared world per language (grammar and vocabulary; no entity names)."""
    events = lw.sample_events(world["cfg"].languages, n, seed)
    return [{"lang": key, "text": lw.render(lang, e)} for key, lang in world["languages"].items() for e in events]


def query_en(world: dict, fact: dict) -> str:
    """The English question the router embeds; a culture's questions name its homeland twice."""
    cat = world["cfg"].relations[fact["verb"]]
    verb = lw.english_verb_plural(fact["verb"])
    if fact["culture"] == NEUTRAL:
        return f"which {cat} does {fact['entity']} {verb} ?"
    home = world["homelands"][fact["culture"]]
    return f"in {home}, which {cat} does the {home} person {fact['entity']} {verb} ?"


def mc_items(world: dict, langs: dict[str, lw.Language], seed: int) -> list[dict]:
    """One item per fact: {"id", "culture", "query_en", "answer", "stated_in", "langs": {lang: {"prompt",
    "options"}}}; the options are the same patients in every language, in the same order."""
    cfg = world["cfg"]
    rng = random.Random(f"lsk-items-{seed}")
    items = []
    for fact in world["facts"]:
        nouns = lw.CATEGORIES[cfg.relations[fact["verb"]]][: cfg.languages.nouns_per_category]
        wrong = rng.sample([n for n in nouns if n != fact["patient"]], cfg.n_options - 1)
        answer = rng.randrange(cfg.n_options)
        patients = wrong[:answer] + [fact["patient"]] + wrong[answer:]
        per_lang = {}
        for key, lang in langs.items():
            texts = [lw.render(lang, fact_event(fact, p)).split() for p in patients]
            common = 0
            while all(t[common] == texts[0][common] for t in texts):
                common += 1
            per_lang[key] = {"prompt": " ".join(texts[0][:common]), "options": [" ".join(t[common:]) for t in texts]}
        items.append({"id": fact["id"], "culture": fact["culture"], "query_en": query_en(world, fact),
                      "answer": answer, "stated_in": fact["stated_in"], "langs": per_lang})
    return items
