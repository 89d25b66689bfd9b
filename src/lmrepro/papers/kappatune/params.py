"""Hyperparameters of KappaTune (Ludwig 2025): the dataclass of each `params` section of config/papers/kappatune.yaml,
and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.entities import KnowledgeConfig

# full: every parameter; kappa_low / kappa_high: the k lowest / highest-kappa matrices; random_<i>: k matrices drawn
# uniformly (draw i); matched_<i>: k matrices drawn with kappa_low's count per module kind (attention / mlp); lora:
# LoRA adapters on the configured projections (spec Small scale: optional baseline).
ARM_PATTERN = re.compile(r"full|kappa_low|kappa_high|lora|(random|matched)_[1-9][0-9]*")


@dataclass
class DomainsConfig:
    """Spec Small scale / World: domain A (the base's "general knowledge": fact sentences) and domain B (the new task:
    "review <town> : <adj> <adj> verdict good|bad", the label given by the adjectives' class)."""
    facts_per_line: int = field(default=4, metadata={"help": "fact sentences per domain-A corpus line"})
    corpus_lines: int = field(default=4000, metadata={"help": "domain-A pretraining lines (facts in seeded order)"})
    general_eval_lines: int = field(default=200, metadata={
        "help": "domain-A lines drawn in another seeded order: the forgetting text (paper: WikiText-2 test, first "
                "100 non-empty lines)"})
    n_adjectives: int = field(default=12, metadata={"help": "new adjective words per class (good / bad)"})
    adjectives_per_review: int = field(default=2, metadata={"help": "adjectives in a review, all of its class"})
    n_task_train: int = field(default=400, metadata={"help": "task reviews to fine-tune on (paper: 200 tweets)"})
    n_task_test: int = field(default=200, metadata={"help": "held-out reviews (distinct from every training review; "
                                                            "paper: 100 tweets)"})

    def check(self, where: str) -> None:
        if min(self.facts_per_line, self.corpus_lines, self.general_eval_lines, self.n_task_train,
               self.n_task_test) < 1:
            raise ValueError(f"{where}: line and review counts must be >= 1")
        if self.n_adjectives < 2 or self.adjectives_per_review < 1:
            raise ValueError(f"{where}: need n_adjectives >= 2 and adjectives_per_review >= 1")


@dataclass
class KappaConfig:
    """Paper §KappaTune (official SelectiveFineTuningOptimizer): kappa = s_max / s_min of each tensor with ndim >= 2
    (a 2-D view rows x the rest), sorted ascending; the `k` lowest are fine-tuned, everything else stays frozen."""
    k: int = field(default=8, metadata={"help": "num_tensors_to_finetune (paper: 75 for OLMoE, 20 for TinyLlama)"})
    max_dim_size_to_analyze: int | None = field(default=4096, metadata={
        "help": "skip tensors with any dimension above this (paper: 4096 on OLMoE, which drops the embedding and "
                "LM head); null = no limit"})
    svd_dtype: str = field(default="float32", metadata={
        "help": "dtype of the SVD (spec Method: float32, after dequantising; float64 resolves s_min of an "
                "ill-conditioned matrix to the precision of numpy.linalg.cond in double)"})
    exclude: tuple[str, ...] = field(default=("embed_tokens", "lm_head"), metadata={
        "help": "skip tensors whose name contains one of these (spec Small scale: our toy vocabulary is smaller "
                "than the matrices, so the size rule cannot drop the embedding and LM head)"})

    def check(self, where: str) -> None:
        if self.k < 1:
            raise ValueError(f"{where}.k must be >= 1, got {self.k}")
        if self.max_dim_size_to_analyze is not None and self.max_dim_size_to_analyze < 1:
            raise ValueError(f"{where}.max_dim_size_to_analyze must be >= 1 or null")
        if self.svd_dtype not in ("float32", "float64"):
            raise ValueError(f"{where}.svd_dtype must be float32 or float64, got {self.svd_dtype!r}")


@dataclass
class ArmsConfig:
    """Spec DAG finetune_{full, kappa_low, kappa_high, random, lora} and its protocol fix: every arm at the same lr and
    steps; forgetting is read at the first evaluation where task accuracy reaches `acc_target`."""
    run: tuple[str, ...] = ("full", "kappa_low", "kappa_high", "random_1", "random_2", "matched_1", "matched_2",
                            "lora")
    arm: str = field(default="kappa_low", metadata={"help": "the finetune rule sets it (one of `run`)"})
    batch_size: int = field(default=16, metadata={"help": "task reviews per step (paper: batch 4)"})
    eval_every: int = field(default=20, metadata={"help": "spec protocol: evaluate every 20 steps"})
    acc_target: float = field(default=0.9, metadata={"help": "spec protocol: forgetting at 90% task accuracy"})
    lora_r: int = field(default=4, metadata={"help": "spec Small scale: LoRA r=4 on q, v (paper: r=16)"})
    lora_alpha: int = 8
    lora_targets: tuple[str, ...] = ("q_proj", "v_proj")

    def check(self, where: str) -> None:
        bad = [a for a in (*self.run, self.arm) if not ARM_PATTERN.fullmatch(a)]
        if bad or not self.run or len(set(self.run)) != len(self.run):
            raise ValueError(f"{where}: arms must be distinct names matching {ARM_PATTERN.pattern}, "
                             f"got {bad or self.run}")
        if not {"full", "kappa_low"} <= set(self.run):
            raise ValueError(f"{where}.run must include full and kappa_low (the claim's two arms)")
        if self.eval_every < 1 or self.batch_size < 1 or self.lora_r < 1:
            raise ValueError(f"{where}: eval_every, batch_size and lora_r must be >= 1")
        if not 0.0 < self.acc_target <= 1.0:
            raise ValueError(f"{where}.acc_target must be in (0, 1], got {self.acc_target}")


@dataclass(kw_only=True)
class Params:
    """config/papers/kappatune.yaml `params`: one field per section."""

    world: KnowledgeConfig = field(default_factory=KnowledgeConfig, metadata={
        "help": "prep: the entities and facts of domain A (lmrepro.worlds.entities knowledge base)"})
    domains: DomainsConfig = field(default_factory=DomainsConfig, metadata={
        "help": "prep: the domain-A corpus and forgetting text, the domain-B review task"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={"help": "pretrain_lm: lines per step"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared LM stage (small/ci base)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base (paper: OLMoE-1B-7B)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: steps and lr on domain A"})
    kappa: KappaConfig = field(default_factory=KappaConfig, metadata={
        "help": "compute_kappa, finetune: the condition numbers and the tensor selection (paper §KappaTune)"})
    arms: ArmsConfig = field(default_factory=ArmsConfig, metadata={"help": "finetune: the arms and the protocol"})
    finetune: TrainConfig = field(metadata={"help": "finetune: one optimiser setting for every arm (AdamW)"})
