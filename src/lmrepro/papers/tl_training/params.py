"""Hyperparameters of TL-Training (Ye et al. 2024): the dataclass of each `params` section of
config/papers/tl_training.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.tools import ToolWorldConfig

ARMS = ("vanilla", "mae", "mae_pkt")


@dataclass
class PrepConfig:
    n_train: int = field(default=1200, metadata={"help": "teacher trajectories (paper: 1,217)"})
    n_test: int = field(default=400, metadata={"help": "spec Small scale: 400 held-out queries"})
    test_p_sibling: float = field(default=0.5, metadata={
        "help": "share of test queries listing the gold tool's same-prefix sibling (training: world.p_sibling)"})
    n_base_lines: int = field(default=0, metadata={
        "help": "lines of the base LM's copy corpus (0 = no base: the student starts from random weights)"})
    docstrings: bool = field(default=True, metadata={
        "help": "keep each tool's docstring in the system message (false: signatures only, a shorter context)"})


@dataclass
class SFTConfig:
    """§3.1 MAE and §3.2 PKT; the arm picks which."""
    arm: str = field(default="mae_pkt", metadata={"help": f"which arm a sft job runs: {', '.join(ARMS)}"})
    batch_size: int = field(default=16, metadata={"help": "spec Small scale: batch 16"})
    max_weight: float = field(default=9.0, metadata={"help": "PKT: key-token weight cap (paper: 9)"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")
        if self.max_weight < 1:
            raise ValueError(f"{where}.max_weight must be >= 1, got {self.max_weight}")


@dataclass
class IRMConfig:
    """§3.3 IRM: the graded reward, optimised by GRPO's clipped policy gradient (spec: PPO or REINFORCE with a
    baseline; the group of samples per prompt is the baseline here) with a KL penalty to the SFT model."""
    prompts_per_step: int = field(default=8, metadata={"help": "prompts per update (spec: 32 rollouts per update)"})
    samples_per_prompt: int = field(default=4, metadata={"help": "the GRPO group"})
    temperature: float = field(default=0.7, metadata={"help": "spec: T 0.7 for exploration (the repo: greedy)"})
    beta: float = field(default=0.3, metadata={"help": "KL coefficient (paper script: 0.3)"})
    epsilon: float = field(default=0.2, metadata={"help": "ratio clip (paper: 0.2)"})
    max_new_tokens: int = field(default=24, metadata={"help": "tokens per rollout (one call)"})

    def check(self, where: str) -> None:
        if self.samples_per_prompt < 2:
            raise ValueError(f"{where}.samples_per_prompt must be >= 2 (the group baseline), got "
                             f"{self.samples_per_prompt}")


@dataclass
class EvalConfig:
    max_new_tokens: int = field(default=24, metadata={"help": "greedy first call per query"})
    gen_batch: int = 200


@dataclass(kw_only=True)
class Params:
    """config/papers/tl_training.yaml `params`: one field per section."""

    world: ToolWorldConfig = field(default_factory=ToolWorldConfig, metadata={
        "help": "prep: the tool world, its queries and the noisy teacher (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: split sizes"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "pretrain_lm: the copy corpus, one line per row (lmrepro.common.batches)"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_lm: the shared LM stage trains the student's base (small/ci; paper: CodeLlama-7B)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the student (paper: CodeLlama-7B from the hub)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training"})
    sft: SFTConfig = field(default_factory=SFTConfig, metadata={"help": "sft: arm, batch, PKT cap"})
    sft_train: TrainConfig = field(metadata={"help": "sft: optimiser and schedule"})
    irm: IRMConfig = field(default_factory=IRMConfig, metadata={"help": "irm: rollouts and the policy loss"})
    irm_train: TrainConfig = field(metadata={"help": "irm: optimiser steps (updates) and lr"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: greedy decoding"})
