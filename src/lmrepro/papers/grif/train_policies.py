"""train_policies: phase 1 contrastive alignment, then BC for the five variants (spec DAG pretrain_align and
train_policy_{grif,lcbc,joint_noalign,grif_goalonly,oracle_lcbc}: one trainer, flags switch losses and data).

    lmrepro stage grif.train_policies --scale small --seed 0 --in data=data/small/grif/seed0/gen_data \
        --out policies=results/small/grif/runs/seed0/policies --out metrics=results/small/grif/runs/seed0/train.json
    (ci: --scale ci; paper: CLIP towers and a ResNet-34 policy are not wired, the same command dry-runs)

Per batch (paper Method): L = NLL_BC(pi(.|s, f_l(l))) on labeled rows + NLL_BC(pi(.|s, f_g(s0, g))) on all rows
+ lambda * L_align(f_l(l), f_g(s0, g)) on the labeled rows, each variant keeping its terms (method.VARIANT_LOSSES):
LCBC language BC on the labeled rows; joint-noalign both BC terms; GRIF all three, after `align.pretrain_steps`
of L_align alone (phase 1); GRIF-goalonly as GRIF with f_g(g); oracle LCBC language BC on every demo, labeled.
Every variant starts from the same initial weights (the init seed) and sees the same batches.
Outputs: policies/<variant>/ (model.safetensors + config.json); curves <variant>/train/loss (GRIF's also as
train/loss); metrics: final losses and the learned temperature.
"""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.params import TrainConfig
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.grif.data import load_demos, save_agents
from lmrepro.papers.grif.method import VARIANT_LOSSES, GRIFAgent, bc_loss, clipped_tau, grif_info_nce
from lmrepro.papers.grif.params import VARIANTS, AlignConfig, BatchConfig, ModelConfig


def make_loss(demos: dict[str, torch.Tensor], flags: dict[str, bool], align: AlignConfig, align_only: bool = False):
    """loss_fn(agent, batch) for `train`: batch["labeled"] and batch["all"] are step indices."""
    episode, embeddings = demos["episode"], demos["embeddings"]

    def loss_fn(agent: GRIFAgent, batch: dict) -> tuple[torch.Tensor, dict]:
        rows = batch["labeled"]
        ep = episode[rows]
        instruction = demos["text"][ep]
        logs, total = {}, torch.zeros(())
        text_z = agent.task_from_text(embeddings[instruction])
        if flags["language_bc"] and not align_only:
            logs["language_bc"] = bc_loss(agent(demos["view"][rows], text_z), demos["action"][rows])
            total = total + logs["language_bc"]
        if flags["goal_bc"] and not align_only:
            every = batch["all"]
            goal_z = agent.task_from_goal(demos["start"][episode[every]], demos["goal"][episode[every]])
            logs["goal_bc"] = bc_loss(agent(demos["view"][every], goal_z), demos["action"][every])
            total = total + logs["goal_bc"]
        if flags["align"]:
            tau = clipped_tau(agent.log_tau, align)
            logs["align"] = grif_info_nce(text_z, agent.task_from_goal(demos["start"][ep], demos["goal"][ep]),
                                          instruction, tau)
            logs["tau"] = tau.detach()
            total = total + (1.0 if align_only else align.weight) * logs["align"]
        return total, {k: float(v) for k, v in logs.items()}

    return loss_fn


with Stage.from_argv("grif", "train_policies") as st:
    model_cfg: ModelConfig = st.params("model")
    align_cfg: AlignConfig = st.params("align")
    batch_cfg: BatchConfig = st.params("batch")
    train_cfg: TrainConfig = st.params("train")

    demos = load_demos(st.inp("data"))
    steps_labeled = torch.nonzero(demos["labeled"][demos["episode"]]).squeeze(1)
    steps_all = torch.arange(demos["action"].numel())
    dims = {"text_dim": demos["embeddings"].size(1), "room_dim": demos["start"].size(1),
            "view_dim": demos["view"].size(1)}

    metrics, timing, agents = {}, {}, {}
    for variant in VARIANTS:
        flags = VARIANT_LOSSES[variant]
        labeled_rows = steps_all if flags["all_labeled"] else steps_labeled
        # the same batches for every variant: the labeled stream and the all-demos stream have their own seeds
        labeled_batches = shuffled_batches({"i": labeled_rows}, batch_cfg.batch_size, derive_seed(st.seed, "labeled"))
        all_batches = shuffled_batches({"i": steps_all}, batch_cfg.batch_size, derive_seed(st.seed, "all"))

        def get_batch(step: int) -> dict:
            return {"labeled": labeled_batches(step)["i"], "all": all_batches(step)["i"]}

        torch.manual_seed(derive_seed(st.seed, "init"))
        agent = GRIFAgent(model_cfg, align_cfg, **dims, goal_only=flags["goal_only"])

        def log(name: str, step: int, value: float, prefix: str = variant) -> None:
            st.log_curve(f"{prefix}/{name}", step, value)
            if variant == "grif" and prefix == variant:
                st.log_curve(name, step, value)

        if flags["align"] and align_cfg.pretrain_steps:  # phase 1: L_align alone on the labeled transitions
            phase1 = TrainConfig(steps=align_cfg.pretrain_steps, lr=align_cfg.pretrain_lr, schedule="constant",
                                 log_every=max(1, align_cfg.pretrain_steps // 10))
            result = train(agent, make_loss(demos, flags, align_cfg, align_only=True), get_batch, phase1,
                           log=lambda name, step, value: log(name, step, value, f"{variant}/phase1"),
                           desc=f"{variant} phase 1")
            metrics[f"phase1_align_{variant}"] = result["loss"]
        result = train(agent, make_loss(demos, flags, align_cfg), get_batch, train_cfg, log=log, desc=variant)
        metrics[f"loss_{variant}"] = result["loss"]
        if flags["align"]:
            metrics[f"tau_{variant}"] = float(clipped_tau(agent.log_tau, align_cfg))
        timing[f"train_s_{variant}"] = result["timing"]["train_s"]
        agents[variant] = agent

    save_agents(agents, st.out("policies"), dims, model_cfg, align_cfg)

    st.log_metrics({**metrics, "labeled_transitions": int(steps_labeled.numel()),
                    "all_transitions": int(steps_all.numel())})
    st.log_timing(timing)
