"""Hyperparameters of SPT (Guo et al. 2024): the dataclass of each `params` section of config/papers/spt.yaml, and
`Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.entities import EntitiesConfig

ARMS = ("standard", "tokrev", "spt", "spt_random")


@dataclass
class ArmsConfig:
    run: tuple[str, ...] = ARMS
    spt_probs: tuple[float, float, float] = (1 / 3, 1 / 3, 1 / 3)  # paper: "with a certain probability"
    tokrev_p: float = 0.5  # spec: half of the examples reversed
    batch_size: int = 64

    def check(self, where: str) -> None:
        unknown = set(self.run) - set(ARMS)
        if unknown or not self.run:
            raise ValueError(f"{where}.run must be a non-empty subset of {ARMS}, got {self.run}")
        if len(self.spt_probs) != 3 or min(self.spt_probs) < 0 or sum(self.spt_probs) <= 0:
            raise ValueError(f"{where}.spt_probs must be 3 non-negative weights (original, reversed, permuted)")
        if not 0.0 <= self.tokrev_p <= 1.0:
            raise ValueError(f"{where}.tokrev_p must be in [0, 1], got {self.tokrev_p}")


@dataclass
class RunConfig:
    arm: str = "standard"

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {ARMS}, got {self.arm!r}")


@dataclass
class FactsConfig:
    source: str = "world"  # world: the entities world (small/ci); official: the reversal-curse files (paper)
    official_dir: str = "data/reverse_experiments/june_version_7921032488"  # in lukasberglund/reversal_curse

    def check(self, where: str) -> None:
        if self.source not in ("world", "official"):
            raise ValueError(f"{where}.source must be 'world' or 'official', got {self.source!r}")


@dataclass
class SegmentConfig:
    """Paper §3: an assistant LLM (Vicuna-13B) splits each training sentence into semantic chunks."""
    prompt: str = ("Split the sentence into short semantic chunks (names, titles and phrases stay whole). "
                   "Answer with the chunks separated by ' | ' and nothing else.\nSentence: {sentence}\nChunks:")
    max_new_tokens: int = 96
    batch: int = 16


@dataclass
class EvalConfig:
    batch: int = 4096  # sequences per forward pass when ranking


@dataclass(kw_only=True)
class Params:
    """config/papers/spt.yaml `params`: one field per section."""

    facts: FactsConfig = field(default_factory=FactsConfig, metadata={
        "help": "gen_facts: where the facts come from (the world, or the official reversal-curse identities)"})
    world: EntitiesConfig = field(default_factory=EntitiesConfig, metadata={
        "help": "gen_facts: the entities world (facts.source=world)"})
    segment: SegmentConfig = field(default_factory=SegmentConfig, metadata={
        "help": "segment: the assistant LLM's chunking of the official sentences (paper §3)"})
    model: ModelSpec = field(metadata={"help": "train: the LM"})
    arms: ArmsConfig = field(default_factory=ArmsConfig, metadata={
        "help": "the arms the workflow runs and their permutation settings (paper §3; baselines §4)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "train: which arm this job trains"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "train: the shared LM stage trains each arm from scratch on spt.arms' batches"})
    train: TrainConfig = field(metadata={"help": "train: its training"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: forward and reverse recall"})
