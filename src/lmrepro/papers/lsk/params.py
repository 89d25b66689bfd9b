"""Hyperparameters of LSK (Agarwal, Bozdag & Hakkani-Tür 2025): the dataclass of each `params` section of
config/papers/lsk.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.papers.lsk.world import LSKWorldConfig

CLUSTER_METHODS = ("seeding", "full")


@dataclass
class DataConfig:
    """spec DAG 1 (`prep_data`): English MC items and their translations, one table per language."""
    source: str = field(default="world", metadata={
        "help": "world: the synthetic cultures (small/ci); files: <items_dir>/<Language>.jsonl per language (paper: "
                "the repo's GPT-translated items, rows {id, input, choices, answer})"})
    items_dir: str = ""
    languages: list[str] = field(default_factory=list, metadata={
        "help": "source=files: the languages, English among them (spec Method: the repo's 16)"})
    english: str = field(default="en", metadata={"help": "the OnlyEnglish language and the empty-cluster default"})
    n_train: int = field(default=600, metadata={"help": "spec Small scale: 600 train (repo eval: 8000 / 5000)"})
    n_test: int = field(default=300, metadata={"help": "spec Small scale: 300 test (repo eval: 2000 / 1533)"})
    n_generic: int = field(default=2000, metadata={"help": "generic (no-entity) sentences per language"})

    def check(self, where: str) -> None:
        if self.source not in ("world", "files"):
            raise ValueError(f"{where}.source must be world or files, got {self.source!r}")
        if self.source == "files" and (not self.items_dir or self.english not in self.languages):
            raise ValueError(f"{where}: source=files needs items_dir and languages including {self.english!r}")
        if self.n_train < 1 or self.n_test < 1:
            raise ValueError(f"{where}: n_train and n_test must be >= 1")


@dataclass
class TokenizerConfig:
    vocab_size: int = field(default=2048, metadata={"help": "spec Small scale: BPE 2048 shared over 4 languages"})


@dataclass
class LMDataConfig:
    batch_size: int = field(default=32, metadata={"help": "spec Small scale: batch 32 (one sentence per row)"})
    p_fact: float = field(default=0.7, metadata={
        "help": "share of rows that state a fact (the rest: generic sentences; the spec leaves it open)"})

    def check(self, where: str) -> None:
        if not 0.0 < self.p_fact <= 1.0:
            raise ValueError(f"{where}.p_fact must be in (0, 1], got {self.p_fact}")


@dataclass
class AnswerConfig:
    """spec Method / Stage 1 inputs: the answer of the model in each language, and whether it is correct."""
    mode: str = field(default="loglik", metadata={
        "help": "loglik: argmax over options of the summed log-prob of the option after the prompt (spec Small "
                "scale: no CoT); cot: generate reasoning in the language and parse the JSON final_answer (paper)"})
    batch_size: int = 256
    max_new_tokens: int = field(default=512, metadata={"help": "cot: repo run_inference.py max_tokens 512"})
    template: str = field(default=(
        "Question: {question}\nAnswer choices: {choices}.\nThink about it in {language}, and then select one of the "
        "answer choices. Fill out the following JSON:\n{{\n    \"reasoning_in_{language}\": \"<your reasoning steps "
        "in {language}>\",\n    \"final_answer\": \"<output answer here>\"\n}}\n"), metadata={
        "help": "cot: the repo's English instruction (config.py TRANSLATED_INSTRUCTIONS['English']) with the language "
                "named; the repo uses a GPT translation of it per language"})

    def check(self, where: str) -> None:
        if self.mode not in ("loglik", "cot"):
            raise ValueError(f"{where}.mode must be loglik or cot, got {self.mode!r}")


@dataclass
class EncoderConfig:
    """spec Stage 1: embed the English query, normalised (repo: Qwen/Qwen3-Embedding-0.6B)."""
    kind: str = field(default="sentence_transformer", metadata={
        "help": "sentence_transformer (lmrepro.common.sentence_encoder) | tfidf (char n-grams, the spec's fallback)"})
    model: str = "packaged:all-MiniLM-L6-v2"
    batch_size: int = 64
    ngram_range: list[int] = field(default_factory=lambda: [3, 5])

    def check(self, where: str) -> None:
        if self.kind not in ("sentence_transformer", "tfidf"):
            raise ValueError(f"{where}.kind must be sentence_transformer or tfidf, got {self.kind!r}")


@dataclass
class ClusterConfig:
    """spec Stage 1/2: k centres by k-means++ seeding (repo: k=12, kmeans_plusplus only) or full k-means."""
    k: int = field(default=8, metadata={"help": "spec Small scale: k=8 (repo: 12)"})
    methods: list[str] = field(default_factory=lambda: ["seeding", "full"], metadata={
        "help": "seeding: sklearn kmeans_plusplus centres (the repo); full: KMeans (Lloyd). The first is the primary "
                "LSK the claims read; every method's metrics are logged (spec pitfall: report both)"})
    top_n: int = field(default=3, metadata={"help": "spec Stage 2: the top-3 variant votes over 3 languages"})
    purity_ks: list[int] = field(default_factory=lambda: [2, 8, 32], metadata={
        "help": "spec Small scale extra diagnostic: cluster purity w.r.t. culture for these k"})
    pure_threshold: float = field(default=0.8, metadata={"help": "spec A3: clusters with purity > 0.8"})

    def check(self, where: str) -> None:
        if self.k < 1 or self.top_n < 1:
            raise ValueError(f"{where}: k and top_n must be >= 1")
        if not self.methods or any(m not in CLUSTER_METHODS for m in self.methods):
            raise ValueError(f"{where}.methods must be a non-empty list of {CLUSTER_METHODS}, got {self.methods}")


@dataclass(kw_only=True)
class Params:
    """config/papers/lsk.yaml `params`: one field per section."""

    data: DataConfig = field(default_factory=DataConfig, metadata={"help": "prep: items and splits"})
    world: LSKWorldConfig = field(default_factory=LSKWorldConfig, metadata={
        "help": "prep: the 3-culture conlang world (spec: Small scale)"})
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig, metadata={"help": "prep: the shared BPE"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: LlamaForCausalLM (paper: the hub models)"})
    lm_data: LMDataConfig = field(default_factory=LMDataConfig, metadata={"help": "pretrain_lm: rows per batch"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared tiny-LM stage"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training (spec: 900 steps, lr 1e-3)"})
    answer: AnswerConfig = field(default_factory=AnswerConfig, metadata={
        "help": "answer: per-language answers and is_correct (spec DAG 2: generate + parse)"})
    encoder: EncoderConfig = field(default_factory=EncoderConfig, metadata={
        "help": "embed: the English-query embedder (spec DAG 3: embed_queries)"})
    cluster: ClusterConfig = field(default_factory=ClusterConfig, metadata={
        "help": "route: clustering, expert map, routing and baselines (spec DAG 3-5)"})
