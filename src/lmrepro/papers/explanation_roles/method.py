"""The method's pieces: the token layout of x [SEP] e_1 ... e_c, the mean-pooled reader classifier, retrieval
(optimal: explanations of the same task index, never the query's own; fixed: top-k training points by cosine
similarity of frozen embeddings of x), and the RAG-style marginal likelihood over retrieved context sets (paper §4)."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel

from lmrepro.worlds.explanations import ExplanationTaskConfig, int_range

PAD, CLS, SEP, SEL1, SEL2 = 0, 1, 2, 3, 4
EXPLANATION_LEN = 5  # (f(idx), m, n, r, d)


class Vocab:
    """Token ids: 5 specials, the integers of `int_range(world)`, then one token per task index."""

    def __init__(self, world: ExplanationTaskConfig):
        self.lo, self.hi = int_range(world)
        self.int_base = 5
        self.task_base = self.int_base + self.hi - self.lo + 1
        self.size = self.task_base + world.max_idx
        self.max_idx = world.max_idx

    def int_token(self, value: int) -> int:
        if not self.lo <= value <= self.hi:
            raise ValueError(f"integer {value} outside the vocabulary's range [{self.lo}, {self.hi}]")
        return self.int_base + value - self.lo

    def task_token(self, idx: int) -> int:
        if not 0 <= idx < self.max_idx:
            raise ValueError(f"task index {idx} outside 0..{self.max_idx - 1}")
        return self.task_base + idx

    def encode(self, s: list[int], explanations: list[list[int]], context_size: int) -> list[int]:
        """[CLS] task(s0) sel(s1) s2.. [SEP] then per explanation task(e0) e1..e4 [SEP]; padded to `context_size`
        explanation slots, so every input of one arm has one length."""
        if len(explanations) > context_size:
            raise ValueError(f"{len(explanations)} explanations for {context_size} context slots")
        ids = [CLS, self.task_token(s[0]), SEL1 if s[1] == 1 else SEL2] + [self.int_token(v) for v in s[2:]] + [SEP]
        for e in explanations:
            if len(e) != EXPLANATION_LEN:
                raise ValueError(f"an explanation has {EXPLANATION_LEN} values (idx, m, n, r, d), got {e}")
            ids += [self.task_token(e[0])] + [self.int_token(v) for v in e[1:]] + [SEP]
        return ids + [PAD] * ((EXPLANATION_LEN + 1) * (context_size - len(explanations)))


class ReaderClassifier(BertPreTrainedModel):
    """A BERT encoder, mean-pooled over non-pad tokens, with a linear 2-way head (spec Small scale)."""
    config_class = BertConfig

    def __init__(self, config: BertConfig):
        super().__init__(config)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, 2)
        self.post_init()

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Mean-pooled last hidden states (the fixed retriever's embedding too)."""
        mask = (input_ids != PAD).long()
        hidden = self.bert(input_ids=input_ids, attention_mask=mask).last_hidden_state
        return mean_pool(hidden, mask)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(input_ids))


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of `hidden` [B, T, H] over positions where `mask` [B, T] is 1."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp_min(1.0)


def build_reader(spec: dict, vocab: Vocab) -> ReaderClassifier:
    spec = {k: v for k, v in spec.items() if k != "family"}
    return ReaderClassifier(BertConfig(vocab_size=vocab.size, pad_token_id=PAD, **spec))


def rag_marginal_nll(logits: torch.Tensor, set_logprior: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """-mean log sum_k p(set_k | x) p(y | x, set_k), the RAG-sequence marginal likelihood of the label with the
    retrieved context sets as latent variables. logits [B, K, 2], set_logprior [B, K] (unnormalised scores are
    normalised here), labels [B]."""
    if logits.dim() != 3 or set_logprior.shape != logits.shape[:2] or labels.shape != logits.shape[:1]:
        raise ValueError(f"shapes: logits [B, K, C], set_logprior [B, K], labels [B]; got {tuple(logits.shape)}, "
                         f"{tuple(set_logprior.shape)}, {tuple(labels.shape)}")
    log_p_set = torch.log_softmax(set_logprior.float(), dim=-1)
    log_p_y = torch.log_softmax(logits.float(), dim=-1)
    gold = log_p_y.gather(-1, labels.view(-1, 1, 1).expand(-1, logits.size(1), 1)).squeeze(-1)
    return -torch.logsumexp(log_p_set + gold, dim=-1).mean()


def marginal_predict(logits: torch.Tensor, set_logprior: torch.Tensor) -> torch.Tensor:
    """argmax_y sum_k p(set_k | x) p(y | x, set_k)."""
    probs = torch.softmax(set_logprior.float(), -1).unsqueeze(-1) * torch.softmax(logits.float(), -1)
    return probs.sum(1).argmax(-1)


def accuracy(pred: torch.Tensor | np.ndarray, labels: torch.Tensor | np.ndarray) -> float:
    pred, labels = np.asarray(pred), np.asarray(labels)
    if pred.shape != labels.shape or pred.size == 0:
        raise ValueError(f"accuracy needs equal non-empty shapes, got {pred.shape} and {labels.shape}")
    return float((pred == labels).mean())


def optimal_retrieval(query_idx: np.ndarray, pool_idx: np.ndarray, k: int, rng: np.random.Generator,
                      self_rows: np.ndarray | None = None) -> np.ndarray:
    """Per query, k pool rows of the same task index drawn without replacement ("optimal retrieval"). At train
    time the queries are pool rows: `self_rows` gives each query's own row, which it never retrieves (the label
    path would leak). Returns [Q, k]."""
    by_task: dict[int, list[int]] = {}
    for row, idx in enumerate(pool_idx):
        by_task.setdefault(int(idx), []).append(row)
    out = np.empty((len(query_idx), k), dtype=np.int64)
    for q, idx in enumerate(query_idx):
        if int(idx) not in by_task:
            raise ValueError(f"task index {idx} has no row in the retrieval pool")
        rows = np.array(by_task[int(idx)])
        if self_rows is not None:
            rows = rows[rows != self_rows[q]]
        if len(rows) < k:
            raise ValueError(f"task index {idx} has {len(rows)} retrievable rows, fewer than k={k}")
        out[q] = rng.choice(rows, size=k, replace=False)
    return out


def top_k_cosine(queries: torch.Tensor, pool: torch.Tensor, k: int, exclude_self: bool) -> tuple[torch.Tensor,
                                                                                                     torch.Tensor]:
    """The k pool rows most cosine-similar to each query (the fixed retriever's index), as (rows [Q, k],
    similarities [Q, k]); with `exclude_self` row q of the pool is masked for query q."""
    sims = nn.functional.normalize(queries.float(), dim=-1) @ nn.functional.normalize(pool.float(), dim=-1).T
    if exclude_self:
        if sims.size(0) != sims.size(1):
            raise ValueError("exclude_self needs the queries to be the pool")
        sims.fill_diagonal_(float("-inf"))
    values, rows = sims.topk(k, dim=-1)
    return rows, values


def build_inputs(vocab: Vocab, rows: list[dict], pool: list[dict], contexts: np.ndarray | None,
                 context_size: int) -> torch.Tensor:
    """Token ids [N, K, T] of rows with their retrieved contexts: `contexts` [N, K, c] indexes `pool` (None: x
    only, K = 1)."""
    if contexts is None:
        return torch.tensor([[vocab.encode(r["s"], [], 0)] for r in rows])
    return torch.tensor([[vocab.encode(r["s"], [pool[j]["e"] for j in ctx], context_size) for ctx in sets]
                         for r, sets in zip(rows, contexts)])


def retrieve(retrieval: str, query_idx: np.ndarray, pool_idx: np.ndarray, context_size: int,
             rng: np.random.Generator, self_rows: np.ndarray | None = None, index_rows: np.ndarray | None = None,
             index_sims: np.ndarray | None = None, temperature: float = 1.0) -> tuple[np.ndarray | None,
                                                                                      torch.Tensor]:
    """The context sets of a batch of queries and their retrieval log-prior: (contexts [Q, K, c] or None,
    log-prior [Q, K]). none: x only (K = 1); optimal: one set of c same-task explanations (K = 1); fixed: the
    index's top-k rows, one explanation per set, p(set | x) = softmax(cosine / temperature)."""
    n = len(query_idx)
    if retrieval == "none":
        return None, torch.zeros(n, 1)
    if retrieval == "optimal":
        return optimal_retrieval(query_idx, pool_idx, context_size, rng, self_rows)[:, None, :], torch.zeros(n, 1)
    if retrieval == "fixed":
        if index_rows is None or index_sims is None:
            raise ValueError("fixed retrieval needs the index's rows and similarities")
        return np.asarray(index_rows)[:, :, None], torch.as_tensor(np.asarray(index_sims)).float() / temperature
    raise ValueError(f"retrieval must be none, optimal or fixed, got {retrieval!r}")


def arm_logits(model, input_ids: torch.Tensor) -> torch.Tensor:
    """Logits [B, K, 2] of inputs [B, K, T] (each context set read separately)."""
    b, k, t = input_ids.shape
    return model(input_ids.view(b * k, t)).view(b, k, -1)
