"""Hyperparameters of cross-dative generalization (Misra & Kim 2024): the dataclass of each `params` section of
config/papers/cross_dative.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.grammar import GrammarConfig


@dataclass
class CorpusConfig:
    n_sentences: int = 20000
    source: str = "child"  # the grammar register

    def check(self, where: str) -> None:
        if self.n_sentences < 1:
            raise ValueError(f"{where}.n_sentences must be >= 1")


@dataclass
class PretrainDataConfig:
    batch_size: int = 64  # spec Small scale: batch 64

    def check(self, where: str) -> None:
        if self.batch_size < 1:
            raise ValueError(f"{where}.batch_size must be >= 1")


@dataclass
class StimuliConfig:
    source: str = "world"  # world | repo (the official data/experiments files)
    n_instances: int = 5  # spec: 5 lexical instances per condition
    n_generalization: int = 40  # spec: 40 DO/PO pairs
    n_validation: int = 10  # per construction
    # generalization arguments: "balanced" alternates a pronoun recipient + noun theme and a noun recipient +
    # pronoun theme, so that each construction's first postverbal argument is a pronoun in half the pairs;
    # "nouns": short definite nouns only (then a noun-first exposure matches the generalization set on the surface)
    generalization_args: str = "balanced"
    novel_token: str = "[verb]"
    repo_exposures: str = "data/experiments/final/givenness_template_1.jsonl"  # repo: relative to --in repo
    repo_generalization: str = "data/experiments/generalization.jsonl"
    repo_validation: str = "data/experiments/validation.json"

    def check(self, where: str) -> None:
        if self.generalization_args not in ("balanced", "nouns"):
            raise ValueError(f"{where}.generalization_args must be 'balanced' or 'nouns'")
        if self.source not in ("world", "repo"):
            raise ValueError(f"{where}.source must be 'world' or 'repo', got {self.source!r}")
        if min(self.n_instances, self.n_generalization, self.n_validation) < 1:
            raise ValueError(f"{where}: n_instances, n_generalization, n_validation must be >= 1")


@dataclass
class ExposureConfig:
    novel_token: str = "[verb]"  # spec: Method; the official token is " [verb]" (leading space) for BPE
    epochs: int = 30  # spec Small scale: 30 epochs (official script: up to 100)
    lr: float = 1.0e-2  # spec Small scale: lr 1e-2 (paper grid {1e-3, 5e-3, 1e-2, 5e-2, 1e-1})
    init_scale: float = 1.0e-5  # spec Method: N(mu, 1e-5 * Sigma)
    batch_size: int = 64  # scoring batch (generalization / validation sentences)

    def check(self, where: str) -> None:
        if self.epochs < 1 or self.lr <= 0 or self.init_scale <= 0 or self.batch_size < 1:
            raise ValueError(f"{where}: epochs, batch_size >= 1 and lr, init_scale > 0 required")
        if not self.novel_token.strip():
            raise ValueError(f"{where}.novel_token must be a non-empty token")


@dataclass
class AnalysisConfig:
    n_boot: int = 2000  # bootstrap resamples for the DO->PO vs PO->DO asymmetry (spec A4)
    ci: float = 0.95
    # spec Analysis: "ols_seed_fixed" (seed fixed effects: 3 seeds cannot estimate a seed variance) or "mixed"
    # (the paper's model, random intercepts for LM seed and item, crossed; statsmodels MixedLM)
    model: str = "ols_seed_fixed"

    def check(self, where: str) -> None:
        if self.n_boot < 10 or not 0 < self.ci < 1:
            raise ValueError(f"{where}: n_boot >= 10 and 0 < ci < 1 required")
        if self.model not in ("ols_seed_fixed", "mixed"):
            raise ValueError(f"{where}.model: {self.model!r} is not one of ols_seed_fixed, mixed")


@dataclass(kw_only=True)
class Params:
    """config/papers/cross_dative.yaml `params`: one field per section."""

    world: GrammarConfig = field(default_factory=GrammarConfig, metadata={
        "help": "gen_corpus and gen_stimuli: the grammar world (paper: CHILDES child-directed speech)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "gen_corpus: sentence count and register"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_lm: the shared LM stage trains the learner on cross_dative.pretrain_data's batches"})
    pretrain_data: PretrainDataConfig = field(default_factory=PretrainDataConfig, metadata={
        "help": "pretrain_lm: its batches"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the LM (paper: the OPT-architecture smolm checkpoints)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training"})
    stimuli: StimuliConfig = field(default_factory=StimuliConfig, metadata={
        "help": "gen_stimuli: exposures, generalization pairs, validation sentences"})
    exposure: ExposureConfig = field(default_factory=ExposureConfig, metadata={
        "help": "expose: learning the novel verb (spec: Method)"})
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig, metadata={
        "help": "analyze and score: bootstrap and OLS"})
