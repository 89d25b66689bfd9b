"""Reasoning traces: multi-step problems with one checked sentence per step (used by: sentence_lm, metacog_reuse).

Two seeded generators, each a pure function of (config dataclass, seed): the same seed gives byte-identical
problems (tested); every problem is a JSON-ready dict in one shared schema, so the papers' code reads a
synthetic corpus and a `paper`-scale dataset (`load_gsm8k`) the same way.

Shared row schema (JSONL, one problem per line; `to_hf_dataset` makes a `datasets.Dataset` of the same rows):
    id        int         index within the generated split
    question  str         the problem text (whitespace-separated words)
    steps     list[str]   the step-by-step solution, one sentence / line per reasoning step
    answer    str         the gold answer, as the checker expects it
    states    list[int] | null   the gold value after each step (null where a dataset has none)
plus world-specific fields listed below.

1. State tracking (`StateTrackConfig`, `generate_state_tracking`; sentence_lm):
       question: "ann has 3 apples . she gets 4 . she gives 2 . she doubles them . how many ?"
       steps:    "7 apples so far ." "5 apples so far ." "10 apples so far ."   answer: "10"
   The value comes first in a step sentence, so a causal LM states it right after the previous sentence's end:
   the last-token state of the context is where the next value is computed (what a contextual sentence
   embedding needs; the sentence_lm spec's "now she has 7 ." puts it 3 tokens later, see sentence_lm's notes).
   Extra fields: `init` (the start value), `ops` ([[op word, operand or null], ...]), `name`, `object`.
   Guarantees (tests/test_worlds_reasoning.py):
   - chain length (number of ops = number of steps) in [min_steps, max_steps]; every value is in [0, modulus);
   - `states[i]` equals replaying `ops[:i+1]` from `init` (`replay`), `steps[i]` renders `states[i]` and
     `parse_step` reads it back; `answer == str(states[-1])`;
   - `check_answer` accepts exactly the gold answer string (no other number, padding or extra words; GSM8K's
     "," / "$" / final "." are ignored, as lm-eval's gsm8k task does);
   - every step sentence is 5 words, a question has 8 + 4 * n_steps words; `vocabulary(cfg)` covers every
     word of every problem (a word-level tokenizer round-trips them exactly).

2. Procedures (`ProcedureConfig`, `generate_procedures`; metacog_reuse): problems that compose 2-3 of 8 named
   procedures (odd_sum, triangular, arith_series, gcd, digit_sum, mod, power, factorial), each with a long
   step-by-step derivation built from named reusable steps (add, sub, mul, mod) and a short closed form:
       question: "let a be the sum of the first 4 odd numbers . let b be the gcd of 12 and 8 . what is a + b ?"
       steps (vanilla):  "1 + 3 = 4" "4 + 5 = 9" "9 + 7 = 16" "so a = 16" "12 mod 8 = 4" "8 mod 4 = 0"
                         "so b = 4" "16 + 4 = 20"                                       answer: "20"
       trace_behavior: "[odd_sum] 4 ^ 2 = 16" "[gcd] gcd 12 8 = 4" "16 + 4 = 20"
   Extra fields: `procedures` (hidden tags: [{name, var, args, value}]), `trace_behavior`, `step_names` (the
   named step behind each vanilla line), `states` (each procedure's value, then the answer).
   Guarantees: every equation line of both traces is arithmetically true (`check_equation`); each
   procedure's derivation ends in the same value as its closed form; the answer is the sum of the procedure
   values; numbers stay in [0, PROCEDURE_MAX_NUMBER], all in `procedure_vocabulary()`.
   Numbers are whole-word tokens (the metacog_reuse spec suggests a ~120-symbol char/word vocabulary; this
   word vocabulary has ~470 types, as the numbers up to 432 are single words).

Not served here (left to other worlds): preflexor's 2-hop knowledge-graph questions (a facts world with a
retriever) and rth's continuous motion environment; rmt's arithmetic documents live in `worlds.arithmetic`.

Speed: each paper's small corpus (sentence_lm: 4k + 2 x 500 problems; metacog_reuse: 2.8k) builds in well
under 2 s (tested).
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

# ---------------------------------------------------------------------------------------------------------------
# 1. State tracking
# ---------------------------------------------------------------------------------------------------------------
NAMES = (("ann", "she"), ("bob", "he"), ("eve", "she"), ("tom", "he"), ("mia", "she"), ("sam", "he"),
         ("liz", "she"), ("max", "he"))
OBJECTS = ("apples", "pens", "coins", "cards", "books", "stamps", "shells", "keys")
# op word -> (takes an operand, update(value, operand, modulus)); rendered "<pron> <op> <k> ." or
# "<pron> <op> them ." so every op sentence is 4 words.
OPS: dict[str, tuple[bool, Callable[[int, int, int], int]]] = {
    "gets": (True, lambda v, k, m: (v + k) % m),
    "finds": (True, lambda v, k, m: (v + k) % m),
    "gives": (True, lambda v, k, m: (v - k) % m),
    "loses": (True, lambda v, k, m: (v - k) % m),
    "doubles": (False, lambda v, k, m: (2 * v) % m),
    "triples": (False, lambda v, k, m: (3 * v) % m),
}
STATE_FUNCTION_WORDS = ("has", ".", "so", "far", "how", "many", "?", "them", "answer")


@dataclass
class StateTrackConfig:
    modulus: int = field(default=20, metadata={"help": "values are taken mod this (sentence_lm spec: 20)"})
    min_steps: int = field(default=3, metadata={"help": "shortest chain (spec: 3)"})
    max_steps: int = field(default=6, metadata={"help": "longest chain (spec: 6)"})
    max_operand: int = field(default=9, metadata={"help": "operands of gets/finds/gives/loses are 1..this"})
    ops: tuple[str, ...] = field(default=tuple(OPS), metadata={"help": "the op lexicon to draw from"})
    n_names: int = field(default=len(NAMES), metadata={"help": "how many of the names to use"})
    n_objects: int = field(default=len(OBJECTS), metadata={"help": "how many of the objects to use"})

    def check(self, where: str) -> None:
        if not 2 <= self.modulus <= 1000:
            raise ValueError(f"{where}.modulus must be in [2, 1000], got {self.modulus}")
        if not 1 <= self.min_steps <= self.max_steps:
            raise ValueError(f"{where}: need 1 <= min_steps <= max_steps, got {self.min_steps}, {self.max_steps}")
        if not 1 <= self.max_operand < self.modulus:
            raise ValueError(f"{where}.max_operand must be in [1, modulus), got {self.max_operand}")
        unknown = [op for op in self.ops if op not in OPS]
        if unknown or not self.ops:
            raise ValueError(f"{where}.ops: unknown or empty {unknown or self.ops} (known: {', '.join(OPS)})")
        if not 1 <= self.n_names <= len(NAMES) or not 1 <= self.n_objects <= len(OBJECTS):
            raise ValueError(f"{where}: n_names in [1, {len(NAMES)}] and n_objects in [1, {len(OBJECTS)}]")


def apply_op(value: int, op: str, operand: int | None, modulus: int) -> int:
    takes, update = OPS[op]
    if takes != (operand is not None):
        raise ValueError(f"op {op!r} {'needs' if takes else 'takes no'} operand, got {operand!r}")
    return update(value, operand or 0, modulus)


def replay(init: int, ops: Iterable[tuple[str, int | None]], modulus: int) -> list[int]:
    """The value after each op, starting from `init` (the world's gold state after every step)."""
    states, value = [], init
    for op, operand in ops:
        value = apply_op(value, op, operand, modulus)
        states.append(value)
    return states


def render_step(obj: str, value: int) -> str:
    return f"{value} {obj} so far ."


_STEP = re.compile(r"(\d+) ([a-z]+) so far \.")


def parse_step(sentence: str) -> int | None:
    """The value a step sentence states ("7 apples so far ." -> 7), or None if it is not a step sentence."""
    match = _STEP.fullmatch(sentence.strip())
    return int(match.group(1)) if match and match.group(2) in OBJECTS else None


# what lm-eval's gsm8k task ignores before its exact match: thousands separators, dollar signs, a final period
GSM8K_IGNORED = (",", r"\$", r"\.$")


def normalize_answer(text: str) -> str:
    for pattern in GSM8K_IGNORED:
        text = re.sub(pattern, "", text)
    return text


def check_answer(problem: dict, text: str) -> bool:
    """Exact match against the gold answer after surrounding spaces are stripped and GSM8K's scoring
    normalisation (`GSM8K_IGNORED`, lm-eval's) is applied to both: "1,000" and "$1000." match "1000"."""
    return normalize_answer(text.strip()) == normalize_answer(problem["answer"].strip())


def render_question(name: str, pronoun: str, obj: str, init: int, ops: list[tuple[str, int | None]]) -> str:
    parts = [f"{name} has {init} {obj} ."]
    for op, operand in ops:
        parts.append(f"{pronoun} {op} {operand if operand is not None else 'them'} .")
    parts.append("how many ?")
    return " ".join(parts)


def state_tracking_problem(cfg: StateTrackConfig, rng: random.Random, index: int) -> dict:
    name, pronoun = NAMES[rng.randrange(cfg.n_names)]
    obj = OBJECTS[rng.randrange(cfg.n_objects)]
    n_steps = rng.randint(cfg.min_steps, cfg.max_steps)
    init = rng.randrange(cfg.modulus)
    ops = []
    for _ in range(n_steps):
        op = cfg.ops[rng.randrange(len(cfg.ops))]
        ops.append((op, rng.randint(1, cfg.max_operand) if OPS[op][0] else None))
    states = replay(init, ops, cfg.modulus)
    return {"id": index, "question": render_question(name, pronoun, obj, init, ops),
            "steps": [render_step(obj, v) for v in states], "answer": str(states[-1]), "states": states,
            "init": init, "ops": [[op, k] for op, k in ops], "name": name, "object": obj}


def generate_state_tracking(cfg: StateTrackConfig, seed: int, n: int) -> list[dict]:
    """`n` problems, a pure function of (cfg, seed, n)."""
    cfg.check("StateTrackConfig")
    rng = random.Random(seed)
    return [state_tracking_problem(cfg, rng, i) for i in range(n)]


def vocabulary(cfg: StateTrackConfig) -> list[str]:
    """Every word a state-tracking problem (question, steps, answer) can contain, in a fixed order."""
    words = list(STATE_FUNCTION_WORDS) + ["she", "he"]
    words += [name for name, _ in NAMES[:cfg.n_names]] + list(OBJECTS[:cfg.n_objects]) + list(cfg.ops)
    words += [str(v) for v in range(max(cfg.modulus, cfg.max_operand + 1))]
    return list(dict.fromkeys(words))


# ---------------------------------------------------------------------------------------------------------------
# 2. Procedures: composed problems with long derivations and short closed forms
# ---------------------------------------------------------------------------------------------------------------
# A named reusable step renders one equation line "<a> <op> <b> = <c>".
STEP_OPS = {"add": "+", "sub": "-", "mul": "*", "mod": "mod"}
_EVAL = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "mod": lambda a, b: a % b,
         "^": lambda a, b: a ** b, "/": lambda a, b: a // b if b and a % b == 0 else None}


def step_line(name: str, a: int, b: int) -> tuple[str, int]:
    op = STEP_OPS[name]
    c = _EVAL[op](a, b)
    return f"{a} {op} {b} = {c}", c


def _odd_sum(n):
    lines, acc = [], 1
    for k in range(1, n):
        line, acc = step_line("add", acc, 2 * k + 1)
        lines.append(("add", line))
    return lines, acc, f"{n} ^ 2 = {n * n}"


def _triangular(n):
    lines, acc = [], 1
    for k in range(2, n + 1):
        line, acc = step_line("add", acc, k)
        lines.append(("add", line))
    return lines, acc, f"{n} * {n + 1} / 2 = {n * (n + 1) // 2}"


def _arith_series(a, d, k):
    lines, acc, term = [], a, a
    for _ in range(k - 1):
        line, term = step_line("add", term, d)
        lines.append(("add", line))
        line, acc = step_line("add", acc, term)
        lines.append(("add", line))
    return lines, acc, f"{k} * ( {a} + {term} ) / 2 = {k * (a + term) // 2}"


def _gcd(a, b):
    lines, x, y = [], a, b
    while y:
        line, r = step_line("mod", x, y)
        lines.append(("mod", line))
        x, y = y, r
    return lines, x, f"gcd {a} {b} = {x}"


def _digit_sum(x):
    digits = [int(c) for c in str(x)]
    lines, acc = [], digits[0]
    for dgt in digits[1:]:
        line, acc = step_line("add", acc, dgt)
        lines.append(("add", line))
    return lines, acc, f"digitsum {x} = {acc}"


def _mod(x, m):
    lines, acc = [], x
    while acc >= m:
        line, acc = step_line("sub", acc, m)
        lines.append(("sub", line))
    return lines, acc, f"{x} mod {m} = {x % m}"


def _power(a, n):
    lines, acc = [], a
    for _ in range(n - 1):
        line, acc = step_line("mul", acc, a)
        lines.append(("mul", line))
    return lines, acc, f"{a} ^ {n} = {a ** n}"


def _factorial(n):
    lines, acc = [], 1
    for k in range(2, n + 1):
        line, acc = step_line("mul", acc, k)
        lines.append(("mul", line))
    return lines, acc, f"{n} ! = {acc}"


@dataclass(frozen=True)
class Procedure:
    name: str
    phrase: str                                     # question phrase, "{0}" .. for the args
    sample: Callable[[random.Random], tuple]        # args (fixed small ranges: the number bound depends on them)
    derive: Callable[..., tuple[list, int, str]]    # args -> ([(step name, line)], value, closed-form line)
    behavior: str                                   # the handbook entry naming the closed form


PROCEDURES: dict[str, Procedure] = {p.name: p for p in (
    Procedure("odd_sum", "the sum of the first {0} odd numbers", lambda r: (r.randint(2, 12),), _odd_sum,
              "the sum of the first n odd numbers is n ^ 2"),
    Procedure("triangular", "the sum of 1 to {0}", lambda r: (r.randint(2, 12),), _triangular,
              "the sum of 1 to n is n * ( n + 1 ) / 2"),
    Procedure("arith_series", "the sum of {2} terms from {0} in steps of {1}",
              lambda r: (r.randint(1, 9), r.randint(1, 5), r.randint(2, 6)), _arith_series,
              "the sum of k terms from a to z is k * ( a + z ) / 2"),
    Procedure("gcd", "the gcd of {0} and {1}", lambda r: (r.randint(6, 48), r.randint(2, 36)), _gcd,
              "the gcd of a and b is gcd a b"),
    Procedure("digit_sum", "the digit sum of {0}", lambda r: (r.randint(10, 99),), _digit_sum,
              "the digit sum of x is digitsum x"),
    Procedure("mod", "{0} mod {1}", lambda r: (r.randint(10, 60), r.randint(3, 9)), _mod,
              "x mod m is the remainder of x divided by m"),
    Procedure("power", "{0} to the power {1}", lambda r: (r.randint(2, 4), r.randint(2, 3)), _power,
              "a to the power n is a ^ n"),
    Procedure("factorial", "the factorial of {0}", lambda r: (r.randint(2, 5),), _factorial,
              "the factorial of n is n !"),
)}
VARIABLES = ("a", "b", "c")
PROCEDURE_MAX_NUMBER = 432  # 3 x the largest procedure value (odd_sum 12 -> 144): every sum stays below
PROCEDURE_WORDS = ("let", "be", "what", "is", "?", ".", "so", "=", "+", "-", "*", "/", "^", "!", "mod", "gcd",
                   "digitsum", "(", ")", "the", "sum", "of", "first", "odd", "numbers", "to", "terms", "from",
                   "in", "steps", "and", "digit", "power", "factorial", "n", "k", "x", "m", "z", "remainder",
                   "divided", "by", *VARIABLES, *(f"[{name}]" for name in PROCEDURES))


@dataclass
class ProcedureConfig:
    procedures: tuple[str, ...] = field(default=tuple(PROCEDURES), metadata={
        "help": "metacog_reuse spec: ~8 named procedures"})
    min_parts: int = field(default=2, metadata={"help": "procedures per problem (spec: 2-3)"})
    max_parts: int = field(default=3)

    def check(self, where: str) -> None:
        unknown = [p for p in self.procedures if p not in PROCEDURES]
        if unknown or not self.procedures:
            raise ValueError(f"{where}.procedures: unknown or empty {unknown or self.procedures} "
                             f"(known: {', '.join(PROCEDURES)})")
        if not 1 <= self.min_parts <= self.max_parts <= len(VARIABLES):
            raise ValueError(f"{where}: need 1 <= min_parts <= max_parts <= {len(VARIABLES)}")


def procedure_problem(cfg: ProcedureConfig, rng: random.Random, index: int) -> dict:
    n_parts = rng.randint(cfg.min_parts, cfg.max_parts)
    chosen = rng.sample(list(cfg.procedures), min(n_parts, len(cfg.procedures)))
    question, steps, names, behavior, parts = [], [], [], [], []
    for var, pname in zip(VARIABLES, chosen):
        proc = PROCEDURES[pname]
        args = proc.sample(rng)
        lines, value, closed = proc.derive(*args)
        question.append(f"let {var} be {proc.phrase.format(*args)} .")
        for step_name, line in lines:
            steps.append(line)
            names.append(step_name)
        steps.append(f"so {var} = {value}")
        names.append("assign")
        behavior.append(f"[{pname}] {closed}")
        parts.append({"name": pname, "var": var, "args": list(args), "value": value})
    variables = [p["var"] for p in parts]
    question.append(f"what is {' + '.join(variables)} ?")
    total, values = parts[0]["value"], [p["value"] for p in parts]
    final = []
    for value in values[1:]:
        line, total = step_line("add", total, value)
        final.append(line)
    if not final:  # a one-part problem: the answer is that part's value
        final = [f"{variables[0]} = {total}"]
    steps += final
    names += ["add"] * len(final)
    return {"id": index, "question": " ".join(question), "steps": steps, "answer": str(total),
            "states": values + [total], "procedures": parts, "step_names": names,
            "trace_behavior": behavior + final}


def generate_procedures(cfg: ProcedureConfig, seed: int, n: int) -> list[dict]:
    """`n` composed procedure problems, a pure function of (cfg, seed, n)."""
    cfg.check("ProcedureConfig")
    rng = random.Random(seed)
    return [procedure_problem(cfg, rng, i) for i in range(n)]


def behaviors(names: Iterable[str] | None = None) -> dict[str, str]:
    """The handbook: procedure name -> its closed-form rule, as text."""
    return {n: PROCEDURES[n].behavior for n in (names or PROCEDURES)}


_EQUATION = re.compile(r"(?:\[\w+\] )?(.+) = (-?\d+)")


def check_equation(line: str) -> bool | None:
    """Is an equation line true? None for a line that is not an equation (e.g. "so a = 16" is checked by the
    problem, not here). Understands "<x> <op> <y> = <z>", "<n> ^ 2 = z", "<n> * <m> / 2 = z", "<k> * ( <a> +
    <z> ) / 2 = s", "gcd <a> <b> = g", "digitsum <x> = s", "<n> ! = f"."""
    match = _EQUATION.fullmatch(line.strip())
    if not match:
        return None
    lhs, rhs = match.group(1).split(), int(match.group(2))
    if lhs[0] == "so" or (len(lhs) == 1 and lhs[0] in VARIABLES):
        return None
    if lhs[0] == "gcd" and len(lhs) == 3:
        import math

        return math.gcd(int(lhs[1]), int(lhs[2])) == rhs
    if lhs[0] == "digitsum" and len(lhs) == 2:
        return sum(int(c) for c in lhs[1]) == rhs
    if len(lhs) == 2 and lhs[1] == "!":
        import math

        return math.factorial(int(lhs[0])) == rhs
    tokens = [t for t in lhs if t not in "()"]
    if len(tokens) % 2 == 0 or not all(t.isdigit() for t in tokens[::2]):
        return False
    if "(" in lhs:  # k * ( a + z ) / 2
        k, _, a, _, z, _, two = tokens
        return k.isdigit() and (int(k) * (int(a) + int(z))) % int(two) == 0 and \
            int(k) * (int(a) + int(z)) // int(two) == rhs
    value = int(tokens[0])
    for op, operand in zip(tokens[1::2], tokens[2::2]):
        if op not in _EVAL:
            return False
        value = _EVAL[op](value, int(operand))
        if value is None:
            return False
    return value == rhs


def procedure_vocabulary() -> list[str]:
    words = list(PROCEDURE_WORDS)
    for proc in PROCEDURES.values():
        words += proc.behavior.split()
    words += [str(v) for v in range(PROCEDURE_MAX_NUMBER + 1)]
    return list(dict.fromkeys(words))


# ---------------------------------------------------------------------------------------------------------------
# Output: JSONL files and HF datasets (one schema for worlds and loaders)
# ---------------------------------------------------------------------------------------------------------------
def dumps_jsonl(rows: list[dict]) -> str:
    """Canonical JSONL text (sorted keys, no spaces): same rows, same bytes."""
    return "".join(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n" for row in rows)


def write_jsonl(path: str | Path, rows: list[dict]) -> None:
    from lmrepro.common.io import atomic_file

    with atomic_file(path) as tmp:
        tmp.write_text(dumps_jsonl(rows))


def read_jsonl(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist (did its producing stage finish?)")
    rows = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        row = json.loads(line)
        missing = {"question", "steps", "answer"} - set(row)
        if missing:
            raise ValueError(f"{path}:{n}: reasoning row lacks {', '.join(sorted(missing))}")
        rows.append(row)
    return rows


def to_hf_dataset(rows: list[dict]):
    """A `datasets.Dataset` of the rows (nested world-specific fields kept as JSON strings: `ops`, `procedures`
    have mixed-type lists that Arrow cannot type)."""
    from datasets import Dataset

    flat = [{k: (json.dumps(v) if k in ("ops", "procedures") else v) for k, v in row.items()} for row in rows]
    return Dataset.from_list(flat)


# ---------------------------------------------------------------------------------------------------------------
# Paper scale: GSM8K-style datasets in the same schema (written for the cluster; not run here, no network)
# ---------------------------------------------------------------------------------------------------------------
_CALC = re.compile(r"<<([^>]*)>>")


def gsm8k_row(example: dict, index: int) -> dict:
    """One dataset example -> the shared schema. Handles the layouts in use (verify against the snapshot):
    - `openai/gsm8k` (config main): {question, answer: "step\\nstep\\n#### 72"} with <<calc>> annotations;
    - iCoT GSM8K-Aug mirrors such as `whynlp/gsm8k-aug`: {question, steps: ["<<16-3-4=9>>", ...], answer};
    - `casperhansen/gsm8k_synthetic_cot`: {question, cot: [...], answer}.
    Steps keep the calculation text of a <<...>> annotation where a line is only that annotation."""
    question = example["question"].strip()
    if "steps" in example or "cot" in example:
        raw_steps = example.get("steps", example.get("cot")) or []
        if isinstance(raw_steps, str):
            raw_steps = raw_steps.split("\n")
        answer = str(example["answer"]).strip()
    else:
        if "####" not in example["answer"]:
            raise ValueError(f"gsm8k example {index}: answer has no '####' final-answer marker")
        body, answer = example["answer"].rsplit("####", 1)
        raw_steps, answer = body.strip().split("\n"), answer.strip()
    steps = []
    for step in raw_steps:
        step = step.strip()
        calc = _CALC.fullmatch(step)
        steps.append(calc.group(1) if calc else _CALC.sub("", step).strip())
    return {"id": index, "question": question, "steps": [s for s in steps if s],
            "answer": answer.replace(",", ""), "states": None}


def load_gsm8k(snapshot: str | Path, split: str) -> list[dict]:
    """Rows of one split of a GSM8K-style hub snapshot (a directory fetched by the hub rule), in the shared
    schema. Reads parquet or JSON(L) data files with `datasets`, offline."""
    from datasets import load_dataset

    snapshot = Path(snapshot)
    files = sorted(p for p in snapshot.rglob("*") if p.suffix in (".parquet", ".jsonl", ".json")
                   and (p.stem.startswith(split) or p.parent.name == split or f"/{split}-" in str(p))
                   and p.name not in ("dataset_info.json", "config.json"))
    if not files:
        raise FileNotFoundError(f"{snapshot}: no {split} data files (parquet/jsonl) in the snapshot")
    builder = "parquet" if files[0].suffix == ".parquet" else "json"
    data = load_dataset(builder, data_files=[str(f) for f in files], split="train")
    return [gsm8k_row(example, i) for i, example in enumerate(data)]
