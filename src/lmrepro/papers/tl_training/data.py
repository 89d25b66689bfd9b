"""Text as the student sees it, the MAE turn split and the PKT key-token weights (paper §3.1-3.2).

- `lex(text)`: word pieces for the word-level tokenizer; tool names split at '_' so a name spans several pieces
  ("get_colour_code" -> get _colour _code) and same-prefix siblings first differ mid-name, as subwords do in the
  paper's tokenizer; a quoted value is its quotes and the word itself, the same piece as in the query
  (copyable). `call_text(pieces)` joins a generated call back into `name(key='value', ...)`, the language
  `lmrepro.worlds.tools.parse_call` reads.
- `turn_samples(trajectory, mae)`: one sample per assistant turn, its history as context (MAE §3.1). With `mae`,
  a turn whose tool feedback is an error is dropped as a target (it stays in later turns' history). The drop
  uses the executor's structured error flag; `error_by_signature` is the paper's string filter, for the
  agreement count.
- `pkt_weights(pieces, tools, max_weight)`: key positions are the first piece of the called tool's name and,
  for every other listed tool sharing a leading piece with it, the first piece where the two names differ;
  key pieces weigh min(n_other / n_key, max_weight), the others 1 (PKT §3.2; the spec pitfall: positions from
  our own pieces, not the repo's SentencePiece heuristics).
"""
from __future__ import annotations

import re

import torch

from lmrepro.common.preference import completion_batch
from lmrepro.worlds.tools import ERROR_SIGNATURES

PIECE_RE = re.compile(r"_?[A-Za-z0-9]+|\S")
ROLES = {"system": "system:", "user": "user:", "assistant": "assistant:", "tool": "tool:"}
SIGNATURE_HEADS = tuple(sig.split("{")[0] for sig in ERROR_SIGNATURES.values())  # "NameError: name '", ...


def lex(text: str) -> list[str]:
    return PIECE_RE.findall(text)


def call_text(pieces: list[str]) -> str:
    return "".join(pieces).replace(",", ", ")


def turn_words(turn: dict) -> list[str]:
    return [ROLES[turn["role"]], *lex(turn["content"])]


def error_by_signature(output: str) -> bool:
    """The paper's MAE filter: the tool feedback carries an error signature."""
    return any(head in output for head in SIGNATURE_HEADS) or "is not defined" in output


def turn_samples(trajectory: dict, mae: bool) -> list[dict]:
    """{"context": words, "target": words, "call": bool, "tools": [listed]} per assistant turn kept as a target."""
    turns = trajectory["turns"]
    tools = re.findall(r"def ([a-z_]+)\(", turns[0]["content"])
    samples = []
    for k, turn in enumerate(turns):
        if turn["role"] != "assistant":
            continue
        feedback = turns[k + 1] if k + 1 < len(turns) and turns[k + 1]["role"] == "tool" else None
        if mae and feedback is not None and feedback["error"] is not None:
            continue
        context = [w for t in turns[:k] for w in turn_words(t)] + [ROLES["assistant"]]
        samples.append({"context": context, "target": lex(turn["content"]), "call": feedback is not None,
                        "tools": tools})
    return samples


def name_pieces(pieces: list[str]) -> list[str]:
    """The tool-name pieces at the start of a call (up to '(')."""
    return pieces[:pieces.index("(")] if "(" in pieces else []


def pkt_weights(pieces: list[str], tools: list[str], max_weight: float) -> list[float]:
    """Weights of a target's pieces plus its EOS (weight 1); all 1 for a turn that is not a call."""
    name = name_pieces(pieces)
    weights = [1.0] * (len(pieces) + 1)
    if not name:
        return weights
    keys = {0}
    for other in tools:
        other_pieces = lex(other)
        if other_pieces == name:
            continue
        shared = 0
        while shared < min(len(name), len(other_pieces)) and name[shared] == other_pieces[shared]:
            shared += 1
        if 0 < shared < len(name):
            keys.add(shared)
    key_weight = min((len(weights) - len(keys)) / len(keys), max_weight)
    for k in keys:
        weights[k] = max(1.0, key_weight)
    return weights


def sft_rows(tokenizer, samples: list[dict], pkt: bool, max_weight: float, max_len: int) -> dict[str, torch.Tensor]:
    """Right-padded rows: input_ids, attention_mask, loss_mask (target + EOS), loss_weight (PKT or 1)."""
    bos, eos, pad = tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id
    encoded = []
    for s in samples:
        context = [bos] + tokenizer.convert_tokens_to_ids(s["context"])
        target = tokenizer.convert_tokens_to_ids(s["target"]) + [eos]
        if len(context) + len(target) > max_len:
            raise SystemExit(f"a training sample has {len(context) + len(target)} tokens, over the model's "
                             f"{max_len} positions: raise model.max_position_embeddings")
        weights = pkt_weights(s["target"], s["tools"], max_weight) if pkt else [1.0] * len(target)
        encoded.append((context, target, weights))
    rows = completion_batch([(context, target) for context, target, _ in encoded], pad)
    rows["loss_weight"] = torch.zeros(rows["loss_mask"].shape)
    for i, (context, target, weights) in enumerate(encoded):
        rows["loss_weight"][i, len(context):len(context) + len(target)] = torch.tensor(weights)
    return rows


def weighted_sft_loss(model, batch: dict) -> tuple[torch.Tensor, dict]:
    """Per sample sum_i w_i CE_i / sum_i w_i over its target pieces (PKT §3.2; w = 1 is plain SFT), batch mean."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    targets = batch["input_ids"][:, 1:]
    nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1),
                                            reduction="none").view_as(targets)
    w = batch["loss_weight"][:, 1:] * batch["loss_mask"][:, 1:]
    return ((nll * w).sum(1) / w.sum(1).clamp_min(1e-8)).mean(), {}
