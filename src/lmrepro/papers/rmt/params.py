"""Hyperparameters of RMT (Tian et al. 2025): the dataclass of each `params` section of config/papers/rmt.yaml, and
`Params`, all of them. Dataclasses only (see lmrepro.common.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lmrepro.common.params import ModelSpec, PretrainLMConfig, TrainConfig
from lmrepro.worlds.arithmetic import ArithmeticWorldConfig

BIN_NAMES = ("trivial", "easy", "medium", "hard")
# arm -> (RL on, token budget + length reward, curriculum, dual NTP term, RL bins: "rpt_bins" | "curriculum_bins").
# Without the curriculum, positions are uniform over the arm's bins' positions.
ARMS = {
    "ntp": (False, False, False, True, None),
    "rpt": (True, False, False, False, "rpt_bins"),
    "rmt": (True, True, True, True, "curriculum_bins"),
    "rmt_no_ntp": (True, True, True, False, "curriculum_bins"),
    "rmt_no_budget": (True, False, True, True, "curriculum_bins"),
    "rmt_no_curr": (True, True, False, True, "curriculum_bins"),
}


@dataclass
class CorpusConfig:
    n_docs: int = field(default=2000, metadata={"help": "mid-training documents (RL contexts + NTP rows)"})
    n_heldout_docs: int = field(default=128, metadata={"help": "held-out documents for evaluation"})
    n_traces: int = field(default=4000, metadata={"help": "SFT traces (spec: 1-2 useful sums + 0-6 repeats)"})


@dataclass
class EntropyConfig:
    top_k: int = field(default=16, metadata={"help": "RPT: entropy over the proxy's top-16 tokens"})
    bin_edges: list[float] = field(default_factory=lambda: [0.5, 1.0, 1.5],
                                   metadata={"help": "RPT: easy/medium/hard above H = 0.5 / 1.0 / 1.5"})
    batch_size: int = 256
    max_len: int = 512  # tokens per document row (paper scale: long solutions are truncated)

    def check(self, where: str) -> None:
        if len(self.bin_edges) != len(BIN_NAMES) - 1 or sorted(self.bin_edges) != self.bin_edges:
            raise ValueError(f"{where}.bin_edges must be {len(BIN_NAMES) - 1} increasing cuts, got {self.bin_edges}")


@dataclass
class BaseConfig:
    batch_docs: int = field(default=32, metadata={"help": "spec: batch 64 = 32 documents + 32 traces"})
    batch_traces: int = 32


@dataclass
class MidtrainConfig:
    n_contexts: int = field(default=16, metadata={"help": "spec small: 16 contexts per step (RPT: 256)"})
    group_size: int = field(default=4, metadata={"help": "G rollouts per context (spec small: 4; RPT: 8)"})
    max_new_tokens: int = field(default=12, metadata={"help": "generated-token cap (spec small: 12; RPT: 8k)"})
    temperature: float = field(default=0.8, metadata={"help": "RPT: rollouts sampled at T = 0.8"})
    clip_eps: float = field(default=0.2, metadata={"help": "PPO-clip epsilon"})
    adv_eps: float = field(default=1e-4, metadata={"help": "A = (r - mean) / (std + eps); trl's eps"})
    b0: float = field(default=8.0, metadata={"help": "RMT budget B_0 (think tokens)"})
    b_min: float = field(default=2.0, metadata={"help": "RMT budget floor B_min"})
    gamma: float = field(default=0.5, metadata={"help": "RMT budget decay factor gamma"})
    k: float = field(default=2.0, metadata={"help": "RMT budget shape exponent k"})
    lambda_len: float = field(default=0.5, metadata={"help": "weight of the gated length reward"})
    lambda_ntp: float = field(default=1.0, metadata={"help": "weight of the dual NTP term"})
    sigma: float = field(default=0.75, metadata={"help": "curriculum width in bins"})
    rpt_bins: list[int] = field(default_factory=lambda: [2, 3], metadata={"help": "RPT: medium + hard"})
    curriculum_bins: list[int] = field(default_factory=lambda: [1, 2, 3],
                                       metadata={"help": "RMT: easy -> hard (trivial tokens only in the NTP term)"})
    max_len: int = 512  # document tokens kept per row (prompt = a prefix of it)

    def check(self, where: str) -> None:
        if self.group_size < 2:
            raise ValueError(f"{where}.group_size must be >= 2 (a group-normalised advantage needs two)")
        if not 0 < self.gamma < 1 or self.b_min <= 0 or self.b0 < self.b_min:
            raise ValueError(f"{where}: need 0 < gamma < 1 and 0 < b_min <= b0")
        if not self.rpt_bins or not self.curriculum_bins:
            raise ValueError(f"{where}: rpt_bins and curriculum_bins must not be empty")


@dataclass
class RunConfig:
    arm: str = "rmt"

    def check(self, where: str) -> None:
        if self.arm not in ARMS:
            raise ValueError(f"{where}.arm must be one of {', '.join(ARMS)}, got {self.arm!r}")


@dataclass
class ArmsConfig:
    run: list[str] = field(default_factory=lambda: ["ntp", "rpt", "rmt"],
                           metadata={"help": "arms to mid-train and evaluate (ablations in the paper-lite list)"})

    def check(self, where: str) -> None:
        unknown = sorted(set(self.run) - set(ARMS))
        if unknown or not {"rpt", "rmt"} <= set(self.run):
            raise ValueError(f"{where}.run must include rpt and rmt and only known arms ({', '.join(ARMS)}); "
                             f"unknown: {unknown}")


@dataclass
class EvalConfig:
    n_sum_docs: int = field(default=128, metadata={"help": "held-out docs whose every sum digit is evaluated"})
    n_uniform: int = field(default=512, metadata={"help": "uniformly drawn held-out positions (acc_all, bins)"})
    batch_size: int = 1024


@dataclass(kw_only=True)
class Params:
    """config/papers/rmt.yaml `params`: one field per section."""

    world: ArithmeticWorldConfig = field(default_factory=ArithmeticWorldConfig, metadata={
        "help": "gen_corpus: the arithmetic world (paper scale: Omni-MATH)"})
    corpus: CorpusConfig = field(default_factory=CorpusConfig, metadata={
        "help": "gen_corpus: documents and SFT traces"})
    proxy_model: ModelSpec = field(metadata={
        "help": "train_proxy: the smaller proxy LM (RPT: a fixed proxy scores token entropy)"})
    proxy_lm: PretrainLMConfig = field(metadata={
        "help": "train_proxy: the shared LM stage trains the proxy on rmt.pretrain_data's document batches"})
    proxy_train: TrainConfig = field(metadata={"help": "train_proxy: its training"})
    entropy: EntropyConfig = field(default_factory=EntropyConfig, metadata={
        "help": "score_entropy: RPT's top-k entropy bins"})
    model: ModelSpec = field(metadata={"help": "pretrain_base: the base LM"})
    pretrain_lm: PretrainLMConfig = field(metadata={
        "help": "pretrain_base: the shared LM stage trains the base on rmt.pretrain_data's NTP + SFT batches"})
    base: BaseConfig = field(default_factory=BaseConfig, metadata={
        "help": "pretrain_base and train_proxy: NTP + SFT batches"})
    pretrain: TrainConfig = field(metadata={"help": "pretrain_base: its training"})
    midtrain: MidtrainConfig = field(default_factory=MidtrainConfig, metadata={
        "help": "midtrain: GRPO, RMT budget, curriculum and dual NTP term (spec: Method)"})
    midtrain_train: TrainConfig = field(metadata={"help": "midtrain: the optimiser and schedule"})
    run: RunConfig = field(default_factory=RunConfig, metadata={"help": "midtrain: which arm this job trains"})
    arms: ArmsConfig = field(default_factory=ArmsConfig, metadata={
        "help": "the arms the workflow runs (RMT's ablations where listed)"})
    evaluate: EvalConfig = field(default_factory=EvalConfig, metadata={
        "help": "evaluate: next-token reasoning accuracy per class and bin"})
