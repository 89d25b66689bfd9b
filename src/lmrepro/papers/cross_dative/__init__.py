"""Cross-dative generalization in simulated learners (Misra & Kim 2024, arXiv 2408.05086).
Spec: ../shared/papers/cross_dative.md.

Stages (rules/cross_dative.smk), per LM seed:
    gen_corpus (child-directed-speech-like world text with harmonically aligned datives) -> pretrain_lm (a tiny
    OPT; paper scale: the released smolm checkpoints instead) -> gen_stimuli (exposures, generalization pairs,
    validation sentences) -> expose (novel token " [verb]": Gaussian init, embedding-only learning, best epoch
    by validation, re-run to it) -> score (delta log-prob of the unseen construction); then `analyze` (OLS with
    seed fixed effects, all seeds) and the shared report.
Helpers: `learner.py` (the Learner: novel-token init, freezing, gradient masking, sentence scoring, exposure
training; scoring tested against minicons in tests/test_cross_dative.py), `stats.py` (deltas, bootstrap, OLS).
"""
