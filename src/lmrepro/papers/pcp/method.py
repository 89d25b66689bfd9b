"""PCP's method pieces: templates and verbalizers, input encoding, the verbalizer-restricted prompt loss, MLM
masking, the k-shot sampler and the PCP corpus builder (paper §3; repo run_prompt_ft.py, run_mlm.py,
src/convert_to_pretrain_pcp.py).

- Prompt-based FT (LM-BFF style, hard templates): the input is template(x) with one mask token; p(y|x) is the
  softmax over labels of the MLM logits at the mask restricted to the verbalizer tokens; loss = CE(p(y|x), y).
- PCP corpus: template(x) with the pseudo-label's verbalizer word in place of the mask (the pseudo-label is a
  class INDEX: the repo re-keys its label maps by enumeration order), one line per example (`--line_by_line`).
- MLM masking: `transformers.DataCollatorForLanguageModeling` (15%; 80% mask, 10% random, 10% kept), the label word
  is not force-masked (repo always_mask_label_token=False).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Template:
    """A hard template: `{x}` (single sentence) or `{a}` / `{b}` (pair) and one `{mask}`; `words[i]` is the
    verbalizer of class index i (a single BPE token with its leading space)."""
    pattern: str
    words: tuple[str, ...]

    def parts(self, example: dict) -> tuple[str, str]:
        """The text before and after the mask (the space before the mask belongs to the verbalizer token)."""
        before, sep, after = self.pattern.partition(" {mask}")
        if not sep:
            raise ValueError(f"template {self.pattern!r} needs ' {{mask}}' preceded by a space")
        fields = {k: v for k, v in example.items() if k in ("x", "a", "b")}
        try:
            return before.format(**fields), after.format(**fields)
        except KeyError as err:
            raise ValueError(f"template {self.pattern!r} needs field {err} in example {example}") from None

    def fill(self, example: dict, label: int) -> str:
        """The PCP sentence: template(x) with class `label`'s verbalizer word in place of the mask."""
        if not 0 <= label < len(self.words):
            raise ValueError(f"label index {label} outside 0..{len(self.words) - 1} (pseudo-labels are indices)")
        before, after = self.parts(example)
        return f"{before} {self.words[label]}{after}"

    def word_in(self, example: dict, sentence: str) -> str:
        """The verbalizer word a PCP sentence carries (read back from its text, for the A3 check)."""
        before, after = self.parts(example)
        if not (sentence.startswith(before + " ") and sentence.endswith(after)):
            raise ValueError(f"{sentence!r} is not template {self.pattern!r} filled for {example}")
        return sentence[len(before) + 1:len(sentence) - len(after)]


# Repo templates (spec Method), lower-cased for the reviews world: SST-2 "<x> It was [MASK] ." great/terrible,
# MNLI "<a> ? [MASK] , <b>" Yes/Maybe/No. Class order = the dataset's label order (sentiment 0 = negative).
TEMPLATES = {
    "sentiment": Template("{x} it was {mask} .", ("terrible", "great")),
    "nli": Template("{a} ? {mask} , {b}", ("yes", "maybe", "no")),
}


def task_fields(task: str, row: dict) -> dict:
    """A task row as template fields: sentiment {text} -> {x}; nli {premise, hypothesis} -> {a, b}."""
    if task == "sentiment":
        return {"x": row["text"]}
    if task == "nli":
        return {"a": row["premise"], "b": row["hypothesis"]}
    raise ValueError(f"unknown task {task!r} (known: {', '.join(TEMPLATES)})")


def raw_text(task: str, row: dict) -> str:
    """TAPT's view of a row: the raw task text, no template, no label (pair: premise then hypothesis)."""
    return " ".join(task_fields(task, row).values())


def verbalizer_ids(tokenizer, words: tuple[str, ...]) -> list[int]:
    """One token id per verbalizer word (encoded with its leading space, e.g. 'Ġgreat'); multi-token words would
    silently break the restricted softmax, so they are an error."""
    ids = []
    for word in words:
        enc = tokenizer.encode(" " + word, add_special_tokens=False)
        if len(enc) != 1:
            raise ValueError(f"verbalizer word {word!r} is {len(enc)} tokens {tokenizer.convert_ids_to_tokens(enc)}; "
                             f"it must be one token with its leading space")
        ids.append(enc[0])
    if len(set(ids)) != len(ids):
        raise ValueError(f"verbalizer words {words} share a token id")
    return ids


def _fit(pieces: list[list[int]], trimmable: list[int], budget: int) -> list[list[int]]:
    """Trim the longest trimmable piece from its end until the pieces fit `budget` tokens."""
    pieces = [list(p) for p in pieces]
    while sum(map(len, pieces)) > budget:
        longest = max(trimmable, key=lambda i: len(pieces[i]))
        if not pieces[longest]:
            raise ValueError(f"template alone is longer than {budget} tokens")
        pieces[longest].pop()
    return pieces


def encode_prompt(tokenizer, template: Template, example: dict, max_len: int) -> tuple[list[int], int]:
    """<bos> template(x) with the mask token <eos>, the inputs trimmed to max_len; returns (ids, mask position)."""
    before, after = template.parts(example)
    enc = lambda s: tokenizer.encode(s, add_special_tokens=False)
    pieces = _fit([enc(before), enc(after)], [0, 1], max_len - 3)
    ids = [tokenizer.bos_token_id] + pieces[0] + [tokenizer.mask_token_id] + pieces[1] + [tokenizer.eos_token_id]
    return ids, len(pieces[0]) + 1


def encode_filled(tokenizer, template: Template, example: dict, label: int, max_len: int) -> tuple[list[int], int]:
    """The PCP line as ids: the prompt with the verbalizer token in place of the mask; returns (ids, its position)."""
    ids, pos = encode_prompt(tokenizer, template, example, max_len)
    ids[pos] = verbalizer_ids(tokenizer, (template.words[label],))[0]
    return ids, pos


def encode_pair(tokenizer, first: str, second: str | None, max_len: int) -> list[int]:
    """CLS-FT input, RoBERTa style: <bos> a <eos> (<eos> b <eos>), trimmed to max_len."""
    enc = lambda s: tokenizer.encode(s, add_special_tokens=False)
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    if second is None:
        return [bos] + _fit([enc(first)], [0], max_len - 2)[0] + [eos]
    a, b = _fit([enc(first), enc(second)], [0, 1], max_len - 4)
    return [bos] + a + [eos, eos] + b + [eos]


def verbalizer_logits(logits: torch.Tensor, mask_pos: torch.Tensor, label_ids) -> torch.Tensor:
    """[batch, seq, vocab] MLM logits -> [batch, classes]: the logits at each row's mask, verbalizer tokens only."""
    at_mask = logits[torch.arange(logits.size(0), device=logits.device), mask_pos]
    return at_mask[:, torch.as_tensor(label_ids, device=logits.device)]


def prompt_loss(logits: torch.Tensor, mask_pos: torch.Tensor, label_ids, labels: torch.Tensor) -> torch.Tensor:
    """CE of the softmax over labels of the verbalizer-restricted mask logits (LM-BFF / PCP prompt-FT)."""
    return torch.nn.functional.cross_entropy(verbalizer_logits(logits, mask_pos, label_ids).float(), labels)


def kshot(rows: list[dict], k: int, n_classes: int, seed: int) -> list[dict]:
    """k rows per class, drawn by a seeded shuffle (the LM-BFF k-shot sampling), in shuffled order."""
    rng = random.Random(seed)
    chosen = []
    for label in range(n_classes):
        of_class = [r for r in rows if r["label"] == label]
        if len(of_class) < k:
            raise ValueError(f"class {label} has {len(of_class)} rows in the labelled pool, fewer than k={k}")
        chosen += rng.sample(of_class, k)
    rng.shuffle(chosen)
    return chosen


def pcp_corpus(task: str, rows: list[dict], predictions: list[dict]) -> list[dict]:
    """PCP lines (repo convert_to_pretrain_pcp.format_dataset): each unlabelled row written as its template with
    the verbalizer word of its predicted class index; `predictions` are {"idx", "pred"} in any order."""
    template = TEMPLATES[task]
    by_idx = {p["idx"]: p["pred"] for p in predictions}
    missing = [r["idx"] for r in rows if r["idx"] not in by_idx]
    if missing or len(by_idx) != len(rows):
        raise ValueError(f"predictions do not match the unlabelled rows one to one (missing idx {missing[:5]})")
    out = []
    for row in rows:
        pred = by_idx[row["idx"]]
        if not isinstance(pred, int):
            raise ValueError(f"pseudo-label {pred!r} of row {row['idx']} must be a class index (int)")
        out.append({"idx": row["idx"], "text": template.fill(task_fields(task, row), pred), "pred": pred})
    return out
