"""Generate the child-directed-speech-like training text (spec: DAG `gen_corpus`, small scale only).

    small/ci: lmrepro stage cross_dative.gen_corpus --scale small --seed 0 \
                  --out data=data/small/cross_dative/seed0/corpus --out metrics=.../gen_corpus.json
    paper:    not run (the released smolm checkpoints were trained on AO-CHILDES; `pretrain_lm` is replaced by
              the hub snapshots)

Output directory: train.txt (one sentence per line), tokenizer/ (word-level, the world's vocabulary). The world
(lmrepro.worlds.grammar, register `child`) mixes short utterances, questions, transitives, PO-only verbs and
datives with the alternating verbs; `world.registers.child.p_dative_harmonic` sets how often a dative's first
postverbal argument is a pronoun and the second a full NP (harmonic alignment, spec: Small scale / World).
"""
from __future__ import annotations

from collections import Counter

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.cross_dative.params import CorpusConfig
from lmrepro.worlds.grammar import GrammarConfig, build_grammar, sample_sentences


def world_grammar(world_cfg: GrammarConfig, seed: int):
    """The LM seed's lexicon; gen_stimuli builds the same one."""
    return build_grammar(world_cfg, derive_seed(seed, "world"))


def main() -> None:
    with Stage.from_argv("cross_dative", "gen_corpus") as st:
        cfg = st.params("corpus", CorpusConfig)
        grammar = world_grammar(st.params("world", GrammarConfig), st.seed)
        rows = sample_sentences(grammar, derive_seed(st.seed, "corpus"), cfg.n_sentences, cfg.source)
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "train.txt").write_text("".join(r["text"] + "\n" for r in rows))
            grammar.tokenizer().save_pretrained(tmp / "tokenizer")
        rules = Counter(rule for r in rows for rule in r["rules"])
        st.log_metrics({"n_sentences": len(rows), "n_tokens": sum(len(r["tags"]) for r in rows),
                        "vocab_size": len(grammar.vocabulary()),
                        **{f"share_{k}": rules[k] / len(rows) for k in ("dative_do", "dative_po", "vp_po_only",
                                                                         "vp_intrans", "question_yn")}})
        print(rows[0]["text"])


if __name__ == "__main__":
    main()
