"""The synthetic task of Hase & Bansal (2021, "When Can Models Learn From Explanations?", write_synthetic_data.py):
integer sequences whose label needs per-task latent parameters that only the explanations carry (explanation_roles).

A sequence s has `seq_len` integers: s[0] is the task index idx, s[1] in {1, 2} the selector, s[2:] integers in
[1, max_int] (never 0). Each task idx owns 4 distinct integers (m, n, r, d), drawn once per world (no two tasks
share them). The label is 1[count(m) > count(n)] when s[1] == 1, else 1[count(r) > count(d)]. The non-causal pair
agrees with the causal one with probability `weak_feature_correlation` (train only; 0.5 at test, as the official
generator). Free slots hold integers outside {m, n, r, d}.

Guarantees (tests/test_worlds_explanations.py):
- per task index, the labels, the selector and the mn/rd count swap are exactly balanced (even counts per task);
- `label_of(s, mnrd)` recomputes every row's label; the two counts of a pair always differ;
- no test sequence duplicates a training sequence (they are skipped and redrawn, as the official generator does);
- the explanation is (f(idx), m, n, r, d) with f = identity; `evidential` adds uniform integer noise in [-eps, eps]
  to each of m, n, r, d per data point; `translate` shifts them by +translate_shift. The noise has its own random
  stream, so the sequences of a seed are the same whatever the explanation kind;
- `fresh_example` draws a new random task for every example (the reader's pretraining data).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lmrepro.common.seeding import derive_seed

KINDS = ("missing_info", "evidential", "translate")


@dataclass
class ExplanationTaskConfig:
    """Knobs of the official write_synthetic_data.py (paper §5, Synthetic task), at toy scale."""
    max_int: int = field(default=10, metadata={"help": "integers 1..max_int fill s (paper: 100)"})
    seq_len: int = field(default=12, metadata={"help": "len(s), task index and selector included (paper: 20)"})
    max_idx: int = field(default=256, metadata={"help": "task indices are drawn from 0..max_idx-1"})
    num_tasks: int = field(default=200, metadata={"help": "task indices in training (paper: 500)"})
    points_per_task: int = field(default=10, metadata={"help": "training points per task (paper: 10)"})
    test_per_task: int = field(default=10, metadata={"help": "test points per task, on seen task indices"})
    explanation_kind: str = field(default="missing_info", metadata={"help": f"one of {', '.join(KINDS)}"})
    eps: int = field(default=1, metadata={"help": "evidential noise: uniform integers in [-eps, eps] (paper: 1)"})
    translate_shift: int = field(default=5, metadata={"help": "translate: e values shifted by + this (paper: x+5)"})
    weak_feature_correlation: float = field(default=0.5, metadata={
        "help": "P(the non-causal pair agrees with the causal one), training split (paper: 0.5; 1.0 = spurious)"})

    def check(self, where: str) -> None:
        if self.explanation_kind not in KINDS:
            raise ValueError(f"{where}.explanation_kind must be one of {', '.join(KINDS)}, got "
                             f"{self.explanation_kind!r}")
        if self.max_int < 6:
            raise ValueError(f"{where}.max_int must be >= 6 (4 task integers + distractors), got {self.max_int}")
        if self.seq_len < 8:
            raise ValueError(f"{where}.seq_len must be >= 8 (2 header slots + room for both pairs), got "
                             f"{self.seq_len}")
        if not 1 <= self.num_tasks <= self.max_idx:
            raise ValueError(f"{where}.num_tasks must be in 1..max_idx ({self.max_idx}), got {self.num_tasks}")
        for name in ("points_per_task", "test_per_task"):
            value = getattr(self, name)
            if value < 2 or value % 2:
                raise ValueError(f"{where}.{name} must be even and >= 2 (exact balance per task), got {value}")
        if not 0.0 <= self.weak_feature_correlation <= 1.0:
            raise ValueError(f"{where}.weak_feature_correlation must be in [0, 1], got {self.weak_feature_correlation}")
        if self.eps < 0 or self.translate_shift < 0:
            raise ValueError(f"{where}: eps and translate_shift must be >= 0")


def int_range(cfg: ExplanationTaskConfig) -> tuple[int, int]:
    """The smallest and largest integer any sequence or explanation of this config may hold (noise and shift
    included), whatever the kind, so that every variant of one config shares one vocabulary."""
    return 1 - cfg.eps, cfg.max_int + max(cfg.eps, cfg.translate_shift)


def balanced_array(n: int, prop: float, rng: np.random.Generator) -> np.ndarray:
    """round(n * prop) ones and the rest zeros, shuffled (the official utils.balanced_array)."""
    ones = int(round(n * prop))
    arr = np.array([1] * ones + [0] * (n - ones), dtype=np.int64)
    rng.shuffle(arr)
    return arr


def draw_task_params(num_tasks: int, max_int: int, rng: np.random.Generator) -> list[tuple[int, int, int, int]]:
    """Distinct (m, n, r, d) tuples of 4 distinct integers in [1, max_int], one per task."""
    seen: set[tuple[int, ...]] = set()
    out = []
    while len(out) < num_tasks:
        proposal = tuple(int(v) for v in rng.choice(np.arange(1, max_int + 1), size=4, replace=False))
        if proposal not in seen:
            seen.add(proposal)
            out.append(proposal)
    return out


def make_sequence(rng: np.random.Generator, cfg: ExplanationTaskConfig, idx: int, mnrd: tuple[int, ...],
                  selector: int, label: int, swap: int, correlates: int) -> list[int]:
    """One sequence, as the official make_split: two counts per pair (the first strictly larger), the pairs' slot
    sets swapped when `swap`, the causal pair ordered by the label, the other by `correlates`."""
    s = np.zeros(cfg.seq_len, dtype=np.int64)
    s[0], s[1] = idx, selector
    free = np.arange(2, cfg.seq_len)
    free_mn = cfg.seq_len - 2 - 3  # keep 3 slots for r/d
    groups = []
    for room in (free_mn, None):
        room = len(free) if room is None else room
        count1 = int(rng.integers(1, room))
        count2 = int(rng.integers(0, min(count1, room - count1)))
        slots1 = rng.choice(free, size=count1, replace=False)
        free = np.setdiff1d(free, slots1)
        slots2 = rng.choice(free, size=count2, replace=False)
        free = np.setdiff1d(free, slots2)
        groups.append((slots1, slots2))
    mn, rd = groups
    if swap:
        mn, rd = rd, mn
    causal_first = label == 1
    other_first = causal_first if correlates else not causal_first
    use_mn = selector == 1
    mn_first, rd_first = (causal_first, other_first) if use_mn else (other_first, causal_first)
    m_slots, n_slots = mn if mn_first else mn[::-1]
    r_slots, d_slots = rd if rd_first else rd[::-1]
    m, n, r, d = mnrd
    s[m_slots], s[n_slots], s[r_slots], s[d_slots] = m, n, r, d
    empty = np.flatnonzero(s[2:] == 0) + 2
    eligible = np.setdiff1d(np.arange(1, cfg.max_int + 1), np.array(mnrd))
    s[empty] = rng.choice(eligible, size=len(empty), replace=True)
    return [int(v) for v in s]


def label_of(s: list[int], mnrd: tuple[int, ...]) -> int:
    """The task's label function: 1[count(m) > count(n)] if s[1] == 1, else 1[count(r) > count(d)]."""
    if s[1] not in (1, 2):
        raise ValueError(f"selector s[1] must be 1 or 2, got {s[1]}")
    body = list(s[2:])
    first, second = (mnrd[0], mnrd[1]) if s[1] == 1 else (mnrd[2], mnrd[3])
    return int(body.count(first) > body.count(second))


def make_explanation(idx: int, mnrd: tuple[int, ...], cfg: ExplanationTaskConfig,
                     noise_rng: np.random.Generator, kind: str | None = None) -> list[int]:
    """(f(idx), m, n, r, d) with f = identity; evidential: + uniform integer noise in [-eps, eps] per value;
    translate: + translate_shift."""
    kind = kind or cfg.explanation_kind
    values = np.array(mnrd, dtype=np.int64)
    if kind == "evidential":
        values = values + noise_rng.integers(-cfg.eps, cfg.eps + 1, size=4)
    elif kind == "translate":
        values = values + cfg.translate_shift
    elif kind != "missing_info":
        raise ValueError(f"explanation kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return [int(idx)] + [int(v) for v in values]


def make_split(rng: np.random.Generator, noise_rng: np.random.Generator, cfg: ExplanationTaskConfig,
               tasks: dict[int, tuple[int, ...]], per_task: int, correlation: float,
               ignore: set[tuple[int, ...]] | None = None) -> tuple[list[dict], int]:
    """`per_task` rows per task index, balanced per index in label, selector and count swap; sequences in
    `ignore` are skipped and redrawn. Returns (rows, number skipped)."""
    rows, skipped = [], 0
    for idx, mnrd in tasks.items():
        labels, selectors, swaps = (balanced_array(per_task, 0.5, rng) for _ in range(3))
        correlates = balanced_array(per_task, correlation, rng)
        added = 0
        while added < per_task:
            s = make_sequence(rng, cfg, idx, mnrd, int(selectors[added]) + 1, int(labels[added]),
                              int(swaps[added]), int(correlates[added]))
            if ignore is not None and tuple(s) in ignore:
                skipped += 1
                continue
            rows.append({"s": s, "label": int(labels[added]), "idx": int(idx), "selector": s[1],
                         "e": make_explanation(idx, mnrd, cfg, noise_rng)})
            added += 1
    return rows, skipped


def build_world(cfg: ExplanationTaskConfig, seed: int) -> dict:
    """Train and test splits on the same task indices (tasks, train, test, skipped_test_duplicates). The
    sequences depend on (seed, max_int, seq_len, max_idx, num_tasks, per-task sizes, correlation) only."""
    rng = np.random.default_rng(derive_seed(seed, "explanations", "world"))
    noise_rng = np.random.default_rng(derive_seed(seed, "explanations", "noise"))
    indices = sorted(int(i) for i in rng.choice(cfg.max_idx, size=cfg.num_tasks, replace=False))
    tasks = dict(zip(indices, draw_task_params(cfg.num_tasks, cfg.max_int, rng)))
    train, _ = make_split(rng, noise_rng, cfg, tasks, cfg.points_per_task, cfg.weak_feature_correlation)
    seen = {tuple(r["s"]) for r in train}
    test, skipped = make_split(rng, noise_rng, cfg, tasks, cfg.test_per_task, 0.5, ignore=seen)
    return {"tasks": {str(k): list(v) for k, v in tasks.items()}, "train": train, "test": test,
            "skipped_test_duplicates": skipped}


def fresh_example(rng: np.random.Generator, cfg: ExplanationTaskConfig, n_explanations: int,
                  eps: int, correlation: float = 0.5) -> tuple[list[int], list[list[int]], int]:
    """A new random task for one example: (s, n_explanations explanations of its task, label). With eps > 0 each
    explanation gets its own uniform integer noise in [-eps, eps] (the evidential kind); the non-causal pair
    agrees with the causal one with probability `correlation`."""
    idx = int(rng.integers(cfg.max_idx))
    mnrd = tuple(int(v) for v in rng.choice(np.arange(1, cfg.max_int + 1), size=4, replace=False))
    label, selector = int(rng.integers(2)), int(rng.integers(2)) + 1
    s = make_sequence(rng, cfg, idx, mnrd, selector, label, int(rng.integers(2)), int(rng.random() < correlation))
    kind = "evidential" if eps > 0 else "missing_info"
    noisy = ExplanationTaskConfig(**{**cfg.__dict__, "eps": eps}) if eps > 0 else cfg
    return s, [make_explanation(idx, mnrd, noisy, rng, kind) for _ in range(n_explanations)], label
