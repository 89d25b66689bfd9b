"""Pretraining Language Models with Human Preferences (Korbak et al., ICML 2023, arXiv 2302.08582).

Stages (rules/phf.smk): prep (world documents or hub shards -> sentences scored by scrubadub, held-out clean
documents, red-team prefixes, tokenizer with the two control tokens) -> pretrain per seed and objective (the shared
tiny-LM stage with this paper's batches and losses: mle, filter, cond, ul, rwr, awr, and mle_then_cond, the
"learn then unlearn" run) -> evaluate per seed (PII rate of unconditional and red-team samples, NLL and KL to MLE
on clean text) -> report (shared). The objectives live in `objectives.py`, the scorer in `scorer.py`.
"""
