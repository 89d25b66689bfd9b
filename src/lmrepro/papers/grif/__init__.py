"""GRIF (Myers et al. 2023, arXiv 2307.00117): goal representations for instruction following. Spec:
../shared/papers/grif.md. Stages: gen_data (BabyAI bot demos, a small labeled subset) -> train_policies (phase 1
alignment, then the five policies: GRIF, LCBC, joint-noalign, GRIF-goalonly, oracle LCBC) -> eval_rollouts
(language- and goal-mode success per split, alignment retrieval) -> report."""
