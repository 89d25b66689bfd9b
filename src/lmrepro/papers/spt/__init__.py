"""SPT — Semantic-aware Permutation Training against the reversal curse (Guo et al., 2024, arXiv 2403.00758).

Stages (rules/spt.smk): gen_facts -> train {standard, tokrev, spt, spt_random} -> evaluate -> report (shared).
"""
