"""Seeded synthetic worlds: every small-scale reproduction draws its data from one of these generators.

Each generator is a pure function of its config and seed (same seed, byte-identical output). Modules:
- `sources`: entities with attributes, sources of varying reliability in camps, templated documents (meco).
- `principles`: entities to describe, a clause grammar, principles with antitheses and programmatic checkers,
  constitutions (sami).
- `conlang`: one world rendered in English and in a constructed SOV language with case suffixes, as
  non-parallel streams, plus a partial bilingual dictionary (wechsel); several target languages with their own
  phonotactics over one world (lexical_specialization).
- `tools`: functions over an entity table with same-prefix siblings, gold calls, error signatures, a
  systematically noisy teacher and a call checker (tl_training).
- `instructions`: constrained instructions with exact checkers, interfering factors, a noisy judge and repair
  edits (spar).
- `feedback`: fact reports with quality oracles, feedback templates, preference pairs, styled answers with
  criteria, reversals and user profiles (coh, implicit_reward, context_pref).
- `pii`: documents about people, some leaking phone numbers and e-mails clustered by document, red-team
  openings, and a renderer for the PII scorer (phf).
- `camlang`: Camlang-like closed-book 5-way items over `languages` (scrambled SOV, wh-questions in case, lemma
  dictionary, shallow lexical gloss, lexical vs morphosyntax strata with rule tags) (camlang).
- `languages`: English and rule-built constructed languages over one world of events, with an exact analyzer,
  grammar books, dictionaries, cognates, synonyms, code-switching, per-language facts and tokenizers (camlang,
  chocollama, lsk, multilingual_cpt, mella, lexical_specialization).
- `reasoning`: multi-step problems with one checked sentence per step and a gold state after each: state
  tracking mod 20 (sentence_lm) and composed named procedures with long/short traces (metacog_reuse); a GSM8K
  loader in the same schema.
- `arithmetic`: documents of lines "a + b + c = t u ;" whose tokens have known entropy classes (random
  operands, low-entropy symbols, computable sum digits), and partial-sum reasoning traces with counted redundant
  repeats (rmt).
- `grammar`: an English-like probabilistic grammar with gold word classes, registers of rising complexity
  (child / dialogue / written), BLiMP-like minimal pairs and feature-controlled datives (climb, word_class,
  cross_dative).
- `attributes`: "<person> <verb> the <object> in <place>" sentences with three binary attributes (moral,
  animate, urban) in disjoint splits, and in-context labelling episodes, cued or not (neurofeedback).
- `explanations`: the synthetic task of Hase & Bansal (task index -> latent parameters, per-example explanations
  that are missing-info, evidential or translated, a weak-feature-correlation knob) (explanation_roles).
- `kg`: a knowledge graph of people, pets, towns and colours with 2-hop questions over seen entities on unseen
  paths, a retriever, a programmatic teacher of thinking spans and a parser/grader of reasoning (preflexor).
- `entities`: persons with unique names and descriptions, facts in either direction with exact exposure
  counts, gold semantic chunks and forward / reverse probes for the reversal curse (spt).
- `programs`: straight-line Karel programs on a walled grid with I/O specifications, per-statement traces,
  alternative semantics and an interpreter at parity with the PyPI `karel` package (karel_meaning).
- `prior_counting`: descriptive text whose numbers follow a skewed prior, counting a target among distractors
  with uniform answers, and a flat-prior last-word control (prior_influence).
- `context_qa`: persons with six attributes in sibling groups, passages stating some facts, questions per
  attribute and an instruction pool with exact checkers (uncertainty_tuning).
- `reviews`: reviews of places with made-up valenced adjectives, a corpus using great/terrible and yes/maybe/no,
  a 3-clause sentiment task with negation and an NLI-lite task (pcp).
- `babyai`: BabyAI levels (PyPI minigrid) with seeded expert demos from its bot, the egocentric view as text and
  batched success-rate evaluation (grif, lid).
- `lexicon`: seeded pronounceable word forms shared by the worlds.
- `motion`: a tabletop gripper world with made-up task names, a scripted expert and a language-motion labeler (rth).
"""
