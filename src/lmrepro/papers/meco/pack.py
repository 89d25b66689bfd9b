"""Tokenize and pack documents for one arm: `plain` (stage-1 docs, no URL), `meco` (stage-1 docs with the URL
template, loss-masked), `cooldown` (the fresh cooldown docs, no URL) or `heldout` (reliable docs, no URL).

    lmrepro stage meco.pack --scale small --seed 0 --set pack.arm=meco --in corpus=data/small/meco/seed0/corpus \
        --out rows=data/small/meco/seed0/meco.safetensors --out metrics=...
"""
from __future__ import annotations

from safetensors.torch import save_file

from lmrepro.common.io import atomic_file, read_jsonl
from lmrepro.common.models import load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.meco.data import pack_rows
from lmrepro.papers.meco.params import ARMS, PackConfig


def main() -> None:
    with Stage.from_argv("meco", "pack") as st:
        cfg = st.params("pack", PackConfig)
        corpus = st.inp("corpus")
        split, with_url = ARMS[cfg.arm]
        tokenizer = load_tokenizer(corpus / "tokenizer")
        rows = pack_rows(tokenizer, read_jsonl(corpus / f"{split}.jsonl"), with_url, cfg.max_len, cfg.template,
                         split_long=cfg.long_docs == "split")
        with atomic_file(st.out("rows")) as tmp:
            save_file(rows, str(tmp))
        st.log_metrics({"rows": rows["input_ids"].size(0), "loss_tokens": int(rows["loss_mask"].sum()),
                        "tokens": int(rows["attention_mask"].sum())})


if __name__ == "__main__":
    main()
