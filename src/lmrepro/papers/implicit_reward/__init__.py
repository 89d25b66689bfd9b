"""Implicit Reward as the Bridge: A Unified View of SFT and DPO Connections (Wang et al., NeurIPS 2025, arXiv
2507.00018).

Stages (rules/implicit_reward.smk): prep (world or hub datasets -> demonstrations, pairs, held-out sets, corpus,
tokenizer) -> pretrain_lm (small/ci: the shared tiny-LM stage on the description corpus; paper: a hub snapshot)
-> sft per seed and arm (the same data and steps at lr_high or lr_low) -> dpo per seed and arm (reference = that
arm's SFT model) -> evaluate per seed (KL to the base, oracle scores, implicit-reward ranking, token credit)
-> report (shared). Losses and log-prob scoring come from `lmrepro.common.preference` (checked against trl).
"""
