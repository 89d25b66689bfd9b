"""Hyperparameters of multilingual_cpt (Li et al. 2025): the dataclass of each `params` section of
config/papers/multilingual_cpt.yaml, and `Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.languages import LanguagesConfig, LanguageSpec

MIXES = ("mono", "mono_code", "bi", "bi_code")
TIERS = ("high", "mid", "low")
# stream keys of a mixture: English documents, English topic lines, code, and per language monolingual documents
# or bilingual (X then English) pair documents; "mono" / "bi" alone split equally over the CPT group's languages
STREAM_KINDS = ("en", "topic", "code", "mono", "bi")


def _relexified() -> LanguageSpec:
    # spec Small scale: one conlang close to English (relexified: English grammar, new words)
    return LanguageSpec("hi", order="SVO", articles=True, case=False, harmony=False, negation_prefix=False,
                        verb_suffixes=False, plural_reduplication=False)


def _intermediate() -> LanguageSpec:
    return LanguageSpec("md", order="V2", articles=False, case=False, harmony=False, negation_prefix=True,
                        verb_suffixes=False, plural_reduplication=False)


def _distant() -> LanguageSpec:
    # spec Small scale: one conlang distant from English (SOV + case suffixes)
    return LanguageSpec("lo", order="SOV", articles=False, case=True, harmony=True, negation_prefix=True,
                        verb_suffixes=True, plural_reduplication=True, p_cognate=0.3)


@dataclass
class CodeConfig:
    """spec Small scale: a code generator (tiny seeded Python-like programs), the analogue of The Stack."""
    n_functions: tuple[int, int] = (1, 2)  # functions per document
    n_statements: tuple[int, int] = (2, 4)  # assignments per function before its return

    def check(self, where: str) -> None:
        for name in ("n_functions", "n_statements"):
            lo, hi = getattr(self, name)
            if not 1 <= lo <= hi:
                raise ValueError(f"{where}.{name} must be (min, max) with 1 <= min <= max")


@dataclass
class WorldConfig:
    """spec Small scale / the world: English and three conlangs (high / mid / low tier) over one event world
    (lmrepro.worlds.languages); a sentence's topic label is its agent's category (7-way, like SIB-200)."""
    languages: LanguagesConfig = field(default_factory=LanguagesConfig)
    high: LanguageSpec = field(default_factory=_relexified)
    mid: LanguageSpec = field(default_factory=_intermediate)
    low: LanguageSpec = field(default_factory=_distant)
    sentences_per_doc: int = 4  # monolingual documents: this many sentences of one language
    pairs_per_doc: int = 1  # bilingual documents (paper: one parallel pair per document)
    topic_coherence: float = 0.8  # P(patient from the agent's category): topical sentences (see world.py)
    code: CodeConfig = field(default_factory=CodeConfig)

    def check(self, where: str) -> None:
        names = [self.high.name, self.mid.name, self.low.name]
        if len(set(names)) != 3 or "en" in names:
            raise ValueError(f"{where}: the three conlangs need distinct names other than 'en', got {names}")
        if not 0.0 <= self.topic_coherence <= 1.0:
            raise ValueError(f"{where}.topic_coherence must be in [0, 1], got {self.topic_coherence}")
        if self.sentences_per_doc < 2 or self.pairs_per_doc < 1:
            raise ValueError(f"{where}: sentences_per_doc must be >= 2 (switch prompts) and pairs_per_doc >= 1")


@dataclass
class CorpusConfig:
    """prep: corpus and evaluation sizes (small: world samples; paper: records read from the hub snapshots)."""
    source: str = "world"  # world (small/ci) | text (paper: hub snapshots)
    languages: dict = field(default_factory=lambda: {"hi": "high", "md": "mid", "lo": "low"})  # code -> tier
    n_en_docs: int = 6000
    n_topic: int = 4000  # English lines "topic of: <sentence> => <label>" (spec: in the base corpus)
    n_mono_docs: int = 6000  # per language
    n_bi_docs: int = 12000  # per language: parallel pairs (pairs_per_doc per document)
    n_code_docs: int = 3000
    n_heldout: int = 200  # held-out monolingual documents per language (perplexity, A3)
    n_cls: int = 300  # spec: 300 classification items per language
    n_gen: int = 100  # translation items and switch prompts per language
    n_dev: int = 50  # few-shot pool per language (spec: shots drawn with replacement from dev)
    # paper (source=text): hub dataset patterns; "{lang}" is replaced by each language code
    text_field: str = "text"
    mono_pattern: str = "{lang}/**/*"
    en_pattern: str = "en/**/*"
    code_pattern: str = "**/*"
    code_field: str = "content"
    bi_pattern: str = "{lang}/**/*"
    bi_src_field: str = "src"
    bi_tgt_field: str = "tgt"
    en_code: str = "eng_Latn"  # English in the eval sets (FLORES code)
    cls_pattern: str = "{lang}/{split}*"  # SIB-200: splits test (items) and train (shots)
    cls_label_field: str = "category"
    flores_pattern: str = "{split}/{lang}*"  # FLORES: splits devtest (items) and dev (shots), rows aligned

    def check(self, where: str) -> None:
        if self.source not in ("world", "text"):
            raise ValueError(f"{where}.source must be world or text, got {self.source!r}")
        bad = {k: v for k, v in self.languages.items() if v not in TIERS}
        if not self.languages or bad or "en" in self.languages:
            raise ValueError(f"{where}.languages must map language codes (not 'en') to a tier in {TIERS}, "
                             f"got {self.languages}")
        for name in ("n_en_docs", "n_topic", "n_mono_docs", "n_bi_docs", "n_code_docs", "n_heldout", "n_cls",
                     "n_gen", "n_dev"):
            if getattr(self, name) < 1:
                raise ValueError(f"{where}.{name} must be >= 1")


@dataclass
class TokenizerConfig:
    vocab_size: int = 2048  # spec: shared BPE vocab 2048, trained on the base mixture (small only)


@dataclass
class MixConfig:
    """spec Method / Data per language group: row shares of each stream (rows are equal-length blocks, so row
    shares are token shares). Keys: en, topic, code, mono, bi, or mono:<lang> / bi:<lang>; mono / bi alone
    split equally over the `group` (spec: equal sampling per language)."""
    group: list[str] = field(default_factory=lambda: ["lo"])  # spec: the 4 mixes on the low-tier group
    base: dict = field(default_factory=dict)  # the base pretraining mixture (small only)
    mixes: dict = field(default_factory=dict)  # mix name -> its CPT mixture

    def check(self, where: str) -> None:
        missing = [m for m in MIXES if m not in self.mixes]
        if missing:
            raise ValueError(f"{where}.mixes lacks {missing} (needs {MIXES})")
        for name, weights in [("base", self.base), *((f"mixes.{k}", v) for k, v in self.mixes.items())]:
            if not isinstance(weights, dict):
                raise ValueError(f"{where}.{name} must be a mapping stream -> weight")
            for key, w in weights.items():
                if key.split(":")[0] not in STREAM_KINDS or not isinstance(w, (int, float)) or w < 0:
                    raise ValueError(f"{where}.{name}: bad stream {key!r} or weight {w!r} (streams: "
                                     f"{STREAM_KINDS}, optionally ':<lang>'; weights >= 0)")


@dataclass
class LMDataConfig:
    batch_size: int = 16
    block_size: int = 128


@dataclass
class EvalConfig:
    """spec Method / SIB-200 and FLORES evaluation, and the toy's language-switch probe. Templates use {text},
    {label}, {src}, {tgt}; {eos} stands for the tokenizer's EOS token (our documents are EOS-separated)."""
    cls_header: str = "{eos}"  # paper: a header listing the 7 topics
    cls_shot: str = "{text} => {label}{eos}"  # paper: 'The topic of the news "{text}" is {label}'
    cls_query: str = "topic of: {text} =>"
    cls_shots: int = 0  # spec small: 0-shot; paper: 3 (random train examples, one fixed draw per language)
    label_piece: str = "last"  # label token: last sub-token of " <label>" (the repo) or "first"
    gen_prefix: str = "{eos}"
    gen_shot: str = "{src} {tgt}{eos}"  # paper: "[src]: {src}\n[tgt]: {tgt}\n"
    gen_query: str = "{src}"
    gen_shots: int = 3  # spec: 3-shot, drawn with replacement from dev with one fixed seed per language
    gen_stop: str = "."  # the hypothesis ends at the first stop string (paper: newline)
    gen_max_new_tokens: int = 24
    switch_sentences: int = 2  # spec: prompt with 2 sentences in X
    switch_max_new_tokens: int = 16  # spec: generate 16 tokens
    gen_batch: int = 256

    def check(self, where: str) -> None:
        if self.label_piece not in ("last", "first"):
            raise ValueError(f"{where}.label_piece must be last or first, got {self.label_piece!r}")
        if self.cls_shots < 0 or self.gen_shots < 0 or self.switch_sentences < 1:
            raise ValueError(f"{where}: shots must be >= 0 and switch_sentences >= 1")


@dataclass
class RunConfig:
    mix: str = "mono"  # which CPT job

    def check(self, where: str) -> None:
        if self.mix not in MIXES:
            raise ValueError(f"{where}.mix must be one of {MIXES}, got {self.mix!r}")


@dataclass(kw_only=True)
class Params:
    """config/papers/multilingual_cpt.yaml `params`: one field per section."""

    world: WorldConfig = field(default_factory=WorldConfig, metadata={
        "help": "prep: English + conlangs at three resource tiers, topics, toy code (spec: Small scale)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "prep: corpus and eval sizes, or the paper's hub data (spec: Method / Data per language group)"})
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig, metadata={"help": "prep: the base BPE"})
    mix: MixConfig = field(metadata={"help": "pretrain_lm and cpt: stream shares (spec: Method / Data; mixes)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: LlamaForCausalLM (paper: Llama-3.1-8B, ...)"})
    lm_data: LMDataConfig = field(default_factory=LMDataConfig, metadata={"help": "blocks and batches"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the tiny multilingual base (small)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: base pretraining (spec: 600 steps)"})
    cpt: TrainConfig = field(metadata={"help": "cpt: full-parameter CPT (spec: 250 steps, lr 1e-3 cosine; paper: "
                                               "lr 4e-5, cosine, warmup 0.03, LLaMA-Factory stage pt)"})
    eval: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "cpt: SIB-style topic scoring, FLORES-style X->En translation, switch rate (spec: Method)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "cpt: which data mix this job trains on"})
