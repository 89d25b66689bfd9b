"""label_motions: automatic language motions from proprioception (paper Sec. 3.2; spec: window 3, threshold 0.02).

    ci:    lmrepro stage rth.label_motions --scale ci --seed 0 --in episodes=... --out data=... --out metrics=...
    small: the same with --scale small

For every step of every demo, the gripper's displacement (base frame) over the next `window` steps, cut at a
gripper toggle, gives a word per axis beyond the threshold (or "close/open gripper", or "stay"). Writes train.jsonl
and heldout.jsonl (motion slots per step, aligned with the episodes) and motion_vocab.json (phrase -> count in
training).
"""
from __future__ import annotations

from collections import Counter

from lmrepro.common.io import atomic_dir, read_jsonl, write_json, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.worlds.motion import label_motions, phrase


def main() -> None:
    with Stage.from_argv("rth", "label_motions") as st:
        cfg = st.params("labels")
        out, counts = {}, {}
        for split in ("train", "heldout"):
            rows = []
            for episode in read_jsonl(st.inp("episodes") / f"{split}.jsonl"):
                states = episode["states"]
                motions = label_motions([s["gripper"] for s in states], [s["closed"] for s in states],
                                        cfg.window, cfg.threshold)
                rows.append({"motions": [list(m) for m in motions]})
            out[split] = rows
            counts[split] = Counter(phrase(tuple(m)) for r in rows for m in r["motions"])
        with atomic_dir(st.out("data")) as tmp:
            for split, rows in out.items():
                write_jsonl(tmp / f"{split}.jsonl", rows)
            write_json(tmp / "motion_vocab.json", dict(counts["train"].most_common()))
        total = sum(counts["train"].values())
        st.log_metrics({"phrases": len(counts["train"]), "stay_share": counts["train"]["stay"] / total,
                        "heldout_unseen_phrases": len(set(counts["heldout"]) - set(counts["train"]))})


if __name__ == "__main__":
    main()
