"""CLIMB: Curriculum Learning for Infant-inspired Model Building (Diehl Martinez et al. 2023, arXiv 2311.08886).

Stages: prep (grammar world -> corpus, frequency-ordered tokenizer, unigram difficulty, minimal pairs),
pretrain (one arm: baseline | vocab_curr | data_curr | obj_curr | default_cfg), eval_pll (PLL minimal pairs).
"""
