"""Cut the token stream into next-word windows (spec: DAG `make_windows`, Method / Data).

    lmrepro stage word_class.make_windows --scale small --seed 0 --in data=data/small/word_class/seed0/corpus \
        --out windows=data/small/word_class/seed0/windows --out metrics=.../make_windows.json

Sentences are concatenated into one stream (train lines and held-out lines separately). A window is `context`
consecutive tokens; the target is the next token. Output directory: vocab.json (id order: <unk>, then train
types by frequency, capped at `vocab_size`), windows_train.safetensors (every train position: inputs, target) and
windows_test.safetensors (held-out windows, exactly `n_test_per_class` per class of `classes`, drawn at random without
replacement: inputs, target, position (the target's index in the held-out stream), target_class, last_class
as indices into `classes`; last_class is -1 when the last input word's class is not one of them).
Metric context_ceiling: the balanced next-class accuracy of a count-based oracle on gold classes (see
`context_ceiling`), the best a probe of the target class can roughly expect (A4).
"""
from __future__ import annotations

import json

import numpy as np
from safetensors.numpy import save_file

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.word_class.params import WindowConfig

UNK = "<unk>"


def stream(lines: list[str]) -> list[str]:
    return [w for line in lines for w in line.split()]


def build_vocab(train_tokens: list[str], vocab_size: int) -> list[str]:
    counts: dict[str, int] = {}
    for w in train_tokens:
        counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return [UNK, *(ranked[: vocab_size - 1] if vocab_size else ranked)]


def windows(ids: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    """All (inputs, target) pairs of a stream: inputs[i] = ids[i:i+context], target[i] = ids[i+context]."""
    idx = np.arange(len(ids) - context)[:, None] + np.arange(context + 1)[None, :]
    w = ids[idx]
    return w[:, :context], w[:, context]


def balanced_test(ids: np.ndarray, tags: list[str], cfg: WindowConfig, seed: int) -> dict[str, np.ndarray]:
    inputs, target = windows(ids, cfg.context)
    target_tag = np.array(tags[cfg.context:])
    last_tag = np.array(tags[cfg.context - 1:-1])
    rng = np.random.default_rng(seed)
    picks = []
    for c in cfg.classes:
        pos = np.flatnonzero(target_tag == c)
        if len(pos) < cfg.n_test_per_class:
            raise ValueError(f"held-out stream has {len(pos)} windows with target class {c}, need "
                             f"{cfg.n_test_per_class}: raise corpus.n_heldout")
        picks.append(np.sort(rng.choice(pos, cfg.n_test_per_class, replace=False)))
    sel = np.concatenate(picks)
    index = {c: i for i, c in enumerate(cfg.classes)}
    return {"inputs": inputs[sel], "target": target[sel], "position": sel + cfg.context,
            "target_class": np.array([index[t] for t in target_tag[sel]]),
            "last_class": np.array([index.get(t, -1) for t in last_tag[sel]])}


def context_ceiling(train_tokens: list[str], train_tags: list[str], test_tokens: list[str], test_tags: list[str],
                    test: dict[str, np.ndarray], classes: list[str], order: int = 6) -> float:
    """Balanced next-class accuracy of a count-based oracle that sees the gold classes of the last `order` tokens
    and the last word (backing off to the classes alone): an estimate of how far the context determines the
    next word's class among `classes`, i.e. of the ceiling for the A4 probe."""
    from collections import Counter, defaultdict

    allowed = set(classes)
    by_full: dict = defaultdict(Counter)
    by_tags: dict = defaultdict(Counter)
    for i in range(order, len(train_tags)):
        if train_tags[i] in allowed:
            tags = tuple(train_tags[i - order:i])
            by_full[(tags, train_tokens[i - 1])][train_tags[i]] += 1
            by_tags[tags][train_tags[i]] += 1
    hits = 0
    for pos, tc in zip(test["position"], test["target_class"]):
        tags = tuple(test_tags[pos - order:pos])
        counts = by_full.get((tags, test_tokens[pos - 1])) or by_tags.get(tags)
        hits += bool(counts) and counts.most_common(1)[0][0] == classes[tc]
    return hits / len(test["target_class"])


def main() -> None:
    with Stage.from_argv("word_class", "make_windows") as st:
        cfg = st.params("windows", WindowConfig)
        data = st.inp("data")
        n_train = json.loads((data / "meta.json").read_text())["n_train"]
        lines = (data / "tokens.txt").read_text().splitlines()
        tag_lines = (data / "pos.txt").read_text().splitlines()
        train_tokens, test_tokens = stream(lines[:n_train]), stream(lines[n_train:])
        train_tags, test_tags = stream(tag_lines[:n_train]), stream(tag_lines[n_train:])
        vocab = build_vocab(train_tokens, cfg.vocab_size)
        index = {w: i for i, w in enumerate(vocab)}
        to_ids = lambda toks: np.array([index.get(w, 0) for w in toks], dtype=np.int64)  # noqa: E731
        train_in, train_tgt = windows(to_ids(train_tokens), cfg.context)
        test = balanced_test(to_ids(test_tokens), test_tags, cfg, derive_seed(st.seed, "test_windows"))
        with atomic_dir(st.out("windows")) as tmp:
            (tmp / "vocab.json").write_text(json.dumps({"vocab": vocab, "classes": cfg.classes}))
            save_file({"inputs": np.ascontiguousarray(train_in), "target": np.ascontiguousarray(train_tgt)},
                      str(tmp / "windows_train.safetensors"))
            save_file({k: np.ascontiguousarray(v) for k, v in test.items()}, str(tmp / "windows_test.safetensors"))
        ceiling = context_ceiling(train_tokens, train_tags, test_tokens, test_tags, test, cfg.classes)
        st.log_metrics({"context_ceiling": ceiling, "vocab_size": len(vocab), "n_train_windows": len(train_tgt),
                        "n_test_windows": len(test["target"]), "test_unk_rate": float((test["inputs"] == 0).mean()),
                        "test_last_in_classes": float((test["last_class"] >= 0).mean())})


if __name__ == "__main__":
    main()
