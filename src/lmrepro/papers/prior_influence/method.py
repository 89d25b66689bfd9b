"""The method's shared pieces: prompts and answer tokens, last-token logits and residuals, the prior in a
task-free frame, and the metrics of C1/C4 (error share toward higher-prior answers, Spearman with the prior)."""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.activations import residual_stream
from lmrepro.common.models import pad_id
from lmrepro.common.padding import pad_rows


def render(template: str, item: dict) -> str:
    """A task prompt from its template: {target} and {items} (the list, space-joined)."""
    return template.format(target=item.get("target", ""), items=" ".join(item["items"]))


def prompt_ids(tokenizer, text: str) -> list[int]:
    """BOS (where the tokenizer has one) + the prompt's tokens: the same framing for every model."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return ([tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []) + ids


def answer_token_ids(tokenizer, answers: list[str], prefix: str = " ") -> list[int]:
    """One token id per answer, as it follows a prompt (`prefix` + answer: " " for a word-level vocabulary, "" where
    the tokenizer splits the space off a number and the prompt ends in it); a multi-token answer is an error, since
    the prior would then be a sum over tokens (spec: Pitfalls, tokenization)."""
    ids = []
    for answer in answers:
        tokens = tokenizer(prefix + answer, add_special_tokens=False)["input_ids"]
        if len(tokens) != 1:
            raise ValueError(f"answer {answer!r} is {len(tokens)} tokens {tokens}; answers must be single tokens")
        ids.append(tokens[0])
    if len(set(ids)) != len(ids):
        raise ValueError(f"answers {answers} do not map to distinct tokens")
    return ids


def _padded(tokenizer, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    rows = [prompt_ids(tokenizer, p) for p in prompts]
    ids, mask = pad_rows(rows, pad_id(tokenizer))  # right padding: the last prompt token sits at len - 1
    return ids, mask, torch.tensor([len(r) - 1 for r in rows])


@torch.no_grad()
def last_token_logits(model, tokenizer, prompts: list[str], batch_size: int) -> torch.Tensor:
    """(n, vocab) float32 next-token logits after each prompt's last token."""
    model.eval()
    out = []
    for start in range(0, len(prompts), batch_size):
        ids, mask, last = _padded(tokenizer, prompts[start:start + batch_size])
        logits = model(input_ids=ids.to(model.device), attention_mask=mask.to(model.device)).logits
        out.append(logits[torch.arange(len(last)), last.to(model.device)].float().cpu())
    return torch.cat(out)


@torch.no_grad()
def last_token_residuals(model, tokenizer, prompts: list[str], layers: list[int],
                         batch_size: int) -> dict[int, np.ndarray]:
    """{layer: (n, hidden)} residual stream at each prompt's last token (layer l = output of block l)."""
    model.eval()
    out: dict[int, list[np.ndarray]] = {layer: [] for layer in layers}
    for start in range(0, len(prompts), batch_size):
        ids, mask, last = _padded(tokenizer, prompts[start:start + batch_size])
        acts = residual_stream(model, ids.to(model.device), mask.to(model.device), layers)
        for layer in layers:
            out[layer].append(acts[layer][torch.arange(len(last)), last.to(model.device)].float().cpu().numpy())
    return {layer: np.concatenate(chunks) for layer, chunks in out.items()}


def neutral_log_prior(model, tokenizer, frame: str, answers: list[str], prefix: str = " ") -> dict[str, float]:
    """log p(a | frame) renormalised over the answer tokens: the prior, measured with no task in the prompt."""
    logits = last_token_logits(model, tokenizer, [frame], batch_size=1)[0]
    logp = torch.log_softmax(logits[answer_token_ids(tokenizer, answers, prefix)], dim=-1)
    return {a: float(v) for a, v in zip(answers, logp)}


def predictions(logits: torch.Tensor, tokenizer, candidates: list[str] | None = None, prefix: str = " ") -> list[str]:
    """Greedy next token per row, decoded; with `candidates`, the argmax over those answers only."""
    if candidates is None:
        return [tokenizer.decode([int(i)]).strip() for i in logits.argmax(-1)]
    ids = torch.tensor(answer_token_ids(tokenizer, candidates, prefix))
    return [candidates[int(i)] for i in logits[:, ids].argmax(-1)]


def higher_prior_error_share(preds: list[str], truths: list[str], log_prior: dict[str, float]) -> tuple[float, int]:
    """Among errors whose prediction is a scored answer: the share whose prediction has the higher prior (ties
    count half). Returns (share, n such errors); NaN when there are none."""
    scores = []
    for pred, truth in zip(preds, truths):
        if pred != truth and pred in log_prior:
            diff = log_prior[pred] - log_prior[truth]
            scores.append(1.0 if diff > 0 else 0.5 if diff == 0 else 0.0)
    return (float(np.mean(scores)) if scores else float("nan")), len(scores)


def spearman(x, y) -> float:
    """Spearman's rank correlation; NaN when either side is constant."""
    from scipy.stats import spearmanr

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(spearmanr(x, y).statistic)


def prior_bins(log_prior: dict[str, float], n_bins: int = 3) -> dict[str, int]:
    """Answer -> prior bin (0 = lowest), by rank into `n_bins` near-equal groups."""
    order = sorted(log_prior, key=lambda a: (log_prior[a], a))
    return {a: min(n_bins - 1, rank * n_bins // len(order)) for rank, a in enumerate(order)}
