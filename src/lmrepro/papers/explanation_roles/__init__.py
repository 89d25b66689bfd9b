"""When Can Models Learn From Explanations? (Hase & Bansal, 2021, arXiv 2102.02201): explanations as inputs via
retrieval, on the paper's synthetic task, with the preconditions it names.

Stages (rules/explanation_roles.smk): gen_synthetic (world variants) and pretrain_reader (once, base seed) ->
build_index (fixed retriever) -> finetune per arm -> evaluate -> report (shared).
"""
