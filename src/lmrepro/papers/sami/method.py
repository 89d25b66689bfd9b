"""SAMI's method pieces shared by its stages: prompts, sampling, the score matrix, the losses, the outer loop.

- Score matrix (paper §2, spec: Method): S[j, k] = (1/|y_k|) sum_t log pi(y_k,t | c_j, x, y_k,<t), the mean
  per-token log-prob of response k under constitution j; prompt and padding masked, the response's real EOS
  counted (it is the decision to stop, which the brevity principle is about).
- `sami_loss`: symmetric InfoNCE with the diagonal as positives, 0.5 * (row CE + column CE), averaged over the
  queries of a batch. log C - loss lower-bounds I(Y; C | X) on the batch.
- `make_objective("self_sft")`: the self-SFT baseline, plain NLL on the same (c_j, x, y_j) triples; either
  objective can add beta * token KL(pi_theta || pi_ref) on the response tokens (paper §2, optional term), with
  pi_ref the policy that generated the iteration's data.
- `self_train`: the outer loop (paper §3): for t = 1..T, sample C responses per query with the current model,
  filter, train `sami_train.steps` steps (a fresh optimizer each iteration), continue from the result.
  Gradients are accumulated properly (the official trainer zeroes gradients every micro-batch but steps every
  16, so only the last micro-batch counts; we deliberately do not reproduce that).
"""
from __future__ import annotations

import copy
import random
from typing import Callable

import torch
import torch.nn.functional as F

from lmrepro.common.generation import generate
from lmrepro.common.models import pad_id
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.sami.params import PromptConfig, SamiConfig


# -- text <-> ids ----------------------------------------------------------------------------------------------
def encode(tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False)


def decode(tokenizer, ids: list[int]) -> str:
    """Response text without special tokens."""
    keep = [i for i in ids if i not in (tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.bos_token_id)]
    return tokenizer.decode(keep, skip_special_tokens=True)


def prompt_ids(tokenizer, text: str) -> list[int]:
    return [tokenizer.bos_token_id] + encode(tokenizer, text)


def render_prompt(pcfg: PromptConfig, principles: list[str] | None, query: str,
                  order: tuple[int, ...] | None = None) -> str:
    """Prompt text: header, the principles numbered in `order` (default as listed), the query template."""
    q = pcfg.query.format(query=query)
    if principles is None:
        return q
    order = tuple(range(len(principles))) if order is None else order
    items = " ".join(pcfg.item.format(n=i + 1, principle=principles[p]) for i, p in enumerate(order))
    return f"{pcfg.header} {items} {q}"


# -- scoring ---------------------------------------------------------------------------------------------------
def response_logprobs(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Next-token log-distributions log pi(. | x_<t) for t = 1..T-1, float32, shape [rows, T-1, vocab]."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    return torch.log_softmax(logits[:, :-1].float(), dim=-1)


def mean_logprobs(logp: torch.Tensor, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Per row: mean log-prob of the masked (response) tokens, length-normalised. Shape [rows]."""
    tok = logp.gather(-1, batch["input_ids"][:, 1:].unsqueeze(-1)).squeeze(-1)
    mask = batch["loss_mask"][:, 1:].to(tok.dtype)
    return (tok * mask).sum(-1) / mask.sum(-1).clamp_min(1.0)


def token_kl(logp: torch.Tensor, ref_logp: torch.Tensor, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean over response tokens of KL(pi_theta(. | x_<t) || pi_ref(. | x_<t)) (paper §2, the optional beta term)."""
    kl = (logp.exp() * (logp - ref_logp)).sum(-1)
    mask = batch["loss_mask"][:, 1:].to(kl.dtype)
    return (kl * mask).sum() / mask.sum().clamp_min(1.0)


def matrix_batch(items: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    """All C x C (constitution j, response k) pairs of each item, row-major: pair (q, j, k) is row q*C*C+j*C+k."""
    pairs = [(p, r) for it in items for p in it["prompt_ids"] for r in it["response_ids"]]
    batch = completion_batch(pairs, pad_id)
    batch["n_items"] = torch.tensor(len(items))
    return batch


def to_matrices(flat: torch.Tensor, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    q = int(batch["n_items"])
    c = int(round((flat.numel() / q) ** 0.5))
    return flat.view(q, c, c)


def score_matrices(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """S, shape [Q, C, C]: S[q, j, k] = mean log pi(y_k | c_j, x_q)."""
    return to_matrices(mean_logprobs(response_logprobs(model, batch), batch), batch)


# -- losses ----------------------------------------------------------------------------------------------------
def sami_loss(scores: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
    """Symmetric InfoNCE on [Q, C, C] (or [C, C]) score matrices, diagonal positives; mean over queries.

    row term: constitution j must pick its own response among the C responses (softmax over k);
    column term: response k must pick its own constitution among the C constitutions (softmax over j)."""
    if scores.dim() == 2:
        scores = scores.unsqueeze(0)
    q, c, _ = scores.shape
    target = torch.arange(c, device=scores.device).repeat(q)
    row = F.cross_entropy(scores.reshape(q * c, c), target)
    col = F.cross_entropy(scores.transpose(1, 2).reshape(q * c, c), target)
    with torch.no_grad():
        scores = scores.detach()
        row_acc = (scores.argmax(-1) == torch.arange(c)).float().mean()
        col_acc = (scores.argmax(-2) == torch.arange(c)).float().mean()
        mi_bound = torch.log(torch.tensor(float(c))) - 0.5 * (row.detach() + col.detach())
    extras = {"row_loss": float(row.detach()), "col_loss": float(col.detach()), "row_acc": float(row_acc),
              "col_acc": float(col_acc), "mi_lower_bound": float(mi_bound)}
    return 0.5 * (row + col), extras


def diagonal_batch(items: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    return completion_batch([(p, r) for it in items for p, r in zip(it["prompt_ids"], it["response_ids"])], pad_id)


def make_objective(objective: str, ref_model=None, beta: float = 0.0) -> tuple[Callable, Callable]:
    """(loss_fn, collate) for `sami` (InfoNCE on all C x C pairs) or `self_sft` (token-mean NLL of the diagonal
    (c_j, x, y_j) triples), plus beta * token KL to the frozen `ref_model` on the same rows when beta > 0."""
    if objective not in ("sami", "self_sft"):
        raise ValueError(f"unknown objective {objective!r} (sami | self_sft)")

    def loss_fn(model, batch):
        logp = response_logprobs(model, batch)
        if objective == "sami":
            loss, extras = sami_loss(to_matrices(mean_logprobs(logp, batch), batch))
        else:
            tok = logp.gather(-1, batch["input_ids"][:, 1:].unsqueeze(-1)).squeeze(-1)
            mask = batch["loss_mask"][:, 1:].to(tok.dtype)
            loss, extras = -(tok * mask).sum() / mask.sum().clamp_min(1.0), {}
        if beta > 0:
            with torch.no_grad():
                ref_logp = response_logprobs(ref_model, batch)
            kl = token_kl(logp, ref_logp, batch)
            loss = loss + beta * kl
            extras["kl"] = float(kl.detach())
        return loss, extras

    return loss_fn, (matrix_batch if objective == "sami" else diagonal_batch)


# -- data step -------------------------------------------------------------------------------------------------
def make_items(model, tokenizer, queries: list[dict], constitutions: list[dict], cfg: SamiConfig,
               pcfg: PromptConfig, n_items: int, seed: int,
               valid: Callable[[str], bool] | None = None) -> tuple[list[dict], dict[str, float]]:
    """`n_items` kept items {query, constitutions, prompts, responses}: per query, C distinct constitutions
    (principle order shuffled), one sampled response each. Items with a malformed (no EOS, or failing `valid`)
    or duplicated response are dropped, as in the official repo. Drafts are generated in rounds (twice the
    shortfall each) until enough survive, at most `oversample` x n_items drafts in all."""
    rng = random.Random(seed)
    c = cfg.n_constitutions
    budget = int(n_items * cfg.oversample) + 1
    kept, tried, n_malformed, n_dup, rnd = [], 0, 0, 0, 0
    while len(kept) < n_items and tried < budget:
        drafts = []
        for _ in range(min(budget - tried, 2 * (n_items - len(kept)))):
            query = rng.choice(queries)
            chosen = rng.sample(constitutions, c)
            prompts = [render_prompt(pcfg, k["principles"], query["text"],  # principle order shuffled (pitfall)
                                     tuple(rng.sample(range(len(k["principles"])), len(k["principles"]))))
                       for k in chosen]
            drafts.append({"query": query["text"], "constitutions": [k["id"] for k in chosen],
                           "prompts": prompts})
        prompts = [prompt_ids(tokenizer, p) for d in drafts for p in d["prompts"]]
        responses, finished = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens,
                                       temperature=cfg.temperature, seed=derive_seed(seed, "sample", rnd),
                                       batch_size=cfg.gen_batch)
        rnd += 1
        for i, d in enumerate(drafts):
            tried += 1
            resp = responses[i * c:(i + 1) * c]
            texts = [decode(tokenizer, r) for r in resp]
            if not (all(finished[i * c:(i + 1) * c]) and (valid is None or all(valid(t) for t in texts))):
                n_malformed += 1
                if cfg.drop_malformed:
                    continue
            if len(set(texts)) < c:
                n_dup += 1
                if cfg.drop_duplicates:
                    continue
            d.update(prompt_ids=prompts[i * c:(i + 1) * c], response_ids=resp, responses=texts)
            kept.append(d)
            if len(kept) == n_items:
                break
    stats = {"kept": len(kept), "tried": tried, "malformed_frac": n_malformed / max(1, tried),
             "duplicate_frac": n_dup / max(1, tried)}
    if len(kept) < n_items:
        raise RuntimeError(f"only {len(kept)} of {n_items} items survived the filter ({stats}); raise "
                           f"sami.oversample")
    return kept, stats


def self_train(model, tokenizer, objective: str, queries: list[dict], constitutions: list[dict],
               cfg: SamiConfig, pcfg: PromptConfig, train_cfg, seed: int, out_dir, log, valid=None) -> list[dict]:
    """The outer loop: T x (sample with the current model -> filter -> train). Saves iter<t>/ (model) and
    gen_<t>.jsonl under out_dir; returns per-iteration stats."""
    from pathlib import Path

    from lmrepro.common.io import write_jsonl
    from lmrepro.common.models import save_model
    from lmrepro.common.train import train

    out_dir = Path(out_dir)
    per_iter = []
    for t in range(1, cfg.iterations + 1):
        n_items = train_cfg.steps * cfg.queries_per_step * train_cfg.grad_accum
        items, stats = make_items(model, tokenizer, queries, constitutions, cfg, pcfg, n_items,
                                  derive_seed(seed, "generate", t), valid)
        write_jsonl(out_dir / f"gen_{t}.jsonl", [{k: v for k, v in it.items() if not k.endswith("_ids")}
                                                 for it in items])
        b = cfg.queries_per_step
        ref_model = None
        if cfg.beta > 0:  # pi_ref = pi_t, the policy that generated this iteration's data
            ref_model = copy.deepcopy(model).eval()
            ref_model.requires_grad_(False)
        loss_fn, collate = make_objective(objective, ref_model, cfg.beta)

        def get_batch(i: int) -> dict:
            return collate(items[i * b:(i + 1) * b], pad_id(tokenizer))

        offset = (t - 1) * train_cfg.steps
        result = train(model, loss_fn, get_batch, train_cfg, log=lambda n, s, v: log(n, offset + s, v),
                       desc=f"{objective} iter {t}")
        save_model(model, out_dir / f"iter{t}", tokenizer)
        stats.update(iteration=t, final_loss=result["loss"])
        per_iter.append(stats)
        for name, value in stats.items():
            log(f"gen/{name}", offset + train_cfg.steps, float(value))
    return per_iter
