"""Hyperparameters of "On the Loss of Context-awareness in General Instruction Fine-tuning" (Wang et al. 2024):
the dataclass of each `params` section of config/papers/context_awareness.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.entities import KnowledgeConfig


@dataclass
class SplitConfig:
    """prep: which known (pretrained) facts the SFT mix may ask about; the rest are held out for evaluation."""
    sft_share: float = field(default=0.7, metadata={"help": "share of known facts used by the SFT mix's "
                                                            "parametric QA (spec Small scale)"})

    def check(self, where: str) -> None:
        if not 0.0 < self.sft_share < 1.0:
            raise ValueError(f"{where}.sft_share must be in (0, 1), got {self.sft_share}")


@dataclass
class CorpusConfig:
    """pretrain_base: the plain-format world corpus (spec Small scale: facts + document-QA episodes, fresh
    episodes every step so that copying from the document is the only way to answer unknown facts)."""
    batch_size: int = field(default=32, metadata={"help": "spec: batch 32"})
    p_facts: float = field(default=0.3, metadata={"help": "share of rows that are known-fact sentences"})
    p_closed_qa: float = field(default=0.2, metadata={"help": "share of rows of closed-book plain QA"})
    facts_per_row: int = 6
    qa_per_row: int = 4
    max_doc_sentences: int = field(default=24, metadata={"help": "document length drawn in [1, this]"})
    questions_per_doc: int = field(default=3, metadata={"help": "questions about facts stated in the document"})
    p_counterfactual: float = field(default=0.5, metadata={
        "help": "a known fact a document states gets a different value with this probability (spec: "
                "counterfactual documents), so the base learns to answer from the document"})

    def check(self, where: str) -> None:
        if self.p_facts + self.p_closed_qa > 1.0 or min(self.p_facts, self.p_closed_qa) < 0:
            raise ValueError(f"{where}: p_facts + p_closed_qa must be in [0, 1]")
        if self.max_doc_sentences < self.questions_per_doc or self.questions_per_doc < 1:
            raise ValueError(f"{where}: need 1 <= questions_per_doc <= max_doc_sentences")


@dataclass
class SFTMixConfig:
    """build_sft_mix: the general SFT data stand-in (paper §3: ShareGPT / WizardLM / UltraChat), dominated by
    knowledge-aligned answers (spec Small scale: 60% parametric, 25% context-dependent, 15% misc)."""
    n_conversations: int = field(default=3000, metadata={"help": "spec: about 3k conversations"})
    p_parametric: float = 0.60
    p_context: float = 0.25
    p_paragraph: float = field(default=0.5, metadata={
        "help": "share of parametric items that carry a user paragraph the answer does not use (spec: 'some')"})
    p_conflict: float = field(default=0.5, metadata={
        "help": "share of those paragraphs that state the asked fact with another value while the response "
                "follows parametric knowledge (paper C3: responses that follow parametric knowledge rather than "
                "the user's context)"})
    min_sentences: int = 2
    max_sentences: int = 6

    def check(self, where: str) -> None:
        if self.p_parametric + self.p_context > 1.0:
            raise ValueError(f"{where}: p_parametric + p_context must be <= 1 (the rest is misc)")
        for name in ("p_paragraph", "p_conflict"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1]")
        if not 1 <= self.min_sentences <= self.max_sentences:
            raise ValueError(f"{where}: need 1 <= min_sentences <= max_sentences")


@dataclass
class SFTConfig:
    """sft: one arm per job (paper §4: vanilla SFT vs conditional SFT with the indicator)."""
    arm: str = field(default="vanilla", metadata={"help": "vanilla (sft_raw) | indicator (sft_ind)"})
    batch_size: int = field(default=32, metadata={"help": "paper: 16 x 2 accumulation x 4 GPUs (TinyLlama)"})

    def check(self, where: str) -> None:
        if self.arm not in ("vanilla", "indicator"):
            raise ValueError(f"{where}.arm must be vanilla or indicator, got {self.arm!r}")


@dataclass
class ScoreConfig:
    """score_dependency: the user-attention ratio of a probe model (paper §4.1, get_batch_user_attention)."""
    layer: int = field(default=2, metadata={"help": "attention layer index (paper: 15 of TinyLlama's 22; spec "
                                                    "Small scale: layer 2 of 4)"})
    threshold: float | None = field(default=None, metadata={"help": "fixed threshold on the ratio (paper: 0.6; "
                                                                    "0.8 also for TinyLlama); null = quantile"})
    threshold_quantile: float = field(default=0.7, metadata={"help": "spec Small scale: 70th percentile"})
    indicator: str = field(default="[IND]", metadata={"help": "the context-dependency indicator token"})
    batch_size: int = 64

    def check(self, where: str) -> None:
        if self.threshold is None and not 0.0 < self.threshold_quantile < 1.0:
            raise ValueError(f"{where}.threshold_quantile must be in (0, 1)")


@dataclass
class EvalConfig:
    """evaluate: toy NIH, counterfactual-context QA and closed-book QA (spec Small scale, Evaluation)."""
    nih_lengths: list[int] = field(default_factory=lambda: [40, 80, 120, 160, 200], metadata={
        "help": "haystack lengths in tokens (paper: 20 lengths up to the model's context)"})
    nih_depths: list[float] = field(default_factory=lambda: [0.0, 0.25, 0.5, 0.75, 1.0], metadata={
        "help": "needle depth as a share of the haystack (paper: 20 depths)"})
    nih_per_cell: int = field(default=4, metadata={"help": "needles per (length, depth) cell"})
    n_counterfactual: int = field(default=100, metadata={"help": "spec: 100 counterfactual-context items"})
    min_sentences: int = 2
    max_sentences: int = 6
    max_new_tokens: int = 3
    batch_size: int = 128

    def check(self, where: str) -> None:
        if not self.nih_lengths or not self.nih_depths or any(not 0.0 <= d <= 1.0 for d in self.nih_depths):
            raise ValueError(f"{where}: nih_lengths and nih_depths (in [0, 1]) must be non-empty")


@dataclass(kw_only=True)
class Params:
    """config/papers/context_awareness.yaml `params`: one field per section."""

    world: KnowledgeConfig = field(default_factory=KnowledgeConfig, metadata={
        "help": "prep: persons with facts; facts with exposure > 0 are known (pretrained), the rest never seen"})
    split: SplitConfig = field(default_factory=SplitConfig, metadata={"help": "prep: SFT / held-out known facts"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "pretrain_base: plain-format corpus (small/ci only)"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_base: the shared LM stage trains the base on context_awareness.data's batches"})
    model: ModelSpec = field(metadata={"help": "pretrain_base: the base LM (paper: TinyLlama-1.1B, Llama-2-7B, "
                                               "Llama-3-8B)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_base: its training"})
    sft_mix: SFTMixConfig = field(default_factory=SFTMixConfig, metadata={"help": "build_sft_mix"})
    sft: SFTConfig = field(default_factory=SFTConfig, metadata={"help": "sft: the arm and batch"})
    sft_train: TrainConfig = field(metadata={"help": "sft: the optimiser (paper: lr 2e-5 cosine, warmup 0.1)"})
    score: ScoreConfig = field(default_factory=ScoreConfig, metadata={
        "help": "score_dependency: user-attention ratio and indicator insertion (paper §4.1)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: NIH, contextual QA, "
                                                                               "closed-book QA"})
