"""Don't Stop Pretraining? Make Prompt-based Fine-tuning Powerful Learner (Shi & Lipani 2023, arXiv 2305.01711).

Stages (rules/pcp.smk): prep (small/ci: the reviews world -> MLM corpus, BPE tokenizer with a mask token, per task
a labelled pool, an unlabelled pool and a test set) -> pretrain_mlm (small/ci: the shared LM stage with an MLM
objective; paper: the hub's roberta-large) -> tapt (MLM on each task's raw unlabelled texts, once for all seeds)
-> prompt_ft per seed, task and init (base: the k-shot teacher, which also pseudo-labels the unlabelled pool;
tapt; pcp) and cls_ft (CLS-head baseline) -> build_pcp_corpus (template(x) with the pseudo-label's verbalizer word)
-> pcp_mlm (MLM on it) -> prompt_ft init=pcp -> aggregate (per seed differences) -> report.
The verbalizer-restricted prompt loss, the MLM masking and the PCP corpus builder live in `method.py`.
"""
