"""explanation_roles' hyperparameters: one dataclass per section of config/papers/explanation_roles.yaml, and
`Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, TrainConfig
from lmrepro.worlds.explanations import ExplanationTaskConfig

RETRIEVALS = ("none", "optimal", "fixed")


@dataclass(frozen=True)
class Arm:
    """One model of the paper's comparisons (paper §5-6): which world variant it trains on and how it retrieves."""
    variant: str
    retrieval: str
    many: bool = False  # retrieve `evidential_context_size` explanations instead of `context_size`


# Paper RQs: missing info (baseline vs TextCat optimal / fixed retriever), evidential explanations (k > 1 needed),
# translated explanations, a spurious weak feature, memorisation vs number of tasks (no retrieval).
ARMS = {
    "baseline": Arm("main", "none"),
    "optimal": Arm("main", "optimal"),
    "fixed": Arm("main", "fixed"),
    "evidential": Arm("evidential", "optimal", many=True),
    "evidential_k1": Arm("evidential", "optimal"),
    "translate": Arm("translate", "optimal"),
    "correlated": Arm("correlated", "optimal"),
    "baseline_tasks10": Arm("tasks10", "none"),
    "baseline_tasks50": Arm("tasks50", "none"),
}


@dataclass
class VariantsConfig:
    """World variants (overrides of `world`), one data folder each; an arm names the variant it trains on."""
    run: list[str] = field(default_factory=lambda: list(ARMS), metadata={
        "help": f"arms to train and evaluate (known: {', '.join(ARMS)})"})
    overrides: dict = field(default_factory=dict, metadata={
        "help": "variant name -> world keys it changes ({} = the main world); every arm's variant must be here"})

    def check(self, where: str) -> None:
        unknown = [a for a in self.run if a not in ARMS]
        if unknown or not self.run:
            raise ValueError(f"{where}.run: unknown arm(s) {unknown} (known: {', '.join(ARMS)})")
        missing = sorted({ARMS[a].variant for a in self.run} - set(self.overrides))
        if missing:
            raise ValueError(f"{where}.overrides lacks variant(s) {missing} used by the arms in run")
        for name, value in self.overrides.items():
            if not isinstance(value, dict):
                raise ValueError(f"{where}.overrides.{name} must be a mapping of world keys, got {value!r}")

    def variants(self) -> list[str]:
        return sorted({ARMS[a].variant for a in self.run})


@dataclass
class ReaderConfig:
    """The reader's pretraining on fresh random tasks (spec Small scale: it plays the role of pretrained RoBERTa)."""
    batch_size: int = field(default=64, metadata={"help": "spec: batch 64"})
    context_sizes: list[int] = field(default_factory=lambda: [1, 4], metadata={
        "help": "explanations per example, cycled batch by batch (k > 1 is needed for evidential retrieval)"})
    noise_eps: list[int] = field(default_factory=lambda: [0, 1], metadata={
        "help": "evidential noise of each context size's explanations (0 = exact)"})
    correlation: float = field(default=0.5, metadata={
        "help": "P(the non-causal pair agrees with the causal one) in pretraining (0: no shortcut past the selector)"})
    gate_accuracy: float = field(default=0.8, metadata={"help": "spec A0: reader accuracy on fresh tasks (k=1)"})
    extend_steps: int = field(default=1500, metadata={
        "help": "spec: bump to 5000 steps when the gate is not reached after `reader_train.steps`"})
    eval_examples: int = 2000

    def check(self, where: str) -> None:
        if len(self.context_sizes) != len(self.noise_eps) or not self.context_sizes:
            raise ValueError(f"{where}: context_sizes and noise_eps must be non-empty lists of one length")
        if min(self.context_sizes) < 1 or min(self.noise_eps) < 0:
            raise ValueError(f"{where}: context sizes must be >= 1 and noise_eps >= 0")


@dataclass
class TextCatConfig:
    """TextCat (paper §4): input = x [SEP] e_1 ... e_c; RAG-style marginalisation over top_k retrieved sets."""
    context_size: int = field(default=1, metadata={"help": "c, explanations per context (paper: 4-6)"})
    evidential_context_size: int = field(default=4, metadata={"help": "c for evidential explanations (k > 1)"})
    top_k: int = field(default=4, metadata={"help": "retrieved context sets marginalised (fixed retriever)"})
    temperature: float = field(default=0.1, metadata={"help": "p(set | x) = softmax(cosine / temperature)"})
    batch_size: int = field(default=64, metadata={"help": "fine-tuning batch (paper: 10)"})
    arm: str = field(default="baseline", metadata={"help": "the finetune rule sets it"})

    def check(self, where: str) -> None:
        if min(self.context_size, self.evidential_context_size, self.top_k, self.batch_size) < 1:
            raise ValueError(f"{where}: context sizes, top_k and batch_size must be >= 1")
        if self.temperature <= 0:
            raise ValueError(f"{where}.temperature must be > 0, got {self.temperature}")
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")


@dataclass
class EvalConfig:
    batch: int = 512


@dataclass(kw_only=True)
class Params:
    """config/papers/explanation_roles.yaml `params`: one field per section."""

    world: ExplanationTaskConfig = field(default_factory=ExplanationTaskConfig, metadata={
        "help": "gen_synthetic: the synthetic task (paper §5; spec Small scale)"})
    variants: VariantsConfig = field(default_factory=VariantsConfig, metadata={
        "help": "gen_synthetic / finetune: the arms and the world variants they train on"})
    model: ModelSpec = field(metadata={"help": "pretrain_reader: the reader encoder (paper: roberta-base)"})
    reader: ReaderConfig = field(default_factory=ReaderConfig, metadata={"help": "pretrain_reader: data, A0 gate"})
    reader_train: TrainConfig = field(metadata={"help": "pretrain_reader: optimiser (spec: Adam 1e-3, 3500 steps)"})
    textcat: TextCatConfig = field(default_factory=TextCatConfig, metadata={"help": "build_index / finetune"})
    finetune_train: TrainConfig = field(metadata={"help": "finetune: optimiser (spec: 400 steps at 3e-4)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "evaluate: test accuracy"})
