"""SAR: Shifting Attention to Relevance (Duan et al., ACL 2024, arXiv 2307.01379).

Stages (rules/sar.smk): prep (typed knowledge world -> fact corpus at exposure levels 0/1/2/8, QA pairs in
random filler frames, held-out test questions, tokenizer) -> pretrain_lm (small/ci: the shared LM stage; paper:
a hub model) -> generate (K sampled answers + one greedy answer per question, teacher-forced token NLLs) ->
relevance (the relevance model: leave-one-token-out similarity per generated token, the K x K sentence
similarity, semantic clusters for SE) -> evaluate (correctness, PE / LN-PE / LS / SE / TokenSAR / SentSAR / SAR,
AUROC of predicting incorrectness, and the peer check against lm-polygraph's estimators) -> report.
The paper's scores live in `scores.py` (tested against lm-polygraph), the relevance arrays in `relevance.py`.
"""
