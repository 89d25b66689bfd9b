"""The small world of ChocoLlama (spec: Small scale): English and NL*, an English-related V2 conlang (the Dutch
analogue: ~60% cognates by sound changes, articles, no case), over one event world (lmrepro.worlds.languages).

On top of the shared events, the world holds facts: `n_facts` (agent, transitive verb) pairs, each with one fixed
patient. A corpus sentence states a fact with probability `p_fact`, else renders a random event; so facts are
world knowledge that both languages carry. The NL* fact QA (the analogue of the translated ARC/HellaSwag) asks each
fact once: the NL* sentence up to its patient, and 4 options (the true patient and 3 other nouns).
"""
from __future__ import annotations

import random

from lmrepro.worlds import languages as lw

FACT_FIELDS = {"recipient": None, "color": None, "agent_pl": False, "patient_pl": False, "negated": False,
               "tense": "present", "evidential": "direct", "mood": "statement"}


def build(cfg, seed: int) -> dict:
    """{"en", "nl": Language, "facts": [event], "dictionary": {nl form: English}, "languages": its config}, a pure
    function of (cfg, seed)."""
    spec = lw.LanguageSpec(**{**cfg.nl.__dict__, "name": f"nl{seed}"})
    en, nl = lw.build_language(lw.ENGLISH, cfg.languages, seed), lw.build_language(spec, cfg.languages, seed)
    rng = random.Random(f"chocollama-facts-{seed}")
    nouns, verbs = cfg.languages.nouns(), cfg.languages.verbs()[: cfg.languages.n_verbs]
    pairs = [(a, v) for a in nouns for v in verbs]
    if cfg.n_facts > len(pairs):
        raise ValueError(f"world.n_facts={cfg.n_facts} exceeds the {len(pairs)} (agent, verb) pairs of the world")
    facts = [{"agent": a, "verb": v, "patient": rng.choice([n for n in nouns if n != a]), **FACT_FIELDS}
             for a, v in rng.sample(pairs, cfg.n_facts)]
    dictionary = lw.dictionary(nl, cfg.dictionary_coverage, seed)
    # function words are in any bilingual dictionary (Dutch "de" -> "the"); the question marker is multi-word in EN
    dictionary.update({nl.function[k]: lw.EN_FUNCTION[k] for k in lw.AFFIX_KEYS if k in lw.EN_FUNCTION})
    return {"en": en, "nl": nl, "facts": facts, "dictionary": dictionary, "languages": cfg.languages}


def sentences(world: dict, lang: str, n: int, p_fact: float, seed: int) -> list[str]:
    """`n` sentences of `lang` ("en" | "nl"): facts with probability p_fact, else random events."""
    rng = random.Random(f"chocollama-sentences-{lang}-{seed}")
    events = lw.sample_events(world["languages"], n, seed)
    language = world[lang]
    return [lw.render(language, rng.choice(world["facts"]) if rng.random() < p_fact else event) for event in events]


def qa_items(world: dict, seed: int) -> list[dict]:
    """One 4-way item per fact, in NL*: {"prompt", "options" (continuations), "answer" (index)}."""
    rng = random.Random(f"chocollama-qa-{seed}")
    nouns = world["languages"].nouns()
    items = []
    for fact in world["facts"]:
        wrong = rng.sample([n for n in nouns if n not in (fact["patient"], fact["agent"])], 3)
        answer = rng.randrange(4)
        patients = wrong[:answer] + [fact["patient"]] + wrong[answer:]
        texts = [lw.render(world["nl"], {**fact, "patient": p}).split() for p in patients]
        common = 0
        while all(t[common] == texts[0][common] for t in texts):
            common += 1
        items.append({"prompt": " ".join(texts[0][:common]), "options": [" ".join(t[common:]) for t in texts],
                      "answer": answer})
    return items
