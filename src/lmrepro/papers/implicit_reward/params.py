"""Hyperparameters of "Implicit Reward as the Bridge" (Wang et al. 2025): the dataclass of each `params` section of
config/papers/implicit_reward.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.judge import JudgeConfig
from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.feedback import FeedbackWorldConfig


@dataclass
class PrepConfig:
    source: str = field(default="world", metadata={
        "help": "world (small scale) | hub (paper: ultrachat_200k SFT rows, ultrafeedback_binarized pairs)"})
    sft_share: float = field(default=0.3, metadata={
        "help": "spec Small scale: SFT demonstrations cover this share of the fine-tuning entities"})
    n_dpo_pairs: int = field(default=1600, metadata={"help": "spec: DPO pairs on the SFT entity subset"})
    n_eval_pairs: int = field(default=300, metadata={"help": "held-out-entity pairs for the implicit-reward ranking"})
    n_sft_rows: int = field(default=0, metadata={"help": "hub only: SFT conversations kept (0 = all)"})
    pretrain_reports: int = field(default=0, metadata={
        "help": "times each non-SFT fine-tuning entity's answer-format report joins the base's corpus (held-out "
                "entities never do): a base that has seen the format, as a real pretrained LM has seen chat text"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "hub"):
            raise ValueError(f"{where}.source must be world or hub, got {self.source!r}")
        if not 0.0 < self.sft_share <= 1.0:
            raise ValueError(f"{where}.sft_share must be in (0, 1], got {self.sft_share}")


@dataclass
class ArmsConfig:
    """The paper's main comparison (abstract, §4): the same SFT data and steps at a standard and a reduced lr."""
    lr_high: float = field(default=3.0e-3, metadata={"help": "spec Small scale: the standard SFT lr"})
    lr_low: float = field(default=3.0e-4, metadata={"help": "spec Small scale: the reduced SFT lr (fix 1)"})
    sft_batch_size: int = field(default=16, metadata={"help": "spec: SFT batch 16"})
    arm: str = field(default="low", metadata={"help": "which arm a sft/dpo job runs (the rule sets it per job)"})

    def check(self, where: str) -> None:
        if self.arm not in ("high", "low"):
            raise ValueError(f"{where}.arm must be high or low, got {self.arm!r}")

    @property
    def lr(self) -> float:
        return self.lr_high if self.arm == "high" else self.lr_low


@dataclass
class DPOConfig:
    beta: float = field(default=0.1, metadata={"help": "spec DPO stage: beta 0.1 (paper: 0.01-0.1, verify)"})
    batch_size: int = field(default=16, metadata={"help": "pairs per step"})

    def check(self, where: str) -> None:
        if self.beta <= 0:
            raise ValueError(f"{where}.beta must be > 0, got {self.beta}")


@dataclass
class EvalConfig:
    beta: float = field(default=0.1, metadata={
        "help": "scale of the SFT model's implicit reward beta * log(pi_SFT / pi_base) (the ranking ignores it)"})
    max_new_tokens: int = field(default=24, metadata={"help": "greedy answers: n_attributes x 4 tokens + '.'"})
    gen_batch: int = 256
    rubric: str = field(default="The response follows the user's instruction helpfully and accurately.", metadata={
        "help": "paper scale: the judge's criterion (AlpacaEval 2's own prompt is not used; ours, verify)"})


@dataclass(kw_only=True)
class Params:
    """config/papers/implicit_reward.yaml `params`: one field per section."""

    world: FeedbackWorldConfig = field(default_factory=FeedbackWorldConfig, metadata={
        "help": "prep: entities with attributes, description corpus, demonstrations and pairs (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: the data splits"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "pretrain_lm: the description corpus, one sentence per row (lmrepro.common.batches)"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_lm: the shared LM stage trains the base on the description corpus (small/ci only)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base LM (paper: 7-8B hub models)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training"})
    arms: ArmsConfig = field(default_factory=ArmsConfig, metadata={"help": "sft: the two learning rates"})
    sft: TrainConfig = field(metadata={"help": "sft: steps and schedule (the lr comes from `arms`)"})
    dpo: DPOConfig = field(default_factory=DPOConfig, metadata={"help": "dpo: sigmoid DPO, reference = SFT model"})
    dpo_train: TrainConfig = field(metadata={"help": "dpo: the optimiser and schedule"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: KL to base, oracle scores, implicit-reward ranking, token-level credit"})
    judge: JudgeConfig = field(default_factory=JudgeConfig, metadata={
        "help": "evaluate (paper scale, no oracle): win rates against the preferred reference, off by default"})
