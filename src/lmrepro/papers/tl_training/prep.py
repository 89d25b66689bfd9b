"""Prepare tl_training's data: the noisy teacher's trajectories, held-out queries with clean and noisy tool docs,
and the word-piece tokenizer.

    lmrepro stage tl_training.prep --scale small --seed 0 --out data=data/small/tl_training/seed0/prep \
        --out metrics=data/small/tl_training/seed0/prep.metrics.json

Spec DAG steps 1-2 (prep_raw, mae_split; the split itself happens when `sft` reads the trajectories, so all arms
read one file). Small/ci: the seeded tool world (lmrepro.worlds.tools): `n_train` queries (world.p_sibling of
them list the gold tool's sibling), the teacher's trajectories (systematic errors, `world.teacher_bias_tools`),
and `n_test` held-out queries of which `test_p_sibling` list the sibling (the slice where key tokens matter).
The metrics count the turns MAE drops and how often the paper's error-signature filter agrees with the
executor's structured flag (spec pitfall). Paper scale: the authors' 1,217 trajectories and the four test sets
need converters into this schema; not wired (see the config's paper notes).

Output directory: trajectories.jsonl (world.teacher_trajectories rows), test.jsonl (query rows plus
`system_clean` and `system_noisy` tool docs), corpus.jsonl (the base LM's copy corpus, `copy_corpus`),
tokenizer/.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.tl_training.data import ROLES, error_by_signature, lex, turn_samples, turn_words
from lmrepro.papers.tl_training.params import PrepConfig
from lmrepro.worlds import tools as W


DOCSTRING_RE = re.compile(r' "[^"]*"')


def strip_docstrings(trajectories: list[dict], test: list[dict]) -> None:
    """Signatures only: `def name(params): "doc"` -> `def name(params):` in every system message."""
    for t in trajectories:
        t["turns"][0]["content"] = DOCSTRING_RE.sub("", t["turns"][0]["content"])
    for row in test:
        for key in ("system_clean", "system_noisy"):
            row[key] = DOCSTRING_RE.sub("", row[key])


COPY_KEYS = ("name", "item", "value", "word")


def copy_corpus(world: W.ToolWorld, queries: list[dict], n: int, seed: int) -> list[str]:
    """The base LM's corpus (a stand-in for a code model's pretraining): a run of query words with one world value
    among them, then `key = ' value '`, so the base learns to copy a value it has read into quotes. No tool name
    and no tool parameter appears; the query words come from the training queries."""
    rng = random.Random(seed)
    words = sorted({w for q in queries for w in lex(q["query"])} - set(world.vocabulary()))
    values = world.vocabulary()
    lines = []
    for _ in range(n):
        value = rng.choice(values)
        context = rng.sample(words, rng.randint(3, 8))
        context.insert(rng.randrange(len(context) + 1), value)
        lines.append(" ".join([*context, ";", rng.choice(COPY_KEYS), "=", "'", value, "'"]))
    return lines


def main() -> None:
    with Stage.from_argv("tl_training", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        wcfg = st.params("world", W.ToolWorldConfig)
        world = W.build_world(wcfg, derive_seed(st.seed, "world"))
        train = W.sample_queries(world, wcfg, cfg.n_train, derive_seed(st.seed, "train_queries"))
        trajectories = W.teacher_trajectories(world, wcfg, train, derive_seed(st.seed, "teacher"))
        test = W.sample_queries(world, wcfg, cfg.n_test, derive_seed(st.seed, "test_queries"),
                                p_sibling=cfg.test_p_sibling)
        rng = random.Random(derive_seed(st.seed, "noisy_docs"))
        for row in test:
            row["system_clean"] = W.render_docs(row["tools"])
            row["system_noisy"] = W.render_docs(row["tools"], noisy=True, rng=rng)
        if not cfg.docstrings:
            strip_docstrings(trajectories, test)
        words = set(ROLES.values())
        for t in trajectories:
            words |= {w for turn in t["turns"] for w in turn_words(turn)}
        for row in test:
            words |= {w for key in ("system_clean", "system_noisy", "query", "gold") for w in lex(row[key])}
        corpus = copy_corpus(world, train, cfg.n_base_lines, derive_seed(st.seed, "copy_corpus"))
        words |= {w for line in corpus for w in line.split()}
        feedback = [turn for t in trajectories for turn in t["turns"] if turn["role"] == "tool"]
        stats = {"n_trajectories": len(trajectories),
                 "teacher_error_share": sum(t["teacher_error"] is not None for t in trajectories) / len(trajectories),
                 "vanilla_samples": sum(len(turn_samples(t, False)) for t in trajectories),
                 "mae_samples": sum(len(turn_samples(t, True)) for t in trajectories),
                 "signature_filter_agreement": sum((turn["error"] is not None) == error_by_signature(turn["content"])
                                                   for turn in feedback) / len(feedback),
                 "test_sibling_share": sum(r["sibling_listed"] for r in test) / len(test),
                 "teacher_biases": W.teacher_biases(wcfg, derive_seed(st.seed, "teacher"))}
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(Path(tmp) / "trajectories.jsonl", trajectories)
            write_jsonl(Path(tmp) / "test.jsonl", test)
            write_jsonl(Path(tmp) / "corpus.jsonl", [{"text": line} for line in corpus])
            from lmrepro.common.tokenizers import build_word_tokenizer

            build_word_tokenizer(sorted(words)).save_pretrained(Path(tmp) / "tokenizer")
        st.log_metrics({k: v for k, v in stats.items() if not isinstance(v, dict)})
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
