"""tl_training: the graded reward table, PKT key-token weights, the MAE split and the weighted loss, by hand."""
import math

import pytest
import torch

from lmrepro.papers.tl_training.data import (call_text, error_by_signature, lex, pkt_weights, turn_samples,
                                             weighted_sft_loss)
from lmrepro.papers.tl_training.params import SFTConfig
from lmrepro.papers.tl_training.reward import reward
from lmrepro.worlds import tools as W

TOOLS = ["count_pets", "get_color", "get_colour_code", "weather"]


@pytest.mark.parametrize("call,expected", [
    ("count_pets(owner='bo', kind='cat')", 1.0),
    ("count_pets(owner='bo', kind='dog')", -0.25),
    ("count_pets(owner='bo')", -0.5),                         # missing
    ("count_pets(owner='bo', kind='cat', id='x')", -0.8),     # hallucinated only
    ("count_pets(kind='cat', id='x')", -1.3),                 # hallucinated + missing
    ("get_color(person='bo')", -1.5),                         # listed, wrong tool
    ("get_age(person='bo')", -2.0),                           # not in the list
    ("count_pets(owner=bo)", -2.0),                           # unparsable
])
def test_reward_table_on_hand_built_calls(call, expected):
    assert reward(call, "count_pets(owner='bo', kind='cat')", TOOLS) == expected


def test_reward_redundant_levels():
    # weather(city, day=None): gold without `day`; `day` given = redundant
    gold = "weather(city='ka')"
    assert reward("weather(city='ka', day='2')", gold, TOOLS) == -0.5
    assert reward("weather(day='2')", gold, TOOLS) == -1.0                   # redundant + missing
    assert reward("weather(day='2', id='x')", gold, TOOLS) == -1.8           # hallucinated + redundant + missing


def test_pkt_weights_are_capped_ratio_on_the_first_and_diverging_pieces():
    pieces = lex("get_colour_code(color='red')")
    assert pieces[:3] == ["get", "_colour", "_code"]
    weights = pkt_weights(pieces, ["get_color", "get_colour_code", "weather"], max_weight=9.0)
    n_other = len(pieces) + 1 - 2  # keys: 'get' (first piece) and '_colour' (where get_color differs)
    assert weights[0] == weights[1] == n_other / 2 and weights[2:] == [1.0] * (len(weights) - 2)
    assert pkt_weights(pieces, ["weather"], max_weight=3.0)[0] == 3.0  # capped
    assert pkt_weights(lex("the answer is 3 ."), TOOLS, 9.0) == [1.0] * 6  # not a call


def test_mae_drops_exactly_the_turns_answered_by_an_error():
    cfg = W.ToolWorldConfig(p_teacher_error=1.0)
    world = W.build_world(cfg, 0)
    rows = W.sample_queries(world, cfg, 20, 0)
    for episode in W.teacher_trajectories(world, cfg, rows, 0):
        vanilla, mae = turn_samples(episode, mae=False), turn_samples(episode, mae=True)
        assert len(vanilla) == 3 and len(mae) == 2  # wrong call, gold call, answer -> gold call, answer
        assert call_text(mae[0]["target"]) == rows[episode["query_index"]]["gold"]
        assert vanilla[1]["context"][-1] == "assistant:" and "tool:" in mae[0]["context"]  # the error stays history
        feedback = [t for t in episode["turns"] if t["role"] == "tool"]
        assert [error_by_signature(t["content"]) for t in feedback] == [True, False]


def test_lex_and_call_text_round_trip_through_the_parser():
    call = "weather_forecast(place='zikefa', days='7')"
    assert W.parse_call(call_text(lex(call))) == ("weather_forecast", {"place": "zikefa", "days": "7"})


def test_weighted_loss_by_hand():
    logits = torch.zeros(1, 3, 4)
    logits[0, 0, 2] = math.log(3.0)  # p(2 | pos 0) = 3/6
    batch = {"input_ids": torch.tensor([[0, 2, 1]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
             "loss_mask": torch.tensor([[0, 1, 1]]), "loss_weight": torch.tensor([[0.0, 3.0, 1.0]])}
    model = lambda input_ids, attention_mask: type("Out", (), {"logits": logits})  # noqa: E731
    loss, _ = weighted_sft_loss(model, batch)
    assert float(loss) == pytest.approx((3 * math.log(2) + math.log(4)) / 4, rel=1e-6)


def test_sft_config_refuses_unknown_arm():
    with pytest.raises(ValueError, match="arm must be one of"):
        SFTConfig(arm="rlhf").check("sft")
