"""Hyperparameters of prior influence (Zhang et al. 2025): the dataclass of each `params` section of
config/papers/prior_influence.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.prior_counting import PriorCountingWorldConfig

ARMS = ("selected", "other", "all")


@dataclass
class PromptConfig:
    """How a task item becomes a prompt (paper: Embers-style task prompts; small: the world's toy format)."""
    counting: str = field(default="count {target} : {items} =", metadata={
        "help": "spec Method (a): the counting prompt; {target}, {items} (space-joined)"})
    control: str = field(default="last : {items} =", metadata={"help": "spec Small scale: the flat-prior control"})
    neutral: str = field(default="the number is", metadata={
        "help": "spec Method: the task-free frame whose next-token distribution is the prior"})
    answer_prefix: str = field(default=" ", metadata={
        "help": "what joins a prompt to its single-token answer (Llama 3 splits ' 10' in two: '' and prompts "
                "ending in a space)"})


@dataclass
class TasksConfig:
    n_eval_per_answer: int = field(default=40, metadata={"help": "base-model counting prompts per answer N (C1)"})
    n_probe_per_answer: int = field(default=30, metadata={"help": "probe-split prompts per N (C3, own split)"})
    n_ft: int = field(default=3200, metadata={"help": "finetuning prompts, answers in A_ft only (C4)"})
    n_test_per_answer: int = field(default=40, metadata={"help": "held-out prompts per A_test answer (C4)"})
    n_control: int = field(default=400, metadata={"help": "control-task prompts (flat prior)"})
    ft_answers: str = field(default="odd", metadata={
        "help": "spec Small scale: finetune on odd N, test on even N (odd | even)"})

    def check(self, where: str) -> None:
        if self.ft_answers not in ("odd", "even"):
            raise ValueError(f"{where}.ft_answers must be 'odd' or 'even', got {self.ft_answers!r}")
        if min(self.n_eval_per_answer, self.n_probe_per_answer, self.n_test_per_answer, self.n_ft,
               self.n_control) < 1:
            raise ValueError(f"{where}: every count must be >= 1")


@dataclass
class BaseDataConfig:
    batch_size: int = field(default=32, metadata={"help": "spec Small scale: batch 32"})
    mix: list[float] = field(default_factory=lambda: [0.70, 0.25, 0.05], metadata={
        "help": "spec: 70% descriptive / 25% counting / 5% control rows"})
    sentences_per_row: int = field(default=6, metadata={"help": "descriptive sentences packed into one row"})
    p_count_from_prior: float = field(default=0.0, metadata={
        "help": "share of pretraining counting rows whose N follows the world prior (else uniform 1..max_number)"})

    def check(self, where: str) -> None:
        if len(self.mix) != 3 or min(self.mix) < 0 or sum(self.mix) <= 0:
            raise ValueError(f"{where}.mix must be 3 non-negative weights (descriptive, counting, control)")
        if not 0.0 <= self.p_count_from_prior <= 1.0:
            raise ValueError(f"{where}.p_count_from_prior must be in [0, 1]")


@dataclass
class ProbeConfig:
    alphas: list[float] = field(default_factory=lambda: [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0], metadata={
        "help": "spec Method C3: ridge alpha chosen by CV (sklearn RidgeCV)"})
    test_frac: float = field(default=0.5, metadata={"help": "spec: a 50/50 probe split"})
    batch_size: int = 128

    def check(self, where: str) -> None:
        if not 0 < self.test_frac < 1:
            raise ValueError(f"{where}.test_frac must be in (0, 1)")


@dataclass
class FinetuneConfig:
    arm: str = field(default="selected", metadata={
        "help": "spec Method C4: train the probe-selected block, another block (same budget), or all blocks"})
    batch_size: int = field(default=16, metadata={"help": "spec: batch 16"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {ARMS}, got {self.arm!r}")


@dataclass
class EvalConfig:
    batch_size: int = 256


@dataclass(kw_only=True)
class Params:
    """config/papers/prior_influence.yaml `params`: one field per section."""

    world: PriorCountingWorldConfig = field(default_factory=PriorCountingWorldConfig, metadata={
        "help": "gen_tasks and pretraining: the counting world (spec Small scale)"})
    prompt: PromptConfig = field(default_factory=PromptConfig, metadata={"help": "task and neutral templates"})
    tasks: TasksConfig = field(default_factory=TasksConfig, metadata={
        "help": "gen_tasks: eval / probe / finetune / held-out / control prompts (spec DAG gen_tasks)"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_base: the shared LM stage on prior_influence.pretrain_data (small/ci only)"})
    base_data: BaseDataConfig = field(default_factory=BaseDataConfig, metadata={
        "help": "pretrain_base: the world mixture"})
    model: ModelSpec = field(metadata={"help": "pretrain_base: the base LM (paper: an 8B instruct model, TO VERIFY)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_base: its training (spec: 1000 steps, lr 1e-3)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "eval_base and eval_heldout"})
    probe: ProbeConfig = field(default_factory=ProbeConfig, metadata={"help": "fit_probes: ridge per layer (C3)"})
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig, metadata={
        "help": "finetune: which blocks train (C4)"})
    finetune_train: TrainConfig = field(metadata={
        "help": "finetune: its optimiser (spec: AdamW lr 1e-4 full layer, a few hundred steps; TO VERIFY)"})
