"""Hyperparameters of neurofeedback (Ji-An et al. 2025): the dataclass of each `params` section of
config/papers/neurofeedback.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.attributes import AttributesConfig


@dataclass
class PrepConfig:
    source: str = field(default="world", metadata={
        "help": "world: lmrepro.worlds.attributes; hub: ETHICS commonsense rows {label, input} (paper §3)"})
    n_pool: int = field(default=600, metadata={"help": "hub: sentences the axes are fitted on"})
    n_probe: int = field(default=600, metadata={"help": "hub: sentences of the reporting episodes (disjoint)"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "hub"):
            raise ValueError(f"{where}.source must be 'world' or 'hub', got {self.source!r}")


@dataclass
class EpisodeConfig:
    n_pairs: int = field(default=16, metadata={"help": "spec Small scale: 16 (sentence, label) pairs per episode"})
    batch_size: int = field(default=32, metadata={"help": "spec Small scale: batch 32"})
    cued_share: float = field(default=0.0, metadata={
        "help": "share of episodes that name their attribute and keep its polarity (ours: small notes)"})


@dataclass
class AxesConfig:
    layer: int = field(default=2, metadata={"help": "residual-stream index (paper: 0, L/4, L/2, 3L/4, L-1)"})
    pcs: tuple[int, ...] = field(default=(1, 2, 4, 8, 32, 96), metadata={
        "help": "PC indices, ascending, 1-based (paper §3: 1, 2, 4, 8, 32, 128, 512); 1 and a late one needed"})
    lr_label: str = field(default="moral", metadata={"help": "the dataset label the LR axis is fitted to"})
    lr_c: float = field(default=1.0, metadata={"help": "inverse L2 strength of the LR axis"})

    def check(self, where: str) -> None:
        if not self.pcs or self.pcs[0] != 1 or list(self.pcs) != sorted(set(self.pcs)) or len(self.pcs) < 2:
            raise ValueError(f"{where}.pcs must be ascending 1-based PC indices from 1 (PC1 and later ones), "
                             f"got {self.pcs}")


@dataclass
class ReportExpConfig:
    positions: tuple[int, ...] = field(default=(2, 4, 8, 16, 24), metadata={
        "help": "in-context examples N at which the ideal observer is scored (spec Acceptance A2: N=4, 24)"})
    n_shuffles: int = field(default=40, metadata={"help": "random example orders per axis (paper: many shuffles)"})
    observer_c: float = field(default=1.0, metadata={"help": "inverse L2 strength of the observer's regression"})
    lm_axes: tuple[str, ...] = field(default=("LR", "PC1", "PC96"), metadata={
        "help": "axes whose labels the LM is asked to report in context (paper Fig. 2)"})
    lm_pairs: int = field(default=16, metadata={"help": "examples per LM reporting episode"})
    prompt_prefix: str = field(default="any :", metadata={
        "help": "text before the examples (paper: a system message asking for the activation's score; ours: the "
                "cue of meta-training's uncued episodes)"})

    def check(self, where: str) -> None:
        if 4 not in self.positions or max(self.positions) <= 4:
            raise ValueError(f"{where}.positions must include 4 and a larger N (spec A2: N=4 vs 24), got "
                             f"{self.positions}")


@dataclass(kw_only=True)
class Params:
    """config/papers/neurofeedback.yaml `params`: one field per section."""

    world: AttributesConfig = field(default_factory=AttributesConfig, metadata={
        "help": "prep: sentences with three binary attributes (stand-in for ETHICS commonsense morality)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={"help": "prep: where the sentences come from"})
    episodes: EpisodeConfig = field(default_factory=EpisodeConfig, metadata={
        "help": "meta_pretrain: in-context labelling episodes"})
    model: ModelSpec = field(metadata={"help": "meta_pretrain: the tiny LM (paper: Llama-3.x / Qwen2.5 instruct)"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "meta_pretrain: the shared LM stage on the episodes"})
    pretrain: TrainConfig = field(metadata={"help": "meta_pretrain: its training"})
    axes: AxesConfig = field(default_factory=AxesConfig, metadata={"help": "axes: which directions are reported"})
    report_exp: ReportExpConfig = field(default_factory=ReportExpConfig, metadata={
        "help": "report_exp: the ideal observer and the LM's reporting (paper §4, Fig. 2)"})
