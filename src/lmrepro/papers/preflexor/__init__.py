"""PRefLexOR: Preference-based Recursive Language Modeling for Exploratory Optimization of Reasoning and Agentic
Thinking (Buehler 2024, arXiv 2410.12375).

Stages (rules/preflexor.smk): prep (knowledge-graph world -> fact corpus, retrieval index, questions with the
teacher's thinking, tokenizer) -> pretrain_lm (small/ci: the shared LM stage on the fact corpus; paper: the hub's
Llama-3.2-3B-Instruct) -> add_special_tokens (thinking/reflect tokens, resized embeddings) -> sft per arm
(sft_direct, sft_think) and preference rounds per arm (preflexor: on-policy rejected; orpo_static: a fixed
corrupted rejected): ORPO rounds (Phase I) then EXO-pair rounds with the thinking span masked (Phase II) ->
evaluate (exact match, format validity, thinking faithfulness, corrected-thinking regeneration) -> report.
The losses live in `lmrepro.common.preference` (orpo_loss, exo_pair_loss; checked against trl); the thinking
format and the answer-only mask in `thinking.py`.
"""
