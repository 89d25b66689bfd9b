"""Reviews of places: items with valenced adjectives, a descriptive corpus, sentiment and NLI-lite tasks (pcp).

A world is a pure function of (config, seed):
- places (pronounceable names), items (English nouns: stew, room, ...) and two disjoint sets of made-up
  adjectives, `positive` and `negative` (valence is never written next to an adjective: it is learnt from use);
- `corpus`: generic descriptive text in which the verbalizer words occur naturally: "at <place> the stew was
  <adj> ." lines, "<clause> . it was great ." verdicts (valence-consistent up to `verdict_noise`) and dialogue
  lines "is the stew at <place> <adj> ? yes , ..." / "no , ..." / "maybe , ...";
- task `sentiment` (single sentence): a review of `review_items` items, each "<item> was [not] <adj>"; the label is
  the majority of the clauses' valences, a "not" flipping its clause (0 negative, 1 positive); `filler_rate`
  adds valence-free words (lexical noise);
- task `nli` (pair): the premise lists `premise_items` items of a place with an adjective each, the hypothesis
  makes one claim "the <item> was <adj>": 0 entail (the item is in the premise with an adjective of the same
  valence), 1 neutral (the item is not in the premise), 2 contradict (opposite valence); classes are balanced.

Guarantees (tests/test_worlds_reviews.py): same seed, identical output; labels follow the rules above; the
adjective sets are disjoint and never contain a verbalizer word.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lmrepro.worlds.lexicon import disjoint_lexicon

ITEMS = ("stew", "soup", "bread", "coffee", "room", "bed", "waiter", "staff", "music", "view", "garden", "price",
         "cake", "tea", "lamp", "floor")
VERDICT_WORDS = ("great", "terrible")  # index = 1 - valence: positive -> great
ANSWER_WORDS = ("yes", "maybe", "no")
FILLERS = ("really", "quite", "today", "again", "honestly", "also", "there", "then")
SENTIMENT_LABELS = ("negative", "positive")
NLI_LABELS = ("entailment", "neutral", "contradiction")


@dataclass
class ReviewWorldConfig:
    """lmrepro.worlds.reviews (spec pcp Small scale: the world must provide generic text with the verbalizer words
    and the two tasks)."""
    n_places: int = field(default=40, metadata={"help": "place names"})
    n_items: int = field(default=12, metadata={"help": f"item nouns used (at most {len(ITEMS)})"})
    n_adjectives: int = field(default=12, metadata={"help": "made-up adjectives per valence"})
    corpus_sentences: int = field(default=20000, metadata={"help": "pretraining corpus lines"})
    verdict_noise: float = field(default=0.1, metadata={"help": "P(a corpus verdict disagrees with the valence)"})
    negation_rate: float = field(default=0.25, metadata={"help": "P(a review clause is negated: 'not bad')"})
    filler_rate: float = field(default=0.3, metadata={"help": "P(a review clause carries a valence-free word)"})
    review_items: int = field(default=3, metadata={"help": "clauses per review (odd: the majority is defined)"})
    premise_items: int = field(default=2, metadata={"help": "items described in an NLI premise"})

    def check(self, where: str) -> None:
        if not 1 <= self.n_items <= len(ITEMS):
            raise ValueError(f"{where}.n_items must be in 1..{len(ITEMS)}, got {self.n_items}")
        if self.review_items % 2 == 0 or self.review_items > self.n_items:
            raise ValueError(f"{where}.review_items must be odd and <= n_items, got {self.review_items}")
        if not 1 <= self.premise_items < self.n_items:
            raise ValueError(f"{where}.premise_items must be in 1..n_items-1, got {self.premise_items}")
        for key in ("verdict_noise", "negation_rate", "filler_rate"):
            if not 0.0 <= getattr(self, key) <= 1.0:
                raise ValueError(f"{where}.{key} must be in [0, 1], got {getattr(self, key)}")
        if min(self.n_places, self.n_adjectives, self.corpus_sentences) < 1:
            raise ValueError(f"{where}: n_places, n_adjectives and corpus_sentences must be >= 1")


@dataclass
class ReviewWorld:
    places: list[str]
    items: list[str]
    positive: list[str]
    negative: list[str]

    def adjectives(self, valence: int) -> list[str]:
        return self.positive if valence else self.negative


def make_world(cfg: ReviewWorldConfig, seed: int) -> ReviewWorld:
    cfg.check("world")
    rng = random.Random(seed)
    lexicon = disjoint_lexicon(rng, set(ITEMS) | set(VERDICT_WORDS) | set(ANSWER_WORDS) | set(FILLERS) | {"not"})
    return ReviewWorld(places=lexicon(cfg.n_places, (2, 3)), items=list(ITEMS[:cfg.n_items]),
                       positive=lexicon(cfg.n_adjectives, (2, 2)), negative=lexicon(cfg.n_adjectives, (2, 2)))


def corpus(world: ReviewWorld, cfg: ReviewWorldConfig, rng: random.Random) -> list[str]:
    """Descriptive lines, verdicts and dialogue lines, one kind in three each."""
    lines = []
    for _ in range(cfg.corpus_sentences):
        place, item = rng.choice(world.places), rng.choice(world.items)
        valence = rng.randrange(2)
        adj = rng.choice(world.adjectives(valence))
        kind = rng.randrange(3)
        if kind == 0:
            other = rng.choice([i for i in world.items if i != item])
            lines.append(f"at {place} the {item} was {adj} and the {other} was "
                         f"{rng.choice(world.adjectives(rng.randrange(2)))} .")
        elif kind == 1:
            verdict = valence if rng.random() >= cfg.verdict_noise else 1 - valence
            lines.append(f"the {item} at {place} was {adj} . it was {VERDICT_WORDS[1 - verdict]} .")
        else:
            answer = rng.randrange(3)
            if answer == 0:
                reply = f"yes , the {item} was {rng.choice(world.adjectives(valence))} ."
            elif answer == 2:
                reply = f"no , the {item} was {rng.choice(world.adjectives(1 - valence))} ."
            else:
                reply = f"maybe , nobody said how the {item} was ."
            lines.append(f"is the {item} at {place} {adj} ? {reply}")
    return lines


def sentiment_example(world: ReviewWorld, cfg: ReviewWorldConfig, rng: random.Random) -> dict:
    """A review and its label (1 when most clauses are positive after negation)."""
    place = rng.choice(world.places)
    clauses, score = [], 0
    for item in rng.sample(world.items, cfg.review_items):
        valence = rng.randrange(2)
        negated = rng.random() < cfg.negation_rate
        filler = f"{rng.choice(FILLERS)} " if rng.random() < cfg.filler_rate else ""
        clauses.append(f"the {item} was {filler}{'not ' if negated else ''}{rng.choice(world.adjectives(valence))}")
        score += 1 if valence != negated else -1
    return {"text": f"{place} : " + " , ".join(clauses) + " .", "label": int(score > 0)}


def nli_example(world: ReviewWorld, cfg: ReviewWorldConfig, rng: random.Random, label: int) -> dict:
    """A premise about a place and a one-claim hypothesis with the given label (see the module docstring)."""
    if label not in (0, 1, 2):
        raise ValueError(f"nli label must be 0, 1 or 2, got {label}")
    place = rng.choice(world.places)
    items = rng.sample(world.items, cfg.premise_items + 1)
    described, unseen = items[:-1], items[-1]
    valences = [rng.randrange(2) for _ in described]
    premise = f"at {place} " + " and ".join(f"the {item} was {rng.choice(world.adjectives(v))}"
                                          for item, v in zip(described, valences)) + " ."
    if label == 1:
        item, valence = unseen, rng.randrange(2)
    else:
        k = rng.randrange(len(described))
        item, valence = described[k], valences[k] if label == 0 else 1 - valences[k]
    hypothesis = f"the {item} was {rng.choice(world.adjectives(valence))} ."
    return {"premise": premise, "hypothesis": hypothesis, "label": label}


def task_examples(world: ReviewWorld, cfg: ReviewWorldConfig, task: str, n: int, rng: random.Random) -> list[dict]:
    """n examples of `sentiment` or `nli`; nli cycles its labels so that classes are balanced."""
    if task == "sentiment":
        return [sentiment_example(world, cfg, rng) for _ in range(n)]
    if task == "nli":
        return [nli_example(world, cfg, rng, i % 3) for i in range(n)]
    raise ValueError(f"unknown reviews task {task!r} (known: sentiment, nli)")
