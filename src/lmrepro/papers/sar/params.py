"""sar's hyperparameters: one dataclass per section of config/papers/sar.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.entities import KnowledgeConfig

SIMILARITY_KINDS = ("bi_encoder", "cross_encoder")
QA_SCHEDULES = ("held_out", "exposure")


@dataclass
class TaskConfig:
    """Spec Small scale: held-out questions over seen entities, QA pairs rendered with random filler frames."""
    n_test: int = field(default=200, metadata={"help": "held-out test questions (equal shares per exposure level)"})
    qa_schedule: str = field(default="held_out", metadata={
        "help": "held_out (spec): a test fact's QA pair never appears, every other stated fact's qa_copies times; "
                "exposure: every person fact's QA pair appears as often as its sentence (0/1/2/8 times)"})
    qa_copies: int = field(default=1, metadata={
        "help": "held_out: copies (each in a fresh random frame) of every training fact's QA pair in the corpus"})

    def check(self, where: str) -> None:
        if self.n_test < 2 or self.qa_copies < 1:
            raise ValueError(f"{where}: need n_test >= 2 and qa_copies >= 1")
        if self.qa_schedule not in QA_SCHEDULES:
            raise ValueError(f"{where}.qa_schedule must be one of {', '.join(QA_SCHEDULES)}, got {self.qa_schedule!r}")


@dataclass
class GenerateConfig:
    """Paper Sec. 5.1 / official repo: multinomial samples (T=0.5, 10 generated) plus one greedy answer, which is
    used for correctness only (spec Small scale: T=1.0, 5 samples, 12 new tokens)."""
    num_samples: int = field(default=5, metadata={"help": "sampled answers per question (repo: 10 generated)"})
    temperature: float = field(default=1.0, metadata={"help": "sampling temperature (repo: 0.5)"})
    max_new_tokens: int = field(default=12, metadata={"help": "repo: 256"})
    batch_size: int = field(default=512, metadata={"help": "prompts per generate / teacher-forcing pass"})

    def check(self, where: str) -> None:
        if self.num_samples < 2 or self.temperature <= 0 or self.max_new_tokens < 1 or self.batch_size < 1:
            raise ValueError(f"{where}: need num_samples >= 2, temperature > 0, max_new_tokens and batch_size >= 1")


@dataclass
class RelevanceConfig:
    """Paper Sec. 4.1-4.2: the relevance model g. Paper: cross-encoder/stsb-roberta-large; ci/small: the packaged
    all-MiniLM-L6-v2 bi-encoder, cosine clipped to [0, 1]."""
    model: str = field(default="packaged:all-MiniLM-L6-v2", metadata={"help": "encoder id or directory"})
    kind: str = field(default="bi_encoder", metadata={"help": "bi_encoder (cosine) | cross_encoder (predict)"})
    prepend_question: bool = field(default=True, metadata={
        "help": "g(x + s, x + s'): the question is prepended to both sides (official repo: the question only)"})
    mimic_official_replace: bool = field(default=False, metadata={
        "help": "official get_tokenwise_importance: str.replace(token, '') deletes every occurrence; default: "
                "remove the token at its position (lm-polygraph)"})
    cluster_threshold: float = field(default=0.9, metadata={
        "help": "SE baseline: two answers share a semantic class when g >= this (spec: MiniLM similarity > 0.9; "
                "paper: bidirectional entailment with deberta-large-mnli)"})
    batch_size: int = field(default=128, metadata={"help": "texts (or pairs) per encoder call"})

    def check(self, where: str) -> None:
        if self.kind not in SIMILARITY_KINDS:
            raise ValueError(f"{where}.kind must be one of {', '.join(SIMILARITY_KINDS)}, got {self.kind!r}")
        if not 0.0 <= self.cluster_threshold <= 1.0 or self.batch_size < 1:
            raise ValueError(f"{where}: need cluster_threshold in [0, 1] and batch_size >= 1")


@dataclass
class ScoreConfig:
    """Paper Sec. 4.2 and 5.1: t of SentSAR/SAR, the samples scored, correctness criteria."""
    num_used: int = field(default=5, metadata={"help": "samples scored per question (repo --num-generation 5)"})
    t: float = field(default=0.001, metadata={"help": "temperature of the sentence relevance term (paper: 0.001)"})
    rouge_threshold: float = field(default=0.5, metadata={"help": "secondary correctness: ROUGE-L > this"})
    parity_tol: float = field(default=1.0e-6, metadata={"help": "peer check: max |ours - lm-polygraph|"})

    def check(self, where: str) -> None:
        if self.num_used < 2 or self.t <= 0 or not 0.0 <= self.rouge_threshold <= 1.0 or self.parity_tol <= 0:
            raise ValueError(f"{where}: need num_used >= 2, t > 0, rouge_threshold in [0, 1], parity_tol > 0")


@dataclass(kw_only=True)
class Params:
    """config/papers/sar.yaml `params`: one field per section."""

    world: KnowledgeConfig = field(default_factory=KnowledgeConfig, metadata={
        "help": "prep: the typed knowledge world (facts at exposure levels 0/1/2/8)"})
    task: TaskConfig = field(default_factory=TaskConfig, metadata={"help": "prep: test questions, QA pairs"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={"help": "pretrain_lm: lines per step"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared LM stage (small/ci base)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base (paper: OPT / LLaMA)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: steps and lr"})
    generate: GenerateConfig = field(default_factory=GenerateConfig, metadata={"help": "generate: samples, greedy"})
    relevance: RelevanceConfig = field(default_factory=RelevanceConfig, metadata={"help": "relevance: the model g"})
    score: ScoreConfig = field(default_factory=ScoreConfig, metadata={"help": "evaluate: SAR, baselines, AUROC"})
