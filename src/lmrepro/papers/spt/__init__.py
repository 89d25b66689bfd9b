"""SPT — Semantic-aware Permutation Training against the reversal curse (Guo et al., 2024, arXiv 2403.00758).

Stages (rules/spt.smk): gen_facts -> train {standard, tokrev, spt, spt_random} -> evaluate -> report (shared).
"""

# Config section -> the dataclass that types it ("model": a transformers config mapping); built in onstart.
PARAMS = {
    "world": "lmrepro.worlds.entities:EntitiesConfig",
    "model": "model",
    "pretrain_lm": "lmrepro.common.params:PretrainLMConfig",
    "arms": "lmrepro.papers.spt.arms:ArmsConfig",
    "run": "lmrepro.papers.spt.arms:RunConfig",
    "train": "lmrepro.common.train:TrainConfig",
    "evaluate": "lmrepro.papers.spt.evaluate:EvalConfig",
}
