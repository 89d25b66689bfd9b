"""Data prep (spec DAG: gen_corpus, train_tokenizer, score_difficulty, gen_minimal_pairs in one job, since each
takes well under a second at small scale and a job costs ~4 s of start-up).

    lmrepro stage climb.prep --scale small --seed 0 --out data=data/small/climb/seed0/prep \
        --out metrics=data/small/climb/seed0/prep.metrics.json

Outputs (directory): corpus.jsonl ({source, text, tags}), tokenizer/ (word-level; ids after the specials sorted
by corpus frequency, so the vocabulary curriculum's id threshold is a frequency threshold, as BPE merge ranks are
in the paper), difficulty.json (unigram perplexity per sentence, and source rank), pairs.jsonl (minimal pairs).
At `paper` scale the rule adds --in hub_corpus (BabyLM strict-small), the text comes from there, and --in hub_blimp
(nyu-mll/blimp), whose minimal pairs replace the world's.
"""
from __future__ import annotations

import json
from collections import Counter

from tokenizers import processors

from lmrepro.common.hub import snapshot_lines, snapshot_rows
from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.climb.curricula import unigram_perplexity
from lmrepro.papers.climb.params import CorpusConfig
from lmrepro.worlds.grammar import CLASSES, GrammarConfig, build_grammar, sample_minimal_pairs, \
    sample_sentences

MASK = "<mask>"


def frequency_tokenizer(rows: list[dict]):
    """Word-level tokenizer: specials, <mask>, then words by descending corpus frequency (ties by word)."""
    counts = Counter(w for r in rows for w in r["text"].split())
    words = sorted(counts, key=lambda w: (-counts[w], w))
    tok = build_word_tokenizer([MASK, *words])
    tok.add_special_tokens({"mask_token": MASK, "cls_token": tok.bos_token, "sep_token": tok.eos_token})
    # like a RoBERTa tokenizer, encoding adds <bos> ... <eos> unless add_special_tokens=False
    tok.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{tok.cls_token} $A {tok.sep_token}",
        special_tokens=[(tok.cls_token, tok.cls_token_id), (tok.sep_token, tok.sep_token_id)])
    return tok


def blimp_pairs(snapshot: str, per_paradigm: int) -> list[dict]:
    """The first `per_paradigm` pairs of each BLiMP paradigm (UID) as {good, bad, phenomenon, paradigm}; the
    phenomenon is BLiMP's `linguistics_term` (12 values), the grouping the BabyLM 2023 pipeline reports."""
    taken: Counter = Counter()
    pairs = []
    for row in snapshot_rows(snapshot):
        if taken[row["UID"]] < per_paradigm:
            taken[row["UID"]] += 1
            pairs.append({"good": " ".join(row["sentence_good"].split()), "bad": " ".join(row["sentence_bad"].split()),
                          "phenomenon": row["linguistics_term"], "paradigm": row["UID"]})
    if not pairs:
        raise ValueError(f"no BLiMP rows (sentence_good, sentence_bad, linguistics_term, UID) under {snapshot}")
    return pairs


def main() -> None:
    with Stage.from_argv("climb", "prep") as st:
        grammar_cfg = st.params("grammar", GrammarConfig)
        cfg = st.params("corpus", CorpusConfig)
        grammar = build_grammar(grammar_cfg, derive_seed(st.seed, "grammar"))
        if "hub_corpus" in st.inputs:  # paper: BabyLM strict-small text; no gold tags (tagger: see config notes)
            rows = [{"source": domain, "text": line, "tags": [], "rules": []} for domain, line in
                    snapshot_lines(st.inp("hub_corpus"), cfg.n_per_source, pattern=cfg.hub_text_glob, per_file=True)]
        else:
            rows = [r for src in cfg.sources
                    for r in sample_sentences(grammar, derive_seed(st.seed, "corpus", src), cfg.n_per_source, src)]
        if "hub_blimp" in st.inputs:  # paper: BLiMP's minimal pairs, macro-averaged over its 12 phenomena
            pairs = blimp_pairs(st.inp("hub_blimp"), cfg.n_blimp_pairs_per_paradigm)
            pair_texts = [p[key] for p in pairs for key in ("good", "bad")]  # BabyLM lacks some BLiMP words
        else:
            pairs = sample_minimal_pairs(grammar, derive_seed(st.seed, "pairs"), cfg.n_pairs_per_phenomenon)
            pair_texts = [p["bad"] for p in pairs]
        tokenizer = frequency_tokenizer(rows + [{"text": text} for text in pair_texts])
        ppl = unigram_perplexity([r["text"].split() for r in rows])
        rank = {s: i for i, s in enumerate(cfg.sources)}
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "corpus.jsonl").write_text("".join(
                json.dumps({"source": r["source"], "text": r["text"], "tags": r["tags"]}) + "\n" for r in rows))
            (tmp / "difficulty.json").write_text(json.dumps({
                "unigram_ppl": ppl, "source_rank": [rank.get(r["source"], len(rank)) for r in rows]}))
            (tmp / "pairs.jsonl").write_text("".join(json.dumps(p, sort_keys=True) + "\n" for p in pairs))
            tokenizer.save_pretrained(tmp / "tokenizer")
        by_src = Counter(r["source"] for r in rows)
        st.log_metrics({"vocab_size": len(tokenizer), "n_sentences": len(rows), "n_pairs": len(pairs),
                        "n_classes": len(CLASSES),
                        **{f"mean_words_{s}": sum(len(r["text"].split()) for r in rows if r["source"] == s) / n
                           for s, n in by_src.items()},
                        **{f"mean_unigram_ppl_{s}": sum(p for p, r in zip(ppl, rows) if r["source"] == s) / n
                           for s, n in by_src.items()}})


if __name__ == "__main__":
    main()
