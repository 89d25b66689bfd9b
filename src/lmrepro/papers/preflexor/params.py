"""preflexor's hyperparameters: one dataclass per section of config/papers/preflexor.yaml, and `Params`, all of
them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.kg import KGConfig

SFT_ARMS = ("sft_direct", "sft_think")
PREFERENCE_ARMS = ("preflexor", "orpo_static")
PHASES = ("orpo", "exo")


@dataclass
class SFTConfig:
    arm: str = field(default="sft_think", metadata={"help": f"the sft rule sets it: {', '.join(SFT_ARMS)}"})
    batch_size: int = field(default=16, metadata={"help": "spec: batch 16"})

    def check(self, where: str) -> None:
        if self.arm not in SFT_ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(SFT_ARMS)}, got {self.arm!r}")


@dataclass
class RoundsConfig:
    """Paper: datasets regenerated on the fly each round (questions, teacher answers, the trained model's own
    answers as rejected); spec Small scale: 4 ORPO rounds then 2 EXO rounds of 30 steps each."""
    arm: str = field(default="preflexor", metadata={
        "help": f"the round rule sets it: {', '.join(PREFERENCE_ARMS)} (orpo_static: rejected = a fixed corrupted "
                "answer, testing on-policy regeneration)"})
    phase: str = field(default="orpo", metadata={"help": f"the round rule sets it: {', '.join(PHASES)}"})
    round: int = field(default=1, metadata={"help": "the round rule sets it (1 starts from the tokens-added base)"})
    orpo_rounds: int = field(default=4, metadata={"help": "Phase I rounds (paper: 50)"})
    exo_rounds: int = field(default=2, metadata={"help": "Phase II rounds (paper: 50)"})
    batch_size: int = field(default=16, metadata={"help": "pairs per step (paper: 1 x grad-acc 2)"})
    temperature: float = field(default=1.0, metadata={"help": "sampling the on-policy rejected answers"})
    max_new_tokens: int = field(default=18, metadata={"help": "tokens per on-policy answer"})

    def check(self, where: str) -> None:
        if self.arm not in PREFERENCE_ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(PREFERENCE_ARMS)}, got {self.arm!r}")
        if self.phase not in PHASES:
            raise ValueError(f"{where}.phase must be one of {', '.join(PHASES)}, got {self.phase!r}")
        if min(self.orpo_rounds, self.exo_rounds) < 1:
            raise ValueError(f"{where}: orpo_rounds and exo_rounds must be >= 1")
        last = self.orpo_rounds if self.phase == "orpo" else self.exo_rounds
        if not 1 <= self.round <= last:
            raise ValueError(f"{where}.round must be in 1..{last} for phase {self.phase}, got {self.round}")


@dataclass
class ORPOConfig:
    beta: float = field(default=0.1, metadata={"help": "paper Phase I: ORPO lambda (trl beta) 0.1"})
    nll_on_prompt: bool = field(default=True, metadata={
        "help": "NLL over prompt + chosen as trl's ORPOTrainer (which PRefLexOR subclasses); false: chosen only"})


@dataclass
class EXOConfig:
    beta: float = field(default=0.1, metadata={"help": "paper Phase II: beta 0.1"})
    label_smoothing: float = field(default=5e-3, metadata={"help": "paper Phase II: eps 5e-3 (must be > 0)"})

    def check(self, where: str) -> None:
        if not 0.0 < self.label_smoothing < 1.0:
            raise ValueError(f"{where}.label_smoothing must be in (0, 1) for exo_pair, got {self.label_smoothing}")


@dataclass
class EvalConfig:
    max_new_tokens: int = 18
    gen_batch: int = 300


@dataclass(kw_only=True)
class Params:
    """config/papers/preflexor.yaml `params`: one field per section."""

    world: KGConfig = field(default_factory=KGConfig, metadata={
        "help": "prep: the knowledge graph, its fact corpus and the question split (small/ci)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={"help": "pretrain_lm: fact lines per step"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared LM stage (small/ci base)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base (paper: Llama-3.2-3B-Instruct)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: steps and lr"})
    sft: SFTConfig = field(default_factory=SFTConfig, metadata={"help": "sft: the two SFT arms"})
    sft_train: TrainConfig = field(metadata={"help": "sft: optimiser (steps = the preference arms' total)"})
    rounds: RoundsConfig = field(default_factory=RoundsConfig, metadata={"help": "round: on-the-fly datasets"})
    orpo: ORPOConfig = field(default_factory=ORPOConfig, metadata={"help": "round, phase orpo: the ORPO loss"})
    orpo_train: TrainConfig = field(metadata={"help": "round, phase orpo: optimiser, steps per round"})
    exo: EXOConfig = field(default_factory=EXOConfig, metadata={"help": "round, phase exo: the EXO-pair loss"})
    exo_train: TrainConfig = field(metadata={"help": "round, phase exo: optimiser, steps per round"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: greedy decoding"})
