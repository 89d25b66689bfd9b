"""On the Loss of Context-awareness in General Instruction Fine-tuning (Wang, Bai, Peng, Hsieh 2024, arXiv
2411.02688).

Stages (rules/context_awareness.smk): prep (the knowledge world, known / unknown facts, tokenizer) ->
pretrain_base (small/ci: a tiny Llama on plain facts and document-QA; paper: a hub snapshot) -> build_sft_mix per
seed (parametric, context-dependent and misc conversations) -> sft [vanilla] -> score_dependency (the vanilla
model as the probe: user-attention ratio per response, threshold, `[IND]` appended -> sft_ind) -> sft
[indicator] -> evaluate (toy NIH, counterfactual-context QA, closed-book QA) -> report (shared). Method pieces
(the score, the indicator, NIH scoring, prediction helpers) live in `method.py`, text formats in `data.py`.
Attention steering (paper C2, PASTA) is not implemented.
"""
