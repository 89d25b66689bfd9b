"""Typed hyperparameters shared by every paper; light (no torch), so configs are checked before any job runs."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PretrainLMConfig:
    """The shared tiny-causal-LM stage (`lmrepro.common.pretrain_lm`): what to train on and where its settings are."""
    batches: str = field(metadata={"help": "'lmrepro.papers.<slug>.<module>:<function>': (stage, tokenizer) -> "
                                           "get_batch(step), the paper's view of its data"})
    model: str = "model"        # config section holding the model spec (family + transformers config keys)
    train: str = "pretrain"     # config section holding the TrainConfig
    tokenizer: str = "tokenizer"  # tokenizer directory inside the `data` input
    init_stream: str = "init"   # derive_seed stream of the initial weights (a paper's second LM uses its own)
    checkpoints: tuple[int, ...] = ()  # keep a snapshot at each of these steps (0 = init); () = final model only

    def check(self, where: str) -> None:
        if ":" not in self.batches or not self.batches.startswith("lmrepro."):
            raise ValueError(f"{where}.batches must look like 'lmrepro.<module>:<function>', got {self.batches!r}")
        if self.checkpoints and (len(self.checkpoints) < 2 or list(self.checkpoints) != sorted(set(self.checkpoints))):
            raise ValueError(f"{where}.checkpoints must be >= 2 increasing steps, got {self.checkpoints}")
