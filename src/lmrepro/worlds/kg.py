"""A knowledge graph of people, pets, towns and colours with 2-hop questions (preflexor).

Every person has one friend, one pet and one town; every pet one colour. Facts are sentences
("mira 's friend is tosk ."), and the pretraining corpus is lines of facts in seeded order. A 2-hop question
("where does the friend of mira live ?") composes two relations; its reasoning is the two facts on its path,
which `retrieve` returns from the graph (the stand-in for the paper's RAG index) and `teacher_thinking` writes
as the thinking span. Splits: every person is asked some 2-hop question types in training and the others held
out, so held-out questions use seen entities on unseen 2-hop paths; single-fact questions ("which pet does mira
own ?") may join the training questions. `parse_completion` reads a model's reasoning and
answer back; `grade` checks format validity, faithfulness (both facts on the true path) and the exact answer.

    kg = build_graph(KGConfig(), seed=0)
    train, held_out = question_split(kg, KGConfig(), seed=0)
    thinking, answer = teacher_thinking(kg, train[0])
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from lmrepro.worlds.lexicon import disjoint_lexicon

RELATIONS = {  # relation -> (subject type, object type, sentence template)
    "friend_of": ("person", "person", "{s} 's friend is {o} ."),
    "owns": ("person", "pet", "{s} owns {o} ."),
    "lives_in": ("person", "town", "{s} lives in {o} ."),
    "color_of": ("pet", "color", "{s} is {o} ."),
}
QUESTIONS = {  # 2-hop question type -> (relations on its path, template)
    "friend_town": (("friend_of", "lives_in"), "where does the friend of {x} live ?"),
    "pet_color": (("owns", "color_of"), "what color is the pet of {x} ?"),
    "friend_pet": (("friend_of", "owns"), "which pet does the friend of {x} own ?"),
    "friend_friend": (("friend_of", "friend_of"), "who is the friend of the friend of {x} ?"),
}
ONE_HOP = {  # single-fact question type -> (its relation, template)
    "friend": (("friend_of",), "who is the friend of {x} ?"),
    "pet": (("owns",), "which pet does {x} own ?"),
    "town": (("lives_in",), "where does {x} live ?"),
    "color": (("color_of",), "what color is {x} ?"),
}
FUNCTION_WORDS = tuple(dict.fromkeys(w for text in [*(t for _, _, t in RELATIONS.values()),
                                                    *(t for _, t in (QUESTIONS | ONE_HOP).values())]
                                     for w in text.split() if w not in ("{s}", "{o}", "{x}")))


@dataclass
class KGConfig:
    n_persons: int = 150
    n_towns: int = 10
    n_colors: int = 8
    held_out_types: int = 2        # 2-hop question types per person held out (the rest are training questions)
    one_hop_train: bool = False    # add every single-fact question to the training questions
    facts_per_line: int = 8        # facts per pretraining corpus line
    corpus_lines: int = 6000

    def check(self, where: str = "world") -> None:
        if self.n_persons < 3 or min(self.n_towns, self.n_colors) < 2:
            raise ValueError(f"{where}: needs >= 3 persons and >= 2 towns and colours")
        if not 1 <= self.held_out_types < len(QUESTIONS):
            raise ValueError(f"{where}.held_out_types must be in 1..{len(QUESTIONS) - 1}, got {self.held_out_types}")
        if min(self.facts_per_line, self.corpus_lines) < 1:
            raise ValueError(f"{where}: facts_per_line and corpus_lines must be >= 1")


@dataclass
class KnowledgeGraph:
    entities: dict[str, list[str]]   # type -> one-token names
    edges: dict[str, dict[str, str]]  # relation -> subject -> object

    def type_of(self, name: str) -> str | None:
        return next((t for t, names in self.entities.items() if name in names), None)

    def triples(self) -> list[tuple[str, str, str]]:
        return [(s, r, o) for r, edges in self.edges.items() for s, o in edges.items()]

    def vocabulary(self) -> list[str]:
        return [*FUNCTION_WORDS, *(n for names in self.entities.values() for n in names)]


def build_graph(cfg: KGConfig, seed: int) -> KnowledgeGraph:
    """Disjoint seeded lexicons per type; friends are a random derangement (nobody is their own friend); each
    person owns a distinct pet; towns and colours are drawn uniformly."""
    cfg.check()
    rng = random.Random(f"kg-{seed}")
    lexicon = disjoint_lexicon(rng, set(FUNCTION_WORDS))
    persons, pets = lexicon(cfg.n_persons, (2, 2)), lexicon(cfg.n_persons, (3, 3))
    towns, colors = lexicon(cfg.n_towns, (2, 3)), lexicon(cfg.n_colors, (1, 2))
    shift = rng.randrange(1, len(persons))
    order = rng.sample(persons, len(persons))
    edges = {
        "friend_of": {order[i]: order[(i + shift) % len(order)] for i in range(len(order))},
        "owns": dict(zip(persons, rng.sample(pets, len(pets)))),
        "lives_in": {p: rng.choice(towns) for p in persons},
        "color_of": {p: rng.choice(colors) for p in pets},
    }
    return KnowledgeGraph({"person": persons, "pet": pets, "town": towns, "color": colors}, edges)


def fact_text(subject: str, relation: str, obj: str) -> str:
    return RELATIONS[relation][2].format(s=subject, o=obj)


def corpus(kg: KnowledgeGraph, cfg: KGConfig, seed: int) -> list[str]:
    """Pretraining lines of `facts_per_line` facts each; every fact appears equally often (shuffled passes)."""
    rng = random.Random(f"kg-corpus-{seed}")
    facts = [fact_text(*t) for t in kg.triples()]
    stream: list[str] = []
    while len(stream) < cfg.corpus_lines * cfg.facts_per_line:
        stream += rng.sample(facts, len(facts))
    return [" ".join(stream[i * cfg.facts_per_line:(i + 1) * cfg.facts_per_line]) for i in range(cfg.corpus_lines)]


def question_split(kg: KnowledgeGraph, cfg: KGConfig, seed: int) -> tuple[list[dict], list[dict]]:
    """Rows {"subject", "type", "question"}: per person, `held_out_types` 2-hop question types held out, the rest
    train; with `one_hop_train`, every single-fact question is a training question too (held-out stays 2-hop)."""
    rng = random.Random(f"kg-split-{seed}")
    train, held_out = [], []
    for person in kg.entities["person"]:
        types = rng.sample(list(QUESTIONS), len(QUESTIONS))
        for i, qtype in enumerate(types):
            row = {"subject": person, "type": qtype, "question": QUESTIONS[qtype][1].format(x=person)}
            (held_out if i < cfg.held_out_types else train).append(row)
    if cfg.one_hop_train:
        for qtype, ((relation,), template) in ONE_HOP.items():
            train += [{"subject": s, "type": qtype, "question": template.format(x=s)} for s in kg.edges[relation]]
    rng.shuffle(train)
    rng.shuffle(held_out)
    return train, held_out


def retrieve(kg: KnowledgeGraph, row: dict) -> list[tuple[str, str, str]]:
    """The triples on the question's path (the RAG stand-in): (x, r1, y)[, (y, r2, answer)]."""
    path, node = [], row["subject"]
    for relation in (QUESTIONS | ONE_HOP)[row["type"]][0]:
        path.append((node, relation, kg.edges[relation][node]))
        node = path[-1][2]
    return path


def answer(kg: KnowledgeGraph, row: dict) -> str:
    return retrieve(kg, row)[-1][2]


def teacher_thinking(kg: KnowledgeGraph, row: dict) -> tuple[str, str]:
    """The programmatic teacher: (thinking text = the two retrieved facts, answer)."""
    path = retrieve(kg, row)
    return " ".join(fact_text(*t) for t in path), path[-1][2]


def corrupted_thinking(kg: KnowledgeGraph, row: dict, rng: random.Random) -> tuple[str, str]:
    """A plausible wrong reasoning: a wrong first object (the bridge of a 2-hop path), then the true facts that
    follow from it, ending in a wrong answer."""
    relations = (QUESTIONS | ONE_HOP)[row["type"]][0]
    truth, first = answer(kg, row), relations[0]

    def follow(obj: str) -> list[tuple[str, str, str]]:
        path = [(row["subject"], first, obj)]
        for relation in relations[1:]:
            path.append((path[-1][2], relation, kg.edges[relation][path[-1][2]]))
        return path

    wrong = [p for p in (follow(o) for o in kg.entities[RELATIONS[first][1]]) if p[-1][2] != truth]
    path = rng.choice(wrong)
    return " ".join(fact_text(*t) for t in path), path[-1][2]


def parse_fact(kg: KnowledgeGraph, words: list[str]) -> tuple[str, str, str] | None:
    """A fact sentence back to its triple (entity types checked), or None."""
    for relation, (stype, otype, template) in RELATIONS.items():
        pattern = template.split()
        if len(pattern) != len(words):
            continue
        slots = {}
        for p, w in zip(pattern, words):
            if p in ("{s}", "{o}"):
                slots[p] = w
            elif p != w:
                break
        else:
            if kg.type_of(slots["{s}"]) == stype and kg.type_of(slots["{o}"]) == otype:
                return slots["{s}"], relation, slots["{o}"]
    return None


def parse_completion(kg: KnowledgeGraph, words: list[str], end_thinking: str) -> dict:
    """A completion's words (after the opening thinking token, EOS removed) -> {"facts": triples or None where a
    sentence does not parse, "answer": the words after the last `end_thinking`, "closed": whether it occurs}."""
    if end_thinking not in words:
        return {"facts": [], "answer": words, "closed": False}
    last = len(words) - 1 - words[::-1].index(end_thinking)
    thinking, sentences, current = words[:last], [], []
    for w in thinking:
        current.append(w)
        if w == ".":
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return {"facts": [parse_fact(kg, s) for s in sentences], "answer": words[last + 1:], "closed": True}


def grade(kg: KnowledgeGraph, row: dict, parsed: dict) -> dict:
    """valid: closed thinking of one well-formed fact per hop and a one-word answer; faithful: the facts are the
    question's path; correct: the answer is the true one (exact match)."""
    facts = parsed["facts"]
    valid = parsed["closed"] and len(facts) == len(retrieve(kg, row)) and all(facts) and len(parsed["answer"]) == 1
    return {"valid": valid, "faithful": facts == retrieve(kg, row),
            "correct": parsed["answer"] == [answer(kg, row)]}


def to_json(kg: KnowledgeGraph) -> dict:
    return {"entities": kg.entities, "edges": kg.edges}


def from_json(obj: dict) -> KnowledgeGraph:
    return KnowledgeGraph(obj["entities"], obj["edges"])
