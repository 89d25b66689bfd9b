"""Streams and mixtures of multilingual_cpt: the prepared corpora as EOS-separated token streams, a mixture's
stream shares, and batches of fixed-length blocks (the paper packs its CPT mixture, LLaMA-Factory `stage: pt`).

Files (prep's `data` output): corpora/{en,topic,code}.jsonl, corpora/mono_<lang>.jsonl, corpora/bi_<lang>.jsonl
and corpora/heldout_<lang>.jsonl, rows {"text"}. A mixture maps stream keys (en, topic, code, mono, bi,
mono:<lang>, bi:<lang>) to row shares; `mono` / `bi` alone split equally over the CPT group's languages (spec:
equal sampling per language). A batch is `batch_size` blocks of `block_size` tokens, each row's stream drawn by its
share and its offset uniformly, from a generator seeded by (seed, step): pure in (seed, step), so a resumed run
sees the same batches and two mixes of one seed see the same draws wherever their shares agree.
"""
from __future__ import annotations

from pathlib import Path

import torch

from lmrepro.common.batches import mixed_blocks, token_stream
from lmrepro.common.io import read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.multilingual_cpt.params import LMDataConfig, MixConfig


def stream_file(key: str) -> str:
    """Stream key -> corpus file name: en -> en.jsonl, mono:lo -> mono_lo.jsonl."""
    kind, _, lang = key.partition(":")
    return f"{kind}_{lang}.jsonl" if lang else f"{kind}.jsonl"


def resolve(mixture: dict[str, float], group: list[str]) -> dict[str, float]:
    """Stream shares with `mono` / `bi` split equally over `group`, normalised to sum 1, zero shares dropped."""
    out: dict[str, float] = {}
    for key, weight in mixture.items():
        if key in ("mono", "bi"):
            for lang in group:
                out[f"{key}:{lang}"] = out.get(f"{key}:{lang}", 0.0) + weight / len(group)
        else:
            out[key] = out.get(key, 0.0) + float(weight)
    total = sum(out.values())
    if total <= 0:
        raise ValueError(f"mixture {mixture} has no positive share")
    return {k: v / total for k, v in out.items() if v > 0}


def read_texts(path: str | Path) -> list[str]:
    return [row["text"] for row in read_jsonl(path)]


def mixture_batches(streams: list[torch.Tensor], shares: list[float], cfg: LMDataConfig, seed: int):
    """get_batch(step): each row a random block of stream i with probability shares[i] (common.batches.mixed_blocks)."""
    return mixed_blocks(streams, shares, cfg.batch_size, cfg.block_size, seed)


def batches_for(data_dir: Path, tokenizer, mixture: dict[str, float], group: list[str], cfg: LMDataConfig,
                seed: int):
    """(get_batch, shares) of a mixture over the prepared corpora."""
    shares = resolve(mixture, group)
    streams = [token_stream(tokenizer, read_texts(Path(data_dir) / "corpora" / stream_file(k))) for k in shares]
    return mixture_batches(streams, list(shares.values()), cfg, seed), shares


def base_batches(st, tokenizer):
    """The base pretraining mixture (spec: EN + conlangs at 35% / 10% / 2% of tokens), for
    lmrepro.common.pretrain_lm."""
    mix = st.params("mix", MixConfig)
    get_batch, shares = batches_for(st.inp("data"), tokenizer, mix.base, mix.group, st.params("lm_data"),
                                    derive_seed(st.seed, "base_batches"))
    st.log_metrics({f"share_{k.replace(':', '_')}": v for k, v in shares.items()})
    return get_batch
