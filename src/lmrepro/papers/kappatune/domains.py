"""The two renderings of one seeded world (spec Small scale / World), built on lmrepro.worlds.entities' knowledge base.

- Domain A, the base's "general knowledge": lines of `facts_per_line` fact sentences ("mira tosk lives in bako .")
  in a seeded order; the forgetting text is `general_eval_lines` more lines drawn in another seeded order (the
  world's facts, not new ones: the stand-in for WikiText-2, general text the base models well).
- Domain B, the new task: "review <town> : <adj> <adj> verdict good|bad" over the world's towns, with two classes
  of new adjective words; every adjective of a review is of its label's class. Training and test reviews are
  disjoint (no test review's word sequence is a training review's).

A pure function of (config, seed): the same seed gives byte-identical lines and reviews.
"""
from __future__ import annotations

import random

from lmrepro.papers.kappatune.params import DomainsConfig
from lmrepro.worlds import entities as E
from lmrepro.worlds.lexicon import make_words

LABELS = ("good", "bad")
TASK_WORDS = ("review", ":", "verdict", *LABELS)


def domain_a_lines(kb: E.KnowledgeBase, cfg: DomainsConfig, n_lines: int, rng: random.Random) -> list[str]:
    """`n_lines` lines of `facts_per_line` facts each, facts cycling through seeded shuffles of all facts."""
    facts = [E.fact_text(t) for t in kb.triples]
    pool: list[str] = []
    lines = []
    for _ in range(n_lines):
        line = []
        for _ in range(cfg.facts_per_line):
            if not pool:
                pool = rng.sample(facts, len(facts))
            line.append(pool.pop())
        lines.append(" ".join(line))
    return lines


def adjectives(kb: E.KnowledgeBase, cfg: DomainsConfig, rng: random.Random) -> dict[str, list[str]]:
    """label -> its class's new adjective words (disjoint from each other and from every domain-A word)."""
    words = make_words(rng, 2 * cfg.n_adjectives, syllables=(2, 2), exclude=set(kb.vocabulary()) | set(TASK_WORDS))
    return {label: words[i * cfg.n_adjectives:(i + 1) * cfg.n_adjectives] for i, label in enumerate(LABELS)}


def review_prompt(town: str, adjs: list[str]) -> str:
    return f"review {town} : {' '.join(adjs)} verdict"


def reviews(kb: E.KnowledgeBase, cfg: DomainsConfig, adjs: dict[str, list[str]],
            rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Distinct reviews {"prompt", "label", "text"}, split into n_task_train and n_task_test, labels balanced."""
    towns = kb.entities["town"]
    n = cfg.n_task_train + cfg.n_task_test
    possible = len(towns) * len(LABELS) * cfg.n_adjectives ** cfg.adjectives_per_review
    if n > possible:
        raise ValueError(f"{n} distinct reviews requested, only {possible} exist (raise n_adjectives or n_towns)")
    seen, rows = set(), []
    while len(rows) < n:
        label = LABELS[len(rows) % len(LABELS)]
        key = (rng.choice(towns), tuple(rng.choice(adjs[label]) for _ in range(cfg.adjectives_per_review)))
        if key in seen:
            continue
        seen.add(key)
        prompt = review_prompt(key[0], list(key[1]))
        rows.append({"prompt": prompt, "label": label, "text": f"{prompt} {label}"})
    rng.shuffle(rows)
    return rows[:cfg.n_task_train], rows[cfg.n_task_train:]


def vocabulary(kb: E.KnowledgeBase, adjs: dict[str, list[str]]) -> list[str]:
    return [*kb.vocabulary(), *TASK_WORDS, *(w for label in LABELS for w in adjs[label])]
