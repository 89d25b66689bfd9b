"""Counting under a skewed number prior: descriptive text whose numbers follow a known prior, a counting task
whose answers do not, and a flat-prior control task (used by: prior_influence).

Text forms (space-joined tokens; every number 1..`max_number` and every noun is one word-level token):
- descriptive sentence: "<entity> has <N> <noun> ." or "the number is <N> ." with N ~ `number_prior`
  (weight 1/N, times `boost` on the `high_prior` numbers: the skewed prior the model absorbs in pretraining);
- counting item: prompt "count <target> : <list_len nouns> =" with exactly N copies of the target among
  distractor nouns, answer N; N is drawn by the caller (uniform for the task, so the prior is not the truth);
- control item: prompt "last : w1 .. wk =" with answer wk (every noun equally likely: a flat prior).

Guarantees (tested in tests/test_worlds_prior_counting.py):
- `number_prior` is normalised, decreasing apart from the boosted numbers, which carry `boost` x the 1/N weight;
- a counting item's target occurs exactly N times in its list and the list has `list_len` nouns; a control
  item's answer is its last list word;
- every generated token is in `vocabulary()` (a closed word-level vocabulary);
- a pure function of (config, rng state): the same seed gives the same items.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

NOUNS = ("mill", "cat", "dog", "tree", "ship", "lamp", "cup", "bell", "rock", "coin", "fish", "bird", "door",
         "rope", "hat", "key", "box", "pen", "drum", "leaf", "star", "boat", "cart", "well", "barn", "fox",
         "owl", "bee", "nut", "egg", "ring", "mask", "flag", "horn", "vase", "sock", "bowl", "kite", "gate", "wolf")
FUNCTION_WORDS = ("the", "number", "is", "has", ".", "count", ":", "=", "last")
NEUTRAL_FRAME = "the number is"


@dataclass
class PriorCountingWorldConfig:
    max_number: int = field(default=16, metadata={"help": "spec Small scale: numbers and counts 1..16"})
    high_prior: list[int] = field(default_factory=lambda: [8, 10, 12], metadata={
        "help": "spec: 8x mass on 8, 10 and 12 in descriptive text"})
    boost: float = field(default=8.0, metadata={"help": "spec: the high-prior numbers' weight multiplier"})
    n_nouns: int = field(default=40, metadata={"help": "nouns (list items, targets, descriptive objects)"})
    n_entities: int = field(default=10, metadata={"help": "entity names t0.. of descriptive sentences"})
    list_len: int = field(default=24, metadata={"help": "spec: 24 nouns per counting list"})
    control_len: list[int] = field(default_factory=lambda: [3, 12], metadata={
        "help": "control lists: length range [lo, hi]"})
    p_number_frame: float = field(default=0.3, metadata={
        "help": "share of descriptive sentences in the neutral frame 'the number is N .'"})

    def check(self, where: str) -> None:
        if not 2 <= self.max_number <= self.list_len:
            raise ValueError(f"{where}: need 2 <= max_number <= list_len, got {self.max_number}, {self.list_len}")
        if any(not 1 <= n <= self.max_number for n in self.high_prior):
            raise ValueError(f"{where}.high_prior must lie in 1..max_number, got {self.high_prior}")
        if self.boost <= 0:
            raise ValueError(f"{where}.boost must be > 0, got {self.boost}")
        if not 2 <= self.n_nouns <= len(NOUNS):
            raise ValueError(f"{where}.n_nouns must be in 2..{len(NOUNS)}, got {self.n_nouns}")
        if self.n_entities < 1:
            raise ValueError(f"{where}.n_entities must be >= 1")
        lo, hi = self.control_len
        if not 1 <= lo <= hi:
            raise ValueError(f"{where}.control_len must be [lo, hi] with 1 <= lo <= hi, got {self.control_len}")
        if not 0.0 <= self.p_number_frame <= 1.0:
            raise ValueError(f"{where}.p_number_frame must be in [0, 1]")


def numbers(cfg: PriorCountingWorldConfig) -> list[str]:
    return [str(n) for n in range(1, cfg.max_number + 1)]


def nouns(cfg: PriorCountingWorldConfig) -> list[str]:
    return list(NOUNS[:cfg.n_nouns])


def entities(cfg: PriorCountingWorldConfig) -> list[str]:
    return [f"t{i}" for i in range(cfg.n_entities)]


def vocabulary(cfg: PriorCountingWorldConfig) -> list[str]:
    return [*FUNCTION_WORDS, *numbers(cfg), *nouns(cfg), *entities(cfg)]


def number_prior(cfg: PriorCountingWorldConfig) -> list[float]:
    """p(N) for N = 1..max_number: weight 1/N, times `boost` for the high-prior numbers, normalised."""
    weights = [(cfg.boost if n in cfg.high_prior else 1.0) / n for n in range(1, cfg.max_number + 1)]
    total = sum(weights)
    return [w / total for w in weights]


def descriptive_sentence(cfg: PriorCountingWorldConfig, rng: random.Random) -> str:
    n = rng.choices(range(1, cfg.max_number + 1), weights=number_prior(cfg))[0]
    if rng.random() < cfg.p_number_frame:
        return f"{NEUTRAL_FRAME} {n} ."
    return f"{rng.choice(entities(cfg))} has {n} {rng.choice(nouns(cfg))} ."


def counting_item(cfg: PriorCountingWorldConfig, rng: random.Random, n: int) -> dict:
    """A list of `list_len` nouns with exactly `n` copies of a random target; answer str(n)."""
    if not 1 <= n <= cfg.max_number:
        raise ValueError(f"count {n} outside 1..{cfg.max_number}")
    pool = nouns(cfg)
    target = rng.choice(pool)
    others = [w for w in pool if w != target]
    items = [target] * n + [rng.choice(others) for _ in range(cfg.list_len - n)]
    rng.shuffle(items)
    return {"target": target, "items": items, "answer": str(n)}


def control_item(cfg: PriorCountingWorldConfig, rng: random.Random) -> dict:
    items = [rng.choice(nouns(cfg)) for _ in range(rng.randint(*cfg.control_len))]
    return {"items": items, "answer": items[-1]}
