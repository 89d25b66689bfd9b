"""Hyperparameters of SAMI (Fränken et al. 2024): the dataclass of each `params` section of config/papers/sami.yaml,
and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.judge import JudgeConfig
from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.principles import PrinciplesWorldConfig


@dataclass
class PrepConfig:
    source: str = field(default="world", metadata={"help": "world (small scale) | hh_rlhf (paper §4.1)"})
    n_corpus_rows: int = field(default=12800, metadata={"help": "spec: pretrain 400 steps x batch 32"})
    n_train_queries: int = field(default=120, metadata={"help": "entities whose queries SAMI trains on"})
    n_test_queries: int = field(default=200, metadata={"help": "spec: 200 held-out queries"})
    constitutions: list[dict] = field(default_factory=list, metadata={
        "help": "hh_rlhf only: [{principles: [...], split: train|heldout}] (paper: written by claude-opus)"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "hh_rlhf"):
            raise ValueError(f"{where}.source must be world or hh_rlhf, got {self.source!r}")


@dataclass
class PromptConfig:
    """How a constitution and a query become a prompt (paper App.: numbered principles, then the query)."""
    header: str = "constitution :"
    item: str = "{n} {principle} ."
    query: str = "query : {query} answer :"


@dataclass
class BaseConfig:
    batch_size: int = field(default=32, metadata={"help": "spec Small scale: batch 32"})


@dataclass
class SamiConfig:
    iterations: int = field(default=3, metadata={"help": "paper §3: 3 SAMI iterations"})
    queries_per_step: int = field(default=4, metadata={"help": "spec: 4 queries (4 CxC matrices) per step; "
                                                                "paper: 1 query x grad-accum 16"})
    n_constitutions: int = field(default=4, metadata={"help": "C: spec 4 distinct train constitutions per query "
                                                              "(paper TL;DR config: 2)"})
    temperature: float = field(default=1.0, metadata={"help": "spec: sampling temperature 1.0 for data "
                                                             "generation (paper repo: greedy)"})
    max_new_tokens: int = field(default=28, metadata={"help": "paper repo: 350 new tokens"})
    oversample: float = field(default=3.0, metadata={"help": "queries generated per query kept, to allow for "
                                                           "the filter (malformed / identical responses)"})
    drop_malformed: bool = field(default=True, metadata={"help": "repo: drop items with a malformed response "
                                                                 "(no EOS, or outside the format/grammar)"})
    drop_duplicates: bool = field(default=True, metadata={"help": "repo: drop items whose responses are not "
                                                                  "distinct across constitutions"})
    gen_batch: int = 512
    beta: float = field(default=0.0, metadata={"help": "paper §2: weight of the token KL to pi_ref; the released "
                                                       "config uses 0 (small scale: 1.0, see the config notes)"})

    def check(self, where: str) -> None:
        if self.n_constitutions < 2:
            raise ValueError(f"{where}.n_constitutions must be >= 2 (a contrast needs two)")
        if self.beta < 0:
            raise ValueError(f"{where}.beta must be >= 0")


@dataclass
class EvalConfig:
    n_ident_queries: int = 50  # held-out queries for the identification accuracy (x 6 x 6 scored pairs)
    gen_batch: int = 1024
    score_queries: int = 16  # queries per scoring forward pass


@dataclass(kw_only=True)
class Params:
    """config/papers/sami.yaml `params`: one field per section."""

    world: PrinciplesWorldConfig = field(default_factory=PrinciplesWorldConfig, metadata={
        "help": "prep: the principles world (small/ci; paper: hh-rlhf queries)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={
        "help": "prep: queries, constitutions and pretraining corpus"})
    prompt: PromptConfig = field(default_factory=PromptConfig, metadata={
        "help": "the constitution + query prompt (paper appendix)"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_base: the shared LM stage trains the base on sami.pretrain_data's batches (small/ci only)"})
    base: BaseConfig = field(default_factory=BaseConfig, metadata={
        "help": "pretrain_base: the base LM's batches (small scale only)"})
    model: ModelSpec = field(metadata={"help": "pretrain_base: the base LM (paper: mistral-7b, a hub snapshot)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_base: its training"})
    sami: SamiConfig = field(default_factory=SamiConfig, metadata={
        "help": "sami and self_sft: the SAMI iterations (paper §2-3)"})
    sami_train: TrainConfig = field(metadata={"help": "sami and self_sft: the optimiser and schedule"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: adherence, win rates, constitution identification"})
    judge: JudgeConfig = field(default_factory=JudgeConfig, metadata={
        "help": "evaluate (paper scale, no world checkers): the GPT-4 judge of win rates (paper §4), off by default"})
