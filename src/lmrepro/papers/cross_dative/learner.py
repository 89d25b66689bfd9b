"""The simulated learner (spec: Method; official `src/experiment.py` Learner/Trainer, re-implemented).

- `add_novel_token`: add the token, resize the embeddings, initialise the new input row from N(mu, 1e-5 Sigma)
  (mu, Sigma: mean and covariance of the existing rows, Sigma with the 1/n normaliser as in the official code);
- `freeze_all_but_embeddings`: only the input embedding matrix keeps requires_grad (OPT ties the output
  embedding to it, so the new token's output row learns too; see `tied_output`);
- `exposure_run`: full-batch AdamW (weight decay 0, eps 1e-8, constant lr) on the exposure sentence with the
  gradient of every old row zeroed, BOS never a target; validation after every epoch; best epoch = argmax of the
  validation score; then the novel row is reset to its initial value and training re-run to the best epoch;
- `sentence_logprobs`: mean per-token log-prob of each sentence after a prepended BOS (minicons
  `IncrementalLMScorer.sequence_score(..., bos_token=True)`; parity tested).
"""
from __future__ import annotations

import torch

from lmrepro.common.models import pad_id
from lmrepro.common.padding import pad_rows
from lmrepro.papers.cross_dative.params import ExposureConfig


def gaussian_row(old_rows: torch.Tensor, scale: float, generator: torch.Generator) -> torch.Tensor:
    """One sample of N(mu, scale * Sigma) over the rows of `old_rows` (n x d), Sigma = (E-mu)^T (E-mu) / n."""
    rows = old_rows.detach().double()
    mu = rows.mean(0)
    centered = rows - mu
    sigma = centered.T @ centered / rows.shape[0]
    vals, vecs = torch.linalg.eigh(scale * sigma)  # PSD square root: works for a singular Sigma too
    root = vecs * vals.clamp_min(0).sqrt()
    z = torch.randn(rows.shape[1], generator=generator, dtype=torch.float64)
    return (mu + root @ z).to(old_rows.dtype)


def add_novel_token(model, tokenizer, token: str) -> int:
    """Add `token` to the tokenizer and one embedding row to the model; return its id (the last row)."""
    n_old = model.get_input_embeddings().weight.shape[0]
    if len(tokenizer) != n_old:
        raise ValueError(f"tokenizer has {len(tokenizer)} entries but the model {n_old} embedding rows; the novel "
                         f"token must become row {n_old}")
    if token in tokenizer.get_vocab():
        raise ValueError(f"novel token {token!r} is already in the vocabulary")
    tokenizer.add_tokens([token])
    new_id = tokenizer.convert_tokens_to_ids(token)
    if new_id != n_old:
        raise ValueError(f"novel token got id {new_id}, expected {n_old}")
    model.resize_token_embeddings(n_old + 1, mean_resizing=False)
    return new_id


def init_novel_row(model, new_id: int, scale: float, generator: torch.Generator) -> torch.Tensor:
    weight = model.get_input_embeddings().weight
    with torch.no_grad():
        weight[new_id] = gaussian_row(weight[:new_id], scale, generator)
    return weight[new_id].detach().clone()


def freeze_all_but_embeddings(model) -> torch.nn.Parameter:
    weight = model.get_input_embeddings().weight
    for p in model.parameters():
        p.requires_grad_(p is weight)
    return weight


def tied_output(model) -> bool:
    out = model.get_output_embeddings()
    return out is not None and out.weight is model.get_input_embeddings().weight


def encode(tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """[BOS] + tokens of each text, right-padded; returns (input_ids, attention_mask)."""
    seqs = [[tokenizer.bos_token_id] + tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    return pad_rows(seqs, pad_id(tokenizer))


def token_logprobs(model, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """log p(token_t | tokens_<t) for t >= 1 (BOS is context only), and the mask of real target tokens."""
    logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
    logp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return logp, mask[:, 1:].to(logp.dtype)


@torch.no_grad()
def sentence_logprobs(model, tokenizer, texts: list[str], batch_size: int = 64) -> list[float]:
    """Mean per-token log-prob of each text (BOS prepended, not scored)."""
    model.eval()
    out: list[float] = []
    for i in range(0, len(texts), batch_size):
        logp, tmask = token_logprobs(model, *encode(tokenizer, texts[i:i + batch_size]))
        out += ((logp * tmask).sum(1) / tmask.sum(1)).tolist()
    return out


def exposure_loss(model, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    logp, tmask = token_logprobs(model, ids, mask)
    return -(logp * tmask).sum() / tmask.sum()


def _train_epochs(model, weight, new_id: int, ids, mask, epochs: int, lr: float, after_epoch=None) -> list[float]:
    optimizer = torch.optim.AdamW([weight], lr=lr, weight_decay=0.0, eps=1e-8)
    losses = []
    model.eval()  # no dropout: the official Learner trains a from_pretrained model, which is in eval mode
    for epoch in range(1, epochs + 1):
        loss = exposure_loss(model, ids, mask)
        loss.backward()
        weight.grad[:new_id] = 0.0  # only the novel row learns (official: p.grad[:new_index] = 0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if after_epoch is not None:
            after_epoch(epoch)
    return losses


def exposure_run(model, tokenizer, new_id: int, init_row: torch.Tensor, exposure: list[str],
                 validation: list[str], validation_bad: list[str], cfg: ExposureConfig) -> dict:
    """Train the novel row on `exposure` (one full batch) for cfg.epochs, pick the best epoch by the validation
    score (mean log-prob of `validation`, minus that of `validation_bad` where given: the official "diff"),
    reset the row to `init_row` and re-run to that epoch. The model ends at the best epoch."""
    weight = freeze_all_but_embeddings(model)
    ids, mask = encode(tokenizer, exposure)
    with torch.no_grad():
        weight[new_id] = init_row
    val_curve: list[float] = []

    def mean_logprob(texts: list[str]) -> float:
        return sum(sentence_logprobs(model, tokenizer, texts, cfg.batch_size)) / len(texts)

    def validate(epoch: int) -> None:
        val_curve.append(mean_logprob(validation) - (mean_logprob(validation_bad) if validation_bad else 0.0))

    losses = _train_epochs(model, weight, new_id, ids, mask, cfg.epochs, cfg.lr, validate)
    final_row = weight[new_id].detach().clone()
    best_epoch = int(torch.tensor(val_curve).argmax()) + 1
    with torch.no_grad():
        weight[new_id] = init_row
    _train_epochs(model, weight, new_id, ids, mask, best_epoch, cfg.lr)
    return {"train_loss": losses, "val": val_curve, "best_epoch": best_epoch, "final_row": final_row}
