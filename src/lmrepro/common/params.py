"""Typed hyperparameters shared by every paper's params.py: the training loop's `TrainConfig` and `ModelSpec`, the
type of a section that is a transformers model config.

Each paper's `lmrepro.papers.<slug>.params.Params` has one field per `params` section of its config, typed by a
dataclass. These modules stay light on purpose (dataclasses, typing and other params modules; no torch, no stage
module): the workflow builds every paper's `Params` when it parses the Snakefile, so a wrong section, key or type
fails even a dry run. train.py, which runs the loop, re-exports `TrainConfig`."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TrainConfig:
    steps: int = field(metadata={"help": "optimizer steps to run (absolute: a resumed run stops here too)"})
    lr: float = field(metadata={"help": "peak learning rate"})
    warmup_frac: float = 0.0
    schedule: str = "cosine"  # cosine | constant | linear
    schedule_steps: int | None = None  # horizon of the LR schedule; default `steps`
    min_lr_ratio: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    weight_decay: float = 0.0
    grad_accum: int = 1
    max_grad_norm: float | None = 1.0
    log_every: int = 10
    ckpt_every: int = 0
    mixed_precision: str = "no"  # no | bf16 | fp16
    optimizer: str = "adamw"  # adamw | rmsprop | sgd (momentum beta1)

    def check(self, where: str) -> None:
        if self.steps < 0:
            raise ValueError(f"{where}.steps must be >= 0, got {self.steps}")
        if self.lr <= 0:
            raise ValueError(f"{where}.lr must be > 0, got {self.lr}")
        if self.schedule not in ("cosine", "constant", "linear"):
            raise ValueError(f"{where}.schedule must be cosine, constant or linear, got {self.schedule!r}")
        if self.optimizer not in ("adamw", "rmsprop", "sgd"):
            raise ValueError(f"{where}.optimizer must be adamw, rmsprop or sgd, got {self.optimizer!r}")
        if self.grad_accum < 1:
            raise ValueError(f"{where}.grad_accum must be >= 1, got {self.grad_accum}")


@dataclass
class CorpusConfig:
    """`lmrepro.common.batches:sentence_batches`: one sentence per row of the `data` input's jsonl file."""
    batch_size: int = field(default=64, metadata={"help": "sentences (rows) per step"})
    file: str = "corpus.jsonl"  # rows {"text": ...} inside the `data` input


class ModelSpec(dict):
    """A model config mapping: `family` (a key of lmrepro.common.models.FAMILIES) plus that transformers config
    class's keys. `from_dict` checks the family; `config.check_model_keys` the keys, against the config class (it
    imports torch, so the workflow checks keys once before its first job, not whenever it parses)."""


@dataclass
class PretrainLMConfig:
    """The shared tiny-causal-LM stage (`lmrepro.common.pretrain_lm`): what to train on and where its settings are."""
    batches: str = field(metadata={"help": "'lmrepro.papers.<slug>.<module>:<function>': (stage, tokenizer) -> "
                                           "get_batch(step), the paper's view of its data"})
    model: str = "model"        # config section holding the model spec (family + transformers config keys)
    train: str = "pretrain"     # config section holding the TrainConfig
    tokenizer: str = "tokenizer"  # tokenizer directory inside the `data` input (unless a `tokenizer` input is given)
    init_stream: str = "init"   # derive_seed stream of the initial weights (a paper's second LM uses its own)
    checkpoints: tuple[int, ...] = ()  # keep a snapshot at each of these steps (0 = init); () = final model only
    stop_frac: float = field(default=1.0, metadata={
        "help": "stop after this share of the LR schedule, saving optimizer and scheduler so that a later stage "
                "finishes it (MeCo stage 1 stops at 0.9 of the schedule its cooldown completes)"})
    loss: str = field(default="", metadata={"help": "'lmrepro.papers.<slug>.<module>:<function>': (stage, "
                                                    "tokenizer, model) -> loss_fn(model, batch) -> (loss, logs), the "
                                                    "paper's training objective, built after the model (it may add a "
                                                    "head to it before the optimizer exists); '' = next-token NLL"})
    evaluate: str = field(default="", metadata={"help": "'lmrepro.papers.<slug>.<module>:<function>': (stage, "
                                                        "tokenizer) -> eval_fn(model, step) -> {name: value}, run "
                                                        "at step 0 and at the end (metrics <name>_init, _final)"})

    def check(self, where: str) -> None:
        for key in ("batches", "loss", "evaluate"):
            dotted = getattr(self, key)
            if (dotted or key == "batches") and (":" not in dotted or not dotted.startswith("lmrepro.")):
                raise ValueError(f"{where}.{key} must look like 'lmrepro.<module>:<function>', got {dotted!r}")
        if not 0.0 < self.stop_frac <= 1.0:
            raise ValueError(f"{where}.stop_frac must be in (0, 1], got {self.stop_frac}")
        if self.checkpoints and self.evaluate:
            raise ValueError(f"{where}: checkpoints and evaluate cannot be combined (snapshots are taken by the "
                             f"evaluation hook); evaluate the snapshots in a later stage")
        if self.checkpoints and (len(self.checkpoints) < 2 or list(self.checkpoints) != sorted(set(self.checkpoints))):
            raise ValueError(f"{where}.checkpoints must be >= 2 increasing steps, got {self.checkpoints}")
