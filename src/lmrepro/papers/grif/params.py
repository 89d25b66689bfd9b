"""grif's hyperparameters: one dataclass per section of config/papers/grif.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import TrainConfig

# spec DAG train_policy_{grif,lcbc,joint_noalign,grif_goalonly,oracle_lcbc}: one trainer, flags switch the losses
VARIANTS = ("grif", "lcbc", "joint_noalign", "grif_goalonly", "oracle_lcbc")


@dataclass
class WorldConfig:
    """Spec Small scale: BabyAI put-next demos from the expert bot; a ~6% language-labeled subset; 25% of the
    (colour, type) object combos held out of the labeled split only."""
    level: str = field(default="BabyAI-PutNextLocalS5N3-v0", metadata={
        "help": "minigrid BabyAI level (spec: PutNextLocal; small notes say why the 5x5 room with 3 objects)"})
    n_demos: int = field(default=2000, metadata={"help": "spec: 2,000 bot demos"})
    n_labeled: int = field(default=120, metadata={"help": "spec: the mission kept for 120 of them (~6%)"})
    heldout_frac: float = field(default=0.25, metadata={
        "help": "spec: share of (colour, type) combos never named in a labeled mission (split b)"})
    eval_episodes: int = field(default=200, metadata={"help": "spec: 200 eval episodes per split"})
    eval_seed_offset: int = field(default=1_000_000, metadata={"help": "eval env seeds start here (disjoint)"})
    paraphrases: tuple[str, ...] = field(default=(
        "move the {a} beside the {b}", "place the {a} near the {b}", "bring the {a} close to the {b}"),
        metadata={"help": "spec: paraphrase templates for split c ({a} moved object, {b} the reference)"})

    def check(self, where: str) -> None:
        if not 0 < self.n_labeled < self.n_demos:
            raise ValueError(f"{where}: need 0 < n_labeled < n_demos, got {self.n_labeled}, {self.n_demos}")
        if not 0.0 < self.heldout_frac < 1.0:
            raise ValueError(f"{where}.heldout_frac must be in (0, 1), got {self.heldout_frac}")
        if self.eval_episodes < 1:
            raise ValueError(f"{where}.eval_episodes must be >= 1")


@dataclass
class TextConfig:
    model: str = field(default="packaged:all-MiniLM-L6-v2", metadata={
        "help": "frozen sentence encoder under f_l (spec small: all-MiniLM-L6-v2; paper: CLIP's text tower)"})


@dataclass
class ModelConfig:
    """Spec Small scale / Models: f_l = 2-layer MLP over the frozen text embedding, f_g = MLP over
    [onehot(s0), onehot(g)], policy = MLP 2 x 256 over [state, z] -> 7 logits."""
    task_dim: int = field(default=64, metadata={"help": "task space z (paper: 512, CLIP)"})
    encoder_hidden: int = field(default=256, metadata={"help": "hidden width of f_l and f_g"})
    policy_hidden: int = field(default=256, metadata={"help": "paper: MLP head 3 x 256; spec small: 2 x 256"})
    policy_layers: int = 2
    dropout: float = field(default=0.1, metadata={"help": "paper Method: policy dropout 0.1"})


@dataclass
class AlignConfig:
    """Paper Method: symmetric InfoNCE, cosine similarity, learned temperature (log tau, init log 0.07, clipped to
    [0.01, 100]); positives are the rows with the same instruction; lambda = 1.0 (released configs)."""
    weight: float = field(default=1.0, metadata={"help": "lambda of L_align in phase 2"})
    tau_init: float = 0.07
    tau_min: float = 0.01
    tau_max: float = 100.0
    pretrain_steps: int = field(default=100, metadata={
        "help": "phase 1: contrastive steps on labeled transitions before policy training (grif variants)"})
    pretrain_lr: float = 1.0e-3


@dataclass
class BatchConfig:
    batch_size: int = field(default=256, metadata={"help": "spec: batch 256 (each of labeled and all rows)"})


@dataclass
class EvalConfig:
    max_steps: int = field(default=64, metadata={"help": "spec: max 64 steps per eval episode"})
    retrieval_batch: int = field(default=32, metadata={
        "help": "alignment sanity: top-1 retrieval of f_g(s0, g) by f_l(l) among this many held-out labeled pairs"})


@dataclass(kw_only=True)
class Params:
    """config/papers/grif.yaml `params`: one field per section."""

    world: WorldConfig = field(default_factory=WorldConfig, metadata={"help": "gen_data: demos and splits"})
    text: TextConfig = field(default_factory=TextConfig, metadata={"help": "gen_data: the frozen text encoder"})
    model: ModelConfig = field(default_factory=ModelConfig, metadata={"help": "train_policies: f_l, f_g, policy"})
    align: AlignConfig = field(default_factory=AlignConfig, metadata={"help": "train_policies: L_align, phase 1"})
    batch: BatchConfig = field(default_factory=BatchConfig, metadata={"help": "train_policies: rows per step"})
    train: TrainConfig = field(metadata={"help": "train_policies: phase 2 optimiser (spec: Adam 1e-3)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "eval_rollouts"})
