"""kid's hyperparameters: one dataclass per section of config/papers/kid.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.entities import KnowledgeConfig

ARMS = ("greedy", "sampling", "concat", "kid", "kid_random", "kid_sweep")


@dataclass
class TaskConfig:
    """Spec Small scale: 100 test entities whose facts the LM never sees; the reference states 2 true facts."""
    n_test: int = field(default=100, metadata={"help": "test entities (prompts 'tell me about NAME .')"})
    reference_relations: tuple[str, ...] = field(default=("works_as", "lives_in"), metadata={
        "help": "the facts a reference states (spec: 2-3 true facts)"})
    doc_copies: int = field(default=1, metadata={"help": "copies of each training entity's document in the corpus"})
    answer_copies: int = field(default=2, metadata={"help": "copies of each training entity's prompt + answer line"})

    def check(self, where: str) -> None:
        if self.n_test < 1 or not self.reference_relations:
            raise ValueError(f"{where}: n_test must be >= 1 and reference_relations non-empty")
        if min(self.doc_copies, self.answer_copies) < 0:
            raise ValueError(f"{where}: doc_copies and answer_copies must be >= 0")


@dataclass
class RetrieveConfig:
    """Paper Sec. 3.1 / spec Method step 1: k=5 passages per input (DPR); here BM25 over the entity documents."""
    k: int = field(default=5, metadata={"help": "documents retrieved per prompt (paper: 5)"})
    k1: float = field(default=1.5, metadata={"help": "BM25 term-frequency saturation"})
    b: float = field(default=0.75, metadata={"help": "BM25 length normalisation"})

    def check(self, where: str) -> None:
        if self.k < 1 or self.k1 < 0 or not 0.0 <= self.b <= 1.0:
            raise ValueError(f"{where}: need k >= 1, k1 >= 0 and b in [0, 1]")


@dataclass
class DecodeConfig:
    """Paper Sec. 3.2-3.3 and the official KIDPolicy / KIDAgent defaults (spec Method steps 3-6)."""
    arm: str = field(default="kid", metadata={"help": f"the decode rule sets it: {', '.join(ARMS)}"})
    kid_steps: int = field(default=3, metadata={"help": "policy-update iterations per token (paper: 3)"})
    eta: float = field(default=0.01, metadata={"help": "step size of the KV-cache update (paper: 0.01)"})
    sweep_eta: float = field(default=0.03, metadata={"help": "kid_sweep's step size (spec: sweep {0.01, 0.03})"})
    gamma: float = field(default=1.5, metadata={"help": "gradient-norm exponent, running max (paper: 1.5)"})
    beta: float = field(default=0.01, metadata={"help": "KL weight against the unperturbed policy (paper: 0.01)"})
    fusion: float = field(default=0.99, metadata={"help": "p = pi_kid^fusion * pi_0^(1-fusion) (paper: 0.99)"})
    hops: int = field(default=1, metadata={"help": "trie query hops h_max (paper: 1)"})
    memory_size: int = field(default=0, metadata={"help": "FIFO capacity of the local memory (0 = all, as the repo)"})
    top_k: int = field(default=20, metadata={"help": "paper: 20"})
    top_p: float = field(default=0.92, metadata={"help": "paper: 0.92"})
    temperature: float = field(default=1.0, metadata={"help": "paper: 1"})
    no_repeat_ngram: int = field(default=2, metadata={"help": "banned repeated n-grams (paper: bigrams)"})
    max_new_tokens: int = field(default=20, metadata={"help": "spec Small scale: 20 tokens (demo: 64)"})
    samples: int = field(default=3, metadata={"help": "samples per prompt (greedy: 1)"})
    concat_docs: int = field(default=1, metadata={"help": "concat: retrieved documents prepended to the prompt"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")
        if self.kid_steps < 0 or self.eta < 0 or self.sweep_eta < 0 or self.beta < 0 or self.hops < 1:
            raise ValueError(f"{where}: need kid_steps, eta, sweep_eta, beta >= 0 and hops >= 1")
        if not 0.0 <= self.fusion <= 1.0 or not 0.0 < self.top_p <= 1.0 or self.top_k < 0:
            raise ValueError(f"{where}: need fusion in [0, 1], top_p in (0, 1] and top_k >= 0")
        if self.temperature <= 0 or min(self.max_new_tokens, self.samples, self.concat_docs) < 1:
            raise ValueError(f"{where}: need temperature > 0 and max_new_tokens, samples, concat_docs >= 1")


@dataclass
class ScoreConfig:
    batch_size: int = field(default=300, metadata={"help": "outputs per forward pass when scoring perplexity"})


@dataclass(kw_only=True)
class Params:
    """config/papers/kid.yaml `params`: one field per section."""

    world: KnowledgeConfig = field(default_factory=KnowledgeConfig, metadata={
        "help": "prep: the typed knowledge world (persons, towns, jobs, foods, rivers)"})
    task: TaskConfig = field(default_factory=TaskConfig, metadata={"help": "prep: test entities, corpus, references"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={"help": "pretrain_lm: lines per step"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the shared LM stage (small/ci base)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base (paper: gpt2-medium)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: steps and lr"})
    retrieve: RetrieveConfig = field(default_factory=RetrieveConfig, metadata={"help": "retrieve: BM25 top-k"})
    decode: DecodeConfig = field(default_factory=DecodeConfig, metadata={"help": "decode: KID and the baselines"})
    score: ScoreConfig = field(default_factory=ScoreConfig, metadata={"help": "score: perplexity batches"})
