"""MeCo — Metadata Conditioning then Cooldown (Gao et al., 2025, arXiv 2501.01956).

Stages (rules/meco.smk): gen_corpus -> pack {plain, meco, cooldown} -> pretrain {baseline, meco_stage1}
-> pretrain_cooldown (resumes meco_stage1) -> evaluate -> report (shared).
"""
