"""Evaluation of multilingual_cpt (spec: Method / SIB-200 and FLORES evaluation; Small scale / probes).

- Topic classification (SIB-200 analogue): prompt = header + k shots + query (templates in EvalConfig; the k
  shots are one fixed draw with replacement from the language's dev pool, reused for every query); prediction =
  argmax of the final-position logits over one token id per label, the LAST sub-token of " <label>" as the
  paper's repo does (`label_piece: last`), or the first one. Metric: accuracy.
- X->En translation (FLORES analogue): k-shot prompt of (src, tgt) pairs drawn with replacement from dev with one
  fixed seed per language, greedy decoding, the hypothesis cut at the first stop string; sacreBLEU BLEU, chrF
  and chrF++ (word_order=2) on the corpus. An empty hypothesis counts (it is not dropped).
- Language-switch rate (the toy's stand-in for the paper's language confusion): prompt with
  `switch_sentences` sentences in X, generate `switch_max_new_tokens` tokens greedily; a switch is >= 1
  generated alphabetic word found only in the English lexicon (English words that never occur in X's corpus).
- Perplexity: exp of the mean next-token NLL over held-out documents (each after EOS, then EOS; cut to the
  block size).
"""
from __future__ import annotations

import math
import random

import torch

from lmrepro.common.generation import generate
from lmrepro.common.models import pad_id
from lmrepro.common.padding import pad_rows
from lmrepro.papers.multilingual_cpt.params import EvalConfig


def fill(template: str, tokenizer, **values) -> str:
    return template.format(eos=tokenizer.eos_token, **values)


def fixed_shots(pool: list[dict], k: int, lang: str, seed: int) -> list[dict]:
    """k examples drawn with replacement from `pool` by one generator seeded per (seed, language) (spec pitfall:
    the same shots for every query of a language)."""
    if k and not pool:
        raise ValueError(f"{lang}: {k}-shot prompts need a non-empty dev pool")
    rng = random.Random(f"multilingual-cpt-shots-{seed}-{lang}")
    return [rng.choice(pool) for _ in range(k)]


def label_token_ids(tokenizer, labels: list[str], piece: str) -> list[int]:
    """One token id per label: the last (the repo's choice) or first sub-token of " <label>"."""
    ids = []
    for label in labels:
        pieces = tokenizer.encode(" " + label, add_special_tokens=False)
        if not pieces:
            raise ValueError(f"label {label!r} encodes to no tokens")
        ids.append(pieces[-1] if piece == "last" else pieces[0])
    return ids


def cls_prompt(cfg: EvalConfig, tokenizer, text: str, shots: list[dict]) -> str:
    return (fill(cfg.cls_header, tokenizer) + "".join(fill(cfg.cls_shot, tokenizer, text=s["text"], label=s["label"])
                                                       for s in shots) + fill(cfg.cls_query, tokenizer, text=text))


@torch.no_grad()
def final_logits(model, tokenizer, prompts: list[list[int]], batch_size: int = 256) -> torch.Tensor:
    """Logits at each prompt's last token, [n, vocab] (right padding: the real tokens' logits are unchanged)."""
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(prompts), batch_size):
        chunk = prompts[i:i + batch_size]
        ids, mask = pad_rows(chunk, pad_id(tokenizer))
        logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
        last = torch.tensor([len(p) - 1 for p in chunk], device=device)
        out.append(logits[torch.arange(len(chunk), device=device), last].float().cpu())
    return torch.cat(out)


def classify(model, tokenizer, cfg: EvalConfig, items: list[dict], labels: list[str], shots: list[dict],
             piece: str) -> list[int]:
    """Predicted label index per item."""
    label_ids = label_token_ids(tokenizer, labels, piece)
    prompts = [tokenizer.encode(cls_prompt(cfg, tokenizer, it["text"], shots), add_special_tokens=False)
               for it in items]
    return final_logits(model, tokenizer, prompts)[:, label_ids].argmax(dim=1).tolist()


def accuracy(preds: list[int], items: list[dict], labels: list[str]) -> float:
    if not items:
        raise ValueError("accuracy of no items")
    return sum(labels[p] == it["label"] for p, it in zip(preds, items)) / len(items)


def gen_prompt(cfg: EvalConfig, tokenizer, src: str, shots: list[dict]) -> str:
    return (fill(cfg.gen_prefix, tokenizer) + "".join(fill(cfg.gen_shot, tokenizer, src=s["src"], tgt=s["ref"])
                                                       for s in shots) + fill(cfg.gen_query, tokenizer, src=src))


def cut(text: str, stop: str) -> str:
    """The text before the first stop string, stripped (spec pitfall: an output starting with it is empty)."""
    return text.split(stop, 1)[0].strip() if stop else text.strip()


def continuations(model, tokenizer, prompts: list[str], max_new_tokens: int, batch_size: int) -> list[str]:
    ids = [tokenizer.encode(p, add_special_tokens=False) for p in prompts]
    out, _ = generate(model, tokenizer, ids, max_new_tokens=max_new_tokens, temperature=0.0, seed=0,
                      batch_size=batch_size)
    return tokenizer.batch_decode(out, skip_special_tokens=True)


def translation_scores(hyps: list[str], refs: list[str]) -> dict[str, float]:
    """sacreBLEU corpus BLEU, chrF and chrF++ (word_order=2)."""
    import sacrebleu

    return {"bleu": sacrebleu.corpus_bleu(hyps, [refs]).score,
            "chrf": sacrebleu.corpus_chrf(hyps, [refs]).score,
            "chrfpp": sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score}


def translate(model, tokenizer, cfg: EvalConfig, items: list[dict], shots: list[dict]) -> list[str]:
    prompts = [gen_prompt(cfg, tokenizer, it["src"], shots) for it in items]
    return [cut(t, cfg.gen_stop) for t in continuations(model, tokenizer, prompts, cfg.gen_max_new_tokens,
                                                        cfg.gen_batch)]


def is_switch(text: str, english_only: set[str]) -> bool:
    """True when >= 1 alphabetic word of `text` is in the English-only lexicon."""
    return any(w.isalpha() and w in english_only for w in text.split())


def switch_rate(model, tokenizer, cfg: EvalConfig, prompts: list[str], english_only: set[str]) -> float:
    texts = continuations(model, tokenizer, [fill("{eos}", tokenizer) + p for p in prompts],
                          cfg.switch_max_new_tokens, cfg.gen_batch)
    return sum(is_switch(t, english_only) for t in texts) / len(texts)


@torch.no_grad()
def perplexity(model, tokenizer, docs: list[str], max_len: int, batch_size: int = 64) -> float:
    """exp(mean next-token NLL) over the documents, each as EOS + doc + EOS cut to `max_len` tokens."""
    eos = tokenizer.eos_token_id
    rows = [([eos] + enc + [eos])[:max_len] for enc in tokenizer(docs, add_special_tokens=False)["input_ids"]]
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, len(rows), batch_size):
        ids, mask = pad_rows(rows[i:i + batch_size], pad_id(tokenizer))
        ids, mask = ids.to(device), mask.to(device)
        logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1),
                                                reduction="none").view_as(ids[:, 1:])
        target_mask = mask[:, 1:].float()
        total += float((nll * target_mask).sum())
        count += int(target_mask.sum())
    return math.exp(total / count)
