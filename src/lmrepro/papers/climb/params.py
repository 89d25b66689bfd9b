"""Hyperparameters of CLIMB (Diehl Martinez et al. 2023): the dataclass of each `params` section of
config/papers/climb.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, TrainConfig
from lmrepro.worlds.grammar import GrammarConfig

PACING_SHAPES = ("linear", "quad", "root", "log", "exp", "step")
ARMS = ("baseline", "vocab_curr", "data_curr", "obj_curr", "default_cfg")


@dataclass
class CorpusConfig:
    sources: list = field(default_factory=lambda: ["child", "dialogue", "written"])  # spoken first (source rank)
    n_per_source: int = 4000  # spec: Small scale / World
    n_pairs_per_phenomenon: int = 50  # spec: 6 phenomena x 50 pairs
    hub_text_glob: str = "10M/*.txt"  # paper: BabyLM strict-small, one .txt per domain (the dataset card's layout)
    n_blimp_pairs_per_paradigm: int = 1000  # paper: BLiMP, every pair of its 67 paradigms (1000 each)

    def check(self, where: str) -> None:
        if min(self.n_per_source, self.n_pairs_per_phenomenon, self.n_blimp_pairs_per_paradigm) < 1:
            raise ValueError(f"{where}: n_per_source, n_pairs_per_phenomenon and n_blimp_pairs_per_paradigm must be "
                             ">= 1")


@dataclass
class ClimbConfig:
    batch_size: int = 64  # spec: Small scale / Training (paper: 128 x 128 tokens)
    seq_len: int = 32  # paper: 128
    mlm_probability: float = 0.15  # paper §3: 15% masking, 80/10/10
    pos_classes: list = field(default_factory=lambda: ["NOUN", "VERB"])  # objective curriculum target classes
    pos_p_target: float = 0.4  # CLIMB units/pos.py: masking probability of target-class tokens
    pos_p_other: float = 0.15
    mlm_start_frac: float = 0.2  # multitask variant: MLM unit active from 20% of training


@dataclass
class RunConfig:
    arm: str = "baseline"

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {ARMS}, got {self.arm!r}")


@dataclass
class Pacing:
    shape: str = "linear"
    start: float = 0.2  # f at t <= start_frac (vocab: fraction of ids; data: difficulty percentile)
    start_frac: float = 0.1  # fraction of total steps where f starts rising
    end_frac: float = 0.8  # fraction of total steps where f reaches 1.0
    growth: float = 10.0  # curvature of log / exp shapes

    def check(self, where: str) -> None:
        if self.shape not in PACING_SHAPES:
            raise ValueError(f"{where}.shape must be one of {PACING_SHAPES}, got {self.shape!r}")
        if not 0.0 < self.start <= 1.0:
            raise ValueError(f"{where}.start must be in (0, 1], got {self.start}")
        if not 0.0 <= self.start_frac < self.end_frac <= 1.0:
            raise ValueError(f"{where}: need 0 <= start_frac < end_frac <= 1, got {self.start_frac}, {self.end_frac}")


@dataclass(kw_only=True)
class Params:
    """config/papers/climb.yaml `params`: one field per section."""

    grammar: GrammarConfig = field(default_factory=GrammarConfig, metadata={
        "help": "prep: the grammar world (small/ci; paper: BabyLM strict-small)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "prep: sources, sizes and minimal pairs"})
    climb: ClimbConfig = field(default_factory=ClimbConfig, metadata={
        "help": "pretrain: batches, masking and the objective curriculum (paper §3)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "pretrain: which arm this job trains"})
    vocab_pacing: Pacing = field(default_factory=Pacing, metadata={
        "help": "pretrain arm vocab_curr: the vocabulary curriculum's pacing"})
    data_pacing: Pacing = field(default_factory=Pacing, metadata={
        "help": "pretrain arm data_curr: the data curriculum's pacing"})
    model: ModelSpec = field(metadata={"help": "pretrain: the curriculum arms' model (paper: a small pre-LN RoBERTa)"})
    default_model: ModelSpec = field(metadata={"help": "pretrain arm default_cfg: the BabyLM baseline's model"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain: the curriculum arms' training"})
    default_pretrain: TrainConfig = field(metadata={"help": "pretrain arm default_cfg: its training"})
