"""The five PHF objectives and MLE (paper §3, "Objectives"), as the shared LM stage's batch and loss functions.

config/papers/phf.yaml `pretrain_lm`: batches = `objective_batches`, loss = `objective_loss`; the job's objective
is `objective.objective` (the rule sets it). Every objective sees one document per row (BOS, sentences, EOS),
the same optimizer steps and, where it keeps the same documents, the same order:

- mle: next-token NLL on every document.
- filter: MLE on the documents whose every sentence scores <= t (same steps, so more passes over less data).
- cond: each sentence is preceded by `<|aligned|>` (score <= t) or `<|misaligned|>`, except a
  `drop_token_fraction` of them (untagged); MLE on all of it, tags included.
- ul: -log p(x) on tokens of aligned sentences, -alpha log(1 - p(x)) on misaligned ones (1 - p clamped >= 1e-20).
- rwr: NLL weighted by clip(exp(R / beta), 0, clip) with R = -score, no baseline (the spec's "clean RWR").
- awr: alpha * mean(NLL * clip(exp((R - V) / beta), 0, clip)) + (1 - alpha) * MSE(V, R), V from a value head on
  the last hidden state, not detached from the trunk; the advantage is detached.
- mle_then_cond: MLE rows for the first `switch_frac` of the steps, then cond rows (paper §5, "learning then
  unlearning").

Token scores: the score of the sentence holding the token (BOS, EOS and tags score 0). The token predicted at
position i is input i + 1, so losses use the scores and masks of inputs 1..T (the shift the official repository
makes). Rewards are normalised: R = -score / mean(score | score > 0) over the training corpus (spec pitfall: raw
per-character scores make exp(R / beta) ~ 1 and RWR/AWR nearly MLE).
"""
from __future__ import annotations

import random

import torch
import torch.nn.functional as F

from lmrepro.common.models import pad_id
from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.train import causal_lm_loss
from lmrepro.papers.phf.params import ObjectiveConfig
from lmrepro.papers.phf.prep import CONTROL_TOKENS


def encode_document(tokenizer, sentences: list[str], scores: list[float], tags: list[str | None] | None,
                    seq_len: int) -> tuple[list[int], list[float], list[int]]:
    """ids, per-token scores and a text mask (1 on sentence tokens and EOS, 0 on BOS and tags) of one document,
    cut to seq_len. `tags` (cond only) names the control token before each sentence, None for untagged ones."""
    ids, token_scores, text = [tokenizer.bos_token_id], [0.0], [0]
    for k, (sentence, s) in enumerate(zip(sentences, scores)):
        if tags is not None and tags[k] is not None:
            ids.append(tokenizer.convert_tokens_to_ids(tags[k]))
            token_scores.append(0.0)
            text.append(0)
        words = tokenizer.encode(sentence, add_special_tokens=False)
        ids += words
        token_scores += [s] * len(words)
        text += [1] * len(words)
    ids.append(tokenizer.eos_token_id)
    token_scores.append(0.0)
    text.append(1)
    return ids[:seq_len], token_scores[:seq_len], text[:seq_len]


def cond_tags(scores: list[float], threshold: float, drop_fraction: float, rng: random.Random) -> list[str | None]:
    aligned, misaligned = CONTROL_TOKENS
    return [None if rng.random() < drop_fraction else (aligned if s <= threshold else misaligned) for s in scores]


def document_rows(tokenizer, docs: list[dict], seq_len: int, tags: list[list[str | None]] | None = None,
                  reward_scale: float = 1.0) -> dict[str, torch.Tensor]:
    """Padded rows: input_ids, attention_mask, loss_mask (every real token: tags are text to the LM), token_scores,
    rewards (-score / reward_scale)."""
    encoded = [encode_document(tokenizer, d["sentences"], d["scores"], tags[i] if tags else None, seq_len)
               for i, d in enumerate(docs)]
    n, pad = len(encoded), pad_id(tokenizer)  # GPT-2's tokenizer has no pad token; padding is masked
    rows = {"input_ids": torch.full((n, seq_len), pad), "attention_mask": torch.zeros(n, seq_len, dtype=torch.long),
            "token_scores": torch.zeros(n, seq_len)}
    for i, (ids, scores, _) in enumerate(encoded):
        rows["input_ids"][i, :len(ids)] = torch.tensor(ids)
        rows["attention_mask"][i, :len(ids)] = 1
        rows["token_scores"][i, :len(ids)] = torch.tensor(scores)
    rows["loss_mask"] = rows["attention_mask"].clone()
    rows["rewards"] = -rows["token_scores"] / reward_scale
    return rows


def reward_scale(docs: list[dict]) -> float:
    positive = [s for d in docs for s in d["scores"] if s > 0]
    return sum(positive) / len(positive) if positive else 1.0


def objective_rows(tokenizer, docs: list[dict], cfg: ObjectiveConfig, objective: str, seed: int) -> dict:
    scale = reward_scale(docs)
    if objective == "filter":
        docs = [d for d in docs if all(s <= cfg.threshold for s in d["scores"])]
    tags = None
    if objective in ("cond", "mle_then_cond"):
        rng = random.Random(derive_seed(seed, "drop_tags"))
        tags = [cond_tags(d["scores"], cfg.threshold, cfg.drop_token_fraction, rng) for d in docs]
    return document_rows(tokenizer, docs, cfg.seq_len, tags, scale)


def objective_batches(st, tokenizer):
    """`pretrain_lm.batches`: this job's objective's rows; every objective draws its order from one seed."""
    cfg = st.params("objective", ObjectiveConfig)
    docs = read_jsonl(st.inp("data") / "docs.jsonl")
    order_seed = derive_seed(st.seed, "doc_order")
    if cfg.objective != "mle_then_cond":
        return shuffled_batches(objective_rows(tokenizer, docs, cfg, cfg.objective, st.seed), cfg.batch_size,
                                order_seed)
    mle = shuffled_batches(objective_rows(tokenizer, docs, cfg, "mle", st.seed), cfg.batch_size, order_seed)
    cond = shuffled_batches(objective_rows(tokenizer, docs, cfg, "cond", st.seed), cfg.batch_size, order_seed)
    switch = round(cfg.switch_frac * st.params("pretrain").steps)
    return lambda step: mle(step) if step < switch else cond(step)


def shifted(batch: dict, key: str) -> torch.Tensor:
    return batch[key][:, 1:]


def token_nll(logits: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
    """Per-target NLL [B, T-1] of inputs 1..T given the logits at 0..T-1."""
    targets = input_ids[:, 1:]
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)).float(), targets.reshape(-1),
                           reduction="none").view_as(targets)


def unlikelihood_loss(logits: torch.Tensor, input_ids: torch.Tensor, loss_mask: torch.Tensor,
                      misaligned: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mean over targets of -log p(x) (aligned) or -alpha log(1 - p(x)) (misaligned); masks are per target."""
    logp = -token_nll(logits, input_ids)
    unlikely = -alpha * torch.log((1.0 - logp.exp()).clamp_min(1e-20))
    per_token = torch.where(misaligned.bool(), unlikely, -logp)
    mask = loss_mask.to(per_token.dtype)
    return (per_token * mask).sum() / mask.sum().clamp_min(1.0)


def awr_loss(logits: torch.Tensor, values: torch.Tensor | None, input_ids: torch.Tensor, loss_mask: torch.Tensor,
             rewards: torch.Tensor, *, alpha: float, beta: float, clip: float) -> tuple[torch.Tensor, dict]:
    """AWR (values given) or RWR (values None: baseline 0, alpha 1). `values`, `rewards`, `loss_mask` are per target."""
    baseline = values.detach() if values is not None else torch.zeros_like(rewards)
    weights = torch.exp((rewards - baseline) / beta).clamp(0.0, clip)
    mask = loss_mask.to(weights.dtype)
    lm = (token_nll(logits, input_ids) * weights * mask).sum() / mask.sum().clamp_min(1.0)
    kept = weights.detach()[mask.bool()]
    logs = {"weight_min": float(kept.min()), "weight_max": float(kept.max())}
    if values is None:
        return lm, logs
    value_mse = (((values - rewards) ** 2) * mask).sum() / mask.sum().clamp_min(1.0)
    return alpha * lm + (1.0 - alpha) * value_mse, {**logs, "value_mse": float(value_mse.detach())}


def objective_loss(st, tokenizer, model):
    """`pretrain_lm.loss`: this job's objective as a `train()` loss; AWR first adds its value head to the model
    (saved with it, as the paper's checkpoints keep theirs; a causal-LM load ignores it)."""
    cfg = st.params("objective", ObjectiveConfig)
    if cfg.objective in ("mle", "filter", "cond", "mle_then_cond"):
        return causal_lm_loss
    if cfg.objective == "ul":
        def ul(model, batch):
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            misaligned = shifted(batch, "token_scores") > cfg.threshold
            return unlikelihood_loss(logits, batch["input_ids"], shifted(batch, "loss_mask"), misaligned,
                                     cfg.ul_alpha), {}
        return ul
    if cfg.objective == "awr":
        model.value_head = torch.nn.Linear(model.config.hidden_size, 1)

    def weighted(model, batch):
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    output_hidden_states=cfg.objective == "awr")
        values = model.value_head(out.hidden_states[-1][:, :-1]).squeeze(-1) if cfg.objective == "awr" else None
        return awr_loss(out.logits, values, batch["input_ids"], shifted(batch, "loss_mask"),
                        shifted(batch, "rewards"), alpha=cfg.awr_alpha if values is not None else 1.0,
                        beta=cfg.beta, clip=cfg.weight_clip)
    return weighted
