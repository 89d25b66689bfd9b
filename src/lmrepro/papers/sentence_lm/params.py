"""Hyperparameters of sentence-by-sentence prediction (Hwang et al. 2025): the dataclass of each `params` section of
config/papers/sentence_lm.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, TrainConfig
from lmrepro.worlds.reasoning import StateTrackConfig


@dataclass
class DataConfig:
    source: str = field(default="world", metadata={"help": "world (small/ci) | gsm8k (paper: GSM8K-Aug, §4)"})
    n_train: int = field(default=8000, metadata={"help": "training problems"})
    n_val: int = field(default=200)
    n_test: int = field(default=500, metadata={"help": "spec Metrics: exact match on 500 test problems"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "gsm8k"):
            raise ValueError(f"{where}.source must be world or gsm8k, got {self.source!r}")
        if min(self.n_train, self.n_val, self.n_test) < 1:
            raise ValueError(f"{where}: n_train, n_val and n_test must be >= 1")


@dataclass
class SftConfig:
    arm: str = field(default="cot", metadata={"help": "cot (token CoT, Table 1 'CoT') | nocot ('No-CoT')"})
    batch_size: int = field(default=32)

    def check(self, where: str) -> None:
        if self.arm not in ("cot", "nocot"):
            raise ValueError(f"{where}.arm must be cot or nocot, got {self.arm!r}")


@dataclass
class EmbConfig:
    arm: str = field(default="ctx", metadata={"help": "ctx (contextual, next-sentence) | sem (semantic, autoencoding)"})
    batch_size: int = field(default=32, metadata={"help": "problems per step"})
    n_eval: int = field(default=200, metadata={"help": "validation problems for the reconstruction check"})

    def check(self, where: str) -> None:
        if self.arm not in ("ctx", "sem"):
            raise ValueError(f"{where}.arm must be ctx or sem, got {self.arm!r}")


@dataclass
class LatentConfig:
    arm: str = field(default="ctx", metadata={"help": "ctx | sem: which frozen embedding space M reasons in"})
    init_from: str = field(default="cot", metadata={
        "help": "cot (spec DAG: M starts from the CoT model) | emb (from the trained E/D weights; read by the rule)"})
    batch_size: int = field(default=32, metadata={"help": "problems per step"})
    mse_weight: float = field(default=1.0, metadata={
        "help": "auxiliary regression to the gold h_t (spec: optional, verify which the paper uses)"})
    stop_weight: float = field(default=1.0, metadata={"help": "stop classifier BCE (autoreg_ctx_w_classifier)"})
    input_noise: float = field(default=0.0, metadata={"help": "std of noise on gold input vectors, x their RMS"})
    self_feed: float = field(default=0.0, metadata={
        "help": "exposure bias (spec pitfall): probability that an input vector is M's own detached prediction "
                "from a first teacher-forced pass (scheduled sampling); the loss averages both passes"})

    def check(self, where: str) -> None:
        if self.arm not in ("ctx", "sem"):
            raise ValueError(f"{where}.arm must be ctx or sem, got {self.arm!r}")
        if self.init_from not in ("cot", "emb"):
            raise ValueError(f"{where}.init_from must be cot or emb, got {self.init_from!r}")
        if min(self.mse_weight, self.stop_weight, self.input_noise) < 0:
            raise ValueError(f"{where}: mse_weight, stop_weight and input_noise must be >= 0")
        if not 0.0 <= self.self_feed <= 1.0:
            raise ValueError(f"{where}.self_feed must be in [0, 1], got {self.self_feed}")


@dataclass
class EvalConfig:
    n_test: int = field(default=500, metadata={"help": "spec Metrics: 500 test problems"})
    batch_size: int = field(default=250)
    max_new_tokens: int = field(default=48, metadata={"help": "CoT/no-CoT generation budget (tokens)"})
    max_latents: int = field(default=8, metadata={"help": "latent steps before a forced stop"})
    max_sentence_tokens: int = field(default=8, metadata={"help": "D's budget per decoded sentence"})
    n_traces: int = field(default=20, metadata={"help": "SentenceLens traces written to traces.json"})


@dataclass
class ArmsConfig:
    semantic_seeds: int = field(default=1, metadata={
        "help": "how many seeds (from the base seed) also run the semantic arm (spec Small scale: 1); read by the rules"})

    def check(self, where: str) -> None:
        if self.semantic_seeds < 0:
            raise ValueError(f"{where}.semantic_seeds must be >= 0")


@dataclass(kw_only=True)
class Params:
    """config/papers/sentence_lm.yaml `params`: one field per section."""

    world: StateTrackConfig = field(default_factory=StateTrackConfig, metadata={
        "help": "gen_tasks: the state-tracking world (small/ci; paper: GSM8K-Aug)"})
    data: DataConfig = field(default_factory=DataConfig, metadata={"help": "gen_tasks: problem counts (paper §4)"})
    model: ModelSpec = field(metadata={"help": "the LM every stage starts from (paper: GPT-2)"})
    sft: SftConfig = field(default_factory=SftConfig, metadata={"help": "sft: the CoT / No-CoT arm (paper Table 1)"})
    train_cot: TrainConfig = field(metadata={"help": "sft arm cot: its training"})
    train_nocot: TrainConfig = field(metadata={"help": "sft arm nocot: its training"})
    emb: EmbConfig = field(default_factory=EmbConfig, metadata={"help": "train_emb: the sentence encoder/decoder E/D"})
    train_emb: TrainConfig = field(metadata={"help": "train_emb: its training"})
    latent: LatentConfig = field(default_factory=LatentConfig, metadata={
        "help": "train_latent: the latent model M over frozen E/D"})
    train_latent: TrainConfig = field(metadata={"help": "train_latent: its training"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: exact match, FLOPs and SentenceLens"})
    arms: ArmsConfig = field(default_factory=ArmsConfig, metadata={"help": "how many seeds run the semantic arm"})
