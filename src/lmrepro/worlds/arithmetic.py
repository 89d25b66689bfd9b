"""Arithmetic documents whose tokens fall into known entropy classes, with scratchpad reasoning traces (used by: rmt).

A document is `lines_per_doc` lines ``a + b + c = t u ;`` (operands are digits 0-9, the sum s = a + b + c < 30 is
written as two digit tokens, tens then units). Every token carries a gold difficulty label:
- `random`  operands: uniform over 0-9 and independent of everything before them (irreducible entropy ln 10);
- `low`     "+", "=", ";": fixed by the line template (entropy ~0 for any model that learned it);
- `compute` the two sum digits: deterministic given the line's operands, but only by computing the sum.

A reasoning trace for position t of a document (the "overthinking" SFT base of RMT/RPT):
    <context tokens x_<t> <think> p.. p.. [p.. x repeats] </think> <ans> x_t
- the partial-sum tokens `pK` (K = 0..9 * n_operands) are the running sums of the current line's operands seen in
  the context: before any operand `p0`; after a: `pa`; after a, b: `p(a+b)`; after a, b, c: `p(a+b)` `p(a+b+c)`.
  So every trace holds 1-2 *useful* partial sums, all of them true prefix sums of the line;
- then `n_repeats` redundant copies of the last useful partial sum, uniform in [min_repeats, max_repeats];
- the answer is the true next token x_t (correct by construction, whatever its class).

Guarantees (tested in tests/test_worlds_arithmetic.py):
- every line's sum digits are the true sum of its operands; labels align one-to-one with tokens;
- the partial sums in every trace are the true prefix sums of the context's current line, the count of
  redundant repeats is recorded (`n_repeats`) and equals len(think) - n_useful;
- every token is in `vocabulary()`, a closed word-level vocabulary (`build_tokenizer` round-trips any document
  or trace text exactly);
- a pure function of (config, seed): same seed, byte-identical JSONL; the small corpus builds in well under 2 s.

Schema (JSONL, one object per line; `to_hf_dataset` turns either list into a `datasets.Dataset`):
- docs:   {"id": int, "text": str (space-joined tokens), "labels": [str] (one gold class per token) | null}
- traces: {"doc_id": int, "position": int (index of the answer token in the doc), "context": str, "think": [str],
           "n_useful": int, "n_repeats": int, "answer": str, "label": str (gold class of the answer),
           "text": str (context + " " + the completion)}

At `paper` scale `load_paper_docs` reads a hub snapshot of KbsdJames/Omni-MATH (the RPT/RMT held-out math text)
into the same docs schema with `labels: null` (real text has no gold classes: entropy bins come from the proxy).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

THINK, END_THINK, ANS = "<think>", "</think>", "<ans>"
PLUS, EQUALS, END = "+", "=", ";"
DIGITS = tuple(str(d) for d in range(10))
CLASSES = ("low", "random", "compute")  # gold difficulty labels, easiest to hardest-but-learnable


@dataclass
class ArithmeticWorldConfig:
    n_operands: int = field(default=3, metadata={"help": "spec Small scale: a + b + c = s"})
    lines_per_doc: int = field(default=4, metadata={"help": "lines per document (context length 9 x lines)"})
    min_repeats: int = field(default=0, metadata={"help": "spec: 0-6 redundant partial-sum repeats per trace"})
    max_repeats: int = 6

    def check(self, where: str) -> None:
        if not 2 <= self.n_operands <= 3:
            raise ValueError(f"{where}.n_operands must be 2 or 3 (the sum must fit two digit tokens), "
                             f"got {self.n_operands}")
        if self.lines_per_doc < 1:
            raise ValueError(f"{where}.lines_per_doc must be >= 1, got {self.lines_per_doc}")
        if not 0 <= self.min_repeats <= self.max_repeats:
            raise ValueError(f"{where}: need 0 <= min_repeats <= max_repeats, got "
                             f"{self.min_repeats}, {self.max_repeats}")

    @property
    def line_len(self) -> int:
        return 2 * self.n_operands + 3  # operands and pluses, "=", two sum digits, ";"

    @property
    def max_sum(self) -> int:
        return 9 * self.n_operands


def vocabulary(cfg: ArithmeticWorldConfig) -> list[str]:
    """Every token documents and traces use, in a fixed order (word-level tokenizer ids follow it)."""
    return [*DIGITS, PLUS, EQUALS, END, THINK, END_THINK, ANS, *(f"p{k}" for k in range(cfg.max_sum + 1))]


def build_tokenizer(cfg: ArithmeticWorldConfig):
    from lmrepro.common.tokenizers import build_word_tokenizer

    return build_word_tokenizer(vocabulary(cfg))


def make_line(operands: list[int]) -> tuple[list[str], list[str]]:
    """Tokens and gold labels of one line ``a + b + c = t u ;``."""
    tokens, labels = [], []
    for i, a in enumerate(operands):
        if i:
            tokens.append(PLUS)
            labels.append("low")
        tokens.append(str(a))
        labels.append("random")
    s = sum(operands)
    tokens += [EQUALS, str(s // 10), str(s % 10), END]
    labels += ["low", "compute", "compute", "low"]
    return tokens, labels


def sample_docs(cfg: ArithmeticWorldConfig, n: int, seed: int, first_id: int = 0) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        tokens, labels = [], []
        for _ in range(cfg.lines_per_doc):
            t, lab = make_line([rng.randrange(10) for _ in range(cfg.n_operands)])
            tokens += t
            labels += lab
        docs.append({"id": first_id + i, "text": " ".join(tokens), "labels": labels})
    return docs


def useful_partial_sums(context: list[str], cfg: ArithmeticWorldConfig) -> list[str]:
    """The 1-2 partial-sum tokens that answer any next-token question at the end of `context` (module doc)."""
    start = len(context) - (len(context) % cfg.line_len)  # where the current line begins
    operands = [int(tok) for tok in context[start:start + 2 * cfg.n_operands - 1:2]]
    prefix = [sum(operands[:k + 1]) for k in range(len(operands))]
    if not prefix:
        return ["p0"]
    return [f"p{k}" for k in (prefix[1:] if len(prefix) > 1 else prefix)]


def completion_tokens(think: list[str], answer: str) -> list[str]:
    return [THINK, *think, END_THINK, ANS, answer]


def parse_completion(tokens: list[str]) -> tuple[list[str], list[str]] | None:
    """(think tokens, answer tokens) of ``<think> .. </think> <ans> answer..`` (the leading <think> optional, as
    prompts may end with it), or None when a delimiter is missing or duplicated or the answer is empty."""
    if tokens[:1] == [THINK]:
        tokens = tokens[1:]
    if tokens.count(END_THINK) != 1 or tokens.count(ANS) != 1 or THINK in tokens:
        return None
    close, ans = tokens.index(END_THINK), tokens.index(ANS)
    if ans != close + 1 or ans == len(tokens) - 1:
        return None
    return tokens[:close], tokens[ans + 1:]


def sample_traces(cfg: ArithmeticWorldConfig, docs: list[dict], n: int, seed: int) -> list[dict]:
    """`n` traces at uniformly drawn (doc, position) pairs; position >= 1 so every context is non-empty."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        doc = docs[rng.randrange(len(docs))]
        tokens = doc["text"].split()
        t = rng.randrange(1, len(tokens))
        context = tokens[:t]
        useful = useful_partial_sums(context, cfg)
        n_repeats = rng.randint(cfg.min_repeats, cfg.max_repeats)
        think = useful + [useful[-1]] * n_repeats
        rows.append({"doc_id": doc["id"], "position": t, "context": " ".join(context), "think": think,
                     "n_useful": len(useful), "n_repeats": n_repeats, "answer": tokens[t],
                     "label": doc["labels"][t] if doc["labels"] else None,
                     "text": " ".join(context + completion_tokens(think, tokens[t]))})
    return rows


def to_jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)


def to_hf_dataset(rows: list[dict]):
    from datasets import Dataset

    return Dataset.from_list(rows)


def load_paper_docs(snapshot_dir: str, n_docs: int, seed: int) -> list[dict]:
    """The `paper`-scale replacement for `sample_docs`: KbsdJames/Omni-MATH rows (problem, solution) from a hub
    dataset snapshot, as documents ``problem\\n\\nsolution`` in the docs schema (`labels: null`), the first
    `n_docs` of a seeded shuffle."""
    import glob

    from datasets import load_dataset

    files, kind = [], "json"
    for ext, kind in (("jsonl", "json"), ("parquet", "parquet")):  # the repo's test.jsonl, else a parquet export
        files = sorted(glob.glob(f"{snapshot_dir}/**/*.{ext}", recursive=True))
        if files:
            break
    if not files:
        raise FileNotFoundError(f"no jsonl/parquet files under {snapshot_dir}; fetch it with the hub_snapshot rule")
    rows = load_dataset(kind, data_files=files, split="train")
    missing = {"problem", "solution"} - set(rows.column_names)
    if missing:
        raise KeyError(f"{snapshot_dir}: rows need 'problem' and 'solution' fields (missing {sorted(missing)})")
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    return [{"id": i, "text": f"{rows[j]['problem']}\n\n{rows[j]['solution']}", "labels": None}
            for i, j in enumerate(order[:n_docs])]
