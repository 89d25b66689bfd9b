"""speech_cpt's hyperparameters: one dataclass per section of config/papers/speech_cpt.yaml, and `Params`.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, TrainConfig

LANGS = ("tgt", "rel", "sim", "pool")
INITS = ("base", "cpt")
MIXES = ("mono", "multi")


@dataclass
class LexiconConfig:
    """spec Small scale: TGT ("Sakhalin") CV/CVC words; REL ("Hokkaido") shares `rel_shared_frac` of TGT's lexicon
    and its sounds; SIM ("Japanese-like") is an unrelated lexicon with CV phonotactics; the pool reads English."""
    n_words: int = field(default=120, metadata={"help": "TGT lexicon size (REL and SIM get as many words)"})
    syllables: tuple[int, int] = field(default=(1, 2), metadata={"help": "CV syllables per word (min, max)"})
    words_per_utterance: tuple[int, int] = field(default=(2, 3), metadata={"help": "spec: 2-3 words, ~1.5 s"})
    rel_shared_frac: float = field(default=0.7, metadata={"help": "spec: REL shares 70% of TGT's lexicon"})
    consonants: str = field(default="bdfgklmnprstvz", metadata={"help": "TGT and REL consonants"})
    vowels: str = field(default="aeiou", metadata={"help": "TGT and REL vowels"})
    sim_consonants: str = field(default="hkmnstwy", metadata={"help": "SIM: a Japanese-like CV inventory"})
    sim_vowels: str = field(default="aeiou", metadata={"help": "SIM vowels"})

    def check(self, where: str) -> None:
        if self.n_words < 2 or not 1 <= self.syllables[0] <= self.syllables[1]:
            raise ValueError(f"{where}: n_words >= 2 and 1 <= syllables[0] <= syllables[1] required")
        if not 1 <= self.words_per_utterance[0] <= self.words_per_utterance[1]:
            raise ValueError(f"{where}.words_per_utterance must be (min, max) with 1 <= min <= max")
        if not 0.0 <= self.rel_shared_frac <= 1.0:
            raise ValueError(f"{where}.rel_shared_frac must be in [0, 1], got {self.rel_shared_frac}")
        if not (self.consonants and self.vowels and self.sim_consonants and self.sim_vowels):
            raise ValueError(f"{where}: sound inventories must not be empty")


@dataclass
class SetSpec:
    """One synthesised set: `n` utterances of language `lang`, each by a speaker drawn from `voices` with a
    pitch and a speed (wpm) uniform in the given ranges (espeak-ng's speaker knobs)."""
    lang: str = "tgt"
    n: int = 0
    voices: tuple[str, ...] = ("fi",)
    pitch: tuple[int, int] = (20, 80)
    speed: tuple[int, int] = (140, 190)

    def check(self, where: str) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"{where}.lang must be one of {LANGS}, got {self.lang!r}")
        if self.n < 0 or not self.voices:
            raise ValueError(f"{where}: n >= 0 and at least one voice required")
        if not (0 <= self.pitch[0] <= self.pitch[1] <= 99 and 80 <= self.speed[0] <= self.speed[1] <= 500):
            raise ValueError(f"{where}: pitch within [0, 99] and speed within [80, 500] wpm, as (min, max)")


@dataclass
class SetsConfig:
    """spec Small scale, Amounts. The TGT test speakers (pitch/speed) are outside the labeled speakers' ranges, so
    the test voice is unseen in FT labels (spec Pitfalls); unlabeled TGT audio spans all TGT speakers."""
    pool: SetSpec = field(default_factory=lambda: SetSpec(lang="pool", voices=("en", "de", "es", "fr", "it")))
    tgt_unlabeled: SetSpec = field(default_factory=SetSpec)
    tgt_labeled: SetSpec = field(default_factory=SetSpec)
    tgt_test: SetSpec = field(default_factory=SetSpec)
    rel_labeled: SetSpec = field(default_factory=lambda: SetSpec(lang="rel"))
    sim_labeled: SetSpec = field(default_factory=lambda: SetSpec(lang="sim", voices=("sw",)))

    def check(self, where: str) -> None:
        if min(self.pool.n, self.tgt_unlabeled.n, self.tgt_labeled.n, self.tgt_test.n) < 2:
            raise ValueError(f"{where}: pool, tgt_unlabeled, tgt_labeled and tgt_test need >= 2 utterances each")


@dataclass
class AudioConfig:
    """spec Pitfalls: 16 kHz mono float32, normalised per utterance (XLSR-53's feature extractor: do_normalize)."""
    sample_rate: int = 16000
    do_normalize: bool = True

    def check(self, where: str) -> None:
        if self.sample_rate != 16000:
            raise ValueError(f"{where}.sample_rate must be 16000 (wav2vec 2.0 / XLSR-53), got {self.sample_rate}")


@dataclass
class SSLConfig:
    """spec Method, SSL loss: L = L_m + alpha L_d (alpha, kappa, K and the mask span/probability are the model
    config's diversity_loss_weight, contrastive_logits_temperature, num_negatives, mask_time_length/prob); the
    Gumbel temperature is decayed geometrically from gumbel[0] to gumbel[1] over the run (spec Pitfalls)."""
    batch_size: int = field(default=8, metadata={"help": "spec Budget: batch 8"})
    gumbel: tuple[float, float] = field(default=(2.0, 0.5), metadata={"help": "wav2vec 2.0: 2 -> 0.5"})
    eval_utterances: int = field(default=64, metadata={"help": "held-out TGT test audio scored (A1 SSL loss, A4)"})

    def check(self, where: str) -> None:
        if self.batch_size < 1 or self.eval_utterances < 1:
            raise ValueError(f"{where}: batch_size and eval_utterances must be >= 1")
        if not 0 < self.gumbel[1] <= self.gumbel[0]:
            raise ValueError(f"{where}.gumbel must be (start, end) with 0 < end <= start, got {self.gumbel}")


@dataclass
class FTConfig:
    """spec Method, Fine-tuning: a linear CTC head over characters ("|" = space, pad = blank), frozen feature
    encoder, mean CTC loss with zero_infinity; multilingual FT adds the auxiliary labeled sets; greedy decoding."""
    n_labeled: int = field(default=40, metadata={"help": "spec: TGT labeled 'tiny' = 40 utterances"})
    aux_sets: tuple[str, ...] = field(default=("rel_labeled",), metadata={
        "help": "multi: labeled sets added to TGT's (spec: +REL at 40 labels)"})
    batch_size: int = 8
    mask_time_prob: float = field(default=0.05, metadata={"help": "SpecAugment during FT (XLSR FT recipe: 0.05)"})
    layerdrop: float = 0.0

    def check(self, where: str) -> None:
        unknown = set(self.aux_sets) - {"rel_labeled", "sim_labeled"}
        if unknown:
            raise ValueError(f"{where}.aux_sets: unknown set(s) {sorted(unknown)} (rel_labeled, sim_labeled)")
        if self.n_labeled < 1 or self.batch_size < 1 or not 0 <= self.mask_time_prob < 1:
            raise ValueError(f"{where}: n_labeled, batch_size >= 1 and mask_time_prob in [0, 1) required")


@dataclass
class RunConfig:
    """Which FT arm a ctc_ft job trains (spec DAG step 5: init in {base, cpt}, mix in {mono, multi})."""
    init: str = "cpt"
    mix: str = "mono"

    def check(self, where: str) -> None:
        if self.init not in INITS or self.mix not in MIXES:
            raise ValueError(f"{where}: init must be one of {INITS} and mix one of {MIXES}, got {self.init!r}, "
                             f"{self.mix!r}")


@dataclass(kw_only=True)
class Params:
    """config/papers/speech_cpt.yaml `params`: one field per section."""

    lexicon: LexiconConfig = field(default_factory=LexiconConfig, metadata={"help": "synth: the languages' words"})
    sets: SetsConfig = field(default_factory=SetsConfig, metadata={"help": "synth: the audio sets and speakers"})
    audio: AudioConfig = field(default_factory=AudioConfig, metadata={"help": "every stage: the feature extractor"})
    model: ModelSpec = field(metadata={"help": "ssl_base: spec Wav2Vec2ForPreTraining (~0.5M; paper: XLSR-53)"})
    base_ssl: SSLConfig = field(default_factory=SSLConfig, metadata={"help": "ssl_base: the SSL objective"})
    base_train: TrainConfig = field(metadata={"help": "ssl_base: spec 400 steps on the multilingual pool"})
    cpt_ssl: SSLConfig = field(default_factory=SSLConfig, metadata={"help": "ssl_cpt: the SSL objective"})
    cpt_train: TrainConfig = field(metadata={"help": "ssl_cpt: spec 300 steps on TGT unlabeled (paper: 100k)"})
    ft: FTConfig = field(default_factory=FTConfig, metadata={"help": "ctc_ft: spec Method, Fine-tuning"})
    ft_train: TrainConfig = field(metadata={"help": "ctc_ft: spec 400 steps, lr 1e-3"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "ctc_ft: the arm this job trains"})
