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


def disjoint_lexicon(rng: random.Random, used: set[str]):
    """`lexicon(n, syllables)`: fresh words that avoid `used` and every earlier lexicon (`used` grows)."""
    def lexicon(n: int, syllables: tuple[int, int]) -> list[str]:
        words = make_words(rng, n, syllables=syllables, exclude=used)
        used.update(words)
        return words

    return lexicon
