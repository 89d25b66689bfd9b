"""Chain of Hindsight Aligns Language Models with Feedback (Liu, Sferrazza, Abbeel; ICLR 2024, arXiv 2302.02676).

Stages (rules/coh.smk): prep (world -> preference pairs, held-out queries, corpus, tokenizer) -> pretrain_lm
(small/ci: the shared tiny-LM stage on the description corpus; paper: GPT-J, a hub snapshot) -> finetune per seed
and arm (sft_pos, sft_all, c_sft, sft_u, coh: same pairs, steps and optimiser) -> evaluate per seed (oracle
score, win rate vs sft_pos, controllability) -> report (shared). Chains, masks and the unlikelihood term live
in `chains.py`.
"""
