"""Prepare context_pref's data: RPR-style rows, general pairs, held-out tests, user profiles, the trunk's text.

    lmrepro stage context_pref.prep --scale small --seed 0 --out data=data/small/context_pref/seed0/prep ...

Spec Small scale, on the feedback world's styled answers (lmrepro.worlds.feedback): a row is a pair of answers
differing on >= 3 styles, a criterion x preferring `a` and its reversal y preferring `b` (the paper's RPR data).
Training rows use the fine-tuning entities and the train phrasings of each criterion, plus a `p_negative` share
stated by negative criteria ("avoid long answers") for every style but `heldout_negative_style`; general pairs
are context-free, labelled by a fixed "average user" profile. Tests use held-out entities and the held-out
phrasing: reversal rows, adversarial rows (negative criteria of the held-out style), and pairs labelled by each
of `n_profiles` user profiles (an inference pool and a test pool per profile). The trunk's corpus has criteria
lines, query-answer lines and (`p_synonym_lines`) lines stating that two phrasings of a criterion mean the same,
never a criterion next to an answer: the RM task is learned only in train_rm.
Paper scale would read microsoft/rpr (`lmrepro.worlds.feedback.load_rpr`); not wired yet (dry-run only).

Output directory: train_rows.jsonl, general.jsonl, test_rows.jsonl, adversarial.jsonl, profiles.json,
profile_pairs.jsonl, world.json, corpus.jsonl, tokenizer/.
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.context_pref.data import paraphrases, profile_text, rephrase
from lmrepro.papers.context_pref.params import PrepConfig
from lmrepro.worlds import feedback as W


def main() -> None:
    with Stage.from_argv("context_pref", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        wcfg = st.params("world", W.FeedbackWorldConfig)
        world = W.build_world(wcfg, derive_seed(st.seed, "world"))
        table = paraphrases(wcfg)
        rng = random.Random(derive_seed(st.seed, "phrasing"))
        seed = lambda name: derive_seed(st.seed, name)  # noqa: E731
        other_styles = tuple(s for s in W.STYLES if s != cfg.heldout_negative_style)
        n_neg = round(cfg.p_negative * cfg.n_train_rows)
        train = (W.rpr_pairs(world, wcfg, world.finetune, cfg.n_train_rows - n_neg, seed("train"))
                 + W.rpr_pairs(world, wcfg, world.finetune, n_neg, seed("train_negative"), other_styles, True))
        train = [{**r, "criterion_x": rephrase(r["criterion_x"], table, "train", rng.randrange(99)),
                  "criterion_y": rephrase(r["criterion_y"], table, "train", rng.randrange(99))} for r in train]
        average_user = W.sample_profiles(1, seed("average_user"))[0]
        general = []
        for r in W.rpr_pairs(world, wcfg, world.finetune, cfg.n_general, seed("general")):
            a_wins = W.profile_prefers(average_user, r["a"], r["b"]) == 1
            general.append({"prompt": r["prompt"], "chosen": r["a"] if a_wins else r["b"],
                            "rejected": r["b"] if a_wins else r["a"]})
        test = [{**r, "criterion_x": rephrase(r["criterion_x"], table, "test"),
                 "criterion_y": rephrase(r["criterion_y"], table, "test")}
                for r in W.rpr_pairs(world, wcfg, world.heldout, cfg.n_test_rows, seed("test"))]
        adversarial = W.rpr_pairs(world, wcfg, world.heldout, cfg.n_adversarial_rows, seed("adversarial"),
                                  (cfg.heldout_negative_style,), True)
        profiles = W.sample_profiles(cfg.n_profiles, seed("profiles"))
        profile_pairs = [{"prompt": r["prompt"], "a": r["a"], "b": r["b"],
                          "prefers_a": [W.profile_prefers(p, r["a"], r["b"]) == 1 for p in profiles]}
                         for r in W.rpr_pairs(world, wcfg, world.heldout, 2 * cfg.n_profile_pairs, seed("profile"))]
        corpus_rng = random.Random(seed("corpus"))
        texts = [c["text"] for c in W.criteria(wcfg)]
        synonyms = [texts for texts in table.values() if len(texts) > 1]

        def corpus_line(name: str) -> str:
            u = corpus_rng.random()
            if u < cfg.p_synonym_lines:
                return " means ".join(corpus_rng.sample(corpus_rng.choice(synonyms), 2))
            if u < cfg.p_synonym_lines + 0.3:
                return corpus_rng.choice(texts)
            return f"{W.query(name)} : {W.styled_answer(world, name, tuple(corpus_rng.randint(0, 1) for _ in W.STYLES))}"

        corpus = [corpus_line(corpus_rng.choice(list(world.entities))) for _ in range(cfg.n_corpus_lines)]
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "train_rows.jsonl", train)
            write_jsonl(tmp / "general.jsonl", general)
            write_jsonl(tmp / "test_rows.jsonl", test)
            write_jsonl(tmp / "adversarial.jsonl", adversarial)
            write_json(tmp / "profiles.json", {"profiles": profiles,
                                               "texts": [profile_text(p, table) for p in profiles]})
            write_jsonl(tmp / "profile_pairs.jsonl", profile_pairs)
            write_jsonl(tmp / "corpus.jsonl", [{"text": line} for line in corpus])
            build_word_tokenizer([*world.vocabulary(), "means"]).save_pretrained(tmp / "tokenizer")
        stats = {"n_train_rows": len(train), "n_negative_train_rows": n_neg, "n_general": len(general),
                 "n_test_rows": len(test), "n_adversarial_rows": len(adversarial),
                 "n_profile_pairs": len(profile_pairs)}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
