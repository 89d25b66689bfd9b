"""Hyperparameters of "Improving Context-Aware Preference Modeling for Language Models" (Pitis et al. 2024): the
dataclass of each `params` section of config/papers/context_pref.yaml, and `Params`. Dataclasses only."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.feedback import STYLES, FeedbackWorldConfig

ARMS = ("no_ctx", "ctx_sparse", "carm")


@dataclass
class PrepConfig:
    n_train_rows: int = field(default=1600, metadata={"help": "RPR rows (a pair + a criterion and its reversal)"})
    n_test_rows: int = field(default=250, metadata={"help": "held-out rows: 2 judgments each (spec: 500 pairs)"})
    n_adversarial_rows: int = field(default=50, metadata={"help": "held-out style, negative criteria (spec: 100)"})
    n_general: int = field(default=700, metadata={"help": "context-free pairs labelled by the average user (30%)"})
    p_negative: float = field(default=0.2, metadata={"help": "share of training rows stated by negative criteria"})
    heldout_negative_style: str = field(default="science", metadata={
        "help": "spec: negative (adversarial) criteria are trained for the other styles and tested on this one"})
    n_profiles: int = field(default=5, metadata={"help": "paper: 5 synthetic user profiles label the test set"})
    n_profile_pairs: int = field(default=200, metadata={"help": "held-out pairs labelled by each profile"})
    n_corpus_lines: int = field(default=6400, metadata={"help": "trunk pretraining lines (criteria, answers)"})
    p_synonym_lines: float = field(default=0.0, metadata={
        "help": "share of trunk lines stating that two phrasings of a criterion mean the same ('<a> means <b>'): "
                "the paraphrase knowledge a pretrained LM brings, without which held-out phrasings are unreadable"})

    def check(self, where: str) -> None:
        if self.heldout_negative_style not in STYLES:
            raise ValueError(f"{where}.heldout_negative_style must be one of {STYLES}, got "
                             f"{self.heldout_negative_style!r}")


@dataclass
class RMConfig:
    """The arms (spec Small scale): the same pairs; only how often the context is shown differs."""
    arm: str = field(default="carm", metadata={"help": "no_ctx | ctx_sparse | carm (the rule sets it per job)"})
    p_context_sparse: float = field(default=0.1, metadata={"help": "ctx_sparse: share of pairs with context"})
    batch_size: int = field(default=16, metadata={"help": "spec: 16 pairs = 32 sequences per step"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")

    @property
    def p_context(self) -> float:
        return {"no_ctx": 0.0, "ctx_sparse": self.p_context_sparse, "carm": 1.0}[self.arm]


@dataclass
class EvalConfig:
    k_values: tuple[int, ...] = field(default=(2, 4, 8), metadata={
        "help": "spec: infer the profile from k labelled pairs (acceptance 4 uses k = 4)"})
    k_check: int = 4
    n_inference_draws: int = field(default=50, metadata={"help": "random k-sets per profile for the inference"})


@dataclass(kw_only=True)
class Params:
    """config/papers/context_pref.yaml `params`: one field per section."""

    world: FeedbackWorldConfig = field(default_factory=FeedbackWorldConfig, metadata={
        "help": "prep: styled answers, criteria with reversals, user profiles (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: RPR rows, tests, profiles"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={"help": "pretrain_lm: the trunk's text"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_lm: the shared LM stage trains the RM trunk on world text (small/ci only)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the trunk (paper: Mistral-7B)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training"})
    rm: RMConfig = field(default_factory=RMConfig, metadata={"help": "train_rm: the arms"})
    rm_train: TrainConfig = field(metadata={"help": "train_rm: optimiser and schedule (spec: 200 steps, 5e-4)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: reversal, adversarial and profile accuracies"})
