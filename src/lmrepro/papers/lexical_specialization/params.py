"""lexical_specialization's hyperparameters: one dataclass per section of config/papers/lexical_specialization.yaml,
and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.conlang import ConlangConfig

SOURCES = ("world", "babelnet")
ARMS = ("full", "low", "shuffled")  # spec Small scale / Arms: 100% of pairs, 25% of pairs (C3), shuffled labels


@dataclass
class PhonotacticsConfig:
    """One constructed language of the world: its name and sound inventory (spec: 5 conlangs, distinct
    phonotactics)."""
    name: str = field(metadata={"help": "language code used in pair tables and test-set names"})
    consonants: str = "bdfgklmnprstvz"
    vowels: str = "aeiou"

    def check(self, where: str) -> None:
        if not self.name or self.name == "en" or "-" in self.name:
            raise ValueError(f"{where}.name must be a non-empty code other than 'en', without '-', got {self.name!r}")
        if len(self.consonants) * len(self.vowels) < 6:
            raise ValueError(f"{where}: too few syllables ({self.consonants!r} x {self.vowels!r}) for the affixes")


@dataclass
class LexiconConfig:
    """Constraints and test sets (spec DAG 1-2: prep_lexicon, split_langs; paper §3: BabelNet synset pairs)."""
    source: str = field(default="world", metadata={"help": f"one of {', '.join(SOURCES)}: the seeded conlang world "
                                                          "(small/ci) or the BabelNet pair table (paper)"})
    languages: list[PhonotacticsConfig] = field(default_factory=list, metadata={
        "help": "world: the constructed languages besides English (spec: L1..L5)"})
    seen: list[str] = field(default_factory=lambda: ["en", "l1", "l2", "l3"], metadata={
        "help": "languages that contribute constraints (spec: EN, L1, L2, L3); [] = every language of the table"})
    n_sentences: int = field(default=8000, metadata={"help": "world: MLM sentences per language, non-parallel"})
    test_frac: float = field(default=0.3, metadata={"help": "world: held-out concepts (spec: pairs from 70%)"})
    bli_seen: list[str] = field(default_factory=lambda: ["en-l1", "en-l2", "en-l3"], metadata={
        "help": "BLI pairs 'src-tgt' between seen languages (spec: EN->L1)"})
    bli_unseen: list[str] = field(default_factory=lambda: ["en-l4", "en-l5"], metadata={
        "help": "BLI pairs into unseen languages (spec: EN->L4)"})
    xlsim_pairs: int = field(default=300, metadata={"help": "world: cross-lingual word pairs per XLSIM set (spec)"})
    xlsim_translation_frac: float = field(default=1 / 3, metadata={
        "help": "world: share of XLSIM pairs that are translations (gold 1.0); the rest are same-POS concept pairs "
                "scored by the cosine of their latent meanings"})
    n_parallel: int = field(default=200, metadata={"help": "world: parallel sentences per Tatoeba-like pair"})
    pairs_file: str = field(default="", metadata={"help": "babelnet: the pair CSV inside the dataset snapshot "
                                                          "(columns word1, word2, lang1, lang2, synsetID)"})
    bli_files: dict = field(default_factory=dict, metadata={
        "help": "babelnet: pair -> test dictionary inside the official repository (word1<TAB>word2 rows)"})
    vocab_dir: str = field(default="datasets/vocab", metadata={
        "help": "babelnet: the repository's target vocabulary lists, <lang>_vocab.txt"})

    def check(self, where: str) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"{where}.source must be one of {', '.join(SOURCES)}, got {self.source!r}")
        if not 0.0 < self.test_frac < 1.0 or not 0.0 <= self.xlsim_translation_frac <= 1.0:
            raise ValueError(f"{where}: test_frac must be in (0, 1) and xlsim_translation_frac in [0, 1]")
        for pair in [*self.bli_seen, *self.bli_unseen]:
            if pair.count("-") != 1:
                raise ValueError(f"{where}: BLI pair {pair!r} must look like 'src-tgt'")
        if self.source == "world":
            names = ["en", *(lang.name for lang in self.languages)]
            if len(set(names)) != len(names):
                raise ValueError(f"{where}.languages: duplicate language names {names}")
            unknown = [x for p in [*self.bli_seen, *self.bli_unseen] for x in p.split("-") if x not in names]
            unknown += [x for x in self.seen if x not in names]
            if unknown:
                raise ValueError(f"{where}: unknown language(s) {sorted(set(unknown))} (known: {', '.join(names)})")


@dataclass
class TokenizerConfig:
    vocab_size: int = field(default=3000, metadata={"help": "WordPiece vocabulary over all languages (spec: 3000)"})


@dataclass
class MLMConfig:
    """Masked-LM batches of the small encoder (spec Small scale: batch 64, ctx 32; BERT's 15% / 80-10-10 masking)."""
    batch_size: int = 64
    max_len: int = 32
    mlm_prob: float = 0.15

    def check(self, where: str) -> None:
        if not 0.0 < self.mlm_prob < 1.0 or self.batch_size < 1 or self.max_len < 4:
            raise ValueError(f"{where}: mlm_prob must be in (0, 1), batch_size >= 1 and max_len >= 4")


@dataclass
class SpecializeConfig:
    """Babel-FT (paper §3, repo defaults): NT-Xent over word_iso encodings, synset ids as labels."""
    batch_pairs: int = field(default=128, metadata={"help": "synonym pairs per step (paper: 256; spec small: 128)"})
    temperature: float = field(default=0.07, metadata={"help": "NT-Xent tau (paper: 0.07)"})
    alpha: float = field(default=0.5, metadata={"help": "language-pair upsampling q ~ p^alpha (paper: 0.5)"})
    low_frac: float = field(default=0.25, metadata={"help": "share of pairs of the 'low' arm (spec C3: 25%)"})
    max_len: int = field(default=16, metadata={"help": "sub-word tokens per word incl. [CLS]/[SEP]"})

    def check(self, where: str) -> None:
        if self.batch_pairs < 2 or self.temperature <= 0 or not 0.0 < self.low_frac <= 1.0 or self.max_len < 3:
            raise ValueError(f"{where}: batch_pairs >= 2, temperature > 0, low_frac in (0, 1], max_len >= 3")


@dataclass
class RunConfig:
    """Which job this is: the rules set it (--set run.arm=...)."""
    arm: str = field(default="full", metadata={"help": f"one of {', '.join(ARMS)}"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")


@dataclass
class EvalConfig:
    """Type-level evaluation (paper §4): last-layer word_iso encodings, cosine retrieval over the full vocabulary."""
    batch_size: int = 512
    max_len: int = 16
    sentence_max_len: int = 40

    def check(self, where: str) -> None:
        if self.batch_size < 1 or self.max_len < 3 or self.sentence_max_len < 3:
            raise ValueError(f"{where}: batch_size >= 1, max_len >= 3 and sentence_max_len >= 3")


@dataclass(kw_only=True)
class Params:
    """config/papers/lexical_specialization.yaml `params`: one field per section."""

    world: ConlangConfig = field(default_factory=ConlangConfig, metadata={
        "help": "prep: the conlang world's concepts and English (small/ci; paper: BabelNet)"})
    lexicon: LexiconConfig = field(default_factory=LexiconConfig, metadata={"help": "prep: constraints, test sets"})
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig, metadata={"help": "prep: WordPiece (small)"})
    model: ModelSpec = field(metadata={"help": "pretrain_mlm: the encoder (paper: mBERT / XLM-R base)"})
    pretrain_mlm: PretrainLMConfig = field(metadata={"help": "pretrain_mlm: the shared LM stage, MLM objective"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_mlm: optimiser (spec: 800 steps, lr 1e-3)"})
    mlm: MLMConfig = field(default_factory=MLMConfig, metadata={"help": "pretrain_mlm: batches"})
    specialize: SpecializeConfig = field(default_factory=SpecializeConfig, metadata={"help": "specialize: method"})
    specialize_train: TrainConfig = field(metadata={
        "help": "specialize: optimiser (paper: AdamW lr 5e-6, wd 0, no warmup, 2 epochs; spec small: lr 5e-5, "
                "250 steps)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "the rules set the arm"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: encoding"})
