"""GRIF's pieces (paper Sec. 4, spec Method): room encodings, the agent (f_l, f_g, policy, temperature), the
duplicate-aware contrastive loss, the BC loss, and the per-variant objective.

Rooms come from `lmrepro.worlds.babyai.full_view` as int tensors: grid (B, W, H, 3) [object, colour, state],
pose (B, 3) [x, y, direction], carries (B, 2) [object, colour].
- f_g sees rooms from above (`room_onehot`): s0 and g stacked ("early fusion"), or g alone (GRIF-goalonly).
- the policy sees s_t from the agent (`agent_view`): the whole room shifted and turned so that the agent sits at
  the centre facing up (an MLP over the allocentric one-hot did not learn the bot: small notes).
- z = f(.) / ||f(.)||: both pathways feed the same policy input slot on the unit sphere, where L_align compares
  them by cosine; gradients of BC and of L_align reach both encoders (no stop-gradient).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from lmrepro.papers.grif.params import AlignConfig, ModelConfig

N_OBJECTS, N_COLORS, N_STATES, N_ACTIONS = 11, 6, 4, 7  # minigrid OBJECT/COLOR encodings, 4 directions, 7 actions
DIRECTIONS = torch.tensor([[1, 0], [0, 1], [-1, 0], [0, -1]])  # minigrid DIR_TO_VEC: right, down, left, up

# variant -> which losses it trains (spec Small scale / Variants)
VARIANT_LOSSES = {
    "grif": {"language_bc": True, "goal_bc": True, "align": True, "goal_only": False, "all_labeled": False},
    "lcbc": {"language_bc": True, "goal_bc": False, "align": False, "goal_only": False, "all_labeled": False},
    "joint_noalign": {"language_bc": True, "goal_bc": True, "align": False, "goal_only": False, "all_labeled": False},
    "grif_goalonly": {"language_bc": True, "goal_bc": True, "align": True, "goal_only": True, "all_labeled": False},
    "oracle_lcbc": {"language_bc": True, "goal_bc": False, "align": False, "goal_only": False, "all_labeled": True},
}


def _check_rooms(grid: torch.Tensor, pose: torch.Tensor, carries: torch.Tensor) -> None:
    if grid.ndim != 4 or grid.size(-1) != 3 or grid.size(1) != grid.size(2):
        raise ValueError(f"grid must be (B, W, W, 3), got {tuple(grid.shape)}")
    if pose.shape != (grid.size(0), 3) or carries.shape != (grid.size(0), 2):
        raise ValueError(f"pose must be (B, 3) and carries (B, 2), got {tuple(pose.shape)}, {tuple(carries.shape)}")


def carries_onehot(carries: torch.Tensor) -> torch.Tensor:
    return torch.cat([F.one_hot(carries[:, 0].long(), N_OBJECTS), F.one_hot(carries[:, 1].long(), N_COLORS)], -1)


def room_onehot(grid: torch.Tensor, pose: torch.Tensor, carries: torch.Tensor) -> torch.Tensor:
    """The room from above: one-hot object, colour and state per cell, then what the agent carries; (B, D_room)."""
    _check_rooms(grid, pose, carries)
    grid = grid.long()
    cells = torch.cat([F.one_hot(grid[..., 0], N_OBJECTS), F.one_hot(grid[..., 1], N_COLORS),
                       F.one_hot(grid[..., 2], N_STATES)], -1)
    return torch.cat([cells.flatten(1), carries_onehot(carries)], -1).float()


def agent_view(grid: torch.Tensor, pose: torch.Tensor, carries: torch.Tensor) -> torch.Tensor:
    """The room seen from the agent: a (2W-1) x (2W-1) window whose row is steps ahead and column steps to the
    right (cells outside the room are 'unseen'), one-hot object and colour per cell, then what it carries."""
    _check_rooms(grid, pose, carries)
    b, w = grid.size(0), grid.size(1)
    offsets = torch.arange(-(w - 1), w)
    ahead, right = torch.meshgrid(offsets, offsets, indexing="ij")  # (2W-1, 2W-1)
    forward = DIRECTIONS[pose[:, 2].long()]  # (B, 2)
    rightward = torch.stack([-forward[:, 1], forward[:, 0]], -1)  # turning the heading clockwise
    x = pose[:, 0, None, None] + ahead * forward[:, 0, None, None] + right * rightward[:, 0, None, None]
    y = pose[:, 1, None, None] + ahead * forward[:, 1, None, None] + right * rightward[:, 1, None, None]
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < w)
    flat = (x.clamp(0, w - 1) * w + y.clamp(0, w - 1)).flatten(1)  # (B, (2W-1)^2)
    cells = grid.long().reshape(b, w * w, 3).gather(1, flat[..., None].expand(-1, -1, 3))
    cells = cells * inside.flatten(1)[..., None]  # outside the room: object 0 ('unseen'), colour 0
    view = torch.cat([F.one_hot(cells[..., 0], N_OBJECTS), F.one_hot(cells[..., 1], N_COLORS)], -1)
    return torch.cat([view.flatten(1), carries_onehot(carries)], -1).float()


def mlp(sizes: list[int], dropout: float = 0.0) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class GRIFAgent(nn.Module):
    """f_l (text embedding -> z), f_g ([s0, g] or g -> z), pi(a | s_t, z) and the contrastive temperature."""

    def __init__(self, cfg: ModelConfig, align: AlignConfig, text_dim: int, room_dim: int, view_dim: int,
                 goal_only: bool = False):
        super().__init__()
        self.goal_only = goal_only
        self.text_encoder = mlp([text_dim, cfg.encoder_hidden, cfg.task_dim])
        self.goal_encoder = mlp([room_dim * (1 if goal_only else 2), cfg.encoder_hidden, cfg.task_dim])
        self.policy = mlp([view_dim + cfg.task_dim, *[cfg.policy_hidden] * cfg.policy_layers, N_ACTIONS],
                          cfg.dropout)
        self.log_tau = nn.Parameter(torch.tensor(math.log(align.tau_init)))

    def task_from_text(self, text_embedding: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.text_encoder(text_embedding), dim=-1)

    def task_from_goal(self, start: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        """start, goal: `room_onehot` rows; GRIF-goalonly ignores the start (spec ablation)."""
        fused = goal if self.goal_only else torch.cat([start, goal], -1)
        return F.normalize(self.goal_encoder(fused), dim=-1)

    def forward(self, view: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        return self.policy(torch.cat([view, task], -1))


def clipped_tau(log_tau: torch.Tensor, align: AlignConfig) -> torch.Tensor:
    return log_tau.exp().clamp(align.tau_min, align.tau_max)


def grif_info_nce(text_z: torch.Tensor, goal_z: torch.Tensor, instruction_ids: torch.Tensor,
                  tau: torch.Tensor | float) -> torch.Tensor:
    """Symmetric InfoNCE with every row of the same instruction a positive (grif_release contrastive.py): cosine
    similarity / tau; per row -logsumexp over its positives of log_softmax(row); mean of both directions."""
    if text_z.shape != goal_z.shape or text_z.ndim != 2:
        raise ValueError(f"grif_info_nce: expected two (B, d) tensors, got {tuple(text_z.shape)}, "
                         f"{tuple(goal_z.shape)}")
    if instruction_ids.shape != (text_z.size(0),):
        raise ValueError(f"grif_info_nce: need one instruction id per row, got {tuple(instruction_ids.shape)}")
    logits = F.normalize(text_z, dim=-1) @ F.normalize(goal_z, dim=-1).T / tau
    positive = instruction_ids[:, None] == instruction_ids[None, :]
    losses = []
    for scores in (logits, logits.T):
        log_probs = scores.log_softmax(-1).masked_fill(~positive, float("-inf"))
        losses.append(-log_probs.logsumexp(-1).mean())
    return (losses[0] + losses[1]) / 2


def bc_loss(logits: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """Discrete BC: cross-entropy of the policy's logits with the expert's actions (spec small: 7 logits)."""
    return F.cross_entropy(logits, actions.long())


def retrieval_top1(text_z: torch.Tensor, goal_z: torch.Tensor, instruction_ids: torch.Tensor) -> float:
    """Share of rows whose most similar f_g(s0, g) (by cosine) has the same instruction as the row's f_l(l)."""
    best = (F.normalize(text_z, dim=-1) @ F.normalize(goal_z, dim=-1).T).argmax(-1)
    return float((instruction_ids[best] == instruction_ids).float().mean())
