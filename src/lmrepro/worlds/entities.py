"""People with typed attributes, facts stated in either direction with controlled exposure, gold semantic chunks,
and forward / reverse probes (used by: spt; a base for the reversal-curse and fact-recall worlds of other papers).

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
Paper scale: the reversal-curse data (lberglund/reversal_curse) replace this world there; its sentences come
without gold chunks (an LLM chunker adds them), so no loader lives here yet.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from lmrepro.worlds.lexicon import make_words

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
