"""People with typed attributes, facts stated in either direction with controlled exposure, gold semantic chunks,
and forward / reverse probes (used by: spt), and a typed knowledge base with exposure schedules (used by: sar, kid).

Each person has a two-token name (first, last) and a unique description "the ROLE of WORK": one of `n_roles`
roles and a unique two-token title WORK. A fact is stated in one of two directions, each a list of gold semantic
chunks (entities and phrases stay whole, the final "." is its own chunk and always last):

    forward  (name first):         [first last] [is] [the ROLE of] [w1 w2] [.]
    reverse  (description first):  [the ROLE of] [w1 w2] [is] [first last] [.]

Structure guaranteed (tested in tests/test_worlds_entities.py):
- names are unique, titles are unique, every name and title token is drawn from seeded lexicons disjoint from each
  other and from the template words; `vocabulary()` covers every rendering;
- exactly round(p_both * n) persons are `both` (their reverse sentence is trained too); the others are
  `forward_only` (the test persons of the reversal curse);
- `training_facts` states each person's forward fact exactly `exposures` times, and each `both` person's
  reverse fact exactly `exposures` times; no `forward_only` person's reverse fact ever appears;
- the chunks of every fact rejoin to its sentence; `probes` give a prompt and the answer tokens that complete it
  to the fact sentence (forward: name -> title, reverse: title -> name), for ranking among all candidates;
- a pure function of (config, seed): the same seed gives byte-identical persons, facts and probes.
A typed knowledge base (`build_knowledge`; sar, kid) guarantees, also tested:
- persons, towns, jobs, foods and rivers with disjoint lexicons, also disjoint from every template and filler word;
  each person has exactly one value per relation (lives_in, born_in: town; works_as: job; likes: food) and each
  town one river (near_river);
- person facts get the `exposure_levels` in equal shares (shuffled); `exposure_corpus` states each fact exactly
  its level's number of times (0 = never seen);
- `qa_pairs` render each answer in one of 8 filler frames, drawn uniformly, around exactly one key value, so
  `same_answer` (same set of key values) is an exact equivalence oracle;
- documents of 5 sentences per person, reference answers stating 2-3 true facts, and a POS lexicon (no spaCy).
Paper scale: the reversal-curse data (lberglund/reversal_curse) replace this world there; its sentences come
without gold chunks (an LLM chunker adds them), so no loader lives here yet.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from lmrepro.worlds.lexicon import disjoint_lexicon, make_words

TEMPLATE_WORDS = ("is", "the", "of", ".")


@dataclass
class EntitiesConfig:
    n_persons: int = 200
    n_first: int = 40          # first-name lexicon (names are unique first x last pairs)
    n_last: int = 40
    n_roles: int = 8
    n_title_words: int = 60    # WORK titles are unique pairs of these
    p_both: float = 0.5        # share of persons whose description-first (reverse) sentence is trained
    exposures: int = 1         # copies of each trained fact sentence in `training_facts`

    def check(self, where: str = "entities") -> None:
        if self.n_first * self.n_last < self.n_persons or self.n_title_words ** 2 < self.n_persons:
            raise ValueError(f"{where}: the name and title lexicons are too small for {self.n_persons} unique persons")
        if not 0.0 <= self.p_both <= 1.0:
            raise ValueError(f"{where}.p_both must be in [0, 1], got {self.p_both}")
        if self.exposures < 1 or self.n_roles < 1 or self.n_persons < 2:
            raise ValueError(f"{where}: need exposures >= 1, n_roles >= 1 and n_persons >= 2")


@dataclass
class EntitiesWorld:
    persons: list[dict]   # {"id", "name": [first, last], "role", "work": [w1, w2], "split": both|forward_only}
    roles: list[str]

    def vocabulary(self) -> list[str]:
        words = dict.fromkeys(TEMPLATE_WORDS)
        for p in self.persons:
            words.update(dict.fromkeys([*p["name"], p["role"], *p["work"]]))
        return list(words)


def build_world(cfg: EntitiesConfig, seed: int) -> EntitiesWorld:
    cfg.check()
    rng = random.Random(f"entities-{seed}")
    firsts = make_words(rng, cfg.n_first, syllables=(2, 2), exclude=set(TEMPLATE_WORDS))
    lasts = make_words(rng, cfg.n_last, syllables=(3, 3), exclude=set(firsts) | set(TEMPLATE_WORDS))
    roles = make_words(rng, cfg.n_roles, syllables=(1, 1), exclude=set(firsts) | set(lasts) | set(TEMPLATE_WORDS),
                       consonants="bdfgklmnprstvz", vowels="aeiou")
    titles = make_words(rng, cfg.n_title_words, syllables=(2, 3),
                        exclude=set(firsts) | set(lasts) | set(roles) | set(TEMPLATE_WORDS))
    names = rng.sample([(f, la) for f in firsts for la in lasts], cfg.n_persons)
    works = rng.sample([(a, b) for a in titles for b in titles if a != b], cfg.n_persons)
    both = set(rng.sample(range(cfg.n_persons), round(cfg.p_both * cfg.n_persons)))
    persons = [{"id": i, "name": list(names[i]), "role": rng.choice(roles), "work": list(works[i]),
                "split": "both" if i in both else "forward_only"} for i in range(cfg.n_persons)]
    return EntitiesWorld(persons, roles)


def chunks(person: dict, direction: str) -> list[list[str]]:
    """The fact's gold semantic chunks, final "." last."""
    name, desc_head, work = person["name"], ["the", person["role"], "of"], person["work"]
    if direction == "forward":
        return [list(name), ["is"], desc_head, list(work), ["."]]
    if direction == "reverse":
        return [desc_head, list(work), ["is"], list(name), ["."]]
    raise ValueError(f"direction must be forward or reverse, got {direction!r}")


def sentence(person: dict, direction: str) -> str:
    return " ".join(w for chunk in chunks(person, direction) for w in chunk)


def training_facts(world: EntitiesWorld, cfg: EntitiesConfig) -> list[dict]:
    """Rows {"person", "direction", "chunks"}: forward facts of everyone, reverse facts of `both` persons, each
    `exposures` times (in person order; stages shuffle)."""
    rows = []
    for p in world.persons:
        directions = ["forward"] + (["reverse"] if p["split"] == "both" else [])
        for direction in directions:
            rows += [{"person": p["id"], "direction": direction, "chunks": chunks(p, direction)}
                     for _ in range(cfg.exposures)]
    return rows


def probes(world: EntitiesWorld, split: str = "forward_only") -> list[dict]:
    """Rows {"person", "direction", "prompt", "answer"}: forward "NAME is the ROLE of" -> WORK, reverse "the ROLE
    of WORK is" -> NAME; prompt + answer + "." is the fact sentence."""
    rows = []
    for p in world.persons:
        if p["split"] != split:
            continue
        rows.append({"person": p["id"], "direction": "forward",
                     "prompt": " ".join([*p["name"], "is", "the", p["role"], "of"]), "answer": " ".join(p["work"])})
        rows.append({"person": p["id"], "direction": "reverse",
                     "prompt": " ".join(["the", p["role"], "of", *p["work"], "is"]), "answer": " ".join(p["name"])})
    return rows


# -- a typed knowledge base: attributes, relations, exposure schedules, documents, filler-frame answers ----------
# Used by: sar (facts seen 0/1/2/8 times, answers in 8 filler frames, an exact equivalence oracle) and kid
# (relation triples, 3-5 sentence entity documents, reference answers, a POS lexicon).

KB_TYPES = ("person", "town", "job", "food", "river")
# relation -> (subject type, object type, sentence template, question template)
RELATIONS = {
    "lives_in": ("person", "town", "{s} lives in {o} .", "where does {s} live ?"),
    "born_in": ("person", "town", "{s} was born in {o} .", "where was {s} born ?"),
    "works_as": ("person", "job", "{s} works as a {o} .", "what does {s} work as ?"),
    "likes": ("person", "food", "{s} likes to eat {o} .", "what does {s} like to eat ?"),
    "near_river": ("town", "river", "{s} lies on the river {o} .", "which river is {s} on ?"),
}
PERSON_RELATIONS = ("lives_in", "born_in", "works_as", "likes")
# answer frames around the key value X: uniform choice, so the frame carries log(8) nats independent of the value
FILLER_FRAMES = (
    "i think it is {x} .",
    "the answer is {x} , as far as i know .",
    "well , {x} .",
    "it is {x} .",
    "{x} , i believe .",
    "probably {x} .",
    "i would say {x} .",
    "that would be {x} .",
)
KB_FUNCTION_WORDS = ("lives", "in", "was", "born", "works", "as", "a", "likes", "to", "eat", "lies", "on", "river",
                     "where", "does", "live", "what", "work", "like", "which", "is", "?", ".", ",", "i", "think",
                     "it", "answer", "far", "know", "well", "believe", "probably", "would", "say", "that", "be",
                     "tell", "me", "about", "the")


@dataclass
class KnowledgeConfig:
    n_persons: int = 400
    n_towns: int = 30
    n_jobs: int = 20
    n_foods: int = 20
    n_rivers: int = 8
    exposure_levels: tuple[int, ...] = (0, 1, 2, 8)  # sar: each person fact seen this many times, equal shares

    def check(self, where: str = "knowledge") -> None:
        if min(self.n_persons, self.n_towns, self.n_jobs, self.n_foods, self.n_rivers) < 1:
            raise ValueError(f"{where}: every entity type needs at least one member")
        if not self.exposure_levels or min(self.exposure_levels) < 0:
            raise ValueError(f"{where}.exposure_levels must be non-empty and >= 0, got {self.exposure_levels}")


@dataclass
class KnowledgeBase:
    entities: dict[str, list[str]]  # type -> names ("mira tosk" for persons: two tokens; one token otherwise)
    triples: list[dict]             # {"id", "subject", "relation", "object", "exposures"}

    def of(self, subject: str) -> list[dict]:
        return [t for t in self.triples if t["subject"] == subject]

    def vocabulary(self) -> list[str]:
        words = dict.fromkeys(KB_FUNCTION_WORDS)
        for names in self.entities.values():
            for name in names:
                words.update(dict.fromkeys(name.split()))
        return list(words)

    def pos_tags(self) -> dict[str, str]:
        """Word -> coarse tag (PROPN for person, town and river names, NOUN for jobs and foods, X otherwise): what
        a tagger would give, without spaCy models (kid's memory takes nouns)."""
        tags = {w: "X" for w in KB_FUNCTION_WORDS}
        for etype, names in self.entities.items():
            for name in names:
                for w in name.split():
                    tags[w] = "NOUN" if etype in ("job", "food") else "PROPN"
        return tags


def build_knowledge(cfg: KnowledgeConfig, seed: int) -> KnowledgeBase:
    """Entities of each type with disjoint seeded lexicons; every person has exactly one value per person
    relation and every town one river; person facts get exposure levels in equal shares (shuffled), town facts
    the highest level (background knowledge)."""
    cfg.check()
    rng = random.Random(f"knowledge-{seed}")
    lexicon = disjoint_lexicon(rng, set(KB_FUNCTION_WORDS))
    firsts, lasts = lexicon(max(8, int(cfg.n_persons ** 0.5) + 4), (2, 2)), lexicon(
        max(8, int(cfg.n_persons ** 0.5) + 4), (3, 3))
    entities = {
        "person": [f"{a} {b}" for a, b in rng.sample([(a, b) for a in firsts for b in lasts], cfg.n_persons)],
        "town": lexicon(cfg.n_towns, (2, 3)),
        "job": lexicon(cfg.n_jobs, (2, 2)),
        "food": lexicon(cfg.n_foods, (2, 3)),
        "river": lexicon(cfg.n_rivers, (3, 3)),
    }
    person_facts = [(p, r) for p in entities["person"] for r in PERSON_RELATIONS]
    levels = [cfg.exposure_levels[i % len(cfg.exposure_levels)] for i in range(len(person_facts))]
    rng.shuffle(levels)
    triples = []
    for (person, relation), level in zip(person_facts, levels):
        obj = rng.choice(entities[RELATIONS[relation][1]])
        triples.append({"subject": person, "relation": relation, "object": obj, "exposures": level})
    for town in entities["town"]:
        triples.append({"subject": town, "relation": "near_river", "object": rng.choice(entities["river"]),
                        "exposures": max(cfg.exposure_levels)})
    for i, t in enumerate(triples):
        t["id"] = i
    return KnowledgeBase(entities, triples)


def fact_text(triple: dict) -> str:
    return RELATIONS[triple["relation"]][2].format(s=triple["subject"], o=triple["object"])


def question_text(triple: dict) -> str:
    return RELATIONS[triple["relation"]][3].format(s=triple["subject"])


def exposure_corpus(kb: KnowledgeBase, seed: int) -> list[str]:
    """Every fact sentence exactly `exposures` times, in a seeded order."""
    rows = [fact_text(t) for t in kb.triples for _ in range(t["exposures"])]
    random.Random(f"exposure-corpus-{seed}").shuffle(rows)
    return rows


def render_answer(value: str, rng: random.Random) -> str:
    return rng.choice(FILLER_FRAMES).format(x=value)


def qa_pairs(kb: KnowledgeBase, triple_ids: list[int], seed: int) -> list[dict]:
    """Rows {"triple", "question", "answer", "value"}: the answer is the value in a uniformly drawn filler frame."""
    rng = random.Random(f"qa-{seed}")
    return [{"triple": i, "question": question_text(kb.triples[i]), "value": kb.triples[i]["object"],
             "answer": render_answer(kb.triples[i]["object"], rng)} for i in triple_ids]


def answer_values(kb: KnowledgeBase, text: str) -> set[str]:
    """The key values (object-type entity names) a free-form answer mentions; filler words never count."""
    values = {n for etype in ("town", "job", "food", "river") for n in kb.entities[etype]}
    return {w for w in text.split() if w in values}


def same_answer(kb: KnowledgeBase, a: str, b: str) -> bool:
    """Equivalence oracle: two answers mean the same iff they mention the same non-empty set of key values."""
    va = answer_values(kb, a)
    return bool(va) and va == answer_values(kb, b)


def entity_document(kb: KnowledgeBase, person: str, rng: random.Random) -> list[str]:
    """An "encyclopedia" entry (kid): the person's 4 facts in a seeded order, then the river of their town."""
    facts = kb.of(person)
    town = next(t for t in facts if t["relation"] == "lives_in")["object"]
    return [fact_text(t) for t in rng.sample(facts, len(facts))] + [fact_text(t) for t in kb.of(town)]


def reference_answer(kb: KnowledgeBase, person: str, relations: tuple[str, ...] = ("works_as", "lives_in")) -> dict:
    """kid's prompt "tell me about NAME ." with a reference stating the given 2-3 true facts in one sentence."""
    facts = {t["relation"]: t["object"] for t in kb.of(person)}
    parts = [RELATIONS[r][2].format(s="", o=facts[r]).strip(" .") for r in relations]
    return {"prompt": f"tell me about {person} .", "reference": f"{person} " + " and ".join(parts) + " .",
            "values": [facts[r] for r in relations]}
