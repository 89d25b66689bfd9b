"""Hyperparameters of ChocoLlama (Meeus et al. 2024): the dataclass of each `params` section of
config/papers/chocollama.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.languages import LanguagesConfig, LanguageSpec

ARMS = ("a_orig", "b_orig", "a_tokentrans", "a_random")


def _nl_spec() -> LanguageSpec:
    # spec: Small scale: English-related (~60% cognates by sound changes), V2 order; Dutch has articles, no case
    return LanguageSpec("nl", order="V2", articles=True, case=False, harmony=False, negation_prefix=False,
                        verb_suffixes=False, plural_reduplication=False, p_cognate=0.6)


@dataclass
class WorldConfig:
    """spec: Small scale / the world: English and NL* over one event world, with facts asked in NL*."""
    languages: LanguagesConfig = field(default_factory=LanguagesConfig)
    nl: LanguageSpec = field(default_factory=_nl_spec)
    dictionary_coverage: float = 0.7  # spec: word-level NL*->EN dictionary with ~70% coverage
    n_facts: int = 200  # spec: 200 QA items, one per fact (agent, verb) -> patient
    p_fact: float = 0.3  # share of corpus sentences that state a fact (the rest are random events)

    def check(self, where: str) -> None:
        if not 0.0 < self.dictionary_coverage <= 1.0:
            raise ValueError(f"{where}.dictionary_coverage must be in (0, 1], got {self.dictionary_coverage}")
        if not 0.0 <= self.p_fact <= 1.0:
            raise ValueError(f"{where}.p_fact must be in [0, 1], got {self.p_fact}")
        if self.n_facts < 1:
            raise ValueError(f"{where}.n_facts must be >= 1, got {self.n_facts}")


@dataclass
class CorpusConfig:
    source: str = "world"  # world: the synthetic world (small/ci); text: hub snapshot dirs (paper: Dutch web text)
    n_en: int = 20000  # English training sentences (the bases' English side)
    n_nl: int = 20000  # NL* training sentences (the CPT corpus, and the bases' NL* side)
    n_heldout: int = 300  # spec: BPC on 300 held-out NL* sentences
    text_field: str = "text"
    nl_pattern: str = "**/*"  # source=text: the Dutch files inside the dataset snapshot
    dictionary: str = ""  # source=text: a `dutch<TAB>english` word list (the translation table)

    def check(self, where: str) -> None:
        if self.source not in ("world", "text"):
            raise ValueError(f"{where}.source must be world or text, got {self.source!r}")
        if self.n_heldout < 1 or self.n_nl < 1:
            raise ValueError(f"{where}: n_nl and n_heldout must be >= 1")


@dataclass
class TokenizerConfig:
    vocab_size: int = 512  # the original BPE and the NL* BPE (spec: same vocab size; paper: ~50k RobBERT-style)
    orig_nl_frac: float = 0.02  # the original BPE learns from base A's mixture (English-centric, like Llama-2's)


@dataclass
class MixConfig:
    """spec: Small scale / Models: the bases differ only in their share of NL* rows (same steps, batch, tokens)."""
    a_nl_frac: float = 0.02  # Base-A, "Llama-2-like": 98% EN / 2% NL*
    b_nl_frac: float = 0.25  # Base-B, "Llama-3-like": 75% EN / 25% NL*

    def check(self, where: str) -> None:
        for name in ("a_nl_frac", "b_nl_frac"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1], got {getattr(self, name)}")


@dataclass
class LMDataConfig:
    batch_size: int = 32  # spec: batch 32
    block_size: int = 64  # spec: ctx 64


@dataclass
class TokenTransConfig:
    """Method / Token translation init (Remy et al. 2023, arXiv 2310.03477, as the spec describes it)."""
    weighting: str = "count"  # candidate weights: NL* corpus count of the dictionary word ("count") or "uniform"

    def check(self, where: str) -> None:
        if self.weighting not in ("count", "uniform"):
            raise ValueError(f"{where}.weighting must be count or uniform, got {self.weighting!r}")


@dataclass
class LoraConfig:
    """Method / LoRA CPT: W = W0 + (alpha/r) B A on the attention and MLP projections (paper: r, alpha not
    retrieved; spec small: r=8, alpha=16), input embeddings and LM head trained in full (modules_to_save)."""
    r: int = 8
    alpha: int = 16
    dropout: float = 0.0
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                               "up_proj", "down_proj"])
    modules_to_save: list[str] = field(default_factory=lambda: ["embed_tokens", "lm_head"])

    def check(self, where: str) -> None:
        if self.r < 1 or self.alpha <= 0:
            raise ValueError(f"{where}: r must be >= 1 and alpha > 0, got r={self.r}, alpha={self.alpha}")


@dataclass
class RunConfig:
    arm: str = "a_orig"  # which CPT job: base (a|b) x tokenizer (orig | tokentrans | random re-init)

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")


@dataclass(kw_only=True)
class Params:
    """config/papers/chocollama.yaml `params`: one field per section."""

    world: WorldConfig = field(default_factory=WorldConfig, metadata={
        "help": "prep: the English / NL* world with facts (spec: Small scale; paper: Dutch web text)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "prep: corpus sizes (spec: 300 held-out NL* sentences), or the paper's hub text"})
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig, metadata={
        "help": "prep (original BPE) and tokenizer_nl (the NL* BPE, paper §tokenizer: Dutch BPE)"})
    mix: MixConfig = field(default_factory=MixConfig, metadata={
        "help": "pretrain_lm a/b: NL* share of each base's rows (spec: Small scale / Models)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm a/b: LlamaForCausalLM (paper: Llama-2-7B, Llama-3-8B)"})
    lm_data: LMDataConfig = field(default_factory=LMDataConfig, metadata={"help": "blocks and batches"})
    pretrain_a: PretrainLMConfig = field(metadata={"help": "pretrain_lm: Base-A (Llama-2-like)"})
    pretrain_b: PretrainLMConfig = field(metadata={"help": "pretrain_lm: Base-B (Llama-3-like)"})
    base_train: TrainConfig = field(metadata={"help": "pretrain_lm a/b: both bases' training (spec: 500 steps)"})
    tokentrans: TokenTransConfig = field(default_factory=TokenTransConfig, metadata={
        "help": "init_embeddings: token translation (paper: tokentrans, Remy et al. 2023)"})
    lora: LoraConfig = field(default_factory=LoraConfig, metadata={"help": "cpt: peft LoRA (paper: LoRA CPT)"})
    cpt: TrainConfig = field(metadata={"help": "cpt: continued pretraining on NL* / Dutch (spec: 200 steps, lr 2e-3)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "cpt: which arm this job trains"})
