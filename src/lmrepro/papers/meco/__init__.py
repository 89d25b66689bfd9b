"""MeCo — Metadata Conditioning then Cooldown (Gao et al., 2025, arXiv 2501.01956).

Stages (rules/meco.smk): gen_corpus -> pack {plain, meco, cooldown} -> pretrain {baseline, meco_stage1}
-> pretrain_cooldown (resumes meco_stage1) -> evaluate -> report (shared).
"""


# Config section -> the dataclass that types it ("model": a transformers config mapping). `onstart` builds every
# section from the resolved config, so a wrong key or type fails the workflow before any job runs.
PARAMS = {
    "world": "lmrepro.worlds.sources:SourcesWorldConfig",
    "corpus": "lmrepro.papers.meco.gen_corpus:CorpusConfig",
    "pack": "lmrepro.papers.meco.pack:PackConfig",
    "model": "model",
    "meco": "lmrepro.papers.meco.pretrain:MecoConfig",
    "run": "lmrepro.papers.meco.pretrain:RunConfig",
    "pretrain": "lmrepro.common.train:TrainConfig",
    "evaluate": "lmrepro.papers.meco.evaluate:EvalConfig",
}
