"""The small world of multilingual_cpt (spec: Small scale): English and three conlangs over one event world
(lmrepro.worlds.languages), at resource tiers high (relexified English), mid (V2) and low (distant: SOV with case
suffixes), plus toy Python-like code (the analogue of The Stack).

- A monolingual document is `sentences_per_doc` sentences of one language (independent events).
- A bilingual document is `pairs_per_doc` parallel pairs, each an X sentence followed by its English translation
  (`languages.bilingual_document`: one fixed order and delimiter, a spec pitfall).
- A topic line is "topic of: <sentence> => <label>", the label the category of the sentence's agent (7 labels:
  the world's noun categories, the analogue of SIB-200's 7 topics); with probability `topic_coherence` the
  patient is of the same category, so a sentence's topic shows in more than one word.
- Code documents are 1-2 functions of straight-line assignments and a return, whose names and operands are
  seeded; they share no vocabulary or semantics with the event world.
Every function is pure in its arguments and seed.
"""
from __future__ import annotations

import random

from lmrepro.worlds import languages as lw

TOPIC_LINE = "topic of: {text} => {label}"
CODE_NAMES = "total count scale merge shift clamp step mix span ratio".split()
CODE_VARS = "a b c d x y z n".split()
CODE_OPS = "+ - * // %".split()


def build(cfg, seed: int) -> dict:
    """{"en": Language, "langs": {name: Language} (high, mid, low order), "tiers": {name: tier}}."""
    en = lw.build_language(lw.ENGLISH, cfg.languages, seed)
    specs = {"high": cfg.high, "mid": cfg.mid, "low": cfg.low}
    langs = {spec.name: lw.build_language(spec, cfg.languages, seed) for spec in specs.values()}
    return {"en": en, "langs": langs, "tiers": {spec.name: tier for tier, spec in specs.items()},
            "languages": cfg.languages, "topic_coherence": cfg.topic_coherence}


def events(world: dict, n: int, seed: int) -> list[dict]:
    """`languages.sample_events`, then with probability `topic_coherence` the patient is redrawn from the agent's
    category: a sentence is "about" one topic through several of its words, as a news text is (SIB-200)."""
    evs = lw.sample_events(world["languages"], n, seed)
    rng = random.Random(f"multilingual-cpt-topic-{seed}")
    per_category = world["languages"].nouns_per_category
    for event in evs:
        if rng.random() < world["topic_coherence"]:
            same = lw.CATEGORIES[lw.category(event["agent"])][:per_category]
            event["patient"] = rng.choice([noun for noun in same if noun != event["agent"]])
    return evs


def label(event: dict) -> str:
    return lw.category(event["agent"])


def mono_docs(world: dict, lang: str, n_docs: int, per_doc: int, seed: int) -> list[str]:
    language = world["en"] if lang == "en" else world["langs"][lang]
    evs = events(world, n_docs * per_doc, seed)
    return [" ".join(lw.render(language, e) for e in evs[i:i + per_doc]) for i in range(0, len(evs), per_doc)]


def bi_docs(world: dict, lang: str, n_docs: int, per_doc: int, seed: int) -> list[str]:
    evs = events(world, n_docs * per_doc, seed)
    x, en = world["langs"][lang], world["en"]
    return [lw.bilingual_document(x, en, evs[i:i + per_doc]) for i in range(0, len(evs), per_doc)]


def topic_lines(world: dict, n: int, seed: int) -> list[str]:
    return [TOPIC_LINE.format(text=lw.render(world["en"], e), label=label(e)) for e in events(world, n, seed)]


def labelled(world: dict, lang: str, n: int, seed: int) -> list[dict]:
    """`n` sentences of `lang` with their topic label: {"text", "label"}."""
    language = world["en"] if lang == "en" else world["langs"][lang]
    return [{"text": lw.render(language, e), "label": label(e)} for e in events(world, n, seed)]


def parallel(world: dict, lang: str, n: int, seed: int) -> list[dict]:
    """`n` translation pairs {"src": X sentence, "ref": its English rendering}."""
    x, en = world["langs"][lang], world["en"]
    return [{"src": lw.render(x, e), "ref": lw.render(en, e)} for e in events(world, n, seed)]


def code_doc(rng: random.Random, cfg) -> str:
    """Tiny Python-like functions: straight-line assignments over the arguments, then a return."""
    functions = []
    for _ in range(rng.randint(*cfg.n_functions)):
        args = rng.sample(CODE_VARS[:4], 2)
        known, lines = list(args), [f"def {rng.choice(CODE_NAMES)}({', '.join(args)}):"]
        for _ in range(rng.randint(*cfg.n_statements)):
            target = rng.choice(CODE_VARS[4:])
            lines.append(f"    {target} = {rng.choice(known)} {rng.choice(CODE_OPS)} {rng.randint(1, 9)}")
            known.append(target)
        lines.append(f"    return {rng.choice(known[2:])}")
        functions.append("\n".join(lines))
    return "\n".join(functions)


def code_docs(cfg, n: int, seed: int) -> list[str]:
    rng = random.Random(f"multilingual-cpt-code-{seed}")
    return [code_doc(rng, cfg) for _ in range(n)]
