"""Evidence of meaning in LMs trained on programs (Jin & Rinard, 2023, arXiv 2305.11169; ICML 2024 "Emergent
Representations of Program Semantics in Language Models Trained on Programs").

Stages (rules/karel_meaning.smk): gen_karel -> check_interpreter; gen_karel -> train_lm (checkpoints across
training) -> gen_programs (generative accuracy per checkpoint) and probe (direction probes per checkpoint, true
and alternative semantics) -> report (shared).
"""

# Config section -> the dataclass that types it ("model": a transformers config mapping); built in onstart.
PARAMS = {
    "world": "lmrepro.worlds.programs:ProgramsConfig",
    "data": "lmrepro.papers.karel_meaning.gen_karel:DataConfig",
    "parity": "lmrepro.papers.karel_meaning.check_interpreter:ParityConfig",
    "model": "model",
    "train": "lmrepro.common.train:TrainConfig",
    "pretrain_lm": "lmrepro.common.params:PretrainLMConfig",
    "lm": "lmrepro.papers.karel_meaning.lm_data:LMConfig",
    "generate": "lmrepro.papers.karel_meaning.gen_programs:GenerateConfig",
    "probe": "lmrepro.papers.karel_meaning.probe:ProbeConfig",
}
