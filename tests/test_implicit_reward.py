"""implicit_reward: the measurements (KL, ranking, token credit) by hand, and the data splits of prep."""
import pytest
import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.preference import completion_batch
from lmrepro.papers.implicit_reward.method import credit_hits, rank_accuracy, token_kl
from lmrepro.papers.implicit_reward.params import ArmsConfig, PrepConfig
from lmrepro.papers.implicit_reward.prep import from_world, last_turns
from lmrepro.worlds.feedback import FeedbackWorldConfig


class FixedLM(torch.nn.Module):
    """Next-token logits that depend only on the position (enough to check a KL by hand)."""

    def __init__(self, logits: torch.Tensor):
        super().__init__()
        self.table = logits

    def forward(self, input_ids, attention_mask=None):
        return type("Out", (), {"logits": self.table[: input_ids.size(1)].expand(input_ids.size(0), -1, -1)})


def test_token_kl_equals_the_kl_of_each_response_position_by_hand():
    torch.manual_seed(0)
    p_logits, q_logits = torch.randn(4, 5), torch.randn(4, 5)
    rows = completion_batch([([1, 2], [3, 4])], pad_id=0)  # targets at positions 2, 3 -> logits rows 1, 2
    p, q = torch.log_softmax(p_logits, -1), torch.log_softmax(q_logits, -1)
    by_hand = [float((p[t].exp() * (p[t] - q[t])).sum()) for t in (1, 2)]
    assert token_kl(FixedLM(p_logits[None]), FixedLM(q_logits[None]), rows) == pytest.approx(sum(by_hand) / 2)
    assert token_kl(FixedLM(p_logits[None]), FixedLM(p_logits[None]), rows) == pytest.approx(0.0, abs=1e-7)


def test_rank_accuracy_counts_strict_wins_of_the_chosen_half():
    assert rank_accuracy(torch.tensor([3.0, 1.0, 2.0, 2.0, 0.0, 2.0])) == pytest.approx(2 / 3)  # a tie loses


def test_credit_hits_finds_the_position_of_the_largest_token_gap():
    rows = completion_batch([([1, 2], [5, 6, 7])] * 2 + [([1, 2], [5, 8, 7])] * 2, pad_id=0)
    rewards = torch.zeros(4, 4)  # shifted positions: the response's tokens are at 1, 2, 3
    rewards[0, 2], rewards[2, 2] = 1.0, -1.0  # pair 0: the gap is at response token 1
    rewards[1, 3], rewards[3, 3] = 0.5, 0.0   # pair 1: the gap is at response token 2
    assert credit_hits(rewards, rows, [1, 1]) == [True, False]
    assert credit_hits(rewards, rows, [1, 2]) == [True, True]


def test_shuffled_batches_are_a_pure_function_of_seed_and_step():
    rows = {"x": torch.arange(8)}
    a, b = shuffled_batches(rows, 4, 7), shuffled_batches(rows, 4, 7)
    assert all(torch.equal(a(s)["x"], b(s)["x"]) for s in range(6))
    for first in (0, 2):  # each pass covers every row once, in a new order
        assert sorted(torch.cat([a(first)["x"], a(first + 1)["x"]]).tolist()) == list(range(8))
    assert not torch.equal(torch.cat([a(0)["x"], a(1)["x"]]), torch.cat([a(2)["x"], a(3)["x"]]))


def test_arms_differ_only_in_lr_and_refuse_an_unknown_arm():
    assert ArmsConfig(arm="high").lr == 3.0e-3 and ArmsConfig(arm="low").lr == 3.0e-4
    with pytest.raises(ValueError, match="arms.arm must be high or low"):
        ArmsConfig(arm="mid").check("arms")


def test_prep_keeps_heldout_entities_out_of_sft_and_dpo_data(tmp_path):
    stats = from_world(PrepConfig(n_dpo_pairs=50, n_eval_pairs=20), FeedbackWorldConfig(n_entities=60, n_heldout=20),
                       seed=0, tmp=tmp_path)
    world = read_json(tmp_path / "world.json")
    heldout = set(world["heldout"])
    sft = {r["name"] for r in read_jsonl(tmp_path / "sft.jsonl")}
    dpo = {r["name"] for r in read_jsonl(tmp_path / "dpo_pairs.jsonl")}
    assert stats["n_sft_entities"] == len(sft) == round(0.3 * 40) and not sft & heldout and dpo <= sft
    assert {r["name"] for r in read_jsonl(tmp_path / "eval_pairs.jsonl")} <= heldout
    assert {r["name"] for r in read_jsonl(tmp_path / "single_fact_pairs.jsonl")} == heldout
    corpus = " ".join(r["text"] for r in read_jsonl(tmp_path / "corpus.jsonl"))
    assert all(name in corpus for name in heldout)  # held-out facts are known from the corpus only


def test_last_turns_reads_the_first_user_assistant_exchange():
    msgs = [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "a"},
            {"role": "user", "content": "q2"}]
    assert last_turns(msgs) == ("q", "a") and last_turns(msgs[:2]) is None
