"""KappaTune — the condition number as a scale-invariant proxy for information encoding (Ludwig 2025, arXiv 2506.16289).

Stages (rules/kappatune.smk): prep -> pretrain_lm (shared LM stage; paper: the hub model) -> compute_kappa ->
finetune {full, kappa_low, kappa_high, random_i, matched_i, lora} -> evaluate -> report (shared).
"""
