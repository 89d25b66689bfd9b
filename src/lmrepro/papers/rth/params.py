"""rth's hyperparameters: one dataclass per section of config/papers/rth.yaml, and `Params`, all of them.
Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, TrainConfig
from lmrepro.worlds.motion import MotionWorldConfig

POLICIES = ("flat", "rth", "rth_joint", "rth_onehot")   # spec DAG: train_{flat,rth,rth_joint,rth_onehot}
FINETUNED = {"rth_intervene": "rth", "flat_iwr": "flat"}  # finetuned policy -> the policy it starts from
CORRECTIONS = {"lang": "rth", "teleop": "flat"}           # correction kind -> the policy that is corrected


@dataclass
class DataConfig:
    """Spec Small scale: 8 demos per task for training; held-out demos for the offline action metrics."""
    train_per_task: int = field(default=8, metadata={"help": "spec: 8 demos per task (192 episodes)"})
    heldout_per_task: int = field(default=2, metadata={"help": "held-out demos per task (offline MSE, accuracy)"})

    def check(self, where: str) -> None:
        if self.train_per_task < 1 or self.heldout_per_task < 1:
            raise ValueError(f"{where}: train_per_task and heldout_per_task must be >= 1")


@dataclass
class LabelConfig:
    """Paper Sec. 3.2 (automatic motion labels from proprioception); spec: window 3 steps, threshold 0.02."""
    window: int = field(default=3, metadata={"help": "steps of end-effector displacement per label"})
    threshold: float = field(default=0.02, metadata={"help": "dead zone per axis (base frame units)"})

    def check(self, where: str) -> None:
        if self.window < 1 or self.threshold < 0:
            raise ValueError(f"{where}: window must be >= 1 and threshold >= 0")


@dataclass
class TokenConfig:
    """Paper Sec. 3 (RT-2 action tokens: each dimension discretised into 256 bins); spec: 16 bins per dim."""
    action_bins: int = field(default=16, metadata={"help": "uniform bins per normalised action dim (paper 256)"})
    state_bins: int = field(default=32, metadata={"help": "uniform bins per state coordinate (the 'image')"})

    def check(self, where: str) -> None:
        if self.action_bins < 2 or self.state_bins < 2:
            raise ValueError(f"{where}: action_bins and state_bins must be >= 2")


@dataclass
class RunConfig:
    """Which policy a train / finetune / collect_corrections job is about (the rule sets it)."""
    policy: str = field(default="rth", metadata={"help": f"train: one of {', '.join(POLICIES)}"})
    finetuned: str = field(default="rth_intervene", metadata={"help": f"finetune: one of {', '.join(FINETUNED)}"})
    kind: str = field(default="lang", metadata={"help": f"collect_corrections: one of {', '.join(CORRECTIONS)}"})

    def check(self, where: str) -> None:
        for key, allowed in (("policy", POLICIES), ("finetuned", FINETUNED), ("kind", CORRECTIONS)):
            if getattr(self, key) not in allowed:
                raise ValueError(f"{where}.{key} must be one of {', '.join(allowed)}, got {getattr(self, key)!r}")


@dataclass
class BatchConfig:
    frames: int = field(default=32, metadata={"help": "frames per step; RT-H asks both queries of each frame"})


@dataclass
class RolloutConfig:
    """Spec: closed-loop success, batched across episodes (50 eval episodes per variant in the spec)."""
    episodes_per_task: int = field(default=4, metadata={"help": "eval episodes per task (x 24 tasks)"})

    def check(self, where: str) -> None:
        if self.episodes_per_task < 1:
            raise ValueError(f"{where}.episodes_per_task must be >= 1")


@dataclass
class CorrectionConfig:
    """Paper Sec. 3.3 (interventions); spec: an oracle watches, and where the gripper deviates from the expert plan
    it supplies the right motion (RT-H) or teleoperates the action (IWR) for the next `span` steps."""
    episodes: int = field(default=30, metadata={"help": "paper / spec: 30 corrected episodes"})
    span: int = field(default=5, metadata={"help": "steps per correction (spec: the next 5 steps)"})
    deviation: float = field(default=0.025, metadata={
        "help": "an arm delta this far from the expert's (per axis), or another gripper command, is a deviation"})
    max_steps: int = field(default=150, metadata={"help": "corrected steps, at most, per buffer (same for both)"})

    def check(self, where: str) -> None:
        if min(self.episodes, self.span, self.max_steps) < 1 or self.deviation <= 0:
            raise ValueError(f"{where}: episodes, span and max_steps must be >= 1 and deviation > 0")


@dataclass
class FinetuneConfig:
    """Spec: fine-tune on the corrections mixed with the original data (else the policy overfits to them)."""
    correction_share: float = field(default=0.5, metadata={"help": "share of each batch from the corrections"})

    def check(self, where: str) -> None:
        if not 0.0 < self.correction_share < 1.0:
            raise ValueError(f"{where}.correction_share must be in (0, 1), got {self.correction_share}")


@dataclass(kw_only=True)
class Params:
    """config/papers/rth.yaml `params`: one field per section."""

    world: MotionWorldConfig = field(default_factory=MotionWorldConfig, metadata={
        "help": "gen_episodes: the motion world (tasks, scenes, scripted expert)"})
    data: DataConfig = field(default_factory=DataConfig, metadata={"help": "gen_episodes: demos per task"})
    labels: LabelConfig = field(default_factory=LabelConfig, metadata={"help": "label_motions: the labeler"})
    tokens: TokenConfig = field(default_factory=TokenConfig, metadata={"help": "state and action tokens"})
    model: ModelSpec = field(metadata={"help": "train: the decoder (paper: PaLI-X 55B; here a tiny GPT-2)"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "which policy / buffer a job is about"})
    batch: BatchConfig = field(default_factory=BatchConfig, metadata={"help": "train, finetune: frames per step"})
    train: TrainConfig = field(metadata={"help": "train: optimiser, equal for every policy"})
    rollouts: RolloutConfig = field(default_factory=RolloutConfig, metadata={"help": "eval_rollouts: episodes"})
    corrections: CorrectionConfig = field(default_factory=CorrectionConfig, metadata={
        "help": "collect_corrections and the online-intervention evaluation"})
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig, metadata={"help": "finetune: data mix"})
    finetune_train: TrainConfig = field(metadata={"help": "finetune: optimiser, equal for both learners"})
