"""SPaR: Self-Play with Tree-Search Refinement to Improve Instruction-Following in Large Language Models (Cheng et
al., ICLR 2025, arXiv 2412.11605).

Stages (rules/spar.smk): prep (instruction world -> SFT corpus, self-play prompts, held-out instructions,
tokenizer) -> pretrain_lm (the actor's SFT: the shared LM stage on instruction -> response rows) -> iterate per
seed, arm (interfering | refined) and iteration (1, 2): the actor samples, a noisy judge labels, pairs are built
(independent pass/fail samples, or a failing sample and its tree-search refinement), DPO + NLL on chosen ->
evaluate per seed (pass rate, the interfering factor's drift) -> report (shared). Pair building lives in
`pairs.py`; the DPO + NLL loss in `lmrepro.common.preference.dpo_sft_loss` (checked against trl).
"""
