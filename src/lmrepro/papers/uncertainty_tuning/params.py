"""uncertainty_tuning's hyperparameters: one dataclass per section of config/papers/uncertainty_tuning.yaml, and
`Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.context_qa import ContextQAConfig

# arm -> (the model it starts from, its data, whether stage 2's refusal slice applies)
ARMS = {
    "stage1": ("base", "cognition", False),            # spec Method: Stage 1, uncertainty-recognition tuning
    "us_tuned": ("stage1", "cog_psqa", True),          # Stage 2 from the stage-1 weights (US-Tuning)
    "abl_s2": ("base", "cog_psqa", True),              # ablation: stage 2 only, from the base
    "us_tuned_faithful": ("stage1", "cog_psqa", False),  # US-Tuning with the paper's refusal slice 0
}


def _check_share(where: str, name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}.{name} must be in [0, 1], got {value}")


@dataclass
class BenchmarkConfig:
    """Spec Method, benchmark construction (ASQA pairs), on the world: a passage about E, pos_query on a stated
    fact of E, neg_query on an unstated attribute of E or a stated attribute of E's sibling; cleaned pairs only."""
    facts: tuple[int, int] = field(default=(2, 3), metadata={"help": "facts of E a passage states (spec: 2-3)"})
    items_per_train_person: int = field(default=12, metadata={"help": "benchmark items per train person"})
    n_test_items: int = field(default=200, metadata={"help": "test items (spec: 200), test persons disjoint"})
    p_sibling_neg: float = field(default=0.5, metadata={"help": "share of neg_queries about a sibling"})

    def check(self, where: str) -> None:
        lo, hi = self.facts
        if not 1 <= lo <= hi <= 5:
            raise ValueError(f"{where}.facts must satisfy 1 <= min <= max <= 5 (one attribute stays unstated)")
        _check_share(where, "p_sibling_neg", self.p_sibling_neg)
        if self.items_per_train_person < 1 or self.n_test_items < 1:
            raise ValueError(f"{where}: items_per_train_person and n_test_items must be >= 1")


@dataclass
class InstructConfig:
    """Spec Small scale, base instruct model: answerable chat QA only (the 'Not Provided' sentence is in every
    prompt, a refusal target never), fresh persons every step, some passages with a sibling's distractor facts."""
    batch_size: int = field(default=32, metadata={"help": "QA items per step (spec: batch 32)"})
    p_distractor: float = field(default=0.1, metadata={"help": "share of items with a sibling's passage (spec 10%)"})

    def check(self, where: str) -> None:
        _check_share(where, "p_distractor", self.p_distractor)


@dataclass
class PSQAConfig:
    """Spec Method, stage 2 data (prompt-sensitive QA, HotpotQA's role: fresh answerable persons): one extra
    constraint from the instruction pool after a random instruction sentence; ANSWER + CHECKING targets, with a
    revision when the draft fails (programmatic checkers stand in for GPT-4-turbo)."""
    p_constraint: float = field(default=0.8, metadata={
        "help": "share of items with an extra constraint (paper: every item; small notes)"})
    p_draft_fails: float = field(default=0.3, metadata={
        "help": "share of constrained targets whose draft fails and is revised (the instruction-review module)"})
    refusal_slice: float = field(default=0.1, metadata={
        "help": "share of stage-2 QA items that are unanswerable with target 'not provided' (paper: 0; spec toy "
                "concession; the arm us_tuned_faithful always uses 0)"})
    p_distractor: float = field(default=0.1, metadata={"help": "as instruct.p_distractor"})

    def check(self, where: str) -> None:
        for name in ("p_constraint", "p_draft_fails", "refusal_slice", "p_distractor"):
            _check_share(where, name, getattr(self, name))


@dataclass
class FinetuneConfig:
    arm: str = field(default="stage1", metadata={"help": f"the finetune rule sets it: {', '.join(ARMS)}"})
    batch_size: int = field(default=32, metadata={"help": "rows per step (paper: 4 x grad-accum 4 = 16)"})

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")


@dataclass
class EvalConfig:
    """Spec Method, inference: greedy decoding (paper: vLLM, temperature 0, 200 new tokens)."""
    max_new_tokens: int = field(default=40, metadata={"help": "answer + checking + one revision fit in 40"})
    gen_batch: int = 400


@dataclass(kw_only=True)
class Params:
    """config/papers/uncertainty_tuning.yaml `params`: one field per section."""

    world: ContextQAConfig = field(default_factory=ContextQAConfig, metadata={
        "help": "prep: persons in sibling groups, six attributes (spec Small scale: ~300 persons)"})
    benchmark: BenchmarkConfig = field(default_factory=BenchmarkConfig, metadata={"help": "prep: benchmark items"})
    instruct: InstructConfig = field(default_factory=InstructConfig, metadata={"help": "pretrain_lm: base data"})
    psqa: PSQAConfig = field(default_factory=PSQAConfig, metadata={"help": "prep + finetune: stage 2 data"})
    pretrain_lm: PretrainLMConfig = field(metadata={"help": "pretrain_lm: the base instruct model (small/ci)"})
    model: ModelSpec = field(metadata={"help": "pretrain_lm: the base (paper: Llama-2-7b-chat)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: the base's steps and lr"})
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig, metadata={"help": "finetune: the arm"})
    stage1_train: TrainConfig = field(metadata={"help": "finetune, arm stage1: optimiser (paper: lr 4e-5, 1 epoch)"})
    stage2_train: TrainConfig = field(metadata={"help": "finetune, stage-2 arms: optimiser (paper: as stage 1)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: greedy decoding"})
