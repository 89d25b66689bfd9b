"""LID: Pre-Trained Language Models for Interactive Decision-Making (Li et al. 2022, arXiv 2202.01771).
Spec: ../shared/papers/lid.md. Stages: prep, (shared) pretrain_lm, bc (per policy arm), adg (per arm), report."""
