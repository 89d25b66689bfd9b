"""Multilingual continual pretraining: data mixing (mono / mono+code / bilingual / bilingual+code) for adapting an
LLM to a language group (Li, Ji, Luo, Tiedemann 2025, arXiv 2504.04152). Spec: ../shared/papers/multilingual_cpt.md.

Stages (rules/multilingual_cpt.smk):
    prep (shared by all seeds; small/ci: English and three conlangs at tiers high / mid / low over one event world,
    topic lines, parallel pairs, toy code, the base BPE; paper: MADLAD-400 / NLLB / The Stack / SIB-200 / FLORES)
    -> pretrain_lm (shared; small/ci only: the tiny multilingual base; paper: the hub snapshot)
    -> cpt {mono, mono_code, bi, bi_code} per seed (full-parameter next-token CPT on the group's mix, evaluated
       before and after: topic classification, X->En translation chrF/BLEU, language-switch rate, perplexity)
    -> aggregate (tier averages, deltas vs base and between mixes) -> report over seeds.
Helpers: `world.py` (the small world and the toy code generator), `data.py` (streams, mixtures, batches),
`evaluate.py` (prompts and metrics).
"""
