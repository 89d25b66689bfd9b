"""The base's 1-hop fact recall, the shared LM stage's `evaluate` hook (pretrain_lm.evaluate): the share of the
graph's facts whose object is the greedy next word after the fact's opening ("mira 's friend is" -> tosk). The
thinking arms can only be faithful to facts the base holds, so this bounds faithfulness."""
from __future__ import annotations

import json

import torch

from lmrepro.common.preference import completion_batch
from lmrepro.worlds import kg as W


def fact_recall(st, tokenizer):
    kg = W.from_json(json.loads((st.inp("data") / "kg.json").read_text()))
    items = []
    for s, r, o in kg.triples():
        words = W.fact_text(s, r, o).split()
        cut = words.index(o)
        items.append(([tokenizer.bos_token_id] + tokenizer.convert_tokens_to_ids(words[:cut]),
                      tokenizer.convert_tokens_to_ids([o])))
    batch = completion_batch(items, tokenizer.pad_token_id)
    target = batch["loss_mask"].bool()

    @torch.no_grad()
    def eval_fn(model, step: int) -> dict:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        predicted = logits[:, :-1].argmax(-1)[target[:, 1:]]
        return {"fact_recall": float((predicted == batch["input_ids"][target]).float().mean())}

    return eval_fn
