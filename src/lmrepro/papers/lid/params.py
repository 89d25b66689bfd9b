"""Hyperparameters of LID (Li et al. 2022): the dataclass of each `params` section of config/papers/lid.yaml, and
`Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import CorpusConfig, ModelSpec, PretrainLMConfig, TrainConfig

BC_ARMS = ("lid_pre", "lid_scratch", "mlp1")
ADG_ARMS = ("relabel", "norelabel")


@dataclass
class WorldTextConfig:
    """The LM pre-training text (spec Small scale: ~20k sentences over the BabyAI colour/type lexicon)."""
    n_sentences: int = field(default=20000, metadata={"help": "spec: ~20k synthetic-world sentences"})

    def check(self, where: str) -> None:
        if self.n_sentences < 1:
            raise ValueError(f"{where}.n_sentences must be >= 1")


@dataclass
class PrepConfig:
    levels: tuple[str, ...] = field(default=("BabyAI-GoToLocal-v0", "BabyAI-PickupLoc-v0"), metadata={
        "help": "spec Small scale: GoToLocal and PickupLoc (paper §5: BabyAI figure levels)"})
    heldout_frac: float = field(default=0.2, metadata={
        "help": "spec: share of (colour, type) pairs held out of BC and ADG goals (novel-combo split)"})
    n_demos: int = field(default=400, metadata={"help": "spec: 400 expert demos per level"})
    n_eval: int = field(default=200, metadata={"help": "spec: 200 evaluation episodes per split and level"})
    eval_seed_offset: int = field(default=1_000_000, metadata={
        "help": "evaluation env seeds start here, disjoint from demo and ADG seeds (spec pitfall)"})
    adg_seed_offset: int = field(default=500_000, metadata={"help": "ADG rollout env seeds start here"})
    n_adg_seeds: int = field(default=2000, metadata={"help": "in-distribution env seeds ADG may roll out on"})

    def check(self, where: str) -> None:
        if not self.levels:
            raise ValueError(f"{where}.levels must name at least one BabyAI level")
        if not 0.0 < self.heldout_frac < 1.0:
            raise ValueError(f"{where}.heldout_frac must be in (0, 1)")
        if self.n_demos < 1 or self.n_eval < 1:
            raise ValueError(f"{where}.n_demos and n_eval must be >= 1")


@dataclass
class PolicyConfig:
    """The policy (paper §3-4, official `GoalAttentionModel`): [goal ; history ; observation] tokens through the
    LM, masked mean pool, verb head Linear-ReLU-Linear over the 7 BabyAI actions; MLP-1 baseline (paper Table 1)."""
    history: int = field(default=4, metadata={"help": "K last actions as text (paper: action history)"})
    max_objects: int = field(default=6, metadata={"help": "nearest visible objects in the view text"})
    max_len: int = field(default=64, metadata={"help": "token budget of one input"})
    head_hidden: int = field(default=128, metadata={"help": "verb head width (paper code: hidden 256)"})
    mlp_hidden: int = field(default=256, metadata={"help": "spec: MLP-1 with 2 hidden layers of 256"})

    def check(self, where: str) -> None:
        if self.history < 0 or self.max_len < 16:
            raise ValueError(f"{where}: history must be >= 0 and max_len >= 16")


@dataclass
class BCConfig:
    batch_size: int = field(default=128, metadata={"help": "spec: batch 128 (paper code: 32 mini-batches)"})


@dataclass
class ADGConfig:
    """Active data gathering (paper §4.2): explore, relabel with the goals achieved (hindsight), retrain."""
    rounds: int = field(default=3, metadata={"help": "spec: 3 rounds"})
    episodes: int = field(default=300, metadata={"help": "spec: 300 episodes per round"})
    epsilon: float = field(default=0.3, metadata={"help": "spec: exploration epsilon 0.3"})
    max_steps: int = field(default=24, metadata={"help": "rollout length cap of an exploration episode"})
    keep_last: int = field(default=3, metadata={
        "help": "train on the last k steps of each kept (sub-)trajectory, both arms (paper: useful sub-trajectories)"})
    batch_size: int = 128

    def check(self, where: str) -> None:
        if not 0.0 <= self.epsilon <= 1.0:
            raise ValueError(f"{where}.epsilon must be in [0, 1]")
        if self.rounds < 1 or self.episodes < 1:
            raise ValueError(f"{where}: rounds and episodes must be >= 1")


@dataclass
class EvalConfig:
    max_steps: int = field(default=64, metadata={"help": "episode cap (BabyAI GoToLocal / PickupLoc: 64)"})


@dataclass
class RunConfig:
    arm: str = field(default="lid_pre", metadata={"help": f"bc: one of {BC_ARMS}; adg: one of {ADG_ARMS}"})

    def check(self, where: str) -> None:
        if self.arm not in BC_ARMS + ADG_ARMS:
            raise ValueError(f"{where}.arm must be one of {BC_ARMS + ADG_ARMS}, got {self.arm!r}")


@dataclass(kw_only=True)
class Params:
    """config/papers/lid.yaml `params`: one field per section."""

    world_text: WorldTextConfig = field(default_factory=WorldTextConfig, metadata={
        "help": "prep: the synthetic-world sentences the tiny LM is pre-trained on (small/ci)"})
    prep: PrepConfig = field(default_factory=PrepConfig, metadata={
        "help": "prep: levels, held-out (colour, type) pairs, expert demos, evaluation seeds"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={"help": "pretrain_lm: sentence batches"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_lm: the shared LM stage trains the tiny GPT-2 on the world text (paper: gpt2)"})
    model: ModelSpec = field(metadata={"help": "the LM / policy backbone (paper: GPT-2 124M)"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_lm: its training"})
    policy: PolicyConfig = field(default_factory=PolicyConfig, metadata={"help": "bc and adg: the policy"})
    bc: BCConfig = field(default_factory=BCConfig, metadata={"help": "bc: behaviour cloning batches"})
    bc_train: TrainConfig = field(metadata={"help": "bc: optimiser and steps (paper code: lr 1e-5)"})
    adg: ADGConfig = field(default_factory=ADGConfig, metadata={"help": "adg: the active data gathering loop"})
    adg_train: TrainConfig = field(metadata={"help": "adg: BC on the buffer, per round"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={"help": "bc and adg: success rates"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "bc / adg: which arm this job runs"})
