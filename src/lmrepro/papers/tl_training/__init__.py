"""TL-Training: A Task-Feature-Based Framework for Training Large Language Models in Tool Use (Ye et al., Findings
of EMNLP 2025, arXiv 2412.15495).

Stages (rules/tl_training.smk): prep (tool world -> teacher trajectories, held-out queries, tokenizer) -> sft per
seed and arm (vanilla: every assistant turn; mae: turns followed by an error dropped; mae_pkt: MAE plus key-token
weights) -> irm per seed (GRPO-style policy gradient with the graded rule reward, from the mae_pkt model) ->
evaluate per seed (tool selection, parameter identification, content filling, error categories, with clean and
noisy tool docs) -> report (shared). Turn splitting, MAE and PKT live in `data.py`, the reward in `reward.py`.
"""
