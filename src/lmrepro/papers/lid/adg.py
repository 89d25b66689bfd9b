"""Active data gathering without expert data (paper §4.2, ADG table), one arm per job, then its success rates.

    lmrepro stage lid.adg --scale small --seed 0 --set run.arm=relabel --in data=data/small/lid/seed0/prep \
        --in lm=results/small/lid/runs/seed0/lm --out policy=results/small/lid/runs/seed0/adg_relabel \
        --out buffer=results/small/lid/runs/seed0/adg_relabel_buffer.jsonl \
        --out metrics=results/small/lid/runs/seed0/adg_relabel.json
    (ci: --scale ci; arms: relabel, norelabel; paper: the same on gpt2, the hub snapshot, dry run here)

The policy starts from the pre-trained LM (no demos). Each round: (i) roll out the current policy on in-distribution
missions (sampled from its distribution, epsilon-random actions); (ii) relabel: every episode gives one
sub-trajectory per goal it achieved (lid.hindsight), held-out pairs dropped; the `norelabel` baseline keeps only
the episodes that succeeded at their own mission; both arms train on the last `keep_last` steps of what they keep;
(iii) behaviour cloning on the whole growing buffer.
"""
from __future__ import annotations

import random

from lmrepro.common.io import read_json, write_jsonl
from lmrepro.common.models import load_tokenizer
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.lid.hindsight import relabel, useful_start
from lmrepro.papers.lid.params import ADG_ARMS, ADGConfig, EvalConfig, PolicyConfig, RunConfig
from lmrepro.papers.lid.policy import actor, bc_loss, build_policy, policy_batches, save_policy, transitions
from lmrepro.papers.lid.success import level_name, success_rates
from lmrepro.worlds import babyai


def main() -> None:
    with Stage.from_argv("lid", "adg") as st:
        arm = st.params("run", RunConfig).arm
        if arm not in ADG_ARMS:
            raise SystemExit(f"lid.adg: run.arm must be one of {ADG_ARMS}, got {arm!r}")
        pcfg, acfg = st.params("policy", PolicyConfig), st.params("adg", ADGConfig)
        tcfg, ecfg = st.params("adg_train", TrainConfig), st.params("evaluate", EvalConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(st.inp("lm"))  # the LM's own (paper scale: GPT-2 BPE)
        split = read_json(data / "split.json")
        heldout = {tuple(p) for p in split["heldout_pairs"]}
        levels = list(split["levels"])

        seed_everything(derive_seed(st.seed, "policy_init"))
        policy = build_policy("lid_pre", pcfg, tokenizer, lm_dir=st.inp("lm"))
        rng = random.Random(derive_seed(st.seed, "adg_goals"))
        buffer: list[dict] = []
        for r in range(acfg.rounds):
            for k, level in enumerate(levels):  # (i) explore on sampled in-distribution missions
                n = acfg.episodes // len(levels) + (k < acfg.episodes % len(levels))
                seeds = rng.sample(split["levels"][level]["adg_seeds"], n)
                explore = actor(policy, greedy=False, epsilon=acfg.epsilon, seed=derive_seed(st.seed, "explore", r, k))
                episodes = babyai.rollouts(explore, level, seeds, acfg.max_steps)
                st.log_curve(f"rollout_success/{level_name(level)}", r, sum(e["reward"] > 0 for e in episodes) / n)
                # (ii) hindsight relabelling, or only the episodes that reached their own goal
                kept = ([sub for e in episodes for sub in relabel(e, heldout, acfg.keep_last)] if arm == "relabel"
                        else [{**e, "start": useful_start(len(e["steps"]), acfg.keep_last), "relabelled": False}
                              for e in episodes if e["reward"] > 0])
                buffer += [{"level": level, "round": r, "seed": e["seed"], "mission": e["mission"],
                            "relabelled": e["relabelled"], "start": e["start"], "steps": e["steps"]} for e in kept]
            examples = transitions(buffer)
            st.log_curve("buffer/transitions", r, len(examples))
            if not examples:  # nothing gathered yet (norelabel before its first success): explore again
                continue
            get_batch = policy_batches(policy, examples, acfg.batch_size, derive_seed(st.seed, "adg_batches", r))
            offset = r * tcfg.steps  # (iii) BC on the buffer; curves continue across rounds
            train(policy, bc_loss, get_batch, tcfg, log=lambda name, step, v: st.log_curve(name, offset + step, v),
                  desc=f"lid adg [{arm}] round {r}")
        save_policy(policy, st.out("policy"))
        # the buffer without its views (the env seed and the actions replay them)
        keys = ("level", "round", "seed", "mission", "relabelled", "start")
        write_jsonl(st.out("buffer"), [{**{k: e[k] for k in keys}, "actions": [s["action"] for s in e["steps"]]}
                                       for e in buffer])

        goals = {e["mission"] for e in buffer}
        st.log_metrics({"buffer_episodes": len(buffer), "buffer_transitions": len(transitions(buffer)),
                        "buffer_goals": len(goals), **success_rates(policy, split, ecfg.max_steps)})


if __name__ == "__main__":
    main()
