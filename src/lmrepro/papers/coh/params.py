"""Hyperparameters of Chain of Hindsight (Liu et al., ICLR 2024): the dataclass of each `params` section of
config/papers/coh.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.judge import JudgeConfig
from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.feedback import FeedbackWorldConfig

METHODS = ("sft_pos", "sft_all", "c_sft", "sft_u", "coh")


@dataclass
class PrepConfig:
    source: str = field(default="world", metadata={
        "help": "world (small scale) | hub (paper: Anthropic/hh-rlhf comparisons; its test prompts are held out)"})
    n_pairs: int = field(default=600, metadata={"help": "spec Small scale: 600 pairs over the fine-tuning entities"})
    n_heldout: int = field(default=500, metadata={"help": "hub only: held-out test prompts"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "hub"):
            raise ValueError(f"{where}.source must be world or hub, got {self.source!r}")


@dataclass
class FinetuneConfig:
    """The five arms (paper §4 baselines + CoH), same data, steps and optimiser; `method` picks one per job."""
    method: str = field(default="coh", metadata={"help": "sft_pos | sft_all | c_sft | sft_u | coh"})
    batch_size: int = field(default=16, metadata={"help": "spec: 120 steps x batch 16"})
    p_pair_chain: float = field(default=0.5, metadata={
        "help": "coh: share of chains that hold both answers (ordered pair, paper §2); the rest are single"})
    context_mask_frac: float = field(default=0.03, metadata={
        "help": "coh: share of past (non-target) tokens hidden from attention in training (paper §2.2: 0-5%)"})
    pretrain_weight: float = field(default=0.1, metadata={
        "help": "coh: weight of the pretraining LM loss added to the feedback loss (repo: 0.01; spec: 0.1 here)"})
    unlikelihood_weight: float = field(default=1.0, metadata={"help": "sft_u: weight of the unlikelihood term on y-"})
    max_len: int = field(default=0, metadata={
        "help": "tokens per sequence, a longer one keeps its end (paper: GPT-J's 2048 context); 0 = no limit"})

    def check(self, where: str) -> None:
        if self.method not in METHODS:
            raise ValueError(f"{where}.method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if not 0.0 <= self.context_mask_frac < 1.0:
            raise ValueError(f"{where}.context_mask_frac must be in [0, 1), got {self.context_mask_frac}")
        if not 0.0 <= self.p_pair_chain <= 1.0:
            raise ValueError(f"{where}.p_pair_chain must be in [0, 1], got {self.p_pair_chain}")
        if self.max_len < 0:
            raise ValueError(f"{where}.max_len must be >= 0 (0 = no limit), got {self.max_len}")


@dataclass
class EvalConfig:
    max_new_tokens: int = field(default=24, metadata={"help": "greedy answers: n_attributes x 4 tokens + '.'"})
    gen_batch: int = 256
    rubric: str = field(default="The response is helpful, honest and harmless.", metadata={
        "help": "paper scale: the judge's criterion (the paper's human raters compared helpfulness; ours, verify)"})


@dataclass(kw_only=True)
class Params:
    """config/papers/coh.yaml `params`: one field per section."""

    world: FeedbackWorldConfig = field(default_factory=FeedbackWorldConfig, metadata={
        "help": "prep: entities with attributes, description corpus, preference pairs (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: the pairs"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "pretrain_lm and coh's regulariser: the description corpus, one sentence per row"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_lm: the shared LM stage trains the base on the description corpus (small/ci only)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base LM (paper: GPT-J 6B)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training"})
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig, metadata={"help": "finetune: the arms"})
    finetune_train: TrainConfig = field(metadata={"help": "finetune: optimiser and schedule (spec: AdamW 5e-4)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: oracle score, win rate, controllability"})
    judge: JudgeConfig = field(default_factory=JudgeConfig, metadata={
        "help": "evaluate (paper scale, no oracle): pairwise judge in place of the paper's human raters, off by "
                "default"})
