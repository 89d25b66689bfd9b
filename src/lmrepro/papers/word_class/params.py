"""Hyperparameters of word classes from next-word prediction (Surendra et al. 2023): the dataclass of each `params`
section of config/papers/word_class.yaml, and `Params`, all of them. Dataclasses only (see
lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import TrainConfig
from lmrepro.worlds.grammar import GrammarConfig


@dataclass
class CorpusConfig:
    source: str = "world"  # world | text
    sources: list[str] = field(default_factory=lambda: ["dialogue", "written"])  # registers mixed (world)
    n_train: int = 20000  # sentences (world) / lines (text)
    n_heldout: int = 2000
    text_field: str = "text"  # text: the record field
    text_glob: str = "**/*"  # text: which snapshot files to read (sorted), e.g. one config's train shards

    def check(self, where: str) -> None:
        if self.source not in ("world", "text"):
            raise ValueError(f"{where}.source must be 'world' or 'text', got {self.source!r}")
        if self.n_train < 1 or self.n_heldout < 1:
            raise ValueError(f"{where}: n_train and n_heldout must be >= 1")


@dataclass
class WindowConfig:
    context: int = 9  # spec: words 1-9 predict word 10
    classes: list[str] = field(default_factory=lambda: ["NOUN", "VERB", "ADJ", "DET", "PREP"])  # 5 target classes
    n_test_per_class: int = 300  # spec: 300 held-out windows per class
    vocab_size: int = 0  # 0: every train type (paper: 20k)

    def check(self, where: str) -> None:
        if self.context < 1 or self.n_test_per_class < 2 or len(self.classes) < 2:
            raise ValueError(f"{where}: need context >= 1, n_test_per_class >= 2 and >= 2 classes")


@dataclass
class MLPConfig:
    emb_dim: int = 32  # spec: embedding dim 32
    hidden: list[int] = field(default_factory=lambda: [128, 128, 64, 64])  # spec: Dense 128-128-64-64 (ReLU)

    def check(self, where: str) -> None:
        if self.emb_dim < 1 or not self.hidden or min(self.hidden) < 1:
            raise ValueError(f"{where}: emb_dim and every hidden width must be >= 1 (and hidden non-empty)")


@dataclass
class NWPDataConfig:
    batch_size: int = 128  # spec: batch 128

    def check(self, where: str) -> None:
        if self.batch_size < 1:
            raise ValueError(f"{where}.batch_size must be >= 1")


@dataclass
class AnalysisConfig:
    mds_per_class: int = 40  # points per class in the MDS plot (MDS is O(N^2) per iteration)


@dataclass
class ProbeConfig:
    test_frac: float = 0.5
    c: float = 1.0  # inverse L2 strength
    max_iter: int = 500

    def check(self, where: str) -> None:
        if not 0 < self.test_frac < 1:
            raise ValueError(f"{where}.test_frac must be in (0, 1)")


@dataclass(kw_only=True)
class Params:
    """config/papers/word_class.yaml `params`: one field per section."""

    world: GrammarConfig = field(default_factory=GrammarConfig, metadata={
        "help": "gen_corpus: the grammar world (small/ci; paper: text tagged by spaCy)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "gen_corpus: registers and sentence counts"})
    windows: WindowConfig = field(default_factory=WindowConfig, metadata={
        "help": "make_windows: 9 input words -> the 10th (spec)"})
    model: MLPConfig = field(default_factory=MLPConfig, metadata={
        "help": "train_nwp: the MLP (spec: embedding 32, Dense 128-128-64-64)"})
    train: TrainConfig = field(metadata={"help": "train_nwp: its training"})
    nwp_data: NWPDataConfig = field(default_factory=NWPDataConfig, metadata={"help": "train_nwp: its batches"})
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig, metadata={"help": "gdv: the MDS plot"})
    probe: ProbeConfig = field(default_factory=ProbeConfig, metadata={"help": "probe: linear probes per layer"})
