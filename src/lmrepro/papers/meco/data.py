"""MeCo's sequence format (paper §2): [BOS] + tok("URL: {domain}\\n\\n") + tok(doc) + [EOS], loss mask 0 on BOS and
the template. The template is config (`pack.template`): at `small` the word-level tokens "URL:" "<domain>" "<nl2>"
stand in for its characters (<nl2> is the blank line); at `paper` it is the paper's string byte for byte.
One document per row (right padding), so no row attends across documents in either arm.
"""
from __future__ import annotations

import torch

from lmrepro.common.models import pad_id
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.meco.params import SMALL_TEMPLATE, MecoConfig, RunConfig

TEMPLATE_WORDS = ["URL:", "<nl2>"]


def domain_of(url: str) -> str:
    """The absolute domain (paper §2): strip the scheme, keep the text before the first '/'."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0]


def encode_doc(tokenizer, text: str, url: str | None, max_len: int, template: str = SMALL_TEMPLATE,
               split_long: bool = False) -> tuple[list[int], list[int]]:
    """input_ids and loss mask for one document, with the URL template when `url` is given; longer than
    `max_len` is an error unless `split_long` (pack_rows then cuts it into rows)."""
    ids = [tokenizer.bos_token_id]
    mask = [0]
    if url is not None:
        prefix = tokenizer.encode(template.format(domain=domain_of(url)), add_special_tokens=False)
        ids += prefix
        mask += [0] * len(prefix)
    body = tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id]
    ids += body
    mask += [1] * len(body)
    if len(ids) > max_len and not split_long:
        raise ValueError(f"document of {len(ids)} tokens exceeds the context of {max_len}: {text[:60]!r} "
                         f"(pack.long_docs: split cuts it into rows of the context)")
    return ids, mask


def pack_rows(tokenizer, docs: list[dict], with_url: bool, max_len: int, template: str = SMALL_TEMPLATE,
              split_long: bool = False) -> dict[str, torch.Tensor]:
    """One document per row, right-padded: input_ids, attention_mask, loss_mask ([rows, max_len]). With
    `split_long` a longer document fills consecutive rows (its URL only in the first: where the paper's template
    sits, at the document's start), so no row ever attends across two documents."""
    pieces = []
    for doc in docs:
        ids, mask = encode_doc(tokenizer, doc["text"], doc["url"] if with_url else None, max_len, template,
                               split_long)
        pieces += [(ids[i:i + max_len], mask[i:i + max_len]) for i in range(0, len(ids), max_len)]
    n = len(pieces)
    input_ids = torch.full((n, max_len), pad_id(tokenizer), dtype=torch.long)
    attention = torch.zeros((n, max_len), dtype=torch.long)
    loss_mask = torch.zeros((n, max_len), dtype=torch.long)
    for i, (ids, mask) in enumerate(pieces):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        attention[i, : len(ids)] = 1
        loss_mask[i, : len(ids)] = torch.tensor(mask)
    return {"input_ids": input_ids, "attention_mask": attention, "loss_mask": loss_mask}


def batch_fn(rows: dict[str, torch.Tensor], batch_size: int, seed: int):
    """get_batch(step): a seeded permutation per epoch over the rows, a pure function of (seed, step)."""
    n = rows["input_ids"].size(0)
    per_epoch = max(1, n // batch_size)

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        epoch, k = divmod(step, per_epoch)
        gen = torch.Generator().manual_seed(seed * 100_003 + epoch)
        idx = torch.randperm(n, generator=gen)[k * batch_size:(k + 1) * batch_size]
        return {name: t[idx] for name, t in rows.items()}

    return get_batch



def pretrain_batches(st, tokenizer):
    """Batches of either pretraining arm (paper §2-3; spec: Small scale / Training) for the shared stage
    lmrepro.common.pretrain_lm: the baseline's plain rows or MeCo stage 1's URL-conditioned rows (the `rows`
    input), drawn with the arm's own data seed; both arms start from the same init."""
    from safetensors.torch import load_file

    run, meco = st.params("run", RunConfig), st.params("meco", MecoConfig)
    return batch_fn(load_file(str(st.inp("rows"))), meco.batch_size, derive_seed(st.seed, "data", run.arm))
