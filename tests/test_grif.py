"""grif: the duplicate-aware InfoNCE (against pytorch-metric-learning and a numpy port of grif_release's
contrastive loss), BC, retrieval, the room encodings, the variant objectives and the mission parsing."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lmrepro.papers.grif.data import heldout_combos, mission_combos, paraphrase
from lmrepro.papers.grif.method import (VARIANT_LOSSES, GRIFAgent, agent_view, bc_loss, clipped_tau,
                                        grif_info_nce, retrieval_top1, room_onehot)
from lmrepro.papers.grif.params import VARIANTS, AlignConfig, ModelConfig


def numpy_repo_loss(text, goal, ids, tau):
    """grif_release experiments/andre/contrastive.py, ported: cosine logits / tau, the equality mask of the
    instruction ids, per row -logsumexp over positives of the log-softmax, averaged over both directions."""
    text = text / np.linalg.norm(text, axis=1, keepdims=True)
    goal = goal / np.linalg.norm(goal, axis=1, keepdims=True)
    logits = text @ goal.T / tau
    mask = ids[:, None] == ids[None, :]

    def one_way(lg):
        log_sm = lg - np.log(np.exp(lg - lg.max(1, keepdims=True)).sum(1, keepdims=True)) - lg.max(1, keepdims=True)
        pos = np.where(mask, log_sm, -np.inf)
        top = pos.max(1, keepdims=True)
        return -(np.log(np.exp(pos - top).sum(1)) + top[:, 0]).mean()

    return (one_way(logits) + one_way(logits.T)) / 2


def test_info_nce_matches_the_numpy_port_with_repeated_instructions():
    rng = np.random.default_rng(0)
    text, goal = rng.normal(size=(12, 8)), rng.normal(size=(12, 8))
    ids = np.array([0, 1, 1, 2, 3, 3, 3, 4, 5, 6, 6, 7])
    ours = grif_info_nce(torch.tensor(text), torch.tensor(goal), torch.tensor(ids), 0.07)
    assert abs(float(ours) - numpy_repo_loss(text, goal, ids, 0.07)) < 1e-5


def test_info_nce_with_distinct_instructions_is_clip_loss_and_ntxent_both_ways():
    from pytorch_metric_learning.losses import NTXentLoss

    torch.manual_seed(0)
    text, goal, ids = torch.randn(10, 6), torch.randn(10, 6), torch.arange(10)
    ours = grif_info_nce(text, goal, ids, 0.1)
    ntxent = NTXentLoss(temperature=0.1)  # anchors from one modality, positive and negatives from the other
    # (ref_labels must be another tensor: given the labels object itself, the library drops the diagonal pairs)
    library = (ntxent(text, ids, ref_emb=goal, ref_labels=ids.clone())
               + ntxent(goal, ids, ref_emb=text, ref_labels=ids.clone())) / 2
    logits = F.normalize(text, dim=-1) @ F.normalize(goal, dim=-1).T / 0.1
    clip = (F.cross_entropy(logits, ids) + F.cross_entropy(logits.T, ids)) / 2
    assert torch.allclose(ours, library, atol=1e-5) and torch.allclose(ours, clip, atol=1e-5)


def test_info_nce_does_not_push_identical_instructions_apart():
    """Two rows with one instruction and one goal: the masked loss is 0-gradient-free of the duplicate penalty
    that a one-positive-per-row CLIP loss has (the spec's first pitfall)."""
    z = F.normalize(torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), dim=-1)
    ids = torch.tensor([0, 0, 1])
    masked = grif_info_nce(z, z, ids, 0.05)
    clip = grif_info_nce(z, z, torch.arange(3), 0.05)
    assert float(masked) < 1e-3 and float(clip) > 0.3


def test_info_nce_rejects_bad_shapes():
    with pytest.raises(ValueError, match="one instruction id per row"):
        grif_info_nce(torch.randn(4, 3), torch.randn(4, 3), torch.arange(3), 0.1)
    with pytest.raises(ValueError, match="two \\(B, d\\)"):
        grif_info_nce(torch.randn(4, 3), torch.randn(4, 2), torch.arange(4), 0.1)


def test_temperature_is_clipped():
    align = AlignConfig()
    assert float(clipped_tau(torch.tensor(math.log(1e-5)), align)) == pytest.approx(0.01)
    assert float(clipped_tau(torch.tensor(math.log(1e5)), align)) == pytest.approx(100.0)
    assert float(clipped_tau(torch.tensor(math.log(0.07)), align)) == pytest.approx(0.07)


def test_bc_loss_is_cross_entropy_and_retrieval_counts_matching_instructions():
    logits, actions = torch.tensor([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]), torch.tensor([0, 2])
    by_hand = -(torch.log_softmax(logits, -1)[0, 0] + torch.log_softmax(logits, -1)[1, 2]) / 2
    assert torch.allclose(bc_loss(logits, actions), by_hand)
    text = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    goal = torch.tensor([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])  # rows 1 and 2 retrieve each other's goal
    assert retrieval_top1(text, goal, torch.tensor([0, 1, 2])) == pytest.approx(1 / 3)
    assert retrieval_top1(text, goal, torch.tensor([5, 7, 7])) == 1.0


def test_room_onehot_marks_one_value_per_channel_and_the_carried_object():
    grid = torch.zeros(1, 3, 3, 3, dtype=torch.long)
    grid[0, :, :, 0] = 1  # empty
    grid[0, 1, 1] = torch.tensor([10, 0, 2])  # the agent, facing left
    x = room_onehot(grid, torch.tensor([[1, 1, 2]]), torch.tensor([[6, 3]]))  # carrying a purple ball
    assert x.shape == (1, 9 * 21 + 17) and float(x.sum()) == 9 * 3 + 2
    cell = x[0, :9 * 21].view(3, 3, 21)[1, 1]
    assert cell[10] == 1 and cell[11 + 0] == 1 and cell[17 + 2] == 1
    assert x[0, 9 * 21 + 6] == 1 and x[0, 9 * 21 + 11 + 3] == 1


@pytest.mark.parametrize("direction, ahead_cell", [(0, (2, 1)), (1, (1, 2)), (2, (0, 1)), (3, (1, 0))])
def test_agent_view_puts_what_is_ahead_in_front_whichever_way_the_agent_faces(direction, ahead_cell):
    grid = torch.ones(1, 3, 3, 3, dtype=torch.long)
    grid[..., 1:] = 0
    grid[0, 1, 1] = torch.tensor([10, 0, direction])
    grid[0, ahead_cell[0], ahead_cell[1]] = torch.tensor([6, 2, 0])  # a blue ball one step ahead
    view = agent_view(grid, torch.tensor([[1, 1, direction]]), torch.zeros(1, 2, dtype=torch.long))
    cells = view[0, :25 * 17].view(5, 5, 17)  # rows: -2..2 steps ahead, columns: -2..2 steps right
    assert cells[2, 2, 10] == 1  # the agent at the centre
    assert cells[3, 2, 6] == 1 and cells[3, 2, 11 + 2] == 1  # the ball one step ahead, straight on
    assert cells[0, 0, 0] == 1 and cells[0, 0, 11] == 1  # outside the room: unseen, colour 0
    assert float(cells.sum()) == 25 * 2


def test_room_encodings_reject_bad_shapes():
    with pytest.raises(ValueError, match="grid must be"):
        room_onehot(torch.zeros(1, 3, 4, 3, dtype=torch.long), torch.zeros(1, 3), torch.zeros(1, 2))
    with pytest.raises(ValueError, match="pose must be"):
        agent_view(torch.zeros(1, 3, 3, 3, dtype=torch.long), torch.zeros(1, 2), torch.zeros(1, 2))


def test_every_variant_has_its_losses_and_goal_only_ignores_the_start():
    assert set(VARIANT_LOSSES) == set(VARIANTS)
    assert VARIANT_LOSSES["grif"]["align"] and not VARIANT_LOSSES["joint_noalign"]["align"]
    assert not VARIANT_LOSSES["lcbc"]["goal_bc"] and VARIANT_LOSSES["oracle_lcbc"]["all_labeled"]
    torch.manual_seed(0)
    agent = GRIFAgent(ModelConfig(task_dim=4, encoder_hidden=8, policy_hidden=8), AlignConfig(), 5, 6, 7,
                      goal_only=True)
    start, goal = torch.randn(2, 6), torch.randn(2, 6)
    z = agent.task_from_goal(start, goal)
    assert torch.allclose(z, agent.task_from_goal(torch.randn(2, 6), goal))
    assert torch.allclose(z.norm(dim=-1), torch.ones(2)) and agent(torch.randn(2, 7), z).shape == (2, 7)
    both = GRIFAgent(ModelConfig(task_dim=4, encoder_hidden=8, policy_hidden=8), AlignConfig(), 5, 6, 7)
    assert not torch.allclose(both.task_from_goal(start, goal), both.task_from_goal(torch.randn(2, 6), goal))


def test_missions_parse_and_paraphrase():
    assert mission_combos("put the red ball next to the grey key") == (("red", "ball"), ("grey", "key"))
    assert paraphrase("put the red ball next to the grey key", "move the {a} beside the {b}") == \
        "move the red ball beside the grey key"
    with pytest.raises(ValueError, match="not a put-next mission"):
        mission_combos("go to the red ball")
    held = heldout_combos(0.25, 0)
    assert held == heldout_combos(0.25, 0) and len(held) == 4 and held != heldout_combos(0.25, 1)
