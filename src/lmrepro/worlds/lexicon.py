"""Seeded pronounceable word forms (CV syllables), distinct within a call and from any excluded set."""
from __future__ import annotations

import random

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"


def make_words(rng: random.Random, n: int, syllables: tuple[int, int] = (2, 3), exclude: set[str] | None = None,
               consonants: str = CONSONANTS, vowels: str = VOWELS) -> list[str]:
    seen = set(exclude or ())
    out: list[str] = []
    while len(out) < n:
        k = rng.randint(*syllables)
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(k))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out
