"""pcp's hyperparameters: one dataclass per section of config/papers/pcp.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.reviews import ReviewWorldConfig

TASKS = ("sentiment", "nli")
INITS = ("base", "tapt", "pcp")
CORPORA = ("tapt", "pcp")  # pcp.mlm: TAPT trains on the raw task texts, PCP on its templated corpus


@dataclass
class DataConfig:
    """Splits per task (spec Small scale: 16 labels per class, 800 unlabelled, 500 test; paper: LM-BFF k-shot)."""
    tasks: list[str] = field(default_factory=lambda: list(TASKS), metadata={
        "help": f"tasks to run (known: {', '.join(TASKS)}; sentiment = SST-2-like, nli = MNLI-like)"})
    k_shot: int = field(default=16, metadata={"help": "labelled examples per class (paper Table 1: K = 16)"})
    labeled_pool: int = field(default=600, metadata={"help": "labelled examples each seed draws its k-shot set from"})
    unlabeled: int = field(default=800, metadata={"help": "unlabelled task texts (TAPT and PCP corpus)"})
    test: int = field(default=500, metadata={"help": "test examples per task"})
    vocab_size: int = field(default=1000, metadata={"help": "byte-level BPE vocabulary (spec: 2000)"})

    def check(self, where: str) -> None:
        unknown = [t for t in self.tasks if t not in TASKS]
        if unknown or not self.tasks:
            raise ValueError(f"{where}.tasks: unknown task(s) {unknown} (known: {', '.join(TASKS)})")
        if min(self.k_shot, self.unlabeled, self.test) < 1:
            raise ValueError(f"{where}: k_shot, unlabeled and test must be >= 1")
        if self.labeled_pool < 3 * self.k_shot * 2:
            raise ValueError(f"{where}.labeled_pool must hold >= 6 x k_shot examples, got {self.labeled_pool}")


@dataclass
class MLMConfig:
    """Masked-LM batches (paper §3, repo run_mlm.py --line_by_line): 15% masking, 80/10/10 replacement, one line per
    sequence; the PCP label word is not force-masked (repo always_mask_label_token=False)."""
    batch_size: int = field(default=32, metadata={"help": "sequences per step (paper: 16 x grad-accum 8)"})
    mlm_prob: float = field(default=0.15, metadata={"help": "TAPT / PCP (paper: mlm_probability 0.15)"})
    pretrain_prob: float = field(default=0.15, metadata={
        "help": "the small base's pretraining masking rate (small notes: 0.35, or the base never learns valence)"})
    max_len: int = field(default=48, metadata={"help": "tokens per line incl. <bos>/<eos> (longer lines are cut)"})

    def check(self, where: str) -> None:
        for key in ("mlm_prob", "pretrain_prob"):
            if not 0.0 < getattr(self, key) < 1.0:
                raise ValueError(f"{where}.{key} must be in (0, 1), got {getattr(self, key)}")
        if self.batch_size < 1 or self.max_len < 4:
            raise ValueError(f"{where}: batch_size must be >= 1 and max_len >= 4")


@dataclass
class RunConfig:
    """Which job this is: the rules set it (--set run.task=... run.init=...)."""
    task: str = field(default="sentiment", metadata={"help": f"one of {', '.join(TASKS)}"})
    init: str = field(default="base", metadata={"help": f"prompt_ft's starting encoder: {', '.join(INITS)}"})
    corpus: str = field(default="tapt", metadata={"help": f"mlm's corpus: {', '.join(CORPORA)} (TAPT's raw task "
                                                          "texts, or the PCP templated corpus)"})

    def check(self, where: str) -> None:
        if self.task not in TASKS:
            raise ValueError(f"{where}.task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if self.init not in INITS:
            raise ValueError(f"{where}.init must be one of {', '.join(INITS)}, got {self.init!r}")
        if self.corpus not in CORPORA:
            raise ValueError(f"{where}.corpus must be one of {', '.join(CORPORA)}, got {self.corpus!r}")


@dataclass
class FinetuneConfig:
    """Prompt-based and CLS fine-tuning on the k-shot set (paper §4; repo run_prompt_ft.py / run_cls_ft.py)."""
    batch_size: int = field(default=8, metadata={"help": "paper: batch 8"})
    max_len: int = field(default=64, metadata={"help": "tokens per input (paper: 128 single, 256 pair)"})
    eval_batch: int = field(default=250, metadata={"help": "inference batch (test, pseudo-labelling)"})

    def check(self, where: str) -> None:
        if min(self.batch_size, self.max_len, self.eval_batch) < 1:
            raise ValueError(f"{where}: batch_size, max_len and eval_batch must be >= 1")


@dataclass(kw_only=True)
class Params:
    """config/papers/pcp.yaml `params`: one field per section."""

    world: ReviewWorldConfig = field(default_factory=ReviewWorldConfig, metadata={
        "help": "prep: the reviews world (small/ci; paper: GLUE-family datasets)"})
    data: DataConfig = field(default_factory=DataConfig, metadata={"help": "prep: task splits and tokenizer"})
    model: ModelSpec = field(metadata={"help": "pretrain_mlm: the encoder (paper: roberta-large)"})
    pretrain_mlm: PretrainLMConfig = field(metadata={"help": "pretrain_mlm: the shared LM stage, MLM objective"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_mlm: optimiser (small base only)"})
    mlm: MLMConfig = field(default_factory=MLMConfig, metadata={"help": "pretrain_mlm / tapt / pcp_mlm batches"})
    continued_mlm: TrainConfig = field(metadata={
        "help": "tapt / pcp_mlm: optimiser (paper §4: lr 1e-4, AdamW (0.9, 0.98), eps 1e-6, wd 0.01, 100 epochs)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "the rules set task and init"})
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig, metadata={"help": "prompt_ft / cls_ft"})
    prompt_train: TrainConfig = field(metadata={
        "help": "prompt_ft: optimiser (paper §4: batch 8, 1000 steps, lr in {1e-5, 2e-5, 5e-5}, wd 0.01)"})
    cls_train: TrainConfig = field(metadata={"help": "cls_ft: optimiser (the CLS-FT baseline, paper Table 1)"})
