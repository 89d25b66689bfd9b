"""Train a byte-level BPE tokenizer of `tokenizer.vocab_size` on one language's training text: T_s, the English
source tokenizer (small/ci; at paper scale GPT-2's own comes with the hub snapshot), and T_t, the target
tokenizer, with the source's algorithm and size (paper §3.1; spec: Method 1, DAG 3).

    lmrepro stage wechsel.train_tokenizer --scale small --seed 0 --in text=data/small/wechsel/seed0/prep/tgt_train.txt \
        --out tokenizer=results/small/wechsel/runs/seed0/tgt_tokenizer --out metrics=...
    (T_s: --in text=data/small/wechsel/source_seed0/en_train.txt --out tokenizer=.../source_seed0/tokenizer)
"""
from __future__ import annotations

from lmrepro.common.io import atomic_dir
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.common.batches import read_lines
from lmrepro.papers.wechsel.params import TokenizerConfig


def main() -> None:
    st = Stage.from_argv("wechsel", "train_tokenizer")
    # T_s and T_t of one seed are sibling runs: named apart by their language (en_train.txt / tgt_train.txt)
    st.variant = f"lang={st.inp('text').name.split('_')[0]}"
    with st:
        cfg = st.params("tokenizer", TokenizerConfig)
        sentences = read_lines(st.inp("text"))
        tokenizer = build_bpe_tokenizer(sentences, cfg.vocab_size)
        with atomic_dir(st.out("tokenizer")) as tmp:
            tokenizer.save_pretrained(tmp)
        sample = sentences[: min(2000, len(sentences))]
        n_words = sum(len(s.split()) for s in sample)
        n_tokens = sum(len(x) for x in tokenizer(sample, add_special_tokens=False)["input_ids"])
        st.log_metrics({"vocab_size": len(tokenizer), "tokens_per_word": n_tokens / n_words})


if __name__ == "__main__":
    main()
