"""Evidence of meaning in LMs trained on programs (Jin & Rinard, 2023, arXiv 2305.11169; ICML 2024 "Emergent
Representations of Program Semantics in Language Models Trained on Programs").

Stages (rules/karel_meaning.smk): gen_karel -> check_interpreter; gen_karel -> train_lm (checkpoints across
training) -> gen_programs (generative accuracy per checkpoint) and probe (direction probes per checkpoint, true
and alternative semantics) -> report (shared).
"""
