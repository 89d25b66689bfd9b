"""Prepare LID's small-scale data: the world text and tokenizer, the held-out (colour, type) pairs, expert demos,
ADG and evaluation env seeds (spec DAG: make_corpus, gen_demos).

    lmrepro stage lid.prep --scale small --seed 0 --out data=data/small/lid/seed0/prep --out metrics=...
    (ci: --scale ci; paper: the four levels of the paper's BabyAI figure; VirtualHome is not installable here)

Held-out pairs: a seeded `heldout_frac` share of the 18 (colour, type) pairs of keys, balls and boxes. Missions
naming one are never demo or ADG missions; they make the novel-combination evaluation split (spec Small scale).
Each level's env seeds are scanned in order from 0 (demos), `adg_seed_offset` (ADG) and `eval_seed_offset`
(evaluation), so the three sets are disjoint (spec pitfall). The held-out pairs do occur in the world text.

Output directory: corpus.jsonl ({"text"} rows for the shared LM stage), tokenizer/ (word level), demos.jsonl
(`babyai.bot_demo` records plus `level`), split.json (held-out pairs; per level: demo, ADG and eval seeds).
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.lid.hindsight import GOAL_TYPES
from lmrepro.papers.lid.params import PrepConfig, WorldTextConfig
from lmrepro.papers.lid.policy import mission_pair
from lmrepro.papers.lid.world_text import world_sentences
from lmrepro.worlds import babyai

# words the policy input may hold beyond the world text and the missions: its separators, "none", action names,
# and every word `view_text` can write
POLICY_WORDS = ("|", "none", "carry", "nothing", "facing", *babyai.ACTIONS, *babyai.COLORS, *babyai.OBJECTS,
                *(f"{d}{n}" for d in "flr" for n in range(babyai.VIEW)), "c0")


def heldout_pairs(frac: float, seed: int) -> list[tuple[str, str]]:
    pairs = [(c, t) for c in babyai.COLORS for t in GOAL_TYPES]
    return sorted(random.Random(seed).sample(pairs, max(1, round(frac * len(pairs)))))


def scan(env, start: int, want, n: int, limit: int = 200_000) -> list[int]:
    """The first `n` seeds from `start` whose mission satisfies `want`."""
    found = []
    with babyai.quiet():
        for seed in range(start, start + limit):
            if want(env.reset(seed=seed)[0]["mission"]):
                found.append(seed)
                if len(found) == n:
                    return found
    raise ValueError(f"only {len(found)} of {n} wanted missions in seeds {start}..{start + limit}")


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("lid", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        wcfg = st.params("world_text", WorldTextConfig)
        heldout = heldout_pairs(cfg.heldout_frac, derive_seed(st.seed, "heldout"))
        is_novel = lambda mission: mission_pair(mission) in heldout  # noqa: E731
        sentences = world_sentences(wcfg.n_sentences, derive_seed(st.seed, "world_text"))
        split = {"heldout_pairs": [list(p) for p in heldout], "levels": {}}
        demos, missions, stats = [], [], {}
        for level in cfg.levels:
            env = babyai.make_env(level)
            in_dist = lambda mission: not is_novel(mission)  # noqa: E731
            demo_seeds = scan(env, 0, in_dist, cfg.n_demos)
            level_demos = babyai.bot_demos(level, demo_seeds)
            demos += [{"level": level, **d} for d in level_demos]
            split["levels"][level] = {
                "demo_seeds": demo_seeds,
                "adg_seeds": scan(env, cfg.adg_seed_offset, in_dist, cfg.n_adg_seeds),
                "eval": {"in_dist": scan(env, cfg.eval_seed_offset, in_dist, cfg.n_eval),
                         "novel": scan(env, cfg.eval_seed_offset, is_novel, cfg.n_eval)}}
            with babyai.quiet():
                for name in ("in_dist", "novel"):
                    missions += [env.reset(seed=s)[0]["mission"] for s in split["levels"][level]["eval"][name]]
            missions += [d["mission"] for d in level_demos]
            name = level.split("-")[1]
            stats[f"n_demos_{name}"] = len(level_demos)
            stats[f"n_transitions_{name}"] = sum(len(d["steps"]) for d in level_demos)
        # the spec's split assertion: no demo mission names a held-out pair (the world text may)
        leaked = [d["mission"] for d in demos if is_novel(d["mission"])]
        if leaked:
            raise AssertionError(f"held-out pairs in demo missions: {leaked[:3]}")
        words = [w for text in sentences + missions for w in text.split()] + list(POLICY_WORDS)
        tokenizer = build_word_tokenizer(words)
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "corpus.jsonl", [{"text": s} for s in sentences])
            write_jsonl(tmp / "demos.jsonl", demos)
            write_json(tmp / "split.json", split)
            tokenizer.save_pretrained(tmp / "tokenizer")
        heldout_text = sum(any(f"{c} {t}" in s for c, t in heldout) for s in sentences)
        stats.update({"n_sentences": len(sentences), "vocab_size": len(tokenizer), "n_heldout_pairs": len(heldout),
                      "sentences_with_heldout_pair": heldout_text})
        st.log_metrics(stats)
        print(json.dumps({**stats, "heldout": heldout}, indent=1))


if __name__ == "__main__":
    main()
