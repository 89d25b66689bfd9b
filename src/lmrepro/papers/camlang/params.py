"""camlang's hyperparameters: one dataclass per section of config/papers/camlang.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.camlang import CamlangConfig


@dataclass
class ItemsConfig:
    """spec Small scale, Items: 5-way questions in two matched strata, and the QA model's English training set."""
    n_test: int = field(default=400, metadata={"help": "spec: 400 test items, half lexical-only, half morphosyntax"})
    n_roundtrip: int = field(default=500, metadata={"help": "spec A4: analyzer(generator(s)) on 500 sentences"})

    def check(self, where: str) -> None:
        if min(self.n_test, self.n_roundtrip) < 2:
            raise ValueError(f"{where}: n_test and n_roundtrip must be >= 2")


@dataclass
class QAConfig:
    """The QA model's batches (spec: trained on English fact QA; answer tokens only are supervised)."""
    batch_size: int = field(default=32, metadata={"help": "items per step"})


@dataclass
class SolverConfig:
    """spec Small scale, Solvers: S-EN, S-LEX (shallow lexical alignment), S-GRAM (grammar-based reference)."""
    match_inside: bool = field(default=True, metadata={
        "help": "S-LEX: an unknown form with no dictionary prefix maps to the longest dictionary form inside it "
                "(a prefixed, negated verb then maps to its verb; the spec names only the prefix fallback)"})
    batch_size: int = field(default=200, metadata={"help": "scoring batch (prompt + option rows)"})


@dataclass(kw_only=True)
class Params:
    """config/papers/camlang.yaml `params`: one field per section."""

    world: CamlangConfig = field(default_factory=CamlangConfig, metadata={
        "help": "prep: the Camlang-like language and the item generator (lmrepro.worlds.camlang)"})
    items: ItemsConfig = field(default_factory=ItemsConfig, metadata={"help": "prep: test/train/round-trip sizes"})
    qa: QAConfig = field(default_factory=QAConfig, metadata={"help": "pretrain_lm: QA batches"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared LM stage trains the QA model"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: spec LlamaForCausalLM, 4 layers, d=128 (~1.2M)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: spec 700 steps"})
    solvers: SolverConfig = field(default_factory=SolverConfig, metadata={"help": "evaluate: the three solvers"})
