"""Seeded synthetic worlds: every small-scale reproduction draws its data from one of these generators.

Each generator is a pure function of its config and seed (same seed, byte-identical output). Modules:
- `sources`: entities with attributes, sources of varying reliability in camps, templated documents (meco).
- `principles`: entities to describe, a clause grammar, principles with antitheses and programmatic checkers,
  constitutions (sami).
- `conlang`: one world rendered in English and in a constructed SOV language with case suffixes, as
  non-parallel streams, plus a partial bilingual dictionary (wechsel).
- `grammar`: an English-like probabilistic grammar with gold word classes, registers of rising complexity
  (child / dialogue / written), BLiMP-like minimal pairs and feature-controlled datives (climb, word_class,
  cross_dative).
- `lexicon`: seeded pronounceable word forms shared by the worlds.
"""
