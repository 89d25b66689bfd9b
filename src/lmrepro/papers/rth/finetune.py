"""finetune: learning from corrections (paper Sec. 3.3; spec DAG: finetune_{rth_intervene,flat_iwr}).

    ci:    lmrepro stage rth.finetune --scale ci --seed 0 --in model=... --in corrections=... --in episodes=...
               --in motions=... --out model=... --out metrics=... --set run.finetuned=rth_intervene
    small: the same with --scale small (run.finetuned: rth_intervene | flat_iwr)

RT-H-Intervene: the high-level query learns the corrected motions (state, task -> the oracle's motion), mixed with
the original data (both queries), so the low level keeps mapping motions to actions. RT-2-IWR: the flat policy
learns the teleoperated actions of the corrected steps, mixed with its original data. Both take the same steps,
frames per step and share of corrections per batch; the buffers hold the same number of episodes and at most the
same number of corrected steps.
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, save_model
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import causal_lm_loss, train
from lmrepro.papers.rth.frames import load_codec, load_frames, load_world
from lmrepro.papers.rth.params import FINETUNED
from lmrepro.papers.rth.policy import examples
from lmrepro.papers.rth.tokens import normalise_actions
from lmrepro.papers.rth.train import frame_examples
from lmrepro.worlds.motion import scene_from_record


def correction_examples(codec, base: str, rows: list[dict], max_step: float) -> list[list[tuple]]:
    """RT-H: Q_high -> the corrected motion; flat: (task, state) -> the teleoperated action."""
    out = []
    for row in rows:
        prefix = codec.prefix(scene_from_record(row["state"]), row["task"])
        if base == "rth":
            out.append(examples(codec, "high", prefix, tuple(row["motion"]), None))
        else:
            out.append(examples(codec, "flat", prefix, None, normalise_actions(row["action"], max_step)))
    return out


def main() -> None:
    with Stage.from_argv("rth", "finetune") as st:
        run, world_cfg, token_cfg = st.params("run"), st.params("world"), st.params("tokens")
        batch_cfg, mix, train_cfg = st.params("batch"), st.params("finetune"), st.params("finetune_train")
        base = FINETUNED[run.finetuned]
        world = load_world(st.inp("episodes"))
        codec = load_codec(st.inp("model"), world, world_cfg, token_cfg)
        original = frame_examples(codec, base, load_frames(st.inp("episodes"), st.inp("motions"), "train"),
                                  world_cfg.max_step)
        corrections = correction_examples(codec, base, read_jsonl(st.inp("corrections")), world_cfg.max_step)
        n_corr = max(1, round(mix.correction_share * batch_cfg.frames)) if corrections else 0
        seed = derive_seed(st.seed, "finetune_batches")

        def get_batch(step: int) -> dict[str, torch.Tensor]:
            rng = np.random.default_rng([seed, step])
            picked = [original[i] for i in rng.choice(len(original), batch_cfg.frames - n_corr, replace=False)]
            picked += [corrections[i] for i in rng.integers(0, len(corrections), n_corr)] if n_corr else []
            return completion_batch([pair for rows in picked for pair in rows], codec.tok.pad_token_id)

        model = load_model(st.inp("model"))
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, desc=f"finetune {run.finetuned}")
        st.log_timing(result["timing"])
        save_model(model, st.out("model"), codec.tok)
        st.log_metrics({"final_loss": result["loss"], "corrected_steps": len(corrections),
                        "corrections_per_batch": n_corr})


if __name__ == "__main__":
    main()
