"""Seeded synthetic worlds: every small-scale reproduction draws its data from one of these generators.

Each generator is a pure function of its config and seed (same seed, byte-identical output). Modules:
- `sources`: entities with attributes, sources of varying reliability in camps, templated documents (meco).
- `principles`: entities to describe, a clause grammar, principles with antitheses and programmatic checkers,
  constitutions (sami).
- `conlang`: one world rendered in English and in a constructed SOV language with case suffixes, as
  non-parallel streams, plus a partial bilingual dictionary (wechsel).
- `arithmetic`: documents of lines "a + b + c = t u ;" whose tokens have known entropy classes (random
  operands, low-entropy symbols, computable sum digits), and partial-sum reasoning traces with counted redundant
  repeats (rmt).
- `lexicon`: seeded pronounceable word forms shared by the worlds.
"""
