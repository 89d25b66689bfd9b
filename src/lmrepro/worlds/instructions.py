"""Constrained instructions with programmatic checkers, a noisy judge, and an edit space for refinement
(used by: spar).

Two tasks, each with a constraint the checker verifies and an interfering factor the checker ignores:
- `boundary`: "write about <topic> start with <S> end with <E>" -> a sentence whose first word must be S and last
  word E; the middle is free world text about the topic (the interfering factor: what the middle says).
- `letters`: "write <N> letters" -> exactly N letter tokens; their case is the interfering factor (`a` vs `A`).

Structure guaranteed (tested in tests/test_worlds_instructions.py):
- `check(instruction, response)` is exactly the constraint: True iff the response satisfies it, whatever the
  interfering factor (e.g. any letter case, any middle).
- `sample_response(.., satisfy=b)` returns a response with `check == b`; `sample_sft_corpus` satisfies the
  constraint in exactly `round(p_satisfy * n)` rows, and its interfering factor is correlated with passing the
  way spar needs it: in `letters`, passing responses are upper-case with probability `p_upper_pass`, failing
  ones with `p_upper_fail`; in `boundary`, passing and failing responses draw their middles from disjoint
  halves of the topic's sentence bank.
- `Judge`: the checker's verdict flipped with probability `label_noise`, majority of `votes` votes (seeded).
- `edits(instruction, response)`: the minimal edits that can repair a failing response (replace the first or
  last word, insert or delete one letter); applying the right one makes `check` True; every edit changes one
  token position at most.
- A pure function of (config, seed): the same seed gives byte-identical instructions and corpora.
- Paper scale: `load_ifeval` reads google/IFEval prompts into the `sample_instructions` schema.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from lmrepro.worlds.lexicon import make_words

TASKS = ("boundary", "letters")
LETTERS = "abcdefgh"
CONNECTIVES = ("the", "a", "is", "near", "with", "and", "very", "often")


@dataclass
class InstructionWorldConfig:
    n_topics: int = 24
    n_words: int = 60            # content words of the middles and boundary words
    middle_len: tuple[int, int] = (3, 6)
    letters_range: tuple[int, int] = (2, 6)
    p_satisfy: float = 0.5       # share of SFT responses that satisfy their constraint
    p_upper_pass: float = 0.8    # letters: P(upper case | passing response)
    p_upper_fail: float = 0.2    # letters: P(upper case | failing response)
    label_noise: float = 0.1     # judge: P(one vote is flipped)
    votes: int = 5

    def check(self, where: str = "instructions") -> None:
        for name in ("p_satisfy", "p_upper_pass", "p_upper_fail", "label_noise"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1], got {getattr(self, name)}")
        if self.votes < 1 or self.votes % 2 == 0:
            raise ValueError(f"{where}.votes must be a positive odd number, got {self.votes}")
        lo, hi = self.letters_range
        if not 1 <= lo <= hi:
            raise ValueError(f"{where}.letters_range must satisfy 1 <= min <= max, got {self.letters_range}")
        if self.n_words < 8 or self.n_topics < 2:
            raise ValueError(f"{where}: need n_words >= 8 and n_topics >= 2")


@dataclass
class InstructionWorld:
    topics: list[str]
    words: list[str]
    bank: dict[str, list[list[str]]]  # topic -> candidate middles (first half: passing, second half: failing)

    def vocabulary(self) -> list[str]:
        fixed = {"write", "about", "start", "with", "end", "letters", *CONNECTIVES, *LETTERS, *LETTERS.upper()}
        return sorted(fixed | set(self.topics) | set(self.words) | {str(n) for n in range(1, 10)})


def build_world(cfg: InstructionWorldConfig, seed: int) -> InstructionWorld:
    cfg.check()
    rng = random.Random(f"instructions-world-{seed}")
    topics = make_words(rng, cfg.n_topics, syllables=(2, 2))
    words = make_words(rng, cfg.n_words, syllables=(1, 2), exclude=set(topics))
    bank = {}
    for topic in topics:
        middles = []
        for _ in range(8):
            n = rng.randint(*cfg.middle_len)
            middles.append([topic if i == 0 else rng.choice(words + list(CONNECTIVES)) for i in range(n)])
        bank[topic] = middles
    return InstructionWorld(topics, words, bank)


def render_instruction(inst: dict) -> str:
    if inst["task"] == "boundary":
        return f"write about {inst['topic']} start with {inst['start']} end with {inst['end']}"
    return f"write {inst['n']} letters"


def sample_instruction(world: InstructionWorld, cfg: InstructionWorldConfig, rng: random.Random) -> dict:
    """{"task": "boundary", "topic", "start", "end"} or {"task": "letters", "n"}."""
    if rng.random() < 0.5:
        start, end = rng.sample(world.words, 2)
        return {"task": "boundary", "topic": rng.choice(world.topics), "start": start, "end": end}
    return {"task": "letters", "n": rng.randint(*cfg.letters_range)}


def check(inst: dict, response: str) -> bool:
    """The constraint only; the interfering factor (middle, letter case) never matters."""
    tokens = response.split()
    if inst["task"] not in TASKS:
        raise ValueError(f"no checker for task {inst['task']!r} (IFEval prompts are scored by lm-eval's ifeval)")
    if inst["task"] == "boundary":
        return len(tokens) >= 2 and tokens[0] == inst["start"] and tokens[-1] == inst["end"]
    return len(tokens) == inst["n"] and all(t.lower() in LETTERS and len(t) == 1 for t in tokens)


def upper_ratio(response: str) -> float:
    letters = [t for t in response.split() if len(t) == 1 and t.lower() in LETTERS]
    return sum(t.isupper() for t in letters) / len(letters) if letters else 0.0


def sample_response(world: InstructionWorld, cfg: InstructionWorldConfig, inst: dict, satisfy: bool,
                    rng: random.Random) -> str:
    if inst["task"] == "boundary":
        half = world.bank[inst["topic"]]
        middle = rng.choice(half[: len(half) // 2] if satisfy else half[len(half) // 2:])
        start, end = inst["start"], inst["end"]
        if not satisfy:  # break one boundary with a different word
            wrong = rng.choice([w for w in world.words if w not in (start, end)])
            start, end = (wrong, end) if rng.random() < 0.5 else (start, wrong)
        return " ".join([start, *middle, end])
    n = inst["n"]
    if not satisfy:
        n = n + rng.choice([-1, 1]) if n > 1 else n + 1
    upper = rng.random() < (cfg.p_upper_pass if satisfy else cfg.p_upper_fail)
    letters = [rng.choice(LETTERS) for _ in range(n)]
    return " ".join(c.upper() if upper else c for c in letters)


def sample_sft_corpus(world: InstructionWorld, cfg: InstructionWorldConfig, n: int, seed: int) -> list[dict]:
    """Rows {"instruction": dict, "prompt": str, "response": str, "passes": bool}; exactly round(p_satisfy*n) pass."""
    cfg.check()
    rng = random.Random(f"instructions-sft-{seed}")
    passing = set(rng.sample(range(n), round(cfg.p_satisfy * n)))
    rows = []
    for i in range(n):
        inst = sample_instruction(world, cfg, rng)
        response = sample_response(world, cfg, inst, i in passing, rng)
        rows.append({"instruction": inst, "prompt": render_instruction(inst), "response": response,
                     "passes": i in passing})
    return rows


def sample_instructions(world: InstructionWorld, cfg: InstructionWorldConfig, n: int, seed: int) -> list[dict]:
    """Held-out instructions for evaluation: rows {"instruction": dict, "prompt": str}."""
    rng = random.Random(f"instructions-eval-{seed}")
    return [{"instruction": inst, "prompt": render_instruction(inst)}
            for inst in (sample_instruction(world, cfg, rng) for _ in range(n))]


class Judge:
    """The checker seen through `votes` noisy votes (each flipped with prob `label_noise`); majority wins."""

    def __init__(self, cfg: InstructionWorldConfig, seed: int):
        cfg.check()
        self.cfg, self.rng = cfg, random.Random(f"instructions-judge-{seed}")

    def __call__(self, inst: dict, response: str) -> bool:
        truth = check(inst, response)
        yes = sum(truth != (self.rng.random() < self.cfg.label_noise) for _ in range(self.cfg.votes))
        return 2 * yes > self.cfg.votes


def edits(inst: dict, response: str, vocabulary: list[str]) -> list[str]:
    """Candidate one-position edits of a response: the refinement search space (children of a tree node)."""
    tokens = response.split()
    out = []
    if inst["task"] == "boundary" and tokens:
        out += [" ".join([w, *tokens[1:]]) for w in vocabulary if w != tokens[0]]
        out += [" ".join([*tokens[:-1], w]) for w in vocabulary if w != tokens[-1]]
    elif inst["task"] == "letters":
        out += [" ".join(tokens[:i] + tokens[i + 1:]) for i in range(len(tokens))]
        case = str.upper if upper_ratio(response) >= 0.5 else str.lower
        out += [" ".join([*tokens, case(c)]) for c in LETTERS]
    return out


def load_ifeval(snapshot_dir: str, n: int | None = None) -> list[dict]:
    """google/IFEval prompts as `sample_instructions` rows. Their constraints are IFEval's own
    (`instruction_id_list` + `kwargs`), verified at paper scale by lm-eval's `ifeval` task, not by `check`."""
    from lmrepro.common.hub import snapshot_rows

    rows = []
    for row in snapshot_rows(snapshot_dir):
        if "prompt" not in row or "instruction_id_list" not in row:
            raise KeyError(f"{snapshot_dir}: IFEval rows need 'prompt' and 'instruction_id_list', got {sorted(row)}")
        rows.append({"instruction": {"task": "ifeval", "instruction_id_list": list(row["instruction_id_list"]),
                                     "kwargs": list(row.get("kwargs") or [])}, "prompt": row["prompt"]})
        if n is not None and len(rows) >= n:
            break
    return rows
