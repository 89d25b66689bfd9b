"""RMT's method pieces: budget, length reward and its correctness gate, curriculum, prefix-matching reward, top-k
entropy, GRPO advantages and loss (against trl on identical inputs), the dual NTP term (against transformers), and
the sampler (KV cache vs a plain re-encoding loop)."""
import math
from collections import defaultdict
from types import SimpleNamespace

import pytest
import torch

from lmrepro.papers.rmt import method as M


# -- budget and rewards --------------------------------------------------------------------------------------------
def test_token_budget_decays_from_b0_to_the_floor():
    budgets = [M.token_budget(s, 120, 8.0, 2.0, 0.5, 2.0) for s in range(120)]
    assert budgets[0] == 8.0 and budgets[-1] == 2.0
    assert all(a >= b for a, b in zip(budgets, budgets[1:]))
    assert budgets[59] == pytest.approx(8.0 * 0.5 ** (2 * 59 / 119))
    assert M.token_budget(119, 120, 8.0, 3.0, 0.5, 2.0) == 3.0  # the floor binds before the end
    assert min(M.token_budget(s, 120, 8.0, 3.0, 0.5, 2.0) for s in range(120)) == 3.0


@pytest.mark.parametrize("length, budget, expected", [(0, 4, 1.0), (4, 4, 1.0), (5, 4, 0.75), (6, 4, 0.5),
                                                      (8, 4, 0.0), (12, 4, 0.0), (3, 2.5, 0.8)])
def test_length_reward_is_triangular(length, budget, expected):
    assert M.length_reward(length, budget) == pytest.approx(expected)


def test_length_reward_is_gated_by_correctness():
    assert M.rmt_reward(0.0, 0, 4.0, 0.5) == 0.0  # short but wrong: nothing (no empty-thought hacking)
    assert M.rmt_reward(1.0, 2, 4.0, 0.5) == 1.5
    assert M.rmt_reward(1.0, 6, 4.0, 0.5) == 1.25
    assert M.rmt_reward(1.0, 9, 4.0, 0.5) == 1.0  # correct but past 2B: the match reward alone
    assert M.rmt_reward(1.0, 9, None, 0.5) == 1.0 and M.rmt_reward(0.0, 1, None, 0.5) == 0.0


# -- curriculum ----------------------------------------------------------------------------------------------------
def test_curriculum_moves_from_easy_to_hard():
    p0 = M.curriculum_probs(0.0, 3, 0.75)
    w = [math.exp(-(b ** 2) / (2 * 0.75 ** 2)) for b in range(3)]
    assert p0 == pytest.approx([x / sum(w) for x in w])
    assert M.curriculum_probs(1.0, 3, 0.75) == pytest.approx(p0[::-1])
    means = [sum(b * p for b, p in enumerate(M.curriculum_probs(t / 10, 3, 0.75))) for t in range(11)]
    assert all(a < b for a, b in zip(means, means[1:]))
    assert sum(M.curriculum_probs(0.37, 4, 0.75)) == pytest.approx(1.0)


def test_curriculum_skips_empty_bins_and_fails_when_none_has_positions():
    p = M.curriculum_probs(0.0, 3, 0.75, available=[False, True, True])
    assert p[0] == 0.0 and sum(p) == pytest.approx(1.0) and p[1] > p[2]
    with pytest.raises(ValueError, match="no bin"):
        M.curriculum_probs(0.5, 2, 0.75, available=[False, False])


# -- prefix-matching reward ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("prediction, gold, expected", [
    (" Paris", [" Paris", " is", " nice"], 1.0),
    (" Paris is", [" Paris", " is", " nice"], 1.0),   # several tokens, ends on a boundary
    (" Par", [" Paris", " is"], 0.0),                 # strict sub-token prefix (spec pitfall)
    (" Paris i", [" Paris", " is"], 0.0),             # runs into the next token without finishing it
    ("Paris", [" Paris", " is"], 0.0),                # the leading space is part of the token
    (" London", [" Paris"], 0.0),
    ("", [" Paris"], 0.0),                            # an empty answer is wrong
    (" Paris is nice too", [" Paris", " is", " nice"], 0.0),  # longer than the continuation
    ("1", ["1", " 3", " ;"], 1.0),                    # the arithmetic world's word-level tokens
    ("1 3", ["1", " 3", " ;"], 1.0),
    ("13", ["1", " 3"], 0.0),
    ("é", ["é", "t"], 1.0),                           # boundaries are counted in bytes
])
def test_prefix_match_reward(prediction, gold, expected):
    assert M.prefix_match_reward(prediction, gold) == expected


# -- token difficulty ----------------------------------------------------------------------------------------------
def test_topk_entropy_and_bins():
    uniform = torch.zeros(2, 8)
    assert M.topk_entropy(uniform, 16) == pytest.approx(torch.full((2,), math.log(8)))
    assert M.topk_entropy(uniform, 4) == pytest.approx(torch.full((2,), 4 / 8 * math.log(8)))
    peaked = torch.tensor([[20.0, 0, 0, 0]])
    assert float(M.topk_entropy(peaked, 16)) < 1e-6
    h = torch.tensor([0.1, 0.5, 0.7, 1.0, 1.49, 1.5, 2.3])
    assert M.entropy_bins(h, [0.5, 1.0, 1.5]).tolist() == [0, 1, 1, 2, 2, 3, 3]


# -- GRPO ----------------------------------------------------------------------------------------------------------
def trl_advantages(rewards: torch.Tensor, group_size: int) -> torch.Tensor:
    """trl GRPOTrainer's group normalisation (scale_rewards="group"), with its own nanstd."""
    from trl.trainer.utils import nanstd

    grouped = rewards.view(-1, group_size)
    mean = grouped.mean(dim=1).repeat_interleave(group_size)
    std = nanstd(grouped, dim=1).repeat_interleave(group_size)
    return (rewards - mean) / (std + 1e-4)


def test_group_advantages_match_trl_and_skip_zero_variance_groups():
    rewards = torch.tensor([1.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0, 0.0, 1.25, 1.0, 1.5, 0.0])
    adv, keep = M.group_advantages(rewards, 4)
    ref = trl_advantages(rewards, 4)
    assert keep.tolist() == [True] * 4 + [False] * 4 + [True] * 4
    assert torch.allclose(adv[keep], ref[keep], atol=1e-6)
    assert adv[~keep].abs().sum() == 0 and not torch.isnan(adv).any()
    # hand-computed first group: mean 0.625, unbiased std = sqrt(((.375)^2 + 2 (.625)^2 + .875^2) / 3)
    std = math.sqrt((0.375 ** 2 + 2 * 0.625 ** 2 + 0.875 ** 2) / 3)
    assert float(adv[0]) == pytest.approx(0.375 / (std + 1e-4), rel=1e-6)


def trl_grpo_loss(logps, old_logps, advantages, mask, eps=0.2) -> torch.Tensor:
    """trl's own GRPOTrainer._compute_loss (loss_type="grpo", beta = 0) on the given per-token log-probs."""
    from trl.trainer.grpo_trainer import GRPOTrainer

    fake = SimpleNamespace(
        _get_per_token_logps_and_entropies=lambda *a, **k: (logps, torch.zeros_like(logps), None),
        aux_loss_enabled=False, top_entropy_quantile=1.0, off_policy_mask_threshold=None,
        importance_sampling_level="token", beta=0.0, loss_type="grpo", epsilon_low=eps, epsilon_high=eps,
        args=SimpleNamespace(delta=None), use_vllm=False, vllm_importance_sampling_correction=False,
        model=SimpleNamespace(training=True), current_gradient_accumulation_steps=1,
        _entropy_bonus_enabled=False, _metrics={"train": defaultdict(list), "eval": defaultdict(list)},
        accelerator=SimpleNamespace(gather=lambda x: x, reduce=lambda x, reduction="sum": x, num_processes=1))
    b, t = logps.shape
    inputs = {"prompt_ids": torch.zeros(b, 2, dtype=torch.long), "prompt_mask": torch.ones(b, 2, dtype=torch.long),
              "completion_ids": torch.zeros(b, t, dtype=torch.long), "completion_mask": mask.long(),
              "advantages": advantages, "old_per_token_logps": old_logps}
    return GRPOTrainer._compute_loss(fake, None, inputs)


def test_grpo_loss_matches_trl_with_clipping():
    g = torch.Generator().manual_seed(0)
    old = -torch.rand(6, 5, generator=g) * 3
    new = (old + torch.randn(6, 5, generator=g) * 0.4).requires_grad_()  # ratios well outside [0.8, 1.2]
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 0],
                         [1, 1, 1, 1, 1]], dtype=torch.float)
    adv = torch.tensor([1.2, -0.7, 0.0, 2.0, -1.5, 0.3])
    ours = M.grpo_loss(new, old, adv, mask, 0.2)
    theirs = trl_grpo_loss(new, old, adv, mask, 0.2)
    assert ours.item() == pytest.approx(theirs.item(), abs=1e-5)
    g_ours = torch.autograd.grad(ours, new, retain_graph=True)[0]
    g_theirs = torch.autograd.grad(theirs, new)[0]
    assert torch.allclose(g_ours, g_theirs, atol=1e-6)


def test_grpo_loss_on_policy_hand_case():
    # ratio 1 (old = new): loss = -mean_i A_i, and the gradient is -A_i / |o_i| per completion token
    logps = torch.tensor([[-1.0, -2.0, 0.0], [-0.5, 0.0, 0.0]], requires_grad=True)
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    adv = torch.tensor([1.0, -1.0])
    loss = M.grpo_loss(logps, logps.detach(), adv, mask)
    assert loss.item() == pytest.approx(0.0)
    (grad,) = torch.autograd.grad(loss, logps)
    assert torch.allclose(grad, torch.tensor([[-0.25, -0.25, 0.0], [0.5, 0.0, 0.0]]))


# -- dual NTP term and the sampler -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_model():
    from lmrepro.common.models import build_model

    torch.manual_seed(0)
    return build_model({"family": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 2, "n_positions": 64,
                        "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0}, vocab_size=20).eval()


def test_ntp_loss_matches_transformers(tiny_model):
    ids = torch.randint(0, 20, (3, 10), generator=torch.Generator().manual_seed(1))
    ours = M.ntp_loss(tiny_model, ids)
    assert ours.item() == pytest.approx(tiny_model(input_ids=ids, labels=ids).loss.item(), abs=1e-6)


def test_completion_logprobs_are_the_completion_tokens_logprobs(tiny_model):
    prompts, comps = [[1, 2, 3], [4, 5]], [[6, 7], [8, 9, 10]]
    with torch.no_grad():
        logps, mask = M.completion_logprobs(tiny_model, prompts, comps, pad_id=0)
    assert mask.tolist() == [[1, 1, 0], [1, 1, 1]]
    for i, (p, c) in enumerate(zip(prompts, comps)):
        full = torch.log_softmax(tiny_model(input_ids=torch.tensor([p + c])).logits[0], -1).detach()
        for j, tok in enumerate(c):
            assert float(logps[i, j]) == pytest.approx(float(full[len(p) - 1 + j, tok]), abs=1e-5)


def test_sampler_with_cache_matches_plain_greedy_decoding(tiny_model):
    g = torch.Generator().manual_seed(2)
    prompts = [torch.randint(1, 20, (int(n),), generator=g).tolist() for n in torch.randint(2, 9, (6,), generator=g)]
    stop = 5
    got = M.sample_completions(tiny_model, prompts, 7, 0.0, pad_id=0, stop_after_id=stop)
    for p, out in zip(prompts, got):
        seq, ref = list(p), []
        for _ in range(7):
            nxt = int(tiny_model(input_ids=torch.tensor([seq])).logits[0, -1].argmax())
            ref.append(nxt)
            seq.append(nxt)
            if len(ref) >= 2 and ref[-2] == stop:
                break
        assert out == ref


def test_sampling_is_seeded(tiny_model):
    prompts = [[1, 2, 3]] * 4
    a = M.sample_completions(tiny_model, prompts, 6, 1.0, 0, 5, torch.Generator().manual_seed(3))
    b = M.sample_completions(tiny_model, prompts, 6, 1.0, 0, 5, torch.Generator().manual_seed(3))
    assert a == b


def test_bad_midtrain_config_is_rejected():
    from lmrepro.papers.rmt.params import ArmsConfig, MidtrainConfig, RunConfig

    with pytest.raises(ValueError, match="group_size"):
        MidtrainConfig(group_size=1).check("midtrain")
    with pytest.raises(ValueError, match="arm"):
        RunConfig(arm="ppo").check("run")
    with pytest.raises(ValueError, match="rpt and rmt"):
        ArmsConfig(run=["ntp", "rmt"]).check("arms")


def test_sum_digit_mode_baseline():
    from lmrepro.papers.rmt.evaluate import sum_digit_mode_accuracy
    from lmrepro.worlds.arithmetic import make_line

    def doc(*lines):
        toks, labs = [], []
        for ops in lines:
            t, lab = make_line(list(ops))
            toks, labs = toks + t, labs + lab
        return {"text": " ".join(toks), "labels": labs}

    train = [doc((5, 5, 3), (9, 9, 5), (1, 1, 1))]  # tens: 1 1 0 -> mode "1"; units: 3 3 3 -> mode "3"
    held = [doc((0, 0, 3), (9, 9, 9))]              # 03 ; 27: tens hit 0/2, units hit 1/2
    positions = [(0, 7), (0, 8), (0, 16), (0, 17)]  # 1-based positions of the sum digits in [bos]-rows
    assert sum_digit_mode_accuracy(train, held, positions) == 0.25
