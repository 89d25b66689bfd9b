"""Hyperparameters of SPaR (Cheng et al. 2024): the dataclass of each `params` section of config/papers/spar.yaml,
and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.instructions import InstructionWorldConfig

ARMS = ("interfering", "refined")


@dataclass
class PrepConfig:
    n_sft: int = field(default=2000, metadata={"help": "SFT rows (spec: ~50% satisfy their constraint)"})
    n_prompts: int = field(default=1200, metadata={"help": "self-play instruction pool (per iteration: a shuffle)"})
    n_eval: int = field(default=300, metadata={"help": "spec: 300 held-out instructions"})


@dataclass
class SelfPlayConfig:
    """§3 of the paper: sampling, judging, tree-search refinement; spec Small scale "Pair construction"."""
    arm: str = field(default="refined", metadata={"help": f"which pairs an iterate job builds: {', '.join(ARMS)}"})
    iteration: int = field(default=1, metadata={"help": "self-play iteration (the rule sets it; 1 starts from SFT)"})
    n_pairs: int = field(default=400, metadata={"help": "spec: 400 pairs per arm and iteration"})
    n_samples: int = field(default=5, metadata={"help": "paper: 5 responses per prompt"})
    temperature: float = field(default=0.7, metadata={"help": "paper: T ~0.7"})
    branch: int = field(default=3, metadata={"help": "BFS: children per node (paper: 3)"})
    keep: int = field(default=2, metadata={"help": "BFS: nodes kept per depth (paper: 2)"})
    depth: int = field(default=3, metadata={"help": "BFS: maximum depth (paper: 3)"})
    max_new_tokens: int = field(default=12, metadata={"help": "tokens per sampled response"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")
        if self.iteration < 1:
            raise ValueError(f"{where}.iteration must be >= 1, got {self.iteration}")


@dataclass
class DPOConfig:
    beta: float = field(default=0.1, metadata={"help": "paper: DPO beta 0.1"})
    sft_weight: float = field(default=0.1, metadata={"help": "paper: NLL on chosen, weight 0.1 (pref_ftx)"})
    batch_size: int = field(default=16, metadata={"help": "spec: batch 16"})


@dataclass
class EvalConfig:
    max_new_tokens: int = 12
    gen_batch: int = 300


@dataclass(kw_only=True)
class Params:
    """config/papers/spar.yaml `params`: one field per section."""

    world: InstructionWorldConfig = field(default_factory=InstructionWorldConfig, metadata={
        "help": "prep: constrained instructions, checkers, the noisy judge, the edit space (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: split sizes"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "pretrain_lm: SFT rows per step (the actor's supervised start)"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared LM stage runs the actor's SFT"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the actor (paper: Llama-3-8B-Instruct)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: SFT steps and lr"})
    selfplay: SelfPlayConfig = field(default_factory=SelfPlayConfig, metadata={"help": "iterate: pair building"})
    dpo: DPOConfig = field(default_factory=DPOConfig, metadata={"help": "iterate: DPO + NLL on chosen"})
    dpo_train: TrainConfig = field(metadata={"help": "iterate: optimiser and schedule"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: greedy decoding"})
