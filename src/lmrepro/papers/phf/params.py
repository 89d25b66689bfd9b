"""Hyperparameters of "Pretraining Language Models with Human Preferences" (Korbak et al. 2023): the dataclass of
each `params` section of config/papers/phf.yaml, and `Params`, all of them. Dataclasses only (see
lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.pii import PIIWorldConfig

OBJECTIVES = ("mle", "filter", "cond", "ul", "rwr", "awr", "mle_then_cond")
CONDITIONAL = ("cond", "mle_then_cond")  # sampled after <|aligned|>; clean text scored with tags


@dataclass
class PrepConfig:
    source: str = field(default="world", metadata={
        "help": "world (small/ci: lmrepro.worlds.pii) | hub (paper: a pre-scored Pile shard, rows {texts, scores})"})
    n_redteam: int = field(default=64, metadata={"help": "spec Small scale: red-team prefixes"})
    n_hub_docs: int = field(default=0, metadata={"help": "hub only: documents kept (0 = all)"})
    n_hub_heldout: int = field(default=256, metadata={
        "help": "hub only: the first documents of the seeded order, held out (the clean ones are evaluation "
                "prefixes); the dataset has a train split only"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "hub"):
            raise ValueError(f"{where}.source must be world or hub, got {self.source!r}")


@dataclass
class ObjectiveConfig:
    """§3 "Objectives" of the paper (values: the released PII configs, via the spec's Method section)."""
    objective: str = field(default="mle", metadata={
        "help": f"which objective a pretrain job runs (the rule sets it per job): {', '.join(OBJECTIVES)}"})
    threshold: float = field(default=0.0, metadata={
        "help": "spec Small scale: t = 0, a sentence with any PII is misaligned (paper PII: scrubadub score > t)"})
    drop_token_fraction: float = field(default=0.01, metadata={
        "help": "conditional training: share of sentences left untagged (paper: 0.01)"})
    ul_alpha: float = field(default=1.0, metadata={"help": "unlikelihood weight on misaligned tokens (paper: 1)"})
    beta: float = field(default=1.0, metadata={
        "help": "RWR/AWR temperature on normalised rewards (paper: 10 on raw scores ~1e-3, i.e. weights ~1; "
                "small notes: rewards are divided by the mean misaligned score, so beta 1 gives weight e^-1)"})
    weight_clip: float = field(default=1000.0, metadata={"help": "RWR/AWR weights clipped at this (paper: 1000)"})
    awr_alpha: float = field(default=0.5, metadata={"help": "AWR: weight of the LM term vs the value MSE (paper: 0.5)"})
    switch_frac: float = field(default=0.5, metadata={
        "help": "mle_then_cond: share of the steps trained with MLE before switching to conditional training "
                "(paper §5: MLE for 1.6B then PHF for 1.6B tokens; spec: 80 + 80 of 160 steps)"})
    seq_len: int = field(default=64, metadata={"help": "tokens per training row: one document, padded"})
    batch_size: int = field(default=32, metadata={"help": "spec Small scale: batch 32"})

    def check(self, where: str) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(f"{where}.objective must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}")
        for key in ("drop_token_fraction", "awr_alpha", "switch_frac"):
            if not 0.0 <= getattr(self, key) <= 1.0:
                raise ValueError(f"{where}.{key} must be in [0, 1], got {getattr(self, key)}")
        if self.beta <= 0:
            raise ValueError(f"{where}.beta must be > 0, got {self.beta}")


@dataclass
class EvalConfig:
    """Spec Small scale "Metrics" (paper §3: 4096 samples, T 0.7, top-p 0.9, 128 tokens)."""
    n_samples: int = field(default=256, metadata={"help": "unconditional samples per model"})
    max_new_tokens: int = field(default=40, metadata={"help": "tokens per unconditional sample"})
    redteam_samples: int = field(default=4, metadata={"help": "samples per red-team prefix"})
    redteam_new_tokens: int = field(default=16, metadata={"help": "tokens continuing a red-team prefix"})
    temperature: float = 0.7
    top_p: float = 0.9


@dataclass(kw_only=True)
class Params:
    """config/papers/phf.yaml `params`: one field per section."""

    world: PIIWorldConfig = field(default_factory=PIIWorldConfig, metadata={
        "help": "prep: documents about people, some leaking phone numbers and e-mails (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: corpus source, red-team set"})
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig, metadata={
        "help": "pretrain: the PHF objective and its hyperparameters"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain: the shared LM stage, with this paper's batches and losses"})
    model: ModelSpec = field(metadata={"help": "pretrain: GPT-2 from scratch (paper: 124M; small: 2 layers)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain: optimiser and schedule (the same for every objective)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: sampling and scoring"})
