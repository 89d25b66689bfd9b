"""SPT — Semantic-aware Permutation Training against the reversal curse (Guo et al., 2024, arXiv 2403.00758).

Stages (rules/spt.smk): gen_facts -> train {standard, tokrev, spt, spt_random} -> evaluate -> report (shared).
"""

# Config section -> the dataclass that types it ("model": a transformers config mapping); built in onstart.
PARAMS = {
    "world": "lmrepro.worlds.entities:EntitiesConfig",
    "model": "model",
    "arms": "lmrepro.papers.spt.train:ArmsConfig",
    "run": "lmrepro.papers.spt.train:RunConfig",
    "train": "lmrepro.common.train:TrainConfig",
    "evaluate": "lmrepro.papers.spt.evaluate:EvalConfig",
}
