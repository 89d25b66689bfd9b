"""US-Tuning's prompts, targets and scoring rules on the context-QA world (spec Method), with no torch inside.

- `qa_prompt`: the contextual QA prompt: 5 fixed instruction sentences (the 3rd is the causal instruction "else
  not provided"), optionally one extra constraint inserted after a random one of them, the passages and the
  question; tuned models get the task-assignment prefix (`TASK_PREFIX`) in front of it.
- `psqa_target`: the prompt-sensitive QA target: ANSWER, then CHECKING (each instruction tagged <fulfilled> /
  <not_fulfilled>); when the draft fails its constraint, a revised ANSWER and a new CHECKING follow (the
  instruction-review module). Programmatic checkers (the world's `Constraint.check`) stand in for GPT-4-turbo.
- `cognition_prompt` / `COGNITION_LABELS`: the stage-1 cognition task, "is the context sufficient?".
- `keep_pair`: the benchmark's cleaning rule (generate_trustworthy_benchmark.py, as the spec states it).
- Scoring (main_run_benchmark.py, as the spec states it): `known_correct` (lenient: any gold answer or any word
  of one; `strict`: a whole gold answer), `unknown_correct` (a refusal phrase or an empty response) and
  `parse_sufficiency` (the tag that occurs last; "insufficient" contains "sufficient").
"""
from __future__ import annotations

import random
import re

from lmrepro.worlds.context_qa import CONSTRAINTS, Constraint

INSTRUCTIONS = ("use the context .", "no outside facts .", "else not provided .", "be brief .", "be exact .")
INSTRUCTION_IDS = ("s1", "s2", "s3", "s4", "s5")
TASK_PREFIX = "task : qa and cognition ."  # the "not provided" sentence is among the 5 instructions
REFUSAL = ("not", "provided")
FULFILLED, NOT_FULFILLED = "<fulfilled>", "<not_fulfilled>"
CHECK, REVISED = "check", "revised"
COGNITION_PREFIX = "cognition : is the context sufficient for the question ?"
COGNITION_LABELS = {True: "<sufficient>", False: "<insufficient>"}
REFUSAL_PHRASES = ("not mentioned", "not provided", "not given", "'t provide", "insufficient")
FORMAT_WORDS = ("rules", "context", "question", "answer", "judge", *INSTRUCTION_IDS, FULFILLED, NOT_FULFILLED,
                CHECK, REVISED, *COGNITION_LABELS.values(), *(w.upper() for w in REFUSAL))


def vocabulary() -> list[str]:
    words = [*FORMAT_WORDS, *TASK_PREFIX.split(), *COGNITION_PREFIX.split(), *REFUSAL, *(c.name for c in CONSTRAINTS)]
    for sentence in INSTRUCTIONS:
        words += sentence.split()
    return list(dict.fromkeys(words))


def instruction_block(constraint: Constraint | None, slot: int) -> tuple[str, list[str]]:
    """The instruction sentences with `constraint` after sentence `slot` (0-4), and their ids in prompt order."""
    sentences, ids = list(INSTRUCTIONS), list(INSTRUCTION_IDS)
    if constraint is not None:
        sentences.insert(slot + 1, constraint.text)
        ids.insert(slot + 1, constraint.name)
    return " ".join(sentences), ids


def qa_prompt(passages: list[str], question: str, *, tuned: bool, constraint: Constraint | None = None,
              slot: int = 0) -> str:
    block, _ = instruction_block(constraint, slot)
    prefix = f"{TASK_PREFIX} " if tuned else ""
    return f"{prefix}rules : {block} context : {' '.join(passages)} question : {question} answer :"


def checking(ids: list[str], verdicts: dict[str, bool]) -> str:
    return f"{CHECK} : " + " ".join(f"{i} {FULFILLED if verdicts.get(i, True) else NOT_FULFILLED}" for i in ids)


def psqa_target(answer: list[str], constraint: Constraint | None, slot: int, draft_fails: bool) -> str:
    """ANSWER + CHECKING, or (draft_fails) a draft violating the constraint, its CHECKING, the revision and a new
    CHECKING. `answer` is the plain answer words (the gold value, or REFUSAL)."""
    _, ids = instruction_block(constraint, slot)
    good = constraint.apply(answer) if constraint else list(answer)
    final = f"{' '.join(good)} {checking(ids, {})}"
    if constraint is None or not draft_fails:
        return final
    draft = constraint.violate(answer)
    if constraint.check(draft):
        raise ValueError(f"constraint {constraint.name!r}: violate() produced a passing draft {draft}")
    return f"{' '.join(draft)} {checking(ids, {constraint.name: False})} {REVISED} : {final}"


def cognition_prompt(passages: list[str], question: str) -> str:
    return f"{COGNITION_PREFIX} context : {' '.join(passages)} question : {question} judge :"


def keep_pair(context_a: str, pos_answers: list[str], passage_b: str) -> bool:
    """The cleaning rule: keep (a, b) iff some positive answer occurs in context a and none occurs in passage b
    (lowercased substring tests)."""
    a, b = context_a.lower(), passage_b.lower()
    return any(ans.lower() in a for ans in pos_answers) and not any(ans.lower() in b for ans in pos_answers)


def _words(text: str) -> list[str]:
    return text.lower().split()


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def known_correct(response: str, gold: list[str], strict: bool = False) -> bool:
    """Lenient (paper): the response contains a gold answer or any single word of one; strict: a whole gold
    answer as a contiguous word sequence. Word-level matching: the official substring test on our closed
    vocabulary of synthetic words would also match accidental substrings ("vide" in "provided")."""
    words = _words(response)
    if strict:
        return any(_contains(words, _words(g)) for g in gold)
    return any(w in words for g in gold for w in _words(g))


def unknown_correct(response: str) -> bool:
    """A refusal phrase anywhere in the response, or an empty response (counted as a refusal, as the paper does)."""
    text = response.lower().strip()
    return not text or any(phrase in text for phrase in REFUSAL_PHRASES)


def parse_sufficiency(response: str) -> bool | None:
    """True (<sufficient>), False (<insufficient>) or None: the label whose word occurs last, where an occurrence
    of "sufficient" inside "insufficient" does not count as "sufficient"."""
    text = response.lower()
    last_insufficient = text.rfind("insufficient")
    last_sufficient = max((m.start() for m in re.finditer(r"(?<!in)sufficient", text)), default=-1)
    if last_insufficient < 0 and last_sufficient < 0:
        return None
    return last_sufficient > last_insufficient


def draw_constraint(rng: random.Random, pool: tuple[Constraint, ...], p_constraint: float
                    ) -> tuple[Constraint | None, int]:
    constraint = rng.choice(pool) if rng.random() < p_constraint else None
    return constraint, rng.randrange(len(INSTRUCTIONS))
