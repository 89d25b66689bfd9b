"""The method's pieces: word_iso encoding with mean pooling over sub-words, the NT-Xent loss, language-pair
upsampling weights, BERT masking, the shuffled-label control, and the type-level metrics (BLI MRR / P@1, XLSIM
Spearman, sentence retrieval accuracy).

- Pooling (paper §3 "word_iso"; repo utils/functions.mean_pooling): a word is encoded alone as [CLS] w [SEP] and
  represented by the mean of the last layer over its sub-words, [CLS] and the final [SEP] excluded.
- Loss (paper §3; repo: pytorch-metric-learning NTXentLoss, cosine, tau 0.07, synset ids as labels): for each
  positive pair (a, p) of embeddings sharing a label, -log(e^{s_ap/tau} / (e^{s_ap/tau} + sum_n e^{s_an/tau})) over
  a's negatives n (different label), averaged over positive pairs. With one positive per anchor this is the spec's
  -log(e^{s_ij/tau} / sum_{k != i} e^{s_ik/tau}); a synset appearing twice in a batch adds positives, not negatives.
- Sampling (paper §3; repo get_sampler): language pair p with share f_p of the pairs is drawn with probability
  q_p = f_p^alpha / sum f^alpha, a pair within it uniformly.
"""
from __future__ import annotations

import random

import numpy as np
import torch


def word_mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean of `hidden` over the positions between [CLS] (first) and the final [SEP] (last unmasked position)."""
    lengths = attention_mask.sum(dim=1)
    if bool((lengths < 3).any()):
        raise ValueError("word_mean_pool: a row holds no sub-word between [CLS] and [SEP] (empty word?)")
    mask = attention_mask.clone()
    mask.scatter_(1, (lengths - 1).unsqueeze(1), 0)
    mask[:, 0] = 0
    mask = mask.to(hidden.dtype)
    return (hidden * mask.unsqueeze(-1)).sum(dim=1) / mask.sum(dim=1, keepdim=True)


def encode(model, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Pooled last-layer states of the model's encoder (BERT / XLM-R body; a masked-LM head is not used)."""
    hidden = model.base_model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    return word_mean_pool(hidden, attention_mask)


def tokenize(tokenizer, texts: list[str], max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """[CLS] text [SEP] rows, right-padded (the tokenizer adds the specials, as the repo's AutoTokenizer does)."""
    if not texts:
        raise ValueError("tokenize: no texts")
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


@torch.no_grad()
def embed_texts(model, tokenizer, texts: list[str], max_len: int, batch_size: int) -> torch.Tensor:
    """Pooled encodings of `texts`, one row each (eval mode, no gradient)."""
    model.eval()
    out = []
    for start in range(0, len(texts), batch_size):
        ids, mask = tokenize(tokenizer, texts[start:start + batch_size], max_len)
        out.append(encode(model, ids, mask).float())
    return torch.cat(out)


def nt_xent_loss(emb: torch.Tensor, labels: torch.Tensor, temperature: float) -> torch.Tensor:
    """NT-Xent with labels, as pytorch-metric-learning's NTXentLoss (cosine similarity; the paper's code), computed
    on the similarity matrix: for each positive pair (a, p), softplus(logsumexp_n s_an - s_ap) with s = cos / tau,
    averaged over positive pairs. pml enumerates (positive, negative) pairs, O(P x N) memory (~1 s a step for 256
    encodings on a CPU); this is O(N^2) and equal to 1e-6 (tests/test_lexical_specialization.py)."""
    if emb.dim() != 2 or len(labels) != len(emb):
        raise ValueError(f"nt_xent_loss: expected (n, d) embeddings and n labels, got {tuple(emb.shape)} and "
                         f"{len(labels)}")
    unit = torch.nn.functional.normalize(emb, dim=1)
    sims = unit @ unit.T / temperature
    same = labels.unsqueeze(0) == labels.unsqueeze(1)
    positive = same & ~torch.eye(len(emb), dtype=torch.bool, device=emb.device)
    if not bool(positive.any()):
        return sims.sum() * 0.0  # no positive pair: nothing to pull together (pml returns zero too)
    # exp(-1e4) is 0 in float32 / bf16: masked entries drop out, and an anchor without negatives gets loss ~0
    negatives = torch.logsumexp(sims.masked_fill(same, -1e4), dim=1, keepdim=True)
    return torch.nn.functional.softplus(negatives - sims)[positive].mean()


def pair_weights(lang1: list[str], lang2: list[str], alpha: float) -> np.ndarray:
    """Sampling probability of each pair: q_p / n_p for its unordered language pair p (sums to 1)."""
    if len(lang1) != len(lang2) or not lang1:
        raise ValueError("pair_weights: lang1 and lang2 must be non-empty and of equal length")
    keys = [tuple(sorted((a, b))) for a, b in zip(lang1, lang2)]
    counts: dict[tuple, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    total = len(keys)
    q = {key: (n / total) ** alpha for key, n in counts.items()}
    norm = sum(q.values())
    return np.array([q[key] / norm / counts[key] for key in keys])


def shuffled_pairs(rows: list[dict], rng: random.Random) -> list[dict]:
    """The shuffled-label control: each language's words get the synset of a random other training concept (one
    permutation per language), so every pair joins two words that share no meaning, consistently across the
    table; pair count, languages and batch structure stay as in the real constraints."""
    forms: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        for word, lang in ((row["word1"], row["lang1"]), (row["word2"], row["lang2"])):
            bucket = forms.setdefault((lang, row["synset"]), [])
            if word not in bucket:
                bucket.append(word)
    synsets = sorted({row["synset"] for row in rows})
    langs = sorted({lang for lang, _ in forms})
    moved = {}
    for lang in langs:
        have = [s for s in synsets if (lang, s) in forms]
        target = have[:]
        rng.shuffle(target)
        moved[lang] = dict(zip(have, target))

    def swap(word: str, lang: str, synset: str) -> str:
        options = forms[(lang, moved[lang][synset])]
        return options[forms[(lang, synset)].index(word) % len(options)]

    return [{**row, "word1": swap(row["word1"], row["lang1"], row["synset"]),
             "word2": swap(row["word2"], row["lang2"], row["synset"])} for row in rows]


def retrieval_ranks(src: torch.Tensor, tgt: torch.Tensor, gold: torch.Tensor) -> torch.Tensor:
    """1-based rank of each source row's gold target among all target rows by cosine (ties count in its favour)."""
    if len(src) != len(gold) or len(gold) == 0:
        raise ValueError("retrieval_ranks: one gold index per source row (and at least one row) is required")
    sims = torch.nn.functional.normalize(src, dim=1) @ torch.nn.functional.normalize(tgt, dim=1).T
    gold_sims = sims.gather(1, gold.view(-1, 1))
    return (sims > gold_sims).sum(dim=1) + 1


def mrr_and_p1(src: torch.Tensor, tgt: torch.Tensor, gold: torch.Tensor) -> tuple[float, float]:
    """BLI mean reciprocal rank and precision@1 (paper §4.1: retrieval over the full target vocabulary)."""
    ranks = retrieval_ranks(src, tgt, gold).double()
    return float((1.0 / ranks).mean()), float((ranks == 1).double().mean())


def xlsim_spearman(emb1: torch.Tensor, emb2: torch.Tensor, gold: list[float]) -> float:
    """Spearman's rho between the pairs' cosine similarities and the gold scores (paper §4.2, Multi-SimLex)."""
    from scipy.stats import spearmanr

    if len(emb1) != len(gold) or len(emb2) != len(gold) or len(gold) < 3:
        raise ValueError("xlsim_spearman: one gold score per pair, at least 3 pairs")
    cos = torch.nn.functional.cosine_similarity(emb1, emb2, dim=1)
    return float(spearmanr(cos.numpy(), np.asarray(gold)).statistic)
