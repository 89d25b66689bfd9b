"""Hyperparameters of MeCo (Gao et al. 2025): the dataclass of each `params` section of config/papers/meco.yaml, and
`Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.sources import SourcesWorldConfig

SMALL_TEMPLATE = "URL: {domain} <nl2>"
ARMS = {"plain": ("stage1", False), "meco": ("stage1", True), "cooldown": ("cooldown", False),
        "heldout": ("heldout", False)}


@dataclass
class CorpusConfig:
    n_stage1_docs: int = 12800  # 400 steps x batch 32: one pass (spec: Small scale / Training)
    n_cooldown_docs: int = 1280  # fresh docs for the 10% cooldown (paper: a separate 16B-token set)
    n_heldout_docs: int = 512


@dataclass
class PackConfig:
    arm: str = "plain"
    max_len: int = 64  # context length (spec: Small scale / Model, ctx 64)
    template: str = SMALL_TEMPLATE  # paper §2: "URL: {domain}\n\n" (word-level stand-in at small)
    long_docs: str = "error"  # a document over max_len: error (the world's always fit) | split into rows (web text)

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")
        if self.long_docs not in ("error", "split"):
            raise ValueError(f"{where}.long_docs must be 'error' or 'split', got {self.long_docs!r}")


@dataclass
class MecoConfig:
    cooldown_frac: float = 0.1  # paper §3: cooldown on the last 10% of tokens (resume at step 36k of 40k)
    batch_size: int = 32  # spec: 32 x 64 tokens (paper: 512 x 8192)

    def check(self, where: str) -> None:
        if not 0.0 < self.cooldown_frac < 1.0:
            raise ValueError(f"{where}.cooldown_frac must be in (0, 1), got {self.cooldown_frac}")


@dataclass
class RunConfig:
    arm: str = "baseline"  # baseline | meco_stage1

    def check(self, where: str) -> None:
        if self.arm not in ("baseline", "meco_stage1"):
            raise ValueError(f"{where}.arm must be baseline or meco_stage1, got {self.arm!r}")


@dataclass
class EvalConfig:
    batch_size: int = 256
    lm_eval_tasks: list[str] = field(default_factory=list, metadata={
        "help": "paper scale (no world): lm-eval tasks for Table 1 (OLMES's tasks; lm-eval's prompts, not OLMES's)"})
    num_fewshot: int = 5  # Table 1: OLMES 5-shot
    limit: int | None = None  # lm-eval examples per task (None: all)


@dataclass(kw_only=True)
class Params:
    """config/papers/meco.yaml `params`: one field per section."""

    world: SourcesWorldConfig = field(default_factory=SourcesWorldConfig, metadata={
        "help": "gen_corpus: the sources world (small/ci stand-in for the paper's DCLM corpus)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "gen_corpus: stage-1, cooldown and held-out document counts"})
    pack: PackConfig = field(default_factory=PackConfig, metadata={
        "help": "pack: one row per document with the URL template (paper §2)"})
    model: ModelSpec = field(metadata={"help": "the LM (paper: a 1.6B Llama-style model on DCLM; small: a tiny one)"})
    meco: MecoConfig = field(default_factory=MecoConfig, metadata={
        "help": "pretrain/cooldown: the 90% / 10% split (paper §3)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "pretrain: which arm this job trains"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain: the shared LM stage trains either arm on meco.data's batches"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain and cooldown: one LR schedule over both (paper §3)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: held-out loss with and without the template"})
