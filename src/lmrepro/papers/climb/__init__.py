"""CLIMB: Curriculum Learning for Infant-inspired Model Building (Diehl Martinez et al. 2023, arXiv 2311.08886).

Stages: prep (grammar world -> corpus, frequency-ordered tokenizer, unigram difficulty, minimal pairs),
pretrain (one arm: baseline | vocab_curr | data_curr | obj_curr | default_cfg), eval_pll (PLL minimal pairs).
"""

# Config section -> the dataclass that types it ("model": a transformers config mapping); `onstart` builds every
# section from the resolved config, so a wrong key or type fails the workflow before any job runs.
PARAMS = {
    "grammar": "lmrepro.worlds.grammar:GrammarConfig",
    "corpus": "lmrepro.papers.climb.prep:CorpusConfig",
    "climb": "lmrepro.papers.climb.pretrain:ClimbConfig",
    "run": "lmrepro.papers.climb.pretrain:RunConfig",
    "vocab_pacing": "lmrepro.papers.climb.curricula:Pacing",
    "data_pacing": "lmrepro.papers.climb.curricula:Pacing",
    "model": "model",
    "default_model": "model",
    "pretrain": "lmrepro.common.train:TrainConfig",
    "default_pretrain": "lmrepro.common.train:TrainConfig",
}
