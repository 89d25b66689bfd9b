"""Persons with six attributes in sibling groups, passages that state some of their facts, questions per
attribute, and an instruction pool with programmatic checkers (used by: uncertainty_tuning).

- A person is "<first> <surname>"; a sibling group shares a surname (2-3 siblings) and differs in first names, so
  a question about a sibling is on-topic for a passage about a person but cannot be answered from it.
- Six attributes (`ATTRIBUTES`): town, job, pet, colour, employer (two words: "<x> <y>") and hobby, each drawn
  from its own value list; an attribute's values never occur in another attribute's list.
- `passage(person, attrs)`: "about <first> <surname> : town <v> ; pet <v> ." (the facts in the given order).
- `question(person, attr, template)`: one of `QUESTIONS[attr]`'s templates, e.g. "where does ada kelm live ?".
- `random_person(rng)`: a fresh person (any first name, surname and values), for training data that must not
  repeat; `build_world` draws the fixed persons of a benchmark, split by sibling group into train and test.
- Instruction pool (`CONSTRAINTS`): each extra constraint has its instruction text, `apply(words)` that renders
  an answer satisfying it, `violate(words)` that renders one failing it, and `check(answer_words)`, the exact
  programmatic checker: `check(apply(w))` is True and `check(violate(w))` is False for every answer.

Structure guaranteed (tests/test_worlds_context_qa.py): a pure function of (config, seed); train and test
persons disjoint by surname; every person's sibling group has >= 2 members; every token of every rendering is in
`vocabulary(world)`; no name or value is a reserved word (the templates', the pool's or the caller's).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lmrepro.worlds.lexicon import disjoint_lexicon

ATTRIBUTES = ("town", "job", "pet", "colour", "employer", "hobby")
QUESTIONS = {
    "town": ("where does {name} live ?", "which town is {name} from ?"),
    "job": ("what job does {name} do ?", "what is the job of {name} ?"),
    "pet": ("what pet does {name} own ?", "which pet has {name} ?"),
    "colour": ("what colour does {name} like ?", "which colour is {name} fond of ?"),
    "employer": ("who employs {name} ?", "which firm does {name} work for ?"),
    "hobby": ("what hobby does {name} have ?", "what does {name} do for fun ?"),
}
PASSAGE_WORDS = ("about", ":", ";", ".")
ANSWER_PREFIX, PERIOD = "answer:", "."


@dataclass
class ContextQAConfig:
    n_groups: int = field(default=120, metadata={"help": "sibling groups (surnames) of the benchmark persons"})
    siblings: tuple[int, int] = field(default=(2, 3), metadata={"help": "persons per group (min, max), min >= 2"})
    test_groups: int = field(default=40, metadata={"help": "groups held out for the test split"})
    n_first: int = field(default=60, metadata={"help": "first names"})
    n_surnames: int = field(default=200, metadata={"help": "surnames (>= n_groups; fresh persons use all)"})
    n_values: int = field(default=16, metadata={"help": "values per attribute"})

    def check(self, where: str = "world") -> None:
        lo, hi = self.siblings
        if not 2 <= lo <= hi or hi > self.n_first:
            raise ValueError(f"{where}.siblings must satisfy 2 <= min <= max <= n_first, got {self.siblings}")
        if not 1 <= self.test_groups < self.n_groups <= self.n_surnames:
            raise ValueError(f"{where}: need 1 <= test_groups < n_groups <= n_surnames")
        if self.n_values < 2:
            raise ValueError(f"{where}.n_values must be >= 2, got {self.n_values}")


@dataclass
class Constraint:
    """One extra instruction of the pool with its checker (spec Small scale: uppercase, "Answer:" prefix, final
    period, <= N words)."""
    name: str
    text: str

    def apply(self, words: list[str]) -> list[str]:
        if self.name == "upper":
            return [w.upper() for w in words]
        if self.name == "prefix":
            return [ANSWER_PREFIX, *words]
        if self.name == "period":
            return [*words, PERIOD]
        return list(words)  # short: answers have <= 2 words

    def violate(self, words: list[str]) -> list[str]:
        return ["it", "is", *words] if self.name == "short" else list(words)

    def check(self, answer: list[str]) -> bool:
        if self.name == "upper":
            return bool(answer) and all(w.isupper() for w in answer)
        if self.name == "prefix":
            return bool(answer) and answer[0] == ANSWER_PREFIX
        if self.name == "period":
            return bool(answer) and answer[-1] == PERIOD
        return 1 <= len(answer) <= 2


CONSTRAINTS = (
    Constraint("upper", "write the answer in capitals ."),
    Constraint("prefix", "start with answer: ."),
    Constraint("period", "end with a period ."),
    Constraint("short", "use at most two words ."),
)


@dataclass
class ContextQAWorld:
    first: list[str]
    surnames: list[str]
    values: dict[str, list[str]]              # attribute -> values (employer values are "x y")
    persons: dict[str, list[dict]]            # "train" / "test" -> {"first", "surname", attr: value, ...}

    def vocabulary(self) -> list[str]:
        words = [*self.first, *self.surnames, *ATTRIBUTES, *PASSAGE_WORDS, ANSWER_PREFIX, "it", "is"]
        for attr in ATTRIBUTES:
            for value in self.values[attr]:
                words += value.split() + value.upper().split()
        for attr in ATTRIBUTES:
            for template in QUESTIONS[attr]:
                words += template.replace("{name}", "").split()
        for c in CONSTRAINTS:
            words += c.text.split()
        return list(dict.fromkeys(words))


def build_world(cfg: ContextQAConfig, seed: int, reserved_words: tuple[str, ...] = ()) -> ContextQAWorld:
    """The persons and value lists; names and values avoid `reserved_words` (a paper's prompt words)."""
    cfg.check()
    rng = random.Random(f"context-qa-{seed}")
    reserved = set(reserved_words) | {w for templates in QUESTIONS.values() for t in templates for w in t.split()}
    reserved |= {w for c in CONSTRAINTS for w in c.text.split()} | set(ATTRIBUTES) | {"it", "is"}
    lexicon = disjoint_lexicon(rng, set(reserved))
    first = lexicon(cfg.n_first, (2, 2))
    surnames = lexicon(cfg.n_surnames, (2, 3))
    values = {}
    for attr in ATTRIBUTES:
        if attr == "employer":
            parts = lexicon(2 * cfg.n_values, (1, 1))
            values[attr] = [f"{parts[2 * i]} {parts[2 * i + 1]}" for i in range(cfg.n_values)]
        else:
            values[attr] = lexicon(cfg.n_values, (1, 2))
    groups = []
    for surname in rng.sample(surnames, cfg.n_groups):
        names = rng.sample(first, rng.randint(*cfg.siblings))
        groups.append([{"first": f, "surname": surname, **{a: rng.choice(values[a]) for a in ATTRIBUTES}}
                       for f in names])
    test = [p for g in groups[:cfg.test_groups] for p in g]
    train = [p for g in groups[cfg.test_groups:] for p in g]
    return ContextQAWorld(first=first, surnames=surnames, values=values, persons={"train": train, "test": test})


def random_person(world: ContextQAWorld, rng: random.Random, surname: str | None = None) -> dict:
    """A fresh person: random first name, surname (unless given) and values."""
    return {"first": rng.choice(world.first), "surname": surname or rng.choice(world.surnames),
            **{a: rng.choice(world.values[a]) for a in ATTRIBUTES}}


def siblings(world: ContextQAWorld, person: dict, split: str) -> list[dict]:
    return [p for p in world.persons[split] if p["surname"] == person["surname"] and p["first"] != person["first"]]


def name(person: dict) -> str:
    return f"{person['first']} {person['surname']}"


def passage(person: dict, attrs: list[str]) -> str:
    facts = " ; ".join(f"{a} {person[a]}" for a in attrs)
    return f"about {name(person)} : {facts} ."


def question(person: dict, attr: str, template: int) -> str:
    return QUESTIONS[attr][template].format(name=name(person))
