"""The LLM-as-judge client (lmrepro.common.judge) against a local stand-in of an OpenAI-compatible endpoint: the
prompt, the verdict parsing, the order swap, the key from the environment, off by default."""
import pytest

from lmrepro.common import judge as J
from lmrepro.common.standins import judge_server


def test_parse_verdict_takes_the_last_final_verdict():
    assert J.parse_verdict("A is long.\nFinal verdict: B") == "B"
    assert J.parse_verdict("final verdict: a ... on reflection Final Verdict: tie") == "tie"
    assert J.parse_verdict("I prefer A") is None


def test_judge_scores_both_orders_and_sends_the_key_only_in_the_header(monkeypatch):
    monkeypatch.setenv("JUDGE_KEY", "sk-test-123")
    items = [{"query": "q", "a": "a long answer", "b": "short", "rubric": "1. Be thorough."},
             {"query": "q", "a": "tiny", "b": "a longer answer", "rubric": "1. Be thorough."},
             {"query": "q", "a": "same", "b": "same", "rubric": "1. Be thorough."}]
    with judge_server() as (url, received):
        monkeypatch.setenv("LMREPRO_JUDGE_URL", url)
        cfg = J.JudgeConfig(enabled=True, base_url="https://unused.invalid/v1", model="judge-x", api_key_env="JUDGE_KEY")
        scores = J.judge_pairs(cfg, items)
    assert scores == [1.0, 0.0, 0.5]
    assert len(received) == 6 and {r["path"] for r in received} == {"/v1/chat/completions"}
    assert all(r["authorization"] == "Bearer sk-test-123" for r in received)
    assert all("sk-test-123" not in str(r["body"]) for r in received)
    assert received[0]["body"]["model"] == "judge-x" and received[0]["body"]["temperature"] == 0.0
    first, swapped = received[0]["body"]["messages"][0]["content"], received[1]["body"]["messages"][0]["content"]
    assert first.index("a long answer") < first.index("short") and swapped.index("short") < swapped.index("a long")


def test_judge_is_off_by_default_and_needs_its_key(monkeypatch):
    with pytest.raises(SystemExit, match="enabled is false"):
        J.judge_pairs(J.JudgeConfig(), [{"query": "q", "a": "x", "b": "y", "rubric": "r"}])
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    with pytest.raises(SystemExit, match="NO_SUCH_KEY"):
        J.judge_pairs(J.JudgeConfig(enabled=True, api_key_env="NO_SUCH_KEY"),
                      [{"query": "q", "a": "x", "b": "y", "rubric": "r"}])


def test_parse_final_response_follows_the_sami_repositorys_rule():
    assert J.parse_final_response("Comparison: A is vague.\n\nFinal Response: B") == "B"
    assert J.parse_final_response("Final Response: \"A\"") == "A"
    assert J.parse_final_response("Final Response: A and B are equal") == "tie"
    assert J.parse_final_response("I prefer A") == "tie"  # no final response: counted half, as the repository does


def test_random_order_protocol_calls_once_per_pair_with_shuffled_principles(monkeypatch):
    monkeypatch.setenv("JUDGE_KEY", "k")
    rubric = "1. Be thorough.\n2. Be kind.\n3. Be brief."
    items = [{"query": f"q{i}", "a": "a long answer", "b": "short", "rubric": rubric} for i in range(8)]
    items.append({"query": "q", "a": "same", "b": "same", "rubric": rubric})
    cfg = J.JudgeConfig(enabled=True, model="judge-x", api_key_env="JUDGE_KEY", protocol="random_order",
                        prompt="comparison")
    with judge_server() as (url, received):
        monkeypatch.setenv("LMREPRO_JUDGE_URL", url)
        scores = J.judge_pairs(cfg, items, seed=1)
        again = J.judge_pairs(cfg, items, seed=1)
    assert scores == again == [1.0] * 8 + [0.5]  # the longer answer wins wherever it was placed
    calls = received[:len(items)]
    assert len(received) == 2 * len(items)  # one call per pair
    assert calls[0]["body"]["messages"][0]["role"] == "system"
    prompts = [c["body"]["messages"][-1]["content"] for c in calls[:8]]
    a_first = [p.index("a long answer") < p.index("short") for p in prompts]
    assert 0 < sum(a_first) < 8  # positions drawn at random
    orders = {p.split("### PRINCIPLES\n")[1].split("\n\n")[0] for p in prompts}
    assert len(orders) > 1 and all(o.startswith("1. ") and "Be kind." in o for o in orders)
    with pytest.raises(ValueError, match="both_orders, random_order"):
        J.JudgeConfig(protocol="once").check("judge")
