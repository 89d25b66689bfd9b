"""Know the Unknown: An Uncertainty-Sensitive Method for LLM Instruction Tuning (US-Tuning; Li, Tang & Yang,
Findings of ACL 2025, arXiv 2406.10099).

Stages (rules/uncertainty_tuning.smk): prep (context-QA world -> cleaned benchmark split by sibling group,
stage-1 cognition rows, stage-2 prompt-sensitive QA rows with checking/revision targets, tokenizer) ->
pretrain_lm (small/ci: the base instruct model, answerable QA only, fresh items every step; paper: the hub chat
model) -> finetune per arm (stage1 from the base; us_tuned and us_tuned_faithful from stage1; abl_s2 from the base)
-> evaluate (known / unknown / overall / cognition accuracy per model) -> report.
Prompts, targets and the scoring rules live in `formats.py`; item generation in `data.py`.
"""
