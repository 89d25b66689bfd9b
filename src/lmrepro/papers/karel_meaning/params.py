"""Hyperparameters of meaning in LMs of programs (Jin & Rinard 2023): the dataclass of each `params` section of
config/papers/karel_meaning.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.programs import ProgramsConfig


@dataclass
class DataConfig:
    n_lm_train: int = 20000    # programs the LM trains on (paper: 1M)
    n_heldout: int = 2500      # spec: 2000 probe-train + 500 probe-test programs, never trained on
    min_train_length: int = 1  # paper filters lengths 1-5 out of LM training

    def check(self, where: str) -> None:
        if self.n_lm_train < 1 or self.n_heldout < 10:
            raise ValueError(f"{where}: need n_lm_train >= 1 and n_heldout >= 10")


@dataclass
class ParityConfig:
    n_programs: int = 200       # spec A4: 200 random programs/grids
    size: int = 5
    wall_ratio: float = 0.15    # walls and markers so that blocked moves and empty picks occur
    marker_ratio: float = 0.2
    max_length: int = 12


@dataclass
class LMConfig:
    batch_size: int = 32                                    # spec (small): batch 32
    loss_on: str = "all"                                    # all (paper) | program (PROG onwards)

    def check(self, where: str) -> None:
        if self.loss_on not in ("all", "program"):
            raise ValueError(f"{where}.loss_on must be all or program, got {self.loss_on!r}")


@dataclass
class GenerateConfig:
    n_specs: int = 500       # held-out specifications (the last rows of heldout.jsonl: the probe test side)
    max_statements: int = 12


@dataclass
class ProbeConfig:
    n_probe_train: int = 2000   # spec: 2000 train / 500 held-out programs
    probe_seeds: int = 3        # at step 0 and the final checkpoint; one seed in between
    layer: int = -1             # hidden_states index (-1: the last layer, after the final LayerNorm)
    mlp_hidden: int = 256


@dataclass(kw_only=True)
class Params:
    """config/papers/karel_meaning.yaml `params`: one field per section."""

    world: ProgramsConfig = field(default_factory=ProgramsConfig, metadata={
        "help": "gen_karel: the Karel programs world"})
    data: DataConfig = field(default_factory=DataConfig, metadata={
        "help": "gen_karel: LM-training and held-out programs"})
    parity: ParityConfig = field(default_factory=ParityConfig, metadata={
        "help": "check_interpreter: interpreter parity checks"})
    model: ModelSpec = field(metadata={"help": "train_lm: the LM (paper: the CodeGen-350M-mono architecture)"})
    train: TrainConfig = field(metadata={"help": "train_lm: its training"})
    lm: LMConfig = field(default_factory=LMConfig, metadata={"help": "train_lm: batches and the loss"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "train_lm: the shared LM stage, its checkpoints (paper §3: every 2000 of 80k steps)"})
    generate: GenerateConfig = field(default_factory=GenerateConfig, metadata={
        "help": "gen_programs: generative accuracy per checkpoint"})
    probe: ProbeConfig = field(default_factory=ProbeConfig, metadata={"help": "probe: semantic probes per checkpoint"})
