"""SAMI — Self-Supervised Alignment with Mutual Information (Fränken et al., NeurIPS 2024, arXiv 2404.14313).

Stages (rules/sami.smk): prep (world or dataset -> queries, constitutions, pretraining corpus, tokenizer)
-> pretrain_base (small scale only; paper scale reads a hub snapshot) -> {sami, self_sft} per seed (3 x
[sample C responses per query -> train]) -> evaluate per seed (checker adherence, win rates, constitution
identification, grammar validity) -> report (shared). Method pieces live in `method.py`; `_loop.py` is the
body the `sami` and `self_sft` stages share (they differ only in the objective).

Small-scale design changes from the spec (details in config/papers/sami.yaml, scales.small.notes): the world's
base habit and p_obey are calibrated so the base's greedy adherence is ~0.62 (spec: ~0.65); beta = 1.0 (the
paper's optional KL term), because with beta = 0 the tiny model degenerates within two iterations; self-SFT
iterates on its own samples like SAMI. Paper scale: prep reads single-turn Anthropic/hh-rlhf queries and the
configured constitutions; the GPT-4 judge of the paper's evaluation is not implemented (evaluate uses the
world's checkers and needs the world).
"""
