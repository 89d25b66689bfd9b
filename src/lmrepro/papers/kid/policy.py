"""KID's decoding loop (paper Sec. 3.3, Eq. 3-5; official KIDPolicy.update_policy / compute_reward and
KIDAgent.forward), batched over prompts, with the baselines as the same loop without the policy update.

At every step, with H the key/value cache of the text so far and `last` its last token:
- pi_0 = LM(last | H) (the unmodified policy, detached);
- if the arm has knowledge K (first sub-token ids of the retrieved knowledge words): delta = 0, then `kid_steps`
  times: L = -log(sum_{k in K} pi_delta(k)) + beta * KL(pi_delta || pi_0) with pi_delta = LM(last | H + delta),
  delta <- delta - eta * grad / ||grad||^gamma, ||grad|| the running max over the iterations of each layer's
  key+value gradient norm (PPLM's normaliser); the next cache continues from H + delta (the official agent keeps
  the perturbed past);
- p = pi_kid^fusion * pi_0^(1-fusion), repeated n-grams of the generation banned, top-k, top-p, sampling.
Departures from the official code (batch size 1 there), each named where it happens: the gradient norm is taken
per sequence; a row with empty K is left unperturbed (the official code rewards EOS instead, which pushes towards
stopping: spec pitfall); top-p is applied to the fused distribution (the official `top_p_filter` soft-maxes
probabilities again, which keeps nearly every token); repeated bigrams are banned within the generation only
(the official agent also bans bigrams of the prompt, which forbids restating the entity's name).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from lmrepro.common.padding import pad_rows

SMALL_CONST = 1e-15  # official KIDPolicy: guards the KL's logs and the first gradient norm


def forward_last(model, past: list[tuple[torch.Tensor, torch.Tensor]], last: torch.Tensor,
                 attention_mask: torch.Tensor, position_ids: torch.Tensor):
    """Next-token logits for `last` [B, 1] after the cache `past` (per layer (keys, values)), and the new cache
    (a fresh DynamicCache each call, so the caller's tensors stay unchanged and gradients reach them)."""
    from transformers.cache_utils import DynamicCache

    out = model(input_ids=last, cache=DynamicCache(ddp_cache_data=past), attention_mask=attention_mask,
                position_ids=position_ids, use_cache=True)
    return out.logits[:, -1], [(layer.keys, layer.values) for layer in out.cache.layers]


def kid_loss(probs: torch.Tensor, knowledge_mask: torch.Tensor, probs_0: torch.Tensor, beta: float) -> torch.Tensor:
    """Per-sequence loss of official `compute_reward`: -log sum_{k in K} pi(k) + beta * KL(pi || pi_0), with the
    official SMALL_CONST patch of zero probabilities inside the KL."""
    knowledge_mass = (probs * knowledge_mask).sum(-1)
    p = probs + SMALL_CONST * (probs <= SMALL_CONST).float().detach()
    q = probs_0 + SMALL_CONST * (probs_0 <= SMALL_CONST).float()
    return -knowledge_mass.log() + beta * (p * (p / q).log()).sum(-1)


def perturb_past(model, past, last, attention_mask, position_ids, knowledge_mask: torch.Tensor,
                 probs_0: torch.Tensor, *, steps: int, eta: float, gamma: float, beta: float):
    """H + delta after `steps` normalised gradient steps on kid_loss (rows with empty K keep delta = 0)."""
    active = knowledge_mask.sum(-1) > 0
    if steps == 0 or not bool(active.any()):
        return past
    # a row without knowledge gets an all-ones mask (loss 0 at any delta) and weight 0: no 0 * inf gradients
    safe_mask = torch.where(active[:, None], knowledge_mask, torch.ones_like(knowledge_mask))
    deltas = [(torch.zeros_like(k), torch.zeros_like(v)) for k, v in past]
    norms = None
    for _ in range(steps):
        with torch.enable_grad():
            leaves = [(dk.clone().requires_grad_(True), dv.clone().requires_grad_(True)) for dk, dv in deltas]
            logits, _ = forward_last(model, [(k + dk, v + dv) for (k, v), (dk, dv) in zip(past, leaves)], last,
                                     attention_mask, position_ids)
            loss = (kid_loss(F.softmax(logits, dim=-1), safe_mask, probs_0, beta) * active).sum()
            grads = torch.autograd.grad(loss, [t for pair in leaves for t in pair])
        layer_norms = [torch.sqrt(gk.pow(2).flatten(1).sum(1) + gv.pow(2).flatten(1).sum(1))
                       for gk, gv in zip(grads[0::2], grads[1::2])]  # per layer, per sequence (official: per layer)
        norms = [n + SMALL_CONST for n in layer_norms] if norms is None else \
            [torch.maximum(old, n) for old, n in zip(norms, layer_norms)]
        deltas = [(dk - eta * gk / scale, dv - eta * gv / scale)
                  for (dk, dv), gk, gv, scale in zip(deltas, grads[0::2], grads[1::2],
                                                     (n.pow(gamma).view(-1, 1, 1, 1) for n in norms))]
    return [(k + dk, v + dv) for (k, v), (dk, dv) in zip(past, deltas)]


def banned_ngram_mask(generated: torch.Tensor, n: int, vocab_size: int) -> torch.Tensor:
    """[B, V] True where the next token would repeat an n-gram of `generated` [B, L] (HF's no_repeat_ngram_size
    over the generation only)."""
    mask = torch.zeros(generated.size(0), vocab_size, dtype=torch.bool)
    length = generated.size(1)
    if n < 1 or length < n - 1:
        return mask
    for row, ids in enumerate(generated.tolist()):
        prefix = tuple(ids[length - n + 1:]) if n > 1 else ()
        for i in range(length - n + 1):
            if tuple(ids[i:i + n - 1]) == prefix:
                mask[row, ids[i + n - 1]] = True
    return mask


def filter_top_k_top_p(logprobs: torch.Tensor, top_k: int, top_p: float) -> torch.Tensor:
    """Log-probabilities outside the top-k, then outside the smallest top-p nucleus, set to -inf (HF's
    TopKLogitsWarper then TopPLogitsWarper; the token that crosses top_p is kept)."""
    out = logprobs
    if 0 < top_k < out.size(-1):
        kth = torch.topk(out, top_k, dim=-1).values[..., -1:]
        out = out.masked_fill(out < kth, float("-inf"))
    if top_p < 1.0:
        sorted_lp, order = torch.sort(out, dim=-1, descending=True)
        cum = sorted_lp.softmax(-1).cumsum(-1)
        drop_sorted = (cum - sorted_lp.softmax(-1)) > top_p
        out = out.masked_fill(drop_sorted.scatter(-1, order, drop_sorted), float("-inf"))
    return out


def decode(model, prompts: list[list[int]], *, max_new_tokens: int, eos_id: int, pad_id: int,
           knowledge: Callable[[list[list[int]]], torch.Tensor] | None = None, greedy: bool = False,
           generator: torch.Generator | None = None, kid_steps: int = 3, eta: float = 0.01, gamma: float = 1.5,
           beta: float = 0.01, fusion: float = 0.99, top_k: int = 20, top_p: float = 0.92,
           temperature: float = 1.0, no_repeat_ngram: int = 2) -> list[list[int]]:
    """Generated ids per prompt, cut after the first EOS. `knowledge(texts)` gives the [B, V] 0/1 mask of K for
    each row's current ids (prompt + generation); None = no policy update (greedy / sampling / concat)."""
    model.eval()
    ids, attn = pad_rows(prompts, pad_id, left=True)
    positions = (attn.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        out = model(input_ids=ids[:, :-1], attention_mask=attn[:, :-1], position_ids=positions[:, :-1],
                    use_cache=True)
    past = [(layer.keys, layer.values) for layer in out.cache.layers]
    last, position = ids[:, -1:], positions[:, -1:]
    texts = [list(p) for p in prompts]
    generated = torch.empty(len(prompts), 0, dtype=torch.long)
    done = torch.zeros(len(prompts), dtype=torch.bool)
    for _ in range(max_new_tokens):
        with torch.no_grad():
            logits_0, next_past = forward_last(model, past, last, attn, position)
        logp_0 = F.log_softmax(logits_0 / temperature, dim=-1)
        logp = logp_0
        if knowledge is not None:
            kid_past = perturb_past(model, past, last, attn, position, knowledge(texts), F.softmax(logits_0, -1),
                                    steps=kid_steps, eta=eta, gamma=gamma, beta=beta)
            with torch.no_grad():
                logits_kid, next_past = forward_last(model, kid_past, last, attn, position)
            logp = fusion * F.log_softmax(logits_kid / temperature, dim=-1) + (1.0 - fusion) * logp_0
        # bans after fusion: the same distribution as banning both factors first, then renormalising
        logp = logp.masked_fill(banned_ngram_mask(generated, no_repeat_ngram, logp.size(-1)), float("-inf"))
        if greedy:
            token = logp.argmax(-1)
        else:
            probs = F.softmax(filter_top_k_top_p(F.log_softmax(logp, -1), top_k, top_p), dim=-1)
            token = torch.multinomial(probs, 1, generator=generator).squeeze(-1)
        token = torch.where(done, torch.full_like(token, pad_id), token)
        done |= token == eos_id
        generated = torch.cat([generated, token[:, None]], dim=1)
        for row, t in enumerate(token.tolist()):
            texts[row].append(t)
        past, last, position = [(k.detach(), v.detach()) for k, v in next_past], token[:, None], position + 1
        attn = torch.cat([attn, torch.ones(len(prompts), 1, dtype=attn.dtype)], dim=1)
        if bool(done.all()):
            break
    out_ids = []
    for row in generated.tolist():
        out_ids.append(row[:row.index(eos_id) + 1] if eos_id in row else row)
    return out_ids
