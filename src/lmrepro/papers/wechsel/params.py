"""Hyperparameters of WECHSEL (Minixhofer et al. 2022): the dataclass of each `params` section of
config/papers/wechsel.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.conlang import ConlangConfig

ARMS = ("wechsel", "randemb_body", "fullrand")


@dataclass
class CorpusConfig:
    source: str = "world"  # world: the conlang world (small/ci); text: hub snapshot dirs (paper: OSCAR)
    n_train: int = 20000  # sentences per language (spec: ~20k each; paper: OSCAR)
    n_heldout: int = 1000  # held-out sentences per language (perplexity)
    dictionary: str = ""  # source=text: the paper's `english<TAB>target` list, its path in the CPJKU/wechsel repo
    text_field: str = "text"
    en_subdir: str = ""  # source=text: the language's folder inside the dataset snapshot
    tgt_subdir: str = ""

    def check(self, where: str) -> None:
        if self.source not in ("world", "text"):
            raise ValueError(f"{where}.source must be world or text, got {self.source!r}")


@dataclass
class TokenizerConfig:
    vocab_size: int = 1024  # spec: English byte-level BPE 1024 (paper: GPT-2's 50257; T_t gets the same size)


@dataclass
class LMDataConfig:
    batch_size: int = 32  # spec: Small scale, batch 32 (paper: 512 via accumulation, Appendix)
    block_size: int = 64  # spec: n_positions 64 (paper: 1024)
    eval_blocks: int = 128  # held-out blocks for perplexity (non-overlapping, from the start of the stream)


@dataclass
class StaticConfig:
    vector_size: int = 64  # spec: dim 64 (paper: 300-d fastText)
    epochs: int = 10  # spec: 10 epochs
    window: int = 5
    min_count: int = 1  # keep every word: rare lemmas still need a vector
    sg: int = 1  # skip-gram (1) or CBOW (0)
    negative: int = 5
    workers: int = 1  # 1 = bit-reproducible (gensim is only deterministic single-threaded)


@dataclass
class WechselConfig:
    neighbors: int = 10  # k, paper §3.4
    temperature: float = 0.1  # tau, paper §3.4
    fallback_seed: int = 1234  # RandomState of the random fallback (as in the reference implementation)
    align_eval_top_n: int = 200  # spec A3: the most frequent held-out (non-dictionary) TGT lemmas

    def check(self, where: str) -> None:
        if self.neighbors < 1:
            raise ValueError(f"{where}.neighbors must be >= 1, got {self.neighbors}")
        if self.temperature <= 0:
            raise ValueError(f"{where}.temperature must be > 0, got {self.temperature}")


@dataclass
class RunConfig:
    arm: str = "wechsel"
    eval_at: list[int] = field(default_factory=lambda: [0, 50, 100, 200, 300])  # spec: steps 0/50/100/200/300

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")


@dataclass
class EvaluateConfig:
    early_step: int = 50  # spec A2 and steps-to-match: WECHSEL's step-50 PPL
    headstart_step: int = 100  # spec A1: step 100

    def check(self, where: str) -> None:
        if self.early_step > self.headstart_step:
            raise ValueError(f"{where}: early_step must be <= headstart_step")


@dataclass(kw_only=True)
class Params:
    """config/papers/wechsel.yaml `params`: one field per section."""

    world: ConlangConfig = field(default_factory=ConlangConfig, metadata={
        "help": "prep: the conlang world (small/ci; paper: OSCAR)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "prep: sentences per language and the bilingual dictionary"})
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig, metadata={
        "help": "train_source_lm and train_tgt_tokenizer: BPE size"})
    model: ModelSpec = field(metadata={"help": "train_source_lm: the English LM (paper: GPT-2)"})
    lm_data: LMDataConfig = field(default_factory=LMDataConfig, metadata={
        "help": "LM blocks and batches of both languages"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "train_source_lm: the shared LM stage trains the English LM on wechsel.data's source batches"})
    source_lm: TrainConfig = field(metadata={"help": "train_source_lm: its training"})
    static: StaticConfig = field(default_factory=StaticConfig, metadata={
        "help": "static_embeddings: Word2Vec (paper: fastText) vectors"})
    wechsel: WechselConfig = field(default_factory=WechselConfig, metadata={
        "help": "wechsel_init: the method (paper §3.4)"})
    target: TrainConfig = field(metadata={"help": "train_target: training in the target language"})
    run: RunConfig = field(default_factory=RunConfig, metadata={
        "help": "train_target: which arm this job trains and when it evaluates"})
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig, metadata={
        "help": "evaluate: the steps the claims compare (spec A1, A2)"})
