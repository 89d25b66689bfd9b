"""Improving Context-Aware Preference Modeling for Language Models (Pitis, Xiao, Le Roux, Sordoni; NeurIPS 2024,
arXiv 2407.14916).

Stages (rules/context_pref.smk): prep (world -> RPR-style rows, general pairs, held-out tests, profiles, trunk
corpus, tokenizer) -> pretrain_lm (small/ci: the shared tiny-LM stage trains the RM trunk; paper: Mistral-7B)
-> train_rm per seed and arm (no_ctx, ctx_sparse, carm: the same judgments, context shown 0 / 10% / 100%)
-> evaluate per seed (reversal, adversarial and profile accuracies, the decomposition bound) -> report (shared).
"""
